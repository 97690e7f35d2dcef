package workflow

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/cnid"
	"github.com/openbeian/beian/rules"
)

// FilingStatus is what a look-up knows about a domain or a subject: filed
// or not, and its numbers. It mirrors isp_querybeianstatus (Bazt, Ztbah,
// Wzbah, Wzmc), plus where the access is when the source knows it.
type FilingStatus struct {
	// Filed is true when the domain or subject is filed (Bazt = 0).
	Filed bool
	// SubjectNumber is the subject's ICP number (主体备案号, Ztbah).
	SubjectNumber string
	// ServiceNumber and ServiceName are the website's number and name
	// (Wzbah, Wzmc), for domain look-ups.
	ServiceNumber string
	ServiceName   string
	// Provider names the access provider when the source knows it; the
	// bureau's answer does not say.
	Provider string
	// Here is true when the source knows the access is at this provider.
	Here bool
}

// FilingLookup answers "is this filed?" for the filing-type check
// (验证备案类型). The MIIT exchange implements it with
// isp_querybeianstatus against the province's bureau; [RecordsLookup]
// answers from our own records. Both return (nil or a zero status, nil)
// for "not filed" and an error only when the look-up itself failed, which
// the check reports as a warning and then decides from our records alone.
type FilingLookup interface {
	// DomainStatus looks up a website domain (registrable, normalised).
	DomainStatus(ctx context.Context, province, domain string) (*FilingStatus, error)
	// SubjectStatus looks up a subject by its certificate; the nature
	// tells apart the organisation code certificates V3.0 queries by
	// separate types.
	SubjectStatus(ctx context.Context, province string, nature beian.Nature, certType beian.CertificateType, certificate string) (*FilingStatus, error)
}

// ErrLookupUnsupported is what a FilingLookup returns when the source
// cannot be asked about a subject at all: V3.0's isp_querybeianstatus
// knows eleven certificate types (a passport, a resident ID, a business
// licence …), not, say, a Hong Kong and Macau travel permit. The check
// then decides from our records and says why.
var ErrLookupUnsupported = errors.New("workflow: the filing look-up cannot ask about this certificate type")

// SetLookup sets the look-up of the filing-type check after New, for a
// look-up built on the workflow itself (the exchange's FilingLookup); nil
// decides from our records alone. Call it before the workflow serves.
func (w *Workflow) SetLookup(l FilingLookup) { w.lookup = l }

// askLookup asks the look-up about the subject and, for a website, its
// domain, both at once so that the wait is one look-up's at most. Any
// failure discards both answers: half an answer could misname the type
// (a domain filed elsewhere with the subject unknown reads as a
// certificate that does not match).
func (w *Workflow) askLookup(ctx context.Context, in *VerifyInput) (subj, dom *FilingStatus, err error) {
	var wg sync.WaitGroup
	var domErr error
	if in.ServiceKind == beian.KindWebsite {
		wg.Go(func() { dom, domErr = w.lookup.DomainStatus(ctx, in.Province, in.ServiceName) })
	}
	subj, err = w.lookup.SubjectStatus(ctx, in.Province, in.Nature, in.CertificateType, in.CertificateNumber)
	wg.Wait()
	if err == nil {
		err = domErr
	}
	if err != nil {
		return nil, nil, err
	}
	return subj, dom, nil
}

// RecordsLookup returns a FilingLookup backed by our own records: what the
// check would see anyway, for installations without a bureau connection.
func RecordsLookup(store beian.Store) FilingLookup { return recordsLookup{store} }

type recordsLookup struct{ store beian.Store }

// DomainStatus implements FilingLookup from our records: the live service
// listing the domain, if any.
func (l recordsLookup) DomainStatus(ctx context.Context, province, domain string) (*FilingStatus, error) {
	var st *FilingStatus
	err := l.store.View(ctx, func(tx beian.Tx) error {
		svcs, err := tx.FindServicesByDomain(ctx, domain)
		if err != nil {
			return err
		}
		for i := range svcs {
			s := &svcs[i]
			if s.Status == beian.RecordCancelled {
				continue
			}
			st = &FilingStatus{Filed: true, ServiceNumber: s.Number.String(), SubjectNumber: s.Number.Subject().String(),
				ServiceName: s.Name(), Here: activeAccessHere(s)}
			return nil
		}
		return nil
	})
	return st, err
}

// SubjectStatus implements FilingLookup from our records.
func (l recordsLookup) SubjectStatus(ctx context.Context, province string, _ beian.Nature, certType beian.CertificateType, certificate string) (*FilingStatus, error) {
	var st *FilingStatus
	err := l.store.View(ctx, func(tx beian.Tx) error {
		rec, err := notFoundIsNil(tx.FindRecordBySubjectCertificate(ctx, certificate))
		if err != nil || rec == nil || rec.Subject.Status == beian.RecordCancelled {
			return err
		}
		st = &FilingStatus{Filed: true, SubjectNumber: rec.Subject.Number.String(), Here: true}
		return nil
	})
	return st, err
}

// activeAccessHere reports whether the service has a live access record at
// this provider.
func activeAccessHere(s *beian.RecordService) bool {
	for _, a := range s.Access {
		if a.Ours && a.Status == beian.AccessActive {
			return true
		}
	}
	return false
}

// VerifyInput is the filing-type check's form (spec §4.2(a)).
type VerifyInput struct {
	Province          string
	Nature            beian.Nature
	SubjectName       string
	CertificateType   beian.CertificateType
	CertificateNumber string
	// ServiceKind is KindWebsite or KindApp; ServiceName the domain or the
	// APP's name.
	ServiceKind beian.ServiceKind
	ServiceName string
	// ResourceID is the chosen resource, or AuthCode the authorization
	// code typed in (product verification); one of them.
	ResourceID string
	AuthCode   string
}

// normalize trims what people type around values.
func (in *VerifyInput) normalize() {
	in.Province = strings.TrimSpace(in.Province)
	in.SubjectName = strings.TrimSpace(in.SubjectName)
	in.CertificateNumber = strings.ToUpper(strings.Join(strings.Fields(in.CertificateNumber), ""))
	in.ServiceName = strings.TrimSpace(in.ServiceName)
	if in.ServiceKind == beian.KindWebsite {
		in.ServiceName = strings.NewReplacer("。", ".", "．", ".", "｡", ".").Replace(beian.NormalizeDomain(in.ServiceName))
	}
	in.ResourceID = strings.TrimSpace(in.ResourceID)
	in.AuthCode = strings.TrimSpace(in.AuthCode)
}

// ResourceOption is one of the account's resources as product
// verification offers it: Problems says why it is greyed out (reason and
// fix), empty when it can be chosen.
type ResourceOption struct {
	Resource *beian.Resource
	Problems []*beian.Error
}

// Eligible reports whether the resource can be chosen.
func (o ResourceOption) Eligible() bool { return len(o.Problems) == 0 }

// Verification is the outcome of the filing-type check: the detected type
// and the facts it rests on, explained in words; what stops the order and
// how to fix it; and the product verification.
type Verification struct {
	Input VerifyInput
	// Type is the detected filing type; "" when the facts allow none (a
	// mismatched certificate, a domain of another subject, already here).
	Type beian.OrderType
	// Explanation sums the detection up ("主体和域名均未备案 → 首次备案").
	Explanation beian.Text
	// Facts are the looked-up facts, one line each.
	Facts []beian.Text
	// Problems stop the order: each names the field and says reason and fix.
	Problems []*beian.Error
	// Warnings are advice that does not stop it.
	Warnings []*beian.Error
	// NeedsResource is true for the types that need product verification;
	// ResourceProblems are why the chosen resource or code is refused.
	NeedsResource    bool
	ResourceProblems []*beian.Error
	// Resources are the account's resources, eligible or greyed out.
	Resources []ResourceOption
	// Resource or AuthCode is the accepted product verification.
	Resource *beian.Resource
	AuthCode *beian.AuthCode
	// Sources says where the facts were looked up: our records alone, or
	// our records and the bureau (isp_querybeianstatus), and why the
	// bureau was not asked when it was not.
	Sources beian.Text
	// Record is the account's own filed subject when the check found it,
	// used to prefill the order; nil for other accounts' subjects.
	Record *beian.Record
	// Service is the account's filed service a new access acts on.
	Service *beian.RecordService

	// record is the subject's record here under any account; autoGrant
	// says the code is used through the issuer's whitelist.
	record    *beian.Record
	autoGrant bool
}

// OK reports whether an order can start from the check.
func (v *Verification) OK() bool {
	return v.Type != "" && len(v.Problems) == 0 && len(v.ResourceProblems) == 0
}

// vtext renders a message key in both languages.
func vtext(key string, params ...string) beian.Text {
	e := beian.Errorf(beian.EINVALID, key, params...)
	return beian.Text{ZH: e.Message(beian.LangZH), EN: e.Message(beian.LangEN)}
}

// VerifyFilingType runs the filing-type check (验证备案类型, spec §3, §4.2):
// it validates the form, looks the subject and the domain or APP up in our
// records and, when configured, at the bureau, detects the filing type and
// explains it, applies the account and concurrency rules (one account, one
// subject; one order in progress per subject) and verifies the resource or
// authorization code. It changes nothing. Callers: customers and
// sub-users with BeianAdministrator. Errors: EFORBIDDEN; problems are in
// the result, not errors.
func (w *Workflow) VerifyFilingType(ctx context.Context, u *beian.User, in VerifyInput) (*Verification, error) {
	if u == nil || u.AccountID == "" || !canCreateFor(u, u.AccountID) {
		return nil, beian.Errorf(beian.EFORBIDDEN, "verify.forbidden")
	}
	in.normalize()
	v := &Verification{Input: in}
	w.validateVerify(v)
	now := w.clock.Now()

	// The bureau first, outside the transaction: it is a remote call.
	var bureauSubj, bureauDom *FilingStatus
	switch {
	case w.lookup == nil:
		v.Sources = vtext("verify.sources.records")
	case len(v.Problems) > 0:
		// The form is wrong: nothing is looked up, so no source to name.
	default:
		var err error
		bureauSubj, bureauDom, err = w.askLookup(ctx, &in)
		switch {
		case errors.Is(err, ErrLookupUnsupported):
			v.Sources = vtext("verify.sources.records_only")
			v.Warnings = append(v.Warnings, beian.Errorf(beian.EUNAVAILABLE, "verify.bureau_not_queryable"))
		case err != nil:
			// The look-ups keep the form's values (personal data) out of
			// their errors, so the cause can be logged.
			w.log.WarnContext(ctx, "filing look-up failed; deciding from our records", "err", err)
			v.Sources = vtext("verify.sources.records_only")
			v.Warnings = append(v.Warnings, beian.Errorf(beian.EUNAVAILABLE, "verify.bureau_unavailable"))
		default:
			v.Sources = vtext("verify.sources.bureau")
		}
	}
	err := w.store.View(ctx, func(tx beian.Tx) error {
		if err := w.loadVerifyResources(ctx, tx, u, v, now); err != nil {
			return err
		}
		if len(v.Problems) > 0 {
			return nil // the form is wrong: nothing to look up yet
		}
		return w.detect(ctx, tx, u, v, bureauSubj, bureauDom, now)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// validateVerify checks the form's fields, each problem on its field.
func (w *Workflow) validateVerify(v *Verification) {
	in := &v.Input
	bad := func(field, key string, params ...string) {
		v.Problems = append(v.Problems, beian.Invalid(field, key, params...))
	}
	if _, ok := beian.ProvinceByCode(in.Province); !ok || len(in.Province) != 2 {
		bad("province", "verify.province")
	}
	if !in.Nature.Valid() {
		bad("nature", "verify.nature")
	}
	if in.SubjectName == "" || utf8.RuneCountInString(in.SubjectName) > 100 {
		bad("subject_name", "verify.subject_name")
	}
	switch {
	case !in.CertificateType.Valid():
		bad("certificate_type", "verify.certificate_type")
	case in.Nature.Valid() && !in.Nature.AllowsCertificate(in.CertificateType):
		n, c := in.Nature.Text(), in.CertificateType.Text()
		bad("certificate_type", "verify.certificate_type_nature", "nature", n.ZH, "nature_en", n.EN, "cert", c.ZH, "cert_en", c.EN)
	}
	if key := certificateProblem(in.CertificateType, in.CertificateNumber); key != "" {
		bad("certificate_number", key)
	} else if in.Nature.Valid() && !in.Nature.IsIndividual() && len(in.Province) == 2 {
		// Units file where their certificate was issued (spec §4.2(a)); a
		// USCC carries the registering region.
		if c, err := cnid.ParseUSCC(in.CertificateNumber); err == nil && usccTyped(in.CertificateType) {
			if r := c.Region(); !strings.HasPrefix(r, "10") && !strings.HasPrefix(r, in.Province) {
				p, _ := beian.ProvinceByCode(r[:2])
				bad("province", "verify.province_certificate", "province", p.Name, "province_en", p.NameEN)
			}
		}
	}
	switch in.ServiceKind {
	case beian.KindWebsite:
		if key := domainProblem(in.ServiceName); key != "" {
			bad("service_name", key)
		}
	case beian.KindApp:
		if in.ServiceName == "" || utf8.RuneCountInString(in.ServiceName) > 64 {
			bad("service_name", "verify.app_name")
		}
	default:
		bad("service_kind", "verify.service_kind")
	}
}

func usccTyped(c beian.CertificateType) bool {
	return c == beian.CertBusinessLicence || c == beian.CertUSCC
}

// certificateProblem returns the message key of what is wrong with a
// certificate number, for the types whose format is standard, or "".
func certificateProblem(t beian.CertificateType, number string) string {
	if number == "" {
		return "verify.certificate_number"
	}
	var err error
	switch t {
	case beian.CertResidentID:
		_, err = cnid.ParseResidentID(number)
	case beian.CertBusinessLicence, beian.CertUSCC:
		_, err = cnid.ParseUSCC(number)
	case beian.CertOrgCode:
		_, err = cnid.ParseOrgCode(number)
	default:
		if len(number) < 4 || len(number) > 64 {
			return "verify.certificate_number"
		}
	}
	if err != nil {
		if cnid.ErrorCode(err) == cnid.CodeChecksum {
			return "verify.certificate_checksum"
		}
		return "verify.certificate_format"
	}
	return ""
}

// domainProblem returns the message key of what is wrong with a domain as
// the check needs it — a registrable domain, not a host under it — or "".
func domainProblem(d string) string {
	if d == "" {
		return "verify.domain"
	}
	if strings.Contains(d, "://") || strings.ContainsAny(d, "/:@ ") {
		return "verify.domain_format"
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > 253 {
		return "verify.domain_format"
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "verify.domain_format"
		}
		for _, r := range l {
			if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > utf8.RuneSelf) {
				return "verify.domain_format"
			}
		}
	}
	suffix, _ := rules.DefaultRegistry().Suffix(d)
	if strings.Count(d, ".") > strings.Count(suffix, ".")+1 {
		return "verify.domain_subdomain"
	}
	return ""
}

// loadVerifyResources lists the account's resources with their
// eligibility and checks the chosen resource or code.
func (w *Workflow) loadVerifyResources(ctx context.Context, tx beian.Tx, u *beian.User, v *Verification, now time.Time) error {
	rs, err := tx.FindResources(ctx, beian.ResourceFilter{AccountID: u.AccountID})
	if err != nil {
		return err
	}
	for _, r := range rs {
		v.Resources = append(v.Resources, ResourceOption{Resource: r, Problems: r.Eligibility(now)})
	}
	return nil
}

// sameName compares subject names as registries print them: full-width
// and half-width brackets alike, spaces ignored.
func sameName(a, b string) bool {
	r := strings.NewReplacer("（", "(", "）", ")", " ", "", "\u3000", "")
	return r.Replace(a) == r.Replace(b)
}

// detect looks the subject and service up and decides the type.
func (w *Workflow) detect(ctx context.Context, tx beian.Tx, u *beian.User, v *Verification, bureauSubj, bureauDom *FilingStatus, now time.Time) error {
	in := &v.Input
	problem := func(field, key string, params ...string) {
		v.Problems = append(v.Problems, beian.Invalid(field, key, params...))
	}
	rec, err := notFoundIsNil(tx.FindRecordBySubjectCertificate(ctx, in.CertificateNumber))
	if err != nil {
		return err
	}
	if rec != nil && rec.Subject.Status == beian.RecordCancelled {
		rec = nil // a cancelled subject files anew (spec §3 row 6)
	}
	v.record = rec
	if rec != nil && rec.Subject.AccountID == u.AccountID {
		v.Record = rec
	}

	// The subject.
	subjFiled := rec != nil || bureauSubj != nil && bureauSubj.Filed
	subjNumber := ""
	switch {
	case rec != nil:
		subjNumber = rec.Subject.Number.String()
		v.Facts = append(v.Facts, vtext("verify.fact.subject_here", "number", orDash(subjNumber)))
	case subjFiled:
		subjNumber = bureauSubj.SubjectNumber
		v.Facts = append(v.Facts, vtext("verify.fact.subject_elsewhere", "number", orDash(subjNumber)))
	default:
		v.Facts = append(v.Facts, vtext("verify.fact.subject_unfiled"))
	}
	if rec != nil {
		s := &rec.Subject.Subject
		if s.Province != in.Province {
			p, _ := beian.ProvinceByCode(s.Province)
			problem("province", "verify.province_record", "province", p.Name, "province_en", p.NameEN)
		}
		if s.CertificateType != in.CertificateType {
			c := s.CertificateType.Text()
			problem("certificate_type", "verify.certificate_type_record", "cert", c.ZH, "cert_en", c.EN)
		}
		if !sameName(s.Name, in.SubjectName) {
			problem("subject_name", "verify.subject_name_record", "name", s.Name)
		}
		if s.Nature != in.Nature {
			n := s.Nature.Text()
			problem("nature", "verify.nature_record", "nature", n.ZH, "nature_en", n.EN)
		}
	}

	// One account, one subject (spec §6.1.1), both ways.
	if err := w.verifyBinding(ctx, tx, u, v, rec); err != nil {
		return err
	}
	// One order in progress per subject (spec §6.1.2).
	busy, _, err := tx.FindOrders(ctx, beian.OrderFilter{SubjectCertificate: in.CertificateNumber, States: inProgressStates(), Limit: 1})
	if err != nil {
		return err
	}
	if len(busy) == 0 && rec != nil {
		if busy, err = subjectOrdersInProgress(ctx, tx, rec); err != nil {
			return err
		}
	}
	if len(busy) > 0 {
		t, st := busy[0].Type.Text(), busy[0].State.Text()
		problem("certificate_number", "verify.order_in_progress", "type", t.ZH, "type_en", t.EN, "state", st.ZH, "state_en", st.EN, "id", busy[0].ID)
	}
	// A filed subject all of whose services were cancelled (空壳主体)
	// cannot add services, except where the bureau allows it (spec §9.6).
	if rec != nil && rec.Subject.Status == beian.RecordEmptyShell {
		if pack, ok := w.over.Pack(in.Province); !ok || !pack.EmptyShellMayAddServices {
			problem("certificate_number", "verify.subject_empty_shell")
		}
	}

	// A subject filed here in the old system, bound to no account, is
	// claimed before anything else (spec §3 row 11).
	if rec != nil && rec.Subject.AccountID == "" {
		v.Type, v.Explanation = beian.Claim, vtext("verify.explain.claim")
		return nil
	}

	if in.ServiceKind == beian.KindApp {
		w.detectApp(v, rec, subjFiled)
	} else if err := w.detectWebsite(ctx, tx, v, rec, subjFiled, subjNumber, bureauDom); err != nil {
		return err
	}
	v.NeedsResource = v.Type == beian.FirstFiling || v.Type == beian.NewWebsite || v.Type == beian.NewApp || v.Type == beian.NewAccess
	if v.NeedsResource {
		return w.verifyProduct(ctx, tx, u, v, now)
	}
	return nil
}

// subjectOrdersInProgress returns the orders in progress on a filed
// subject found by its record ID (orders on a record may carry a changed
// snapshot).
func subjectOrdersInProgress(ctx context.Context, tx beian.Tx, rec *beian.Record) ([]*beian.Order, error) {
	if rec.Subject.AccountID == "" {
		return nil, nil
	}
	orders, _, err := tx.FindOrders(ctx, beian.OrderFilter{AccountID: rec.Subject.AccountID, States: inProgressStates(), Limit: 50})
	if err != nil {
		return nil, err
	}
	var out []*beian.Order
	for _, o := range orders {
		if o.RecordSubjectID == rec.Subject.ID {
			out = append(out, o)
		}
	}
	return out, nil
}

// verifyBinding applies one account ↔ one subject.
func (w *Workflow) verifyBinding(ctx context.Context, tx beian.Tx, u *beian.User, v *Verification, rec *beian.Record) error {
	in := &v.Input
	problem := func(key string, params ...string) {
		v.Problems = append(v.Problems, beian.Invalid("certificate_number", key, params...))
	}
	acct, err := notFoundIsNil(tx.FindAccountBySubjectCertificate(ctx, in.CertificateNumber))
	if err != nil {
		return err
	}
	switch {
	case acct != nil && acct.ID != u.AccountID:
		problem("verify.certificate_other_account", "account", acct.Name)
		return nil
	case rec != nil && rec.Subject.AccountID != "" && rec.Subject.AccountID != u.AccountID:
		other, err := notFoundIsNil(tx.FindAccount(ctx, rec.Subject.AccountID))
		if err != nil {
			return err
		}
		name := ""
		if other != nil {
			name = other.Name
		}
		problem("verify.certificate_other_account", "account", name)
		return nil
	}
	mine, err := notFoundIsNil(tx.FindAccount(ctx, u.AccountID))
	if err != nil {
		return err
	}
	if mine != nil && mine.SubjectCertificate != "" && normCert(mine.SubjectCertificate) != in.CertificateNumber {
		problem("verify.account_other_subject", "name", accountSubjectName(ctx, tx, u.AccountID))
		return nil
	}
	own, err := notFoundIsNil(tx.FindRecordByAccount(ctx, u.AccountID))
	if err != nil {
		return err
	}
	if own != nil && own.Subject.Status != beian.RecordCancelled && normCert(own.Subject.Subject.CertificateNumber) != in.CertificateNumber {
		problem("verify.account_other_subject", "name", own.Subject.Subject.Name)
	}
	// An account with a first filing in progress for another subject is
	// bound to it too, although nothing is filed yet.
	orders, _, err := tx.FindOrders(ctx, beian.OrderFilter{AccountID: u.AccountID, States: inProgressStates(), Limit: 50})
	if err != nil {
		return err
	}
	for _, o := range orders {
		if c := o.Snapshot.Subject.CertificateNumber; c != "" && normCert(c) != in.CertificateNumber && o.Type != beian.Migrate {
			problem("verify.account_other_subject", "name", o.Snapshot.Subject.Name)
			break
		}
	}
	return nil
}

// accountSubjectName names the subject an account files, for messages.
func accountSubjectName(ctx context.Context, tx beian.Tx, accountID string) string {
	if r, err := tx.FindRecordByAccount(ctx, accountID); err == nil {
		return r.Subject.Subject.Name
	}
	return "-"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// detectWebsite decides the type for a website domain.
func (w *Workflow) detectWebsite(ctx context.Context, tx beian.Tx, v *Verification, rec *beian.Record, subjFiled bool, subjNumber string, bureauDom *FilingStatus) error {
	in := &v.Input
	problem := func(key string, params ...string) {
		v.Problems = append(v.Problems, beian.Invalid("service_name", key, params...))
	}
	svcs, err := tx.FindServicesByDomain(ctx, in.ServiceName)
	if err != nil {
		return err
	}
	var svc *beian.RecordService
	for i := range svcs {
		if svcs[i].Status != beian.RecordCancelled {
			svc = &svcs[i]
			break
		}
	}
	domFiled := svc != nil || bureauDom != nil && bureauDom.Filed
	domNumber, domSubjectNumber := "", ""
	switch {
	case svc != nil:
		domNumber, domSubjectNumber = svc.Number.String(), svc.Number.Subject().String()
		if activeAccessHere(svc) {
			v.Facts = append(v.Facts, vtext("verify.fact.domain_here", "domain", in.ServiceName, "number", orDash(domNumber)))
		} else {
			v.Facts = append(v.Facts, vtext("verify.fact.domain_no_access", "domain", in.ServiceName, "number", orDash(domNumber)))
		}
	case domFiled:
		domNumber, domSubjectNumber = bureauDom.ServiceNumber, bureauDom.SubjectNumber
		v.Facts = append(v.Facts, vtext("verify.fact.domain_elsewhere", "domain", in.ServiceName, "number", orDash(domNumber)))
	default:
		v.Facts = append(v.Facts, vtext("verify.fact.domain_unfiled", "domain", in.ServiceName))
	}

	switch {
	case !subjFiled && !domFiled:
		v.Type, v.Explanation = beian.FirstFiling, vtext("verify.explain.first")
	case !subjFiled && domFiled:
		// "域名已备案，证件未备案": the certificate does not match the bureau's
		// record of the domain's subject (spec §3).
		v.Explanation = vtext("verify.explain.mismatch")
		problem("verify.domain_filed_certificate_not")
	case !domFiled:
		v.Type = beian.NewWebsite
		if rec != nil {
			v.Explanation = vtext("verify.explain.new_website_here")
		} else {
			v.Explanation = vtext("verify.explain.new_website_elsewhere")
		}
	default:
		own := svc != nil && rec != nil && svc.SubjectID == rec.Subject.ID ||
			svc == nil && (domSubjectNumber == "" || subjNumber == "" || domSubjectNumber == subjNumber)
		switch {
		case !own:
			v.Explanation = vtext("verify.explain.other_subject")
			problem("verify.domain_other_subject", "number", orDash(domSubjectNumber))
		case svc != nil && activeAccessHere(svc):
			v.Explanation = vtext("verify.explain.already_here")
			problem("verify.already_here", "number", orDash(domNumber))
		default:
			v.Type = beian.NewAccess
			if svc != nil {
				v.Explanation = vtext("verify.explain.new_access_here")
				if v.Record != nil {
					v.Service = svc
				}
			} else {
				v.Explanation = vtext("verify.explain.new_access_elsewhere")
			}
		}
	}
	return nil
}

// detectApp decides the type for an APP. The bureau's status query knows
// domains and subjects only, so an APP is matched by name among the
// subject's services here.
func (w *Workflow) detectApp(v *Verification, rec *beian.Record, subjFiled bool) {
	in := &v.Input
	if !subjFiled {
		v.Type, v.Explanation = beian.FirstFiling, vtext("verify.explain.first_app")
		v.Facts = append(v.Facts, vtext("verify.fact.app_unfiled", "name", in.ServiceName))
		return
	}
	if rec != nil {
		for i := range rec.Services {
			s := &rec.Services[i]
			if s.Kind != beian.KindApp || s.Status == beian.RecordCancelled || !sameName(s.Name(), in.ServiceName) {
				continue
			}
			if activeAccessHere(s) {
				v.Facts = append(v.Facts, vtext("verify.fact.app_here", "name", in.ServiceName, "number", orDash(s.Number.String())))
				v.Explanation = vtext("verify.explain.already_here")
				v.Problems = append(v.Problems, beian.Invalid("service_name", "verify.already_here", "number", orDash(s.Number.String())))
				return
			}
			v.Facts = append(v.Facts, vtext("verify.fact.app_no_access", "name", in.ServiceName, "number", orDash(s.Number.String())))
			v.Type, v.Explanation = beian.NewAccess, vtext("verify.explain.new_access_here")
			if v.Record != nil {
				v.Service = s
			}
			return
		}
	}
	v.Facts = append(v.Facts, vtext("verify.fact.app_unfiled", "name", in.ServiceName))
	v.Type = beian.NewApp
	if rec != nil {
		v.Explanation = vtext("verify.explain.new_app_here")
	} else {
		v.Explanation = vtext("verify.explain.new_app_elsewhere")
	}
}

// verifyProduct is product verification (产品验证, spec §4.2(b)): the
// chosen resource must be the account's and eligible, or the code must be
// valid and usable by the account.
func (w *Workflow) verifyProduct(ctx context.Context, tx beian.Tx, u *beian.User, v *Verification, now time.Time) error {
	in := &v.Input
	refuse := func(key string, params ...string) {
		v.ResourceProblems = append(v.ResourceProblems, beian.Invalid("resource", key, params...))
	}
	switch {
	case in.AuthCode != "":
		c, err := notFoundIsNil(tx.FindAuthCodeByCode(ctx, in.AuthCode))
		if err != nil {
			return err
		}
		if c == nil {
			refuse("verify.authcode_unknown")
			return nil
		}
		if _, err := settleAuthCode(ctx, tx, c, now); err != nil {
			return err
		}
		if c.State != beian.AuthCodeUnused && c.State != beian.AuthCodeGranted {
			st := c.State.Text()
			reason := beian.Errorf(beian.EINVALID, "authcode.invalid", "state", st.ZH, "state_en", st.EN)
			reason.Field = "resource"
			v.ResourceProblems = append(v.ResourceProblems, reason)
			return nil
		}
		if c.Holder() != u.AccountID {
			ok, err := whitelisted(ctx, tx, c, u.AccountID)
			if err != nil {
				return err
			}
			if !ok {
				refuse("authcode.not_holder")
				return nil
			}
			v.autoGrant = true
		}
		v.AuthCode = c
		v.Facts = append(v.Facts, vtext("verify.fact.authcode", "ip", c.IP.String()))
	case in.ResourceID != "":
		for _, o := range v.Resources {
			if o.Resource.ID != in.ResourceID {
				continue
			}
			if !o.Eligible() {
				v.ResourceProblems = append(v.ResourceProblems, o.Problems...)
				return nil
			}
			v.Resource = o.Resource
			v.Facts = append(v.Facts, vtext("verify.fact.resource", "name", o.Resource.Name, "left", quotaText(o.Resource)))
			return nil
		}
		refuse("verify.resource_unknown")
	default:
		refuse("verify.resource_required")
	}
	return nil
}

// quotaText says how many filings a resource has left.
func quotaText(r *beian.Resource) string {
	if n := r.QuotaLeft(); n >= 0 {
		return strconv.Itoa(n)
	}
	return "∞"
}

// whitelisted reports whether accountID may use the issuer's unused code
// through the auto-approval whitelist.
func whitelisted(ctx context.Context, tx beian.Tx, c *beian.AuthCode, accountID string) (bool, error) {
	if c.State != beian.AuthCodeUnused {
		return false, nil
	}
	list, err := tx.AutoApprovals(ctx, c.IssuerAccountID)
	if err != nil {
		return false, err
	}
	for _, a := range list {
		if a.AccountID == accountID {
			return true, nil
		}
	}
	return false, nil
}

// VerifyNotOKError is returned by StartVerified when the check does not
// allow an order; it carries the verification so the page can show why.
type VerifyNotOKError struct {
	Err          *beian.Error
	Verification *Verification
}

// Error returns the coded error's log text.
func (e *VerifyNotOKError) Error() string { return e.Err.Error() }

// Unwrap lets beian.ErrorCode and beian.ErrorMessage see the coded error.
func (e *VerifyNotOKError) Unwrap() error { return e.Err }

// StartVerified runs the filing-type check again — the form's hidden
// fields are never trusted — and, when it allows an order, creates the
// draft of the detected type with the checked values fixed in its basis
// (spec §6.1.7), reserves the authorization code, and prefills the
// snapshot from the account's record where there is one. Errors:
// EFORBIDDEN, *VerifyNotOKError (EINVALID), ECONFLICT when a concurrent
// order got in first.
func (w *Workflow) StartVerified(ctx context.Context, u *beian.User, in VerifyInput) (*beian.Order, *Verification, error) {
	v, err := w.VerifyFilingType(ctx, u, in)
	if err != nil {
		return nil, nil, err
	}
	if !v.OK() {
		return nil, v, &VerifyNotOKError{Err: beian.Errorf(beian.EINVALID, "verify.not_ok"), Verification: v}
	}
	in = v.Input
	var o *beian.Order
	err = w.store.Update(ctx, func(tx beian.Tx) error {
		now := tx.Now()
		// What may have changed since the check: a concurrent order, the
		// code's state.
		busy, _, err := tx.FindOrders(ctx, beian.OrderFilter{SubjectCertificate: in.CertificateNumber, States: inProgressStates(), Limit: 1})
		if err != nil {
			return err
		}
		if len(busy) > 0 {
			return beian.Errorf(beian.ECONFLICT, "order.subject_busy").WithRule("ORDER-SUBJECT-IN-PROGRESS")
		}
		snap := verifiedSnapshot(v)
		create := CreateOrderInput{AccountID: u.AccountID, Type: v.Type, Province: in.Province, Snapshot: snap}
		if v.Record != nil {
			create.RecordSubjectID = v.Record.Subject.ID
		} else if v.Type == beian.Claim && v.record != nil {
			create.RecordSubjectID = v.record.Subject.ID
		}
		if v.Service != nil {
			create.ServiceIDs = []string{v.Service.ID}
		}
		if o, err = w.createOrderTx(ctx, tx, u, create); err != nil {
			return err
		}
		basis := &beian.OrderBasis{OrderID: o.ID, AccountID: u.AccountID, Province: in.Province, Nature: in.Nature,
			SubjectName: in.SubjectName, CertificateType: in.CertificateType, CertificateNumber: in.CertificateNumber,
			ServiceKind: in.ServiceKind, ServiceName: in.ServiceName}
		if v.Resource != nil {
			basis.ResourceID = v.Resource.ID
		}
		if v.AuthCode != nil {
			c, err := tx.FindAuthCode(ctx, v.AuthCode.ID)
			if err != nil {
				return err
			}
			if _, err := settleAuthCode(ctx, tx, c, now); err != nil {
				return err
			}
			if v.autoGrant && c.State == beian.AuthCodeUnused {
				if err := c.Grant(u.AccountID, now); err != nil {
					return err
				}
				if err := audit(ctx, tx, u.ID, "authcode.auto_grant", "auth_code", c.ID, map[string]any{"grantee": u.AccountID}); err != nil {
					return err
				}
			}
			if err := c.Reserve(u.AccountID, o.ID, now); err != nil {
				return err
			}
			if err := tx.UpdateAuthCode(ctx, c); err != nil {
				return err
			}
			basis.AuthCodeID = c.ID
		}
		if err := tx.CreateOrderBasis(ctx, basis); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "order.verify", "order", o.ID, map[string]any{
			"type": o.Type, "service_kind": in.ServiceKind, "resource": basis.ResourceID, "auth_code": basis.AuthCodeID})
	})
	if err != nil {
		return nil, v, err
	}
	return o, v, nil
}

// verifiedSnapshot is the draft's first data: the subject as checked (or
// as filed, when the account's record has it) and the one website or APP,
// with the resource's addresses.
func verifiedSnapshot(v *Verification) beian.Snapshot {
	in := &v.Input
	snap := beian.Snapshot{Version: beian.SnapshotVersion}
	if v.Record != nil {
		snap.Subject = v.Record.Subject.Subject
	} else if v.Type == beian.Claim && v.record != nil {
		snap.Subject = v.record.Subject.Subject
	}
	snap.Subject.Province, snap.Subject.Nature, snap.Subject.Name = in.Province, in.Nature, in.SubjectName
	snap.Subject.CertificateType, snap.Subject.CertificateNumber = in.CertificateType, in.CertificateNumber
	if v.Type == beian.Claim {
		return snap
	}
	var ips []beian.IPRange
	switch {
	case v.Resource != nil:
		for _, a := range v.Resource.PublicIPs {
			ips = append(ips, beian.SingleIP(a))
		}
	case v.AuthCode != nil && v.AuthCode.IP.IsValid():
		ips = []beian.IPRange{beian.SingleIP(v.AuthCode.IP)}
	}
	if v.Service != nil {
		// New access keeps the filed data and adds our servers.
		if s := v.Service; s.Website != nil {
			site := *s.Website
			site.RecordID, site.IPs = s.ID, ips
			if site.ID == "" {
				site.ID = "site-1"
			}
			snap.Websites = []beian.Website{site}
		} else if s.App != nil {
			app := *s.App
			app.RecordID, app.IPs = s.ID, ips
			if app.ID == "" {
				app.ID = "app-1"
			}
			snap.Apps = []beian.App{app}
		}
		return snap
	}
	if in.ServiceKind == beian.KindApp {
		snap.Apps = []beian.App{{ID: "app-1", Name: in.ServiceName, IPs: ips}}
	} else {
		snap.Websites = []beian.Website{{ID: "site-1", Domains: []string{in.ServiceName}, IPs: ips}}
	}
	return snap
}

// OrderBasis returns what the order was started from — the fields the
// order form shows greyed out — or nil for an order without a basis (one
// created before bases existed). Errors: ENOTFOUND for orders u may not
// see.
func (w *Workflow) OrderBasis(ctx context.Context, u *beian.User, orderID string) (*beian.OrderBasis, error) {
	if _, err := w.Order(ctx, u, orderID); err != nil {
		return nil, err
	}
	var b *beian.OrderBasis
	err := w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		b, err = notFoundIsNil(tx.FindOrderBasis(ctx, orderID))
		return err
	})
	return b, err
}

// CheckBasis returns an EINVALID error (verify.immutable) for each field of
// snap that differs from what the order was started with (spec §6.1.7):
// the province and certificate always; the nature, subject name and the
// checked domain or APP name for orders from the filing-type check; the
// filed services' domains for changes (spec §3 row 5). The order form
// calls it on save; a nil basis allows everything.
func CheckBasis(o *beian.Order, b *beian.OrderBasis, snap *beian.Snapshot) []*beian.Error {
	if b == nil {
		return nil
	}
	var out []*beian.Error
	bad := func(field string) { out = append(out, beian.Invalid(field, "verify.immutable")) }
	s := &snap.Subject
	if s.Province != "" && s.Province != b.Province {
		bad("subject.province")
	}
	if b.CertificateNumber != "" && normCert(s.CertificateNumber) != normCert(b.CertificateNumber) {
		bad("subject.certificate_number")
	}
	if b.CertificateType != "" && s.CertificateType != b.CertificateType {
		bad("subject.certificate_type")
	}
	if o.Type.IsChange() || o.Type == beian.Transfer || o.Type == beian.Migrate || o.Type.IsCancellation() {
		return out
	}
	if b.Nature != "" && s.Nature != b.Nature {
		bad("subject.nature")
	}
	if b.SubjectName != "" && !sameName(s.Name, b.SubjectName) {
		bad("subject.name")
	}
	switch b.ServiceKind {
	case beian.KindWebsite:
		found := false
		for i := range snap.Websites {
			for _, d := range snap.Websites[i].Domains {
				found = found || beian.NormalizeDomain(d) == b.ServiceName
			}
		}
		if !found && len(snap.Websites) > 0 {
			bad("websites[0].domains")
		}
	case beian.KindApp:
		found := false
		for i := range snap.Apps {
			found = found || sameName(snap.Apps[i].Name, b.ServiceName)
		}
		if !found && len(snap.Apps) > 0 {
			bad("apps[0].name")
		}
	}
	return out
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"verify.forbidden":                    {ZH: "您没有发起备案的权限（需要主账号，或子用户所在用户组具有 BeianAdministrator 策略）。请联系主账号授权。", EN: "You may not start filings (it takes the main account, or a sub-user whose group has the BeianAdministrator policy). Ask the main account to grant it."},
		"verify.not_ok":                       {ZH: "备案类型验证未通过，请按提示修改后重新验证。", EN: "The filing-type check did not pass; fix what it says and check again."},
		"verify.province":                     {ZH: "请选择备案地域（省份）：单位选证件登记地所在省份，个人选身份证地址或居住地所在省份。", EN: "Choose the filing region: units choose the province that issued their certificate, individuals the province of their ID or residence."},
		"verify.province_certificate":         {ZH: "单位须在证件登记地所在省份备案：该统一社会信用代码登记于{province}。请将地域改为{province}。", EN: "Units file in the province that issued their certificate: this code was registered in {province_en}. Choose {province_en} as the region."},
		"verify.province_record":              {ZH: "该主体已在{province}备案，地域须与原备案一致。请将地域改为{province}；跨省迁址请先办理变更主体。", EN: "The subject is filed in {province_en}; the region must match. Choose {province_en}; a move to another province is a subject change first."},
		"verify.nature":                       {ZH: "请选择主办单位性质（如企业、个人、事业单位）。", EN: "Choose the subject's nature (enterprise, individual, public institution …)."},
		"verify.nature_record":                {ZH: "主办单位性质与原备案「{nature}」不一致；单位与个人之间不能互转。请选择「{nature}」。", EN: "The nature differs from the filed {nature_en}; units and individuals cannot convert. Choose {nature_en}."},
		"verify.subject_name":                 {ZH: "请填写主办单位名称（与证件上的名称完全一致，不超过100字）。", EN: "Enter the subject's name exactly as on the certificate (at most 100 characters)."},
		"verify.subject_name_record":          {ZH: "主办单位名称与备案信息「{name}」不一致。请按原备案填写；如名称已变更，请先在「我的备案」中办理变更主体。", EN: "The name differs from the filed name {name}. Enter it as filed; if it changed, change the subject under 我的备案 first."},
		"verify.certificate_type":             {ZH: "请选择证件类型。", EN: "Choose the certificate type."},
		"verify.certificate_type_nature":      {ZH: "「{nature}」不能使用「{cert}」备案。请选择该性质适用的证件类型。", EN: "A {nature_en} cannot file with a {cert_en}. Choose a certificate type for that nature."},
		"verify.certificate_type_record":      {ZH: "证件类型与原备案「{cert}」不一致；证件类型和号码须与工信部记录完全一致。请选择「{cert}」。", EN: "The certificate type differs from the filed {cert_en}; type and number must match the bureau's record. Choose {cert_en}."},
		"verify.certificate_number":           {ZH: "请填写证件号码。", EN: "Enter the certificate number."},
		"verify.certificate_format":           {ZH: "证件号码格式不正确。请对照证件逐位核对（统一社会信用代码18位，身份证号18位）。", EN: "The certificate number is malformed. Check it against the certificate (USCC: 18 characters; resident ID: 18 digits)."},
		"verify.certificate_checksum":         {ZH: "证件号码校验位不正确，可能有输错的字符。请对照证件逐位核对。", EN: "The certificate number's check character does not match; a character is probably mistyped. Check it against the certificate."},
		"verify.service_kind":                 {ZH: "请选择互联网信息服务类型：网站或APP。", EN: "Choose the kind of service: website or APP."},
		"verify.domain":                       {ZH: "请填写网站域名（如 example.com）。", EN: "Enter the website's domain (e.g. example.com)."},
		"verify.domain_format":                {ZH: "域名格式不正确。请只填写域名本身（如 example.com），不要带 http://、路径或端口。", EN: "The domain is malformed. Enter only the domain (e.g. example.com), without http://, a path or a port."},
		"verify.domain_subdomain":             {ZH: "请填写主域名（如 example.com），不要带 www 或其他子域名：备案以主域名为单位。", EN: "Enter the registered domain (e.g. example.com), without www or another sub-domain: filings are per registered domain."},
		"verify.app_name":                     {ZH: "请填写APP名称（不超过64字）。", EN: "Enter the APP's name (at most 64 characters)."},
		"verify.bureau_unavailable":           {ZH: "暂时无法查询工信部备案系统，本次结果仅依据本接入商的备案记录；提交后审核员会再次核实。", EN: "The bureau's filing system cannot be queried right now; this result rests on our own records, and the reviewer will check again."},
		"verify.bureau_not_queryable":         {ZH: "工信部备案系统的「是否备案查询」不支持按该证件类型查询，本次结果仅依据本接入商的备案记录；如该主体或域名已在其他接入商备案，审核员会再次核实。", EN: "The bureau's filing-status query cannot look up this certificate type, so this result rests on our own records; if the subject or domain is filed through another provider, the reviewer will check again."},
		"verify.sources.records":              {ZH: "查询来源：本接入商的备案记录（未连接工信部备案系统）", EN: "Looked up in: our own records (no connection to the bureau's filing system)"},
		"verify.sources.records_only":         {ZH: "查询来源：仅本接入商的备案记录（未能查询工信部备案系统）", EN: "Looked up in: our own records only (the bureau's filing system could not be asked)"},
		"verify.sources.bureau":               {ZH: "查询来源：本接入商的备案记录和工信部备案系统（是否备案查询）", EN: "Looked up in: our own records and the bureau's filing system (filing-status query)"},
		"verify.certificate_other_account":    {ZH: "该证件已在账号「{account}」下使用：一个主体只能在一个账号下备案。请登录该账号继续操作，或在该账号中办理「转移备案」将主体转到本账号。", EN: "This certificate is used under account {account}: a subject is filed under one account. Continue in that account, or transfer the subject here from it (转移备案)."},
		"verify.account_other_subject":        {ZH: "本账号已用于备案主体「{name}」：一个账号只能备案一个主体。请使用该主体的证件，或使用其他账号为新主体备案。", EN: "This account files the subject {name}: an account files one subject. Use that subject's certificate, or file the new subject from another account."},
		"verify.order_in_progress":            {ZH: "此证件存在进行中的订单（{type}，{state}，订单号 {id}），同一主体同时只能有一个进行中的订单。请等待该订单完成，或在订单页面放弃该订单后重新验证。", EN: "This certificate has an order in progress ({type_en}, {state_en}, order {id}); a subject has one order in progress at a time. Wait for it to finish, or abandon it on its page and check again."},
		"verify.subject_empty_shell":          {ZH: "该主体为空壳主体（所有网站/APP均已注销），所在省份不允许在空壳主体下新增。请先注销主体（约5个工作日），再重新进行首次备案。", EN: "The subject is an empty shell (all its services were cancelled), and this province does not allow adding to it. Cancel the subject first (about 5 working days), then file anew."},
		"verify.domain_filed_certificate_not": {ZH: "域名已备案，证件未备案：您填写的证件类型或号码与工信部的备案记录不一致。请核对证件类型和号码（须与原备案完全一致）；如该域名属于其他主体，须由原主体注销该网站或办理迁移后再备案。", EN: "The domain is filed but the certificate is not: the certificate type or number differs from the bureau's record. Check both (they must match the filing exactly); if the domain belongs to another subject, that subject must cancel or migrate the site first."},
		"verify.domain_other_subject":         {ZH: "该域名已在其他主体（{number}）下备案。如域名已转让给您，请原主体先注销该网站，或办理迁移备案。", EN: "The domain is filed under another subject ({number}). If it was transferred to you, the other subject cancels the site first, or migrates it."},
		"verify.already_here":                 {ZH: "该网站/APP已在本接入商备案并接入（{number}），无需再次备案。如需修改信息，请在「我的备案」中办理变更。", EN: "This website or APP is already filed with access here ({number}); no new filing is needed. To change its data, use 我的备案."},
		"verify.authcode_unknown":             {ZH: "授权码不存在。请核对后重新填写（授权码须手动粘贴，不会自动填充）。", EN: "No such authorization code. Check it and enter it again (codes are pasted by hand, never filled in automatically)."},
		"verify.resource_unknown":             {ZH: "所选资源不属于本账号。请从列表中选择本账号的资源，或使用备案授权码。", EN: "The chosen resource is not this account's. Choose one of this account's resources, or use an authorization code."},
		"verify.resource_required":            {ZH: "请选择用于备案的资源（包年/包月不少于3个月的境内云服务器等），或选择「备案授权码」并填写授权码。", EN: "Choose the resource to file with (a mainland server prepaid for at least 3 months …), or choose 备案授权码 and enter a code."},
		"verify.immutable":                    {ZH: "该信息在验证备案类型时已确定，不能修改。如填写有误，请放弃订单后重新验证备案类型。", EN: "This was fixed by the filing-type check and cannot change. If it is wrong, abandon the order and check the filing type again."},

		"verify.fact.subject_here":             {ZH: "主体：已在本接入商备案（{number}）", EN: "Subject: filed through us ({number})"},
		"verify.fact.subject_elsewhere":        {ZH: "主体：工信部备案系统显示已在其他接入商备案（{number}）", EN: "Subject: the bureau's filing system shows it filed through another provider ({number})"},
		"verify.fact.subject_unfiled":          {ZH: "主体：未备案", EN: "Subject: not filed"},
		"verify.fact.domain_here":              {ZH: "域名 {domain}：已备案并接入本接入商（{number}）", EN: "Domain {domain}: filed with access here ({number})"},
		"verify.fact.domain_no_access":         {ZH: "域名 {domain}：已在本接入商备案（{number}），但本接入商的接入已取消", EN: "Domain {domain}: filed through us ({number}), but our access was cancelled"},
		"verify.fact.domain_elsewhere":         {ZH: "域名 {domain}：工信部备案系统显示已在其他接入商备案（{number}）", EN: "Domain {domain}: the bureau's filing system shows it filed through another provider ({number})"},
		"verify.fact.domain_unfiled":           {ZH: "域名 {domain}：未备案", EN: "Domain {domain}: not filed"},
		"verify.fact.app_here":                 {ZH: "APP「{name}」：已备案并接入本接入商（{number}）", EN: "APP {name}: filed with access here ({number})"},
		"verify.fact.app_no_access":            {ZH: "APP「{name}」：已在本接入商备案（{number}），但本接入商的接入已取消", EN: "APP {name}: filed through us ({number}), but our access was cancelled"},
		"verify.fact.app_unfiled":              {ZH: "APP「{name}」：未在该主体下备案", EN: "APP {name}: not filed under this subject"},
		"verify.fact.resource":                 {ZH: "产品验证：资源「{name}」可用于备案（剩余可备案次数 {left}）", EN: "Product verification: resource {name} qualifies ({left} filings left)"},
		"verify.fact.authcode":                 {ZH: "产品验证：备案授权码有效，指向服务器 {ip}", EN: "Product verification: the authorization code is valid and points to server {ip}"},
		"verify.explain.first":                 {ZH: "主体和域名均未备案 → 首次备案", EN: "Neither the subject nor the domain is filed → first filing"},
		"verify.explain.first_app":             {ZH: "主体未备案 → 首次备案（APP）", EN: "The subject is not filed → first filing (APP)"},
		"verify.explain.mismatch":              {ZH: "域名已备案，证件未备案 → 证件与工信部记录不一致", EN: "Domain filed, certificate not → the certificate differs from the bureau's record"},
		"verify.explain.new_website_here":      {ZH: "主体已在本接入商备案，域名未备案 → 新增网站（原备案在本接入商）", EN: "Subject filed through us, domain not filed → new website (original filing here)"},
		"verify.explain.new_website_elsewhere": {ZH: "主体已在其他接入商备案，域名未备案 → 新增网站（原备案不在本接入商）", EN: "Subject filed through another provider, domain not filed → new website (original filing elsewhere)"},
		"verify.explain.new_app_here":          {ZH: "主体已在本接入商备案，APP未备案 → 新增APP（原备案在本接入商）", EN: "Subject filed through us, APP not filed → new APP (original filing here)"},
		"verify.explain.new_app_elsewhere":     {ZH: "主体已在其他接入商备案，APP未备案 → 新增APP（原备案不在本接入商）", EN: "Subject filed through another provider, APP not filed → new APP (original filing elsewhere)"},
		"verify.explain.new_access_here":       {ZH: "主体和网站/APP均已备案，但本接入商没有有效接入 → 新增接入（原备案在本接入商）", EN: "Subject and service filed, but without access here → new access (original filing here)"},
		"verify.explain.new_access_elsewhere":  {ZH: "主体和域名均已在其他接入商备案 → 新增接入（原备案不在本接入商）", EN: "Subject and domain filed through another provider → new access (original filing elsewhere)"},
		"verify.explain.other_subject":         {ZH: "主体已备案，但域名已在其他主体下备案 → 不能在本主体下备案", EN: "Subject filed, but the domain is filed under another subject → it cannot be filed under this one"},
		"verify.explain.already_here":          {ZH: "已在本接入商备案并接入 → 无需备案", EN: "Already filed with access here → nothing to file"},
		"verify.explain.claim":                 {ZH: "主体在本接入商旧系统中备案，尚未关联账号 → 认领备案", EN: "The subject was filed in our old system and belongs to no account yet → claim"},
	})
}
