package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// verifyChoice is an option of a select or radio group.
type verifyChoice struct {
	Value, Label string
}

// verifyForm is the filing-type check's form as typed.
type verifyForm struct {
	Province, Nature, SubjectName, CertificateType, CertificateNumber string
	ServiceKind, ServiceName, Resource, AuthCode                      string
}

// input turns the form into the workflow's input; the resource radio's
// "authcode" value means the typed code.
func (f verifyForm) input() workflow.VerifyInput {
	in := workflow.VerifyInput{Province: f.Province, Nature: beian.Nature(f.Nature), SubjectName: f.SubjectName,
		CertificateType: beian.CertificateType(f.CertificateType), CertificateNumber: f.CertificateNumber,
		ServiceKind: beian.ServiceKind(f.ServiceKind), ServiceName: f.ServiceName}
	if f.Resource == verifyAuthCodeChoice {
		in.AuthCode = f.AuthCode
	} else {
		in.ResourceID = f.Resource
	}
	return in
}

// verifyAuthCodeChoice is the resource radio's value for 备案授权码.
const verifyAuthCodeChoice = "authcode"

func readVerifyForm(r *http.Request) verifyForm {
	g := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	return verifyForm{Province: g("province"), Nature: g("nature"), SubjectName: g("subject_name"), CertificateType: g("certificate_type"),
		CertificateNumber: g("certificate_number"), ServiceKind: g("service_kind"), ServiceName: g("service_name"),
		Resource: g("resource"), AuthCode: g("auth_code")}
}

// verifyResource is a resource row of product verification: eligible
// ones can be chosen, the others are greyed out with the reasons.
type verifyResource struct {
	ID, Name, Kind, Region, Billing, Expires, IPs, Quota string
	Eligible                                             bool
	Reasons                                              []string
}

// verifyData is the filing-type check page.
type verifyData struct {
	Form                          verifyForm
	Provinces, Natures, CertTypes []verifyChoice
	Resources                     []verifyResource
	FromRecord                    bool
	Result                        *verifyResult
	FieldErrors                   map[string][]string
	ConfirmMissing                bool
}

// verifyResult is the detection, explained.
type verifyResult struct {
	OK          bool
	Type        string
	Explanation string
	Facts       []string
	Problems    []string
	Warnings    []string
	Resource    []string
	NeedsRes    bool
	// Sources says where the facts were looked up (our records, the
	// bureau), so a type detected from the bureau's answer is explained.
	Sources string
}

// Errs returns the messages for a form field.
func (d verifyData) Errs(field string) []string { return d.FieldErrors[field] }

func (s *Server) newVerifyData(r *http.Request, f verifyForm) (verifyData, error) {
	lang := requestLang(r)
	d := verifyData{Form: f, FieldErrors: map[string][]string{}}
	for _, p := range beian.Provinces {
		name := p.Name
		if lang == beian.LangEN {
			name = p.NameEN
		}
		d.Provinces = append(d.Provinces, verifyChoice{p.Code, name})
	}
	seen := map[beian.CertificateType]bool{}
	for _, n := range beian.Natures {
		d.Natures = append(d.Natures, verifyChoice{string(n), n.Text().In(lang)})
		for _, c := range beian.NatureCertificates[n] {
			if !seen[c] {
				seen[c] = true
				d.CertTypes = append(d.CertTypes, verifyChoice{string(c), c.Text().In(lang)})
			}
		}
	}
	opts, err := s.cfg.Workflow.Resources(r.Context(), s.currentUser(r))
	if err != nil {
		return d, err
	}
	for _, o := range opts {
		d.Resources = append(d.Resources, verifyResourceRow(lang, o))
	}
	return d, nil
}

func verifyResourceRow(lang beian.Lang, o workflow.ResourceOption) verifyResource {
	res := o.Resource
	row := verifyResource{ID: res.ID, Name: res.Name, Kind: res.Kind.Text().In(lang), Region: res.Region, Billing: res.Billing.Text().In(lang),
		Eligible: o.Eligible()}
	if row.Name == "" {
		row.Name = res.ExternalID
	}
	if !res.ExpiresAt.IsZero() {
		row.Expires = beian.DateOf(res.ExpiresAt.Add(-1)).String() // the last day paid for
	}
	var ips []string
	for _, a := range res.PublicIPs {
		ips = append(ips, a.String())
	}
	row.IPs = strings.Join(ips, ", ")
	if left := res.QuotaLeft(); left >= 0 {
		row.Quota = strconv.Itoa(left) + " / " + strconv.Itoa(res.FilingsMax)
	} else {
		row.Quota = "—"
	}
	for _, p := range o.Problems {
		row.Reasons = append(row.Reasons, p.Message(lang))
	}
	return row
}

// verifyPage shows the filing-type check, prefilled from a record when
// started from 我的备案 (新增网站, 新增APP, 新增接入).
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	q := r.URL.Query()
	f := verifyForm{ServiceKind: string(beian.KindWebsite)}
	if q.Get("kind") == string(beian.KindApp) {
		f.ServiceKind = string(beian.KindApp)
	}
	fromRecord := false
	if id := q.Get("record"); id != "" {
		v, err := s.cfg.Workflow.RecordView(r.Context(), u, id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		sub := &v.Record.Subject.Subject
		f.Province, f.Nature, f.SubjectName = sub.Province, string(sub.Nature), sub.Name
		f.CertificateType, f.CertificateNumber = string(sub.CertificateType), sub.CertificateNumber
		fromRecord = true
		for _, sv := range v.Services {
			if sv.Service.ID != q.Get("service") {
				continue
			}
			if sv.Service.App != nil {
				f.ServiceKind, f.ServiceName = string(beian.KindApp), sv.Service.App.Name
			} else if ds := sv.Service.Domains(); len(ds) > 0 {
				f.ServiceKind, f.ServiceName = string(beian.KindWebsite), ds[0]
			}
		}
	}
	d, err := s.newVerifyData(r, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.FromRecord = fromRecord
	for _, res := range d.Resources {
		if res.Eligible && d.Form.Resource == "" {
			d.Form.Resource = res.ID // the first eligible resource, as a sensible default
		}
	}
	s.render(w, r, http.StatusOK, "portal/verify", s.selfServicePage(r, "verify.title", d))
}

// verifySubmit runs the check and shows its outcome under the form.
func (s *Server) verifySubmit(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	f := readVerifyForm(r)
	v, err := s.cfg.Workflow.VerifyFilingType(r.Context(), s.currentUser(r), f.input())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderVerification(w, r, f, v, false)
}

// verifyStart starts the order the check allows, with its values fixed.
func (s *Server) verifyStart(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	f := readVerifyForm(r)
	if r.PostForm.Get("confirm") != "1" {
		v, err := s.cfg.Workflow.VerifyFilingType(r.Context(), s.currentUser(r), f.input())
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.renderVerification(w, r, f, v, true)
		return
	}
	o, v, err := s.cfg.Workflow.StartVerified(r.Context(), s.currentUser(r), f.input())
	var notOK *workflow.VerifyNotOKError
	switch {
	case errors.As(err, &notOK):
		s.renderVerification(w, r, f, notOK.Verification, false)
		return
	case err != nil && v != nil && beian.ErrorCode(err) == beian.ECONFLICT:
		// A concurrent order or code use got in first: check again.
		v, verr := s.cfg.Workflow.VerifyFilingType(r.Context(), s.currentUser(r), f.input())
		if verr != nil {
			s.renderError(w, r, verr)
			return
		}
		s.renderVerification(w, r, f, v, false)
		return
	case err != nil:
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/portal/orders/"+o.ID, http.StatusSeeOther)
}

// renderVerification shows the form with the check's outcome.
func (s *Server) renderVerification(w http.ResponseWriter, r *http.Request, f verifyForm, v *workflow.Verification, confirmMissing bool) {
	lang := requestLang(r)
	d, err := s.newVerifyData(r, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// Show the form as the check normalised it (the domain lower-cased,
	// the certificate without spaces), since that is what the order gets.
	in := v.Input
	d.Form.SubjectName, d.Form.CertificateNumber, d.Form.ServiceName = in.SubjectName, in.CertificateNumber, in.ServiceName
	d.ConfirmMissing = confirmMissing
	res := &verifyResult{OK: v.OK(), Explanation: v.Explanation.In(lang), NeedsRes: v.NeedsResource}
	if v.Type != "" {
		res.Type = v.Type.Text().In(lang)
	}
	for _, t := range v.Facts {
		res.Facts = append(res.Facts, t.In(lang))
	}
	if v.Sources.ZH != "" {
		res.Sources = v.Sources.In(lang)
	}
	for _, p := range v.Problems {
		res.Problems = append(res.Problems, p.Message(lang))
		if p.Field != "" {
			d.FieldErrors[p.Field] = append(d.FieldErrors[p.Field], p.Message(lang))
		}
	}
	for _, p := range v.Warnings {
		res.Warnings = append(res.Warnings, p.Message(lang))
	}
	for _, p := range v.ResourceProblems {
		res.Resource = append(res.Resource, p.Message(lang))
	}
	d.Result = res
	status := http.StatusOK
	if !res.OK {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "portal/verify", s.selfServicePage(r, "verify.title", d))
}
