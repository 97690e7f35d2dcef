package web

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/region"
)

// The wizard's form fields are named by the pre-check's field paths
// ("subject.principal.mobile", "websites[0].domains[1]"), so a finding's
// Field names the input it belongs to. flatten writes an order's snapshot
// as such values; parseStep reads one step's inputs back.

// The wizard's steps.
const (
	stepSubject   = "subject"
	stepPrincipal = "principal"
	stepWebsites  = "websites"
	stepApps      = "apps"
	stepCancel    = "cancel"
)

// wizardSteps returns the data steps an order of type t fills, in order.
// Cancellations and claims only state a reason; the rest edit the parts of
// the snapshot their type sends to the bureau.
func wizardSteps(t beian.OrderType) []string {
	switch t {
	case beian.FirstFiling, beian.NewAccess, beian.ChangeBoth, beian.Migrate:
		return []string{stepSubject, stepPrincipal, stepWebsites, stepApps}
	case beian.NewWebsite:
		return []string{stepSubject, stepPrincipal, stepWebsites}
	case beian.NewApp:
		return []string{stepSubject, stepPrincipal, stepApps}
	case beian.ChangeSubject:
		return []string{stepSubject, stepPrincipal}
	case beian.ChangeService:
		return []string{stepWebsites, stepApps}
	}
	return []string{stepCancel}
}

// stepOf returns the step a field path is edited on, "materials" for
// documents, or "" for the order as a whole.
func stepOf(path string) string {
	switch {
	case path == "subject.principal" || strings.HasPrefix(path, "subject.principal."):
		return stepPrincipal
	case path == "subject" || strings.HasPrefix(path, "subject."):
		return stepSubject
	case isMaterialMark(path):
		// A reviewer's mark on a document, the subject's or a service's
		// (workflow.MaterialField): replaced on the materials page.
		return "materials"
	case strings.HasPrefix(path, "websites"):
		return stepWebsites
	case strings.HasPrefix(path, "apps"):
		return stepApps
	case strings.HasPrefix(path, "materials"):
		return "materials"
	case path == "cancel_reason":
		return stepCancel
	}
	return ""
}

// stepRoot is the path of a step's outermost section.
func stepRoot(step string) string {
	switch step {
	case stepPrincipal:
		return "subject.principal"
	case stepCancel:
		return "cancel_reason"
	}
	return step
}

// parent returns the path one level up: "a.b[2]" → "a.b", "a.b" → "a",
// and "" at the top.
func parent(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i > 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexAny(path, ".["); i > 0 {
		return path[:i]
	}
	return ""
}

func idx(prefix string, i int) string { return prefix + "[" + strconv.Itoa(i) + "]" }

// flatten writes the snapshot's editable fields as form values by path.
// Lists get one empty row more than they hold, so that a value can be
// added without a button.
func flatten(s *beian.Snapshot) url.Values {
	v := url.Values{}
	set := func(path, val string) { v.Set(path, val) }
	flag := func(path string, b bool) {
		if b {
			v.Set(path, "1")
		} else {
			v.Set(path, "")
		}
	}
	sj := &s.Subject
	set("subject.province", sj.Province)
	set("subject.nature", string(sj.Nature))
	set("subject.name", sj.Name)
	set("subject.certificate_type", string(sj.CertificateType))
	set("subject.certificate_number", sj.CertificateNumber)
	set("subject.certificate_valid_until", sj.CertificateValidUntil.String())
	flag("subject.long_term", sj.LongTerm)
	set("subject.certificate_address", sj.CertificateAddress)
	set("subject.certificate_region", sj.CertificateRegion)
	set("subject.mailing_address.region", sj.MailingAddress.Region)
	set("subject.mailing_address.detail", sj.MailingAddress.Detail)
	set("subject.investor", sj.Investor)
	set("subject.legal_representative", sj.LegalRepresentative)
	set("subject.legal_representative_certificate_type", string(sj.LegalRepresentativeCertificateType))
	set("subject.remark", sj.Remark)
	flattenPerson(v, "subject.principal", &sj.Principal)
	for i := range s.Websites {
		w := &s.Websites[i]
		p := idx("websites", i)
		set(p+".id", w.ID)
		set(p+".name", w.Name)
		flattenList(v, p+".domains", w.Domains)
		set(p+".homepage_url", w.HomepageURL)
		flattenIPs(v, p+".ips", w.IPs)
		v[p+".service_content"] = w.ServiceContent
		v[p+".languages"] = w.Languages
		flattenPermits(v, p+".pre_approvals", w.PreApprovals)
		flag(p+".principal_same", samePersonData(&w.Principal, &sj.Principal))
		flattenPerson(v, p+".principal", &w.Principal)
		set(p+".remark", w.Remark)
	}
	for i := range s.Apps {
		a := &s.Apps[i]
		p := idx("apps", i)
		set(p+".id", a.ID)
		set(p+".name", a.Name)
		set(p+".icon_document_id", a.IconDocumentID)
		for k := range a.Releases {
			r := &a.Releases[k]
			rp := idx(p+".releases", k)
			set(rp+".platform", string(r.Platform))
			set(rp+".package_name", r.PackageName)
			set(rp+".public_key", r.PublicKey)
			set(rp+".signature_md5", r.SignatureMD5)
			set(rp+".domains", strings.Join(r.Domains, "\n"))
		}
		flattenList(v, p+".domains", a.Domains)
		flattenIPs(v, p+".ips", a.IPs)
		v[p+".service_content"] = a.ServiceContent
		v[p+".languages"] = a.Languages
		flattenPermits(v, p+".pre_approvals", a.PreApprovals)
		flag(p+".principal_same", samePersonData(&a.Principal, &sj.Principal))
		flattenPerson(v, p+".principal", &a.Principal)
		set(p+".remark", a.Remark)
	}
	set("cancel_reason", s.CancelReason)
	return v
}

func flattenPerson(v url.Values, p string, x *beian.Person) {
	v.Set(p+".name", x.Name)
	v.Set(p+".certificate_type", string(x.CertificateType))
	v.Set(p+".certificate_number", x.CertificateNumber)
	v.Set(p+".certificate_valid_from", x.CertificateValidFrom.String())
	v.Set(p+".certificate_valid_until", x.CertificateValidUntil.String())
	if x.LongTerm {
		v.Set(p+".long_term", "1")
	} else {
		v.Set(p+".long_term", "")
	}
	v.Set(p+".mobile", x.Mobile)
	v.Set(p+".emergency_phone", x.EmergencyPhone)
	v.Set(p+".email", x.Email)
	v.Set(p+".office_phone", x.OfficePhone)
	v.Set(p+".residence_permit_until", x.ResidencePermitUntil.String())
}

func flattenList(v url.Values, p string, xs []string) {
	for j, x := range xs {
		v.Set(idx(p, j), x)
	}
	v.Set(idx(p, len(xs)), "")
}

func flattenIPs(v url.Values, p string, rs []beian.IPRange) {
	for k, r := range rs {
		v.Set(idx(p, k)+".start", addrText(r.Start))
		v.Set(idx(p, k)+".end", addrText(r.End))
	}
	v.Set(idx(p, len(rs))+".start", "")
	v.Set(idx(p, len(rs))+".end", "")
}

func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func flattenPermits(v url.Values, p string, ps []beian.PreApproval) {
	for k, x := range ps {
		q := idx(p, k)
		v.Set(q+".category", x.Category)
		v.Set(q+".number", x.Number)
		v.Set(q+".valid_until", x.ValidUntil.String())
		v.Set(q+".document_id", x.DocumentID)
	}
	q := idx(p, len(ps))
	v.Set(q+".category", "")
	v.Set(q+".number", "")
	v.Set(q+".valid_until", "")
}

// samePersonData reports whether a service principal is a copy of the
// subject principal (the "same as the subject principal" box).
func samePersonData(a, b *beian.Person) bool {
	return a.Name != "" && *a == *b
}

// formError is an input that cannot be stored as typed (a malformed date
// or address); the rest of the step is saved and the input is shown again
// with the message.
type formError struct {
	Path string
	Key  string // translation key
	Raw  string
	// Message is an already rendered message, used instead of Key.
	Message string
}

// stepParser reads one step's inputs into a snapshot.
type stepParser struct {
	f    url.Values
	ro   func(path string) bool
	errs []formError
}

func (p *stepParser) str(path string, dst *string) {
	if p.ro(path) || !p.f.Has(path) {
		return
	}
	*dst = strings.TrimSpace(p.f.Get(path))
}

func (p *stepParser) flag(path string, dst *bool) {
	if p.ro(path) {
		return
	}
	*dst = p.f.Get(path) == "1"
}

func (p *stepParser) date(path string, dst *beian.Date) {
	if p.ro(path) || !p.f.Has(path) {
		return
	}
	s := strings.TrimSpace(p.f.Get(path))
	if s == "" {
		*dst = beian.Date{}
		return
	}
	d, err := beian.ParseDate(s)
	if err != nil {
		p.errs = append(p.errs, formError{Path: path, Key: "order.form.bad_date", Raw: s})
		return
	}
	*dst = d
}

func (p *stepParser) multi(path string, dst *[]string) {
	if p.ro(path) {
		return
	}
	var out []string
	for _, x := range p.f[path] {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	*dst = out
}

// list reads rows p[0], p[1] … while the form has them, dropping blanks;
// a read-only row (not posted) keeps its value.
func (p *stepParser) list(path string, dst *[]string) {
	if p.ro(path) || !p.f.Has(idx(path, 0)) && !p.ro(idx(path, 0)) {
		return
	}
	old := *dst
	var out []string
	for j := 0; ; j++ {
		key := idx(path, j)
		var x string
		switch {
		case p.ro(key) && j < len(old):
			x = old[j]
		case p.f.Has(key):
			x = strings.TrimSpace(p.f.Get(key))
		default:
			*dst = out
			return
		}
		if x != "" {
			out = append(out, x)
		}
	}
}

// lines reads a textarea of one value a line.
func (p *stepParser) lines(path string, dst *[]string) {
	if p.ro(path) || !p.f.Has(path) {
		return
	}
	var out []string
	for _, x := range strings.FieldsFunc(p.f.Get(path), func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == '，' }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	*dst = out
}

func (p *stepParser) ips(path string, dst *[]beian.IPRange) {
	if p.ro(path) || !p.f.Has(idx(path, 0)+".start") {
		return
	}
	var out []beian.IPRange
	for k := 0; p.f.Has(idx(path, k) + ".start"); k++ {
		q := idx(path, k)
		a, b := strings.TrimSpace(p.f.Get(q+".start")), strings.TrimSpace(p.f.Get(q+".end"))
		if a == "" && b == "" {
			continue
		}
		if b == "" {
			b = a
		}
		if a == "" {
			a = b
		}
		start, err1 := netip.ParseAddr(a)
		end, err2 := netip.ParseAddr(b)
		if err1 != nil {
			p.errs = append(p.errs, formError{Path: q + ".start", Key: "order.form.bad_ip", Raw: a})
		}
		if err2 != nil {
			p.errs = append(p.errs, formError{Path: q + ".end", Key: "order.form.bad_ip", Raw: b})
		}
		if err1 == nil && err2 == nil {
			out = append(out, beian.IPRange{Start: start.Unmap(), End: end.Unmap()})
		} else {
			// Keep the range the row had, so nothing is lost while the
			// customer corrects it.
			if k < len(*dst) {
				out = append(out, (*dst)[k])
			}
		}
	}
	*dst = out
}

func (p *stepParser) permits(path string, dst *[]beian.PreApproval) {
	if p.ro(path) || !p.f.Has(idx(path, 0)+".category") {
		return
	}
	old := *dst
	var out []beian.PreApproval
	for k := 0; p.f.Has(idx(path, k) + ".category"); k++ {
		q := idx(path, k)
		var x beian.PreApproval
		if k < len(old) {
			x = old[k]
		}
		p.str(q+".category", &x.Category)
		p.str(q+".number", &x.Number)
		p.date(q+".valid_until", &x.ValidUntil)
		if x.Category == "" && x.Number == "" {
			continue
		}
		if k < len(old) && old[k].Category != x.Category {
			x.DocumentID = "" // the file was for the other category
		}
		out = append(out, x)
	}
	*dst = out
}

func (p *stepParser) person(path string, x *beian.Person) {
	p.str(path+".name", &x.Name)
	var ct string
	ct = string(x.CertificateType)
	p.str(path+".certificate_type", &ct)
	x.CertificateType = beian.CertificateType(ct)
	p.str(path+".certificate_number", &x.CertificateNumber)
	p.date(path+".certificate_valid_from", &x.CertificateValidFrom)
	p.date(path+".certificate_valid_until", &x.CertificateValidUntil)
	p.flag(path+".long_term", &x.LongTerm)
	p.str(path+".mobile", &x.Mobile)
	p.str(path+".emergency_phone", &x.EmergencyPhone)
	p.str(path+".email", &x.Email)
	p.str(path+".office_phone", &x.OfficePhone)
	p.date(path+".residence_permit_until", &x.ResidencePermitUntil)
}

// region reads a county select; a county outside the province chosen next
// to it is dropped (the province was changed and the list refreshed).
func (p *stepParser) region(path string, dst *string) {
	if p.ro(path) || !p.f.Has(path) {
		return
	}
	code := strings.TrimSpace(p.f.Get(path))
	prov := p.f.Get(path + ".province")
	if d, ok := region.Lookup(code); !ok || prov != "" && d.Code[:2] != prov {
		code = ""
	}
	*dst = code
}

// parseStep applies one step's inputs to snap. op carries the add and
// remove buttons of list sections.
func parseStep(step string, f url.Values, ro func(string) bool, snap *beian.Snapshot) []formError {
	p := &stepParser{f: f, ro: ro}
	sj := &snap.Subject
	switch step {
	case stepSubject:
		var nature, ct, lct string
		nature, ct, lct = string(sj.Nature), string(sj.CertificateType), string(sj.LegalRepresentativeCertificateType)
		p.str("subject.nature", &nature)
		p.str("subject.certificate_type", &ct)
		p.str("subject.legal_representative_certificate_type", &lct)
		sj.Nature, sj.CertificateType, sj.LegalRepresentativeCertificateType = beian.Nature(nature), beian.CertificateType(ct), beian.CertificateType(lct)
		p.str("subject.name", &sj.Name)
		p.str("subject.certificate_number", &sj.CertificateNumber)
		p.date("subject.certificate_valid_until", &sj.CertificateValidUntil)
		p.flag("subject.long_term", &sj.LongTerm)
		p.str("subject.certificate_address", &sj.CertificateAddress)
		p.region("subject.certificate_region", &sj.CertificateRegion)
		p.region("subject.mailing_address.region", &sj.MailingAddress.Region)
		p.str("subject.mailing_address.detail", &sj.MailingAddress.Detail)
		p.str("subject.investor", &sj.Investor)
		p.str("subject.legal_representative", &sj.LegalRepresentative)
		p.str("subject.remark", &sj.Remark)
	case stepPrincipal:
		old := sj.Principal
		p.person("subject.principal", &sj.Principal)
		if sj.Nature.IsIndividual() {
			// An individual is their own principal.
			sj.Principal.Name, sj.Principal.CertificateType, sj.Principal.CertificateNumber = sj.Name, sj.CertificateType, sj.CertificateNumber
		}
		syncSamePrincipals(snap, old)
	case stepWebsites:
		for i := range snap.Websites {
			w := &snap.Websites[i]
			q := idx("websites", i)
			if !f.Has(q + ".id") {
				continue
			}
			p.str(q+".name", &w.Name)
			p.list(q+".domains", &w.Domains)
			p.str(q+".homepage_url", &w.HomepageURL)
			p.ips(q+".ips", &w.IPs)
			p.multi(q+".service_content", &w.ServiceContent)
			p.multi(q+".languages", &w.Languages)
			p.permits(q+".pre_approvals", &w.PreApprovals)
			p.servicePrincipal(q, &w.Principal, sj)
			p.str(q+".remark", &w.Remark)
		}
	case stepApps:
		for i := range snap.Apps {
			a := &snap.Apps[i]
			q := idx("apps", i)
			if !f.Has(q + ".id") {
				continue
			}
			p.str(q+".name", &a.Name)
			for k := range a.Releases {
				r := &a.Releases[k]
				rq := idx(q+".releases", k)
				platform := string(r.Platform)
				p.str(rq+".platform", &platform)
				r.Platform = beian.AppPlatform(platform)
				p.str(rq+".package_name", &r.PackageName)
				p.str(rq+".public_key", &r.PublicKey)
				p.str(rq+".signature_md5", &r.SignatureMD5)
				p.lines(rq+".domains", &r.Domains)
			}
			p.list(q+".domains", &a.Domains)
			p.ips(q+".ips", &a.IPs)
			p.multi(q+".service_content", &a.ServiceContent)
			p.multi(q+".languages", &a.Languages)
			p.permits(q+".pre_approvals", &a.PreApprovals)
			p.servicePrincipal(q, &a.Principal, sj)
			p.str(q+".remark", &a.Remark)
		}
	case stepCancel:
		p.str("cancel_reason", &snap.CancelReason)
	}
	return p.errs
}

// servicePrincipal reads a service's principal: a copy of the subject
// principal when the box is ticked, else the fields as typed.
func (p *stepParser) servicePrincipal(q string, dst *beian.Person, sj *beian.Subject) {
	if p.ro(q + ".principal") {
		return
	}
	if p.f.Get(q+".principal_same") == "1" {
		*dst = sj.Principal
		return
	}
	if p.f.Has(q + ".principal.name") {
		p.person(q+".principal", dst)
	}
}

// syncSamePrincipals keeps the services whose principal was the subject
// principal (or who have none yet) in step with it when it changes.
func syncSamePrincipals(snap *beian.Snapshot, old beian.Person) {
	for _, p := range servicePrincipals(snap) {
		if *p == old || p.Name == "" {
			*p = snap.Subject.Principal
		}
	}
}

func servicePrincipals(snap *beian.Snapshot) []*beian.Person {
	var out []*beian.Person
	for i := range snap.Websites {
		out = append(out, &snap.Websites[i].Principal)
	}
	for i := range snap.Apps {
		out = append(out, &snap.Apps[i].Principal)
	}
	return out
}

// newServiceID names a website or app added in the wizard; materials refer
// to services by it.
func newServiceID(kind string) string { return kind + "-" + uuid.Must(uuid.NewV7()).String()[24:] }

// applyOp carries out a list button: add or remove a website, an app or a
// platform release. It reports the path to scroll to.
func applyOp(op string, snap *beian.Snapshot, t beian.OrderType) (string, bool) {
	name, arg, _ := strings.Cut(op, ":")
	n, _ := strconv.Atoi(arg)
	a, b, _ := strings.Cut(arg, ".")
	ai, _ := strconv.Atoi(a)
	bi, _ := strconv.Atoi(b)
	switch name {
	case "add-website":
		if !canAddServices(t, stepWebsites) {
			return "", false
		}
		w := beian.Website{ID: newServiceID("site"), Principal: snap.Subject.Principal, Languages: []string{"zh-CN"}}
		snap.Websites = append(snap.Websites, w)
		return idx("websites", len(snap.Websites)-1), true
	case "remove-website":
		if n < 0 || n >= len(snap.Websites) || snap.Websites[n].RecordID != "" {
			return "", false
		}
		dropMaterials(snap, snap.Websites[n].ID)
		snap.Websites = append(snap.Websites[:n:n], snap.Websites[n+1:]...)
		return "websites", true
	case "add-app":
		if !canAddServices(t, stepApps) {
			return "", false
		}
		a := beian.App{ID: newServiceID("app"), Principal: snap.Subject.Principal, Languages: []string{"zh-CN"},
			Releases: []beian.AppRelease{{Platform: beian.PlatformAndroid}}}
		snap.Apps = append(snap.Apps, a)
		return idx("apps", len(snap.Apps)-1), true
	case "remove-app":
		if n < 0 || n >= len(snap.Apps) || snap.Apps[n].RecordID != "" {
			return "", false
		}
		dropMaterials(snap, snap.Apps[n].ID)
		snap.Apps = append(snap.Apps[:n:n], snap.Apps[n+1:]...)
		return "apps", true
	case "add-release":
		if n < 0 || n >= len(snap.Apps) {
			return "", false
		}
		snap.Apps[n].Releases = append(snap.Apps[n].Releases, beian.AppRelease{})
		return idx(idx("apps", n)+".releases", len(snap.Apps[n].Releases)-1), true
	case "remove-release":
		if ai < 0 || ai >= len(snap.Apps) || bi < 0 || bi >= len(snap.Apps[ai].Releases) {
			return "", false
		}
		rs := snap.Apps[ai].Releases
		snap.Apps[ai].Releases = append(rs[:bi:bi], rs[bi+1:]...)
		return idx("apps", ai) + ".releases", true
	}
	return "", false
}

// dropMaterials takes a removed service's documents off the order.
func dropMaterials(snap *beian.Snapshot, owner string) {
	out := snap.Materials[:0:0]
	for _, m := range snap.Materials {
		if m.Owner != owner {
			out = append(out, m)
		}
	}
	snap.Materials = out
}

// canAddServices reports whether orders of type t may add websites (or
// apps): filings of new services do; changes, new access and
// cancellations act on filed ones.
func canAddServices(t beian.OrderType, step string) bool {
	switch t {
	case beian.FirstFiling:
		return true
	case beian.NewWebsite:
		return step == stepWebsites
	case beian.NewApp:
		return step == stepApps
	}
	return false
}
