package workflow

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"golang.org/x/net/idna"

	"github.com/openbeian/beian"
)

// A provider adopting Beian has records it filed with MIIT through its old
// system. ImportRecords brings them in, so that the compliance loop, the
// pre-check's record facts and 我的备案 know them as if Beian had filed them.
// Each item is its own transaction: good items go in, bad ones are refused
// with their reasons, and importing the same file again changes nothing.

// MaxRecordImportItems bounds one import.
const MaxRecordImportItems = 100000

// RecordImport is one filed subject with its services, as the old system
// holds it. The account is named by ID or by its main login.
type RecordImport struct {
	// Account names the account by login or by ID, as the decoder is told
	// (DecodeRecordImports); AccountID and AccountLogin say which.
	Account      string                `json:"account,omitempty"`
	AccountID    string                `json:"account_id,omitempty"`
	AccountLogin string                `json:"account_login,omitempty"`
	Number       string                `json:"subject_number"` // 主体备案号
	Subject      beian.Subject         `json:"subject"`
	FiledOn      beian.Date            `json:"filed_on,omitempty"`
	Services     []RecordServiceImport `json:"services"`
}

// RecordServiceImport is one filed website or APP: exactly one of Website
// and App. Access lists its access records; none means one active access
// at this provider on the service's IPs.
type RecordServiceImport struct {
	Number  string               `json:"number"` // 网站/APP备案号, e.g. 京ICP备04000001号-2
	Website *beian.Website       `json:"website,omitempty"`
	App     *beian.App           `json:"app,omitempty"`
	Access  []RecordAccessImport `json:"access,omitempty"`
}

// RecordAccessImport is one access record of an imported service.
type RecordAccessImport struct {
	Provider string          `json:"provider,omitempty"`
	Ours     *bool           `json:"ours,omitempty"` // default true
	IPs      []beian.IPRange `json:"ips,omitempty"`  // default the service's IPs
	BureauID string          `json:"bureau_id,omitempty"`
}

// Outcomes of one imported item.
const (
	ImportImported = "imported"
	ImportUpdated  = "updated"
	ImportRefused  = "refused"
)

// RecordImportItem is what happened to one item. Errors say why it was
// refused, each with its field (services[1].number …) and message key.
type RecordImportItem struct {
	Index     int // position in the file, from 0
	Number    string
	Outcome   string
	SubjectID string
	Errors    []*beian.Error
}

// RecordImportResult is the outcome of an import, item by item.
type RecordImportResult struct {
	Items                      []RecordImportItem
	Imported, Updated, Refused int
}

// Ways an import file's "account" names the account.
const (
	AccountByLogin = "login"
	AccountByID    = "id"
)

// DecodeRecordImports reads a JSON array of RecordImport. Unknown fields
// are refused, so that a misspelt field is not silently dropped. Each
// item's "account" is the account's main login or its ID, as accountBy
// says (AccountByLogin, AccountByID); account_id and account_login win
// over it. Errors: EINVALID (record_import.json, record_import.too_many).
func DecodeRecordImports(b []byte, accountBy string) ([]RecordImport, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var items []RecordImport
	if err := dec.Decode(&items); err != nil {
		return nil, beian.Invalid("", "record_import.json", "detail", jsonProblem(err)).WithCause(err)
	}
	if dec.More() {
		return nil, beian.Invalid("", "record_import.json", "detail", "trailing data")
	}
	if len(items) > MaxRecordImportItems {
		return nil, beian.Invalid("", "record_import.too_many", "max", strconv.Itoa(MaxRecordImportItems))
	}
	for i := range items {
		it := &items[i]
		if it.AccountID == "" && it.AccountLogin == "" {
			if accountBy == AccountByID {
				it.AccountID = it.Account
			} else {
				it.AccountLogin = it.Account
			}
		}
		it.Account = ""
	}
	return items, nil
}

// jsonProblem describes a decoding error without quoting the file's values.
func jsonProblem(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return "syntax error at byte " + strconv.FormatInt(e.Offset, 10)
	case *json.UnmarshalTypeError:
		return "wrong type for " + e.Field + " at byte " + strconv.FormatInt(e.Offset, 10)
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return strings.TrimPrefix(msg, "json: ")
	}
	return "malformed JSON"
}

// preparedImport is a validated item, ready to write.
type preparedImport struct {
	accountID    string
	accountLogin string
	filedOn      beian.Date
	number       beian.ICPNumber
	subject      beian.Subject
	services     []beian.RecordService
	domains      []string
}

// ImportRecords imports records filed with MIIT before Beian. Each item is
// validated and written in its own transaction with its audit event
// (record.import): a new subject number is imported; one imported before
// is updated (services matched by number); one Beian filed itself is
// refused, as is anything invalid or repeated within the file. Admins only.
// Errors: EFORBIDDEN, EINVALID (too many items); per-item problems are in
// the result.
func (w *Workflow) ImportRecords(ctx context.Context, u *beian.User, items []RecordImport, source string) (RecordImportResult, error) {
	var res RecordImportResult
	if !isStaff(u) { // admins only
		return res, errForbidden()
	}
	if len(items) > MaxRecordImportItems {
		return res, beian.Invalid("", "record_import.too_many", "max", strconv.Itoa(MaxRecordImportItems))
	}
	seen := fileKeys{subjects: map[string]int{}, certs: map[string]int{}, services: map[string]int{}, domains: map[string]int{}}
	for i := range items {
		it := RecordImportItem{Index: i, Number: strings.TrimSpace(items[i].Number)}
		p, errs := prepareImport(&items[i])
		errs = append(errs, seen.claim(i, p)...)
		if len(errs) == 0 {
			err := w.store.Update(ctx, func(tx beian.Tx) error {
				outcome, id, refused, err := writeImport(ctx, tx, u, p, source)
				it.Outcome, it.SubjectID, errs = outcome, id, refused
				return err
			})
			if err != nil {
				if e, ok := beian.AsError(err); ok && (e.Code == beian.EINVALID || e.Code == beian.ECONFLICT) {
					errs = append(errs, e)
				} else {
					return res, err
				}
			}
		}
		if len(errs) > 0 {
			it.Outcome, it.SubjectID, it.Errors = ImportRefused, "", errs
		}
		switch it.Outcome {
		case ImportImported:
			res.Imported++
		case ImportUpdated:
			res.Updated++
		default:
			res.Refused++
		}
		res.Items = append(res.Items, it)
	}
	return res, nil
}

// fileKeys remembers what earlier items of the file claimed, so that a
// subject, certificate, service number or domain is imported once.
type fileKeys struct {
	subjects, certs, services, domains map[string]int
}

func (k fileKeys) claim(i int, p *preparedImport) []*beian.Error {
	if p == nil {
		return nil
	}
	var errs []*beian.Error
	dup := func(m map[string]int, key, field string) {
		if prev, ok := m[key]; ok && key != "" {
			errs = append(errs, beian.Invalid(field, "record_import.duplicate", "item", strconv.Itoa(prev+1)))
			return
		}
		m[key] = i
	}
	dup(k.subjects, p.number.String(), "subject_number")
	dup(k.certs, string(p.subject.CertificateType)+"|"+p.subject.CertificateNumber, "subject.certificate_number")
	for j := range p.services {
		dup(k.services, p.services[j].Number.String(), "services["+strconv.Itoa(j)+"].number")
	}
	for _, d := range p.domains {
		dup(k.domains, d, "domains")
	}
	return errs
}

// prepareImport validates an item on its own and builds the records.
func prepareImport(in *RecordImport) (*preparedImport, []*beian.Error) {
	var errs []*beian.Error
	bad := func(field, key string, params ...string) {
		errs = append(errs, beian.Invalid(field, key, params...))
	}
	p := &preparedImport{accountID: strings.TrimSpace(in.AccountID), accountLogin: strings.TrimSpace(in.AccountLogin),
		subject: in.Subject, filedOn: in.FiledOn}
	if p.accountID == "" && p.accountLogin == "" {
		bad("account", "record_import.account")
	}
	num, err := beian.ParseICPNumber(in.Number)
	switch {
	case err != nil:
		bad("subject_number", "record_import.number", "kind", "subject")
	case !num.IsSubject():
		bad("subject_number", "record_import.subject_number_service")
	default:
		p.number = num
	}
	s := &p.subject
	s.Name = strings.TrimSpace(s.Name)
	s.CertificateNumber = strings.ToUpper(strings.TrimSpace(s.CertificateNumber))
	if s.Province == "" && !p.number.IsZero() {
		s.Province = p.number.Province.Code
	}
	if _, ok := beian.ProvinceByCode(s.Province); !ok {
		bad("subject.province", "record_import.province")
	} else if !p.number.IsZero() && p.number.Province.Code != s.Province {
		bad("subject_number", "record_import.number_province", "number", p.number.String())
	}
	if !s.Nature.Valid() {
		bad("subject.nature", "record_import.nature")
	}
	if s.Name == "" {
		bad("subject.name", "record_import.name")
	}
	switch {
	case !s.CertificateType.Valid():
		bad("subject.certificate_type", "record_import.certificate_type")
	case s.Nature.Valid() && !s.Nature.AllowsCertificate(s.CertificateType):
		bad("subject.certificate_type", "record_import.certificate_nature")
	default:
		if k := certificateProblem(s.CertificateType, s.CertificateNumber); k != "" {
			bad("subject.certificate_number", k)
		}
	}
	errs = append(errs, personProblems("subject.principal", &s.Principal)...)
	seenDomain := map[string]bool{}
	for j := range in.Services {
		svc, domains, serrs := prepareService(in.Services[j], "services["+strconv.Itoa(j)+"]", p.number)
		errs = append(errs, serrs...)
		for _, d := range domains {
			if seenDomain[d] {
				bad("services["+strconv.Itoa(j)+"].domains", "record_import.domain_repeated", "domain", d)
			}
			seenDomain[d] = true
			p.domains = append(p.domains, d)
		}
		if svc != nil {
			p.services = append(p.services, *svc)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

// personProblems checks a responsible person's name and certificate.
func personProblems(field string, p *beian.Person) []*beian.Error {
	var errs []*beian.Error
	p.Name = strings.TrimSpace(p.Name)
	p.CertificateNumber = strings.ToUpper(strings.TrimSpace(p.CertificateNumber))
	if p.Name == "" {
		errs = append(errs, beian.Invalid(field+".name", "record_import.name"))
	}
	if !p.CertificateType.Valid() {
		errs = append(errs, beian.Invalid(field+".certificate_type", "record_import.certificate_type"))
	} else if k := certificateProblem(p.CertificateType, p.CertificateNumber); k != "" {
		errs = append(errs, beian.Invalid(field+".certificate_number", k))
	}
	return errs
}

// importDomain returns the canonical form of a filed domain: lower case,
// no trailing dot, Unicode labels for Punycode ones.
func importDomain(s string) (string, bool) {
	d := beian.NormalizeDomain(strings.NewReplacer("。", ".", "．", ".", "｡", ".").Replace(s))
	if strings.Contains(d, "xn--") {
		u, err := idna.ToUnicode(d)
		if err != nil {
			return d, false
		}
		d = strings.ToLower(u)
	}
	return d, domainProblem(d) == ""
}

func prepareService(in RecordServiceImport, field string, subject beian.ICPNumber) (*beian.RecordService, []string, []*beian.Error) {
	var errs []*beian.Error
	bad := func(f, key string, params ...string) {
		errs = append(errs, beian.Invalid(field+f, key, params...))
	}
	svc := &beian.RecordService{Status: beian.RecordFiled}
	num, err := beian.ParseICPNumber(in.Number)
	switch {
	case err != nil:
		bad(".number", "record_import.number", "kind", "service")
	case num.IsSubject():
		bad(".number", "record_import.service_number_subject")
	case !subject.IsZero() && num.Subject() != subject:
		bad(".number", "record_import.service_number_extends", "number", num.String(), "subject", subject.String())
	default:
		svc.Number, svc.Kind = num, num.Kind
	}
	var domains *[]string
	var ips []beian.IPRange
	var principal *beian.Person
	switch {
	case (in.Website == nil) == (in.App == nil):
		bad("", "record_import.service_one")
		return nil, nil, errs
	case in.Website != nil:
		site := *in.Website
		site.Name, site.RecordID, site.ID = strings.TrimSpace(site.Name), "", ""
		svc.Website = &site
		domains, ips, principal = &site.Domains, site.IPs, &site.Principal
		if svc.Kind != "" && svc.Kind != beian.KindWebsite {
			bad(".number", "record_import.kind", "number", num.String())
		}
		if len(site.Domains) == 0 {
			bad(".website.domains", "record_import.domains")
		}
		if site.Name == "" {
			bad(".website.name", "record_import.name")
		}
		principal = &site.Principal
		field += ".website"
	default:
		app := *in.App
		app.Name, app.RecordID, app.ID = strings.TrimSpace(app.Name), "", ""
		svc.App = &app
		domains, ips, principal = &app.Domains, app.IPs, &app.Principal
		if svc.Kind == beian.KindWebsite {
			bad(".number", "record_import.kind", "number", num.String())
		}
		if app.Name == "" {
			bad(".app.name", "record_import.name")
		}
		field += ".app"
	}
	var out []string
	for k, d := range *domains {
		n, ok := importDomain(d)
		if !ok {
			errs = append(errs, beian.Invalid(field+".domains["+strconv.Itoa(k)+"]", "record_import.domain", "domain", strings.TrimSpace(d)))
			continue
		}
		(*domains)[k] = n
		out = append(out, n)
	}
	for k, r := range ips {
		if !r.Valid() {
			errs = append(errs, beian.Invalid(field+".ips["+strconv.Itoa(k)+"]", "record_import.ip"))
		}
	}
	errs = append(errs, personProblems(field+".principal", principal)...)
	for k, a := range in.Access {
		acc := beian.AccessRecord{Provider: strings.TrimSpace(a.Provider), Ours: a.Ours == nil || *a.Ours, IPs: a.IPs,
			BureauID: strings.TrimSpace(a.BureauID), Status: beian.AccessActive}
		if len(acc.IPs) == 0 {
			acc.IPs = ips
		}
		for m, r := range acc.IPs {
			if !r.Valid() {
				errs = append(errs, beian.Invalid(strings.TrimSuffix(strings.TrimSuffix(field, ".website"), ".app")+
					".access["+strconv.Itoa(k)+"].ips["+strconv.Itoa(m)+"]", "record_import.ip"))
			}
		}
		svc.Access = append(svc.Access, acc)
	}
	if len(in.Access) == 0 {
		svc.Access = []beian.AccessRecord{{Ours: true, IPs: ips, Status: beian.AccessActive}}
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	return svc, out, nil
}

// writeImport resolves the item against the store and writes it. Refusals
// come back as the third result; the second is the subject's ID.
func writeImport(ctx context.Context, tx beian.Tx, u *beian.User, p *preparedImport, source string) (string, string, []*beian.Error, error) {
	refuse := func(field, key string, params ...string) (string, string, []*beian.Error, error) {
		e := beian.Errorf(beian.ECONFLICT, key, params...)
		e.Field = field
		return "", "", []*beian.Error{e}, nil
	}
	invalid := func(field, key string, params ...string) (string, string, []*beian.Error, error) {
		return "", "", []*beian.Error{beian.Invalid(field, key, params...)}, nil
	}
	now := tx.Now()
	// The account, by ID or by its main login.
	var acct *beian.Account
	if p.accountID != "" {
		a, err := notFoundIsNil(tx.FindAccount(ctx, p.accountID))
		switch {
		case err != nil:
			return "", "", nil, err
		case a == nil:
			return invalid("account", "record_import.account_unknown")
		case a.Disabled:
			return invalid("account", "record_import.account_disabled")
		}
		acct = a
	} else {
		a, _, err := findAccountByName(ctx, tx, p.accountLogin, "account")
		switch {
		case beian.ErrorCode(err) == beian.EINVALID:
			return invalid("account", "record_import.account_unknown")
		case err != nil:
			return "", "", nil, err
		}
		acct = a
	}
	// The subject: by number, and by certificate for one filed under
	// another number.
	existing, err := notFoundIsNil(tx.FindRecordByNumber(ctx, p.number))
	if err != nil {
		return "", "", nil, err
	}
	byCert, err := notFoundIsNil(tx.FindRecordBySubjectCertificate(ctx, p.subject.CertificateNumber))
	if err != nil {
		return "", "", nil, err
	}
	if byCert != nil && byCert.Subject.Status != beian.RecordCancelled && (existing == nil || byCert.Subject.ID != existing.Subject.ID) {
		return refuse("subject.certificate_number", "record_import.subject_other_number", "number", byCert.Subject.Number.String())
	}
	if existing != nil {
		// Only a record this import wrote may be written again: one Beian
		// filed (or synced from the bureau) begins with another event.
		evs, err := tx.AuditEventsFor(ctx, "record_subject", existing.Subject.ID)
		if err != nil {
			return "", "", nil, err
		}
		if len(evs) == 0 || evs[0].Action != "record.import" {
			return refuse("subject_number", "record_import.filed_here", "number", p.number.String())
		}
		if existing.Subject.Subject.CertificateNumber != p.subject.CertificateNumber {
			return refuse("subject.certificate_number", "record_import.certificate_changed", "number", p.number.String())
		}
	}
	// The account files one subject.
	if acct.SubjectCertificate != "" && acct.SubjectCertificate != p.subject.CertificateNumber {
		return refuse("account", "record_import.account_bound")
	}
	if other, err := notFoundIsNil(tx.FindRecordByAccount(ctx, acct.ID)); err != nil {
		return "", "", nil, err
	} else if other != nil && other.Subject.Status != beian.RecordCancelled && (existing == nil || other.Subject.ID != existing.Subject.ID) {
		return refuse("account", "record_import.account_bound")
	}
	// Domains filed under another subject.
	for _, d := range p.domains {
		svcs, err := tx.FindServicesByDomain(ctx, d)
		if err != nil {
			return "", "", nil, err
		}
		for _, s := range svcs {
			if s.Status != beian.RecordCancelled && (existing == nil || s.SubjectID != existing.Subject.ID) {
				return refuse("domains", "record_import.domain_filed", "domain", d, "number", s.Number.String())
			}
		}
	}

	filedAt := now
	if !p.filedOn.IsZero() {
		filedAt = p.filedOn.Time(beian.ChinaTime).UTC()
	}
	status := beian.RecordFiled
	if len(p.services) == 0 {
		status = beian.RecordEmptyShell
	}
	outcome := ImportImported
	var rec *beian.Record
	if existing == nil {
		rs := &beian.RecordSubject{AccountID: acct.ID, Subject: p.subject, Number: p.number, Status: status, FiledAt: filedAt}
		if err := tx.CreateRecordSubject(ctx, rs); err != nil {
			return "", "", nil, err
		}
		rec = &beian.Record{Subject: *rs}
	} else {
		outcome = ImportUpdated
		rec = existing
		rs := &rec.Subject
		rs.AccountID, rs.Subject, rs.Number, rs.FiledAt = acct.ID, p.subject, p.number, filedAt
		if rs.Status != beian.RecordCancelled || len(p.services) > 0 {
			rs.Status = status
		}
		if err := tx.UpdateRecordSubject(ctx, rs); err != nil {
			return "", "", nil, err
		}
	}
	created, updated := 0, 0
	for i := range p.services {
		in := p.services[i]
		in.SubjectID, in.FiledAt = rec.Subject.ID, filedAt
		var old *beian.RecordService
		for j := range rec.Services {
			if rec.Services[j].Number == in.Number {
				old = &rec.Services[j]
			}
		}
		if old == nil {
			for k := range in.Access {
				in.Access[k].CreatedAt = filedAt
			}
			if err := tx.CreateRecordService(ctx, &in); err != nil {
				return "", "", nil, err
			}
			created++
			continue
		}
		// Keep the access records' IDs and dates where the provider and
		// IPs are unchanged, so that a re-import changes nothing.
		for k := range in.Access {
			in.Access[k].CreatedAt = filedAt
			for _, a := range old.Access {
				if a.Provider == in.Access[k].Provider && a.Ours == in.Access[k].Ours && sameRanges(a.IPs, in.Access[k].IPs) {
					in.Access[k].ID, in.Access[k].CreatedAt = a.ID, a.CreatedAt
					if in.Access[k].BureauID == "" {
						in.Access[k].BureauID = a.BureauID
					}
				}
			}
		}
		in.ID, in.Version, in.BureauID = old.ID, old.Version, old.BureauID
		if err := tx.UpdateRecordService(ctx, &in); err != nil {
			return "", "", nil, err
		}
		updated++
	}
	if acct.SubjectCertificate == "" {
		acct.SubjectCertificate = p.subject.CertificateNumber
		if err := tx.UpdateAccount(ctx, acct); err != nil {
			return "", "", nil, err
		}
		if err := audit(ctx, tx, u.ID, "account.bind_subject", "account", acct.ID, map[string]any{"source": "record.import"}); err != nil {
			return "", "", nil, err
		}
	}
	// No personal data in the event: the number, the counts and the file.
	if err := audit(ctx, tx, u.ID, "record.import", "record_subject", rec.Subject.ID, map[string]any{"source": source,
		"number": p.number.String(), "account": acct.ID, "outcome": outcome, "services_created": created, "services_updated": updated}); err != nil {
		return "", "", nil, err
	}
	return outcome, rec.Subject.ID, nil, nil
}

func sameRanges(a, b []beian.IPRange) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"record_import.json":                   {ZH: "备案导入文件不是有效的 JSON 数组（{detail}）。请按 docs/record-import.md 的格式导出。", EN: "The record file is not a valid JSON array ({detail}). Export it in the format of docs/record-import.md."},
		"record_import.too_many":               {ZH: "一次最多导入 {max} 条备案。请拆分文件后分批导入。", EN: "At most {max} records per import. Split the file."},
		"record_import.account":                {ZH: "请填写备案所属的账号（账号ID或主账号登录名）。", EN: "Name the account the record belongs to (its ID or main login)."},
		"record_import.account_unknown":        {ZH: "备案所属的账号不存在。请核对账号ID或登录名。", EN: "The record's account does not exist. Check the account ID or login."},
		"record_import.account_disabled":       {ZH: "备案所属的账号已停用，不能导入。", EN: "The record's account is disabled; the record cannot be imported into it."},
		"record_import.account_bound":          {ZH: "该账号已绑定其他备案主体，一个账号只能备案一个主体。", EN: "The account already files another subject; one account files one subject."},
		"record_import.number":                 {ZH: "备案号格式不正确，应如「京ICP备04000001号」（网站/APP另加「-序号」）。", EN: "Malformed ICP number; expected e.g. 京ICP备04000001号 (services add -n)."},
		"record_import.subject_number_service": {ZH: "主体备案号不应带「-序号」；请填写主体的备案号。", EN: "The subject number carries no -n suffix; enter the subject's own number."},
		"record_import.service_number_subject": {ZH: "网站/APP备案号须带「-序号」。", EN: "A website or APP number carries its -n suffix."},
		"record_import.service_number_extends": {ZH: "服务备案号 {number} 不属于主体备案号 {subject}。", EN: "Service number {number} does not extend the subject number {subject}."},
		"record_import.number_province":        {ZH: "备案号 {number} 与主体的备案省份不符。", EN: "Number {number} is not of the subject's filing province."},
		"record_import.province":               {ZH: "备案省份代码不正确（两位行政区划代码，如 11）。", EN: "Unknown filing province code (two digits, e.g. 11)."},
		"record_import.nature":                 {ZH: "主体性质未知。", EN: "Unknown subject nature."},
		"record_import.name":                   {ZH: "请填写名称。", EN: "Enter the name."},
		"record_import.certificate_type":       {ZH: "证件类型未知。", EN: "Unknown certificate type."},
		"record_import.certificate_nature":     {ZH: "该主体性质不能使用此证件类型。", EN: "This certificate type does not go with the subject's nature."},
		"record_import.service_one":            {ZH: "每个服务须且只能填写 website 或 app 之一。", EN: "Each service has exactly one of website and app."},
		"record_import.kind":                   {ZH: "备案号 {number} 的后缀与服务类型（网站/APP）不符。", EN: "The suffix of {number} does not match the service kind (website or APP)."},
		"record_import.domains":                {ZH: "网站须至少有一个域名。", EN: "A website has at least one domain."},
		"record_import.domain":                 {ZH: "域名「{domain}」格式不正确。", EN: "Domain {domain} is malformed."},
		"record_import.domain_repeated":        {ZH: "域名「{domain}」在同一主体下重复出现。", EN: "Domain {domain} appears twice under the subject."},
		"record_import.domain_filed":           {ZH: "域名「{domain}」已在其他备案（{number}）下。", EN: "Domain {domain} is already filed under another record ({number})."},
		"record_import.ip":                     {ZH: "IP 地址段不正确（起止地址须同为 IPv4 或 IPv6，且起始不大于结束）。", EN: "Invalid IP range (both ends of one family, start not above end)."},
		"record_import.duplicate":              {ZH: "与文件中第 {item} 条重复。每个主体、证件、备案号和域名只能出现一次。", EN: "Repeats item {item} of the file. Each subject, certificate, number and domain appears once."},
		"record_import.filed_here":             {ZH: "主体 {number} 是本系统备案的记录，导入不能覆盖。", EN: "Subject {number} was filed through Beian itself; an import cannot overwrite it."},
		"record_import.subject_other_number":   {ZH: "该主体证件已以备案号 {number} 备案。", EN: "The subject's certificate is already filed under number {number}."},
		"record_import.certificate_changed":    {ZH: "主体 {number} 已导入，但证件号码不同；证件变更请办理变更备案。", EN: "Subject {number} was imported with another certificate number; a certificate change is a change filing."},
	})
}
