package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// The self-service pages (verify, records, resources, users) keep a
// one-shot message in the session across the redirect that follows a
// POST, so a reload never repeats the action.
const (
	selfServiceFlashKey = "selfservice.flash"
	selfServiceFailKey  = "selfservice.flash_failed"
)

// selfServiceFlash stores msg for the next self-service page.
func (s *Server) selfServiceFlash(r *http.Request, msg string, failed bool) {
	s.sessions.Put(r.Context(), selfServiceFlashKey, msg)
	s.sessions.Put(r.Context(), selfServiceFailKey, failed)
}

// selfServicePage builds a page and takes the pending message: a success
// shows as the flash, a failure as the page's error.
func (s *Server) selfServicePage(r *http.Request, title string, data any) Page {
	p := s.page(r, title, data)
	msg := s.sessions.PopString(r.Context(), selfServiceFlashKey)
	failed := s.sessions.PopBool(r.Context(), selfServiceFailKey)
	if msg != "" {
		if failed {
			p.Error = &ErrorView{Status: http.StatusUnprocessableEntity, Message: msg}
		} else {
			p.Flash = msg
		}
	}
	return p
}

// selfServiceDone ends a POST: back to next with the outcome as a message.
// Errors a user can act on (invalid input, a conflict) are shown on the
// page they came from; the others (refused, not found, internal) render
// as error pages with their status, so that a refusal is never answered
// like a done action.
func (s *Server) selfServiceDone(w http.ResponseWriter, r *http.Request, next, okKey string, err error, kv ...any) {
	if err != nil {
		switch beian.ErrorCode(err) {
		case beian.EINVALID, beian.ECONFLICT:
			if wantsJSON(r) {
				s.renderError(w, r, err)
				return
			}
			s.selfServiceFlash(r, beian.ErrorMessage(requestLang(r), err), true)
		default:
			s.renderError(w, r, err)
			return
		}
	} else {
		s.selfServiceFlash(r, s.translator(r).T(okKey, kv...), false)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// parseSmallForm parses a form of at most 64 KB.
func parseSmallForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return beian.Errorf(beian.EINVALID, "form.unreadable")
	}
	return nil
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"form.unreadable":     {ZH: "表单无法读取（内容过大或格式错误），请返回后重新提交。", EN: "The form could not be read (too large or malformed); go back and submit it again."},
		"records.staff_only":  {ZH: "此页面仅供服务商人员使用。", EN: "This page is for provider staff."},
		"records.cert_search": {ZH: "请输入主办单位证件号码。", EN: "Enter the subject's certificate number."},
	})
}

// recordsData is 我的备案.
type recordsData struct {
	Records    []recordSummary
	Incoming   []workflow.TransferRequest
	Outgoing   []workflow.TransferRequest
	CanOperate bool
}

// recordSummary is one subject in the list.
type recordSummary struct {
	ID, Name, Number, Status, StatusKey, Province string
	Services, Live                                int
}

// records is 我的备案: the account's subject and pending transfers.
func (s *Server) records(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	page, err := s.cfg.Workflow.MyRecords(r.Context(), u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	lang := requestLang(r)
	d := recordsData{Incoming: page.Incoming, Outgoing: page.Outgoing, CanOperate: page.CanOperate}
	for _, rec := range page.Records {
		p, _ := beian.ProvinceByCode(rec.Subject.Subject.Province)
		prov := p.Name
		if lang == beian.LangEN {
			prov = p.NameEN
		}
		d.Records = append(d.Records, recordSummary{ID: rec.Subject.ID, Name: rec.Subject.Subject.Name, Number: rec.Subject.Number.String(),
			Status: rec.Subject.Status.Text().In(lang), StatusKey: string(rec.Subject.Status), Province: prov,
			Services: len(rec.Services), Live: len(rec.ActiveServices())})
	}
	s.render(w, r, http.StatusOK, "portal/records", s.selfServicePage(r, "records.title", d))
}

// recordData is one subject with its services and actions.
type recordData struct {
	View     *workflow.RecordView
	Province string
	Nature   string
	CertType string
	// Base is where the action forms post: the portal, or the console for
	// staff.
	Base string
}

// VerifyHref links an action that goes through the filing-type check,
// with the subject (and service) prefilled.
func (d recordData) VerifyHref(t beian.OrderType, serviceID string) string {
	q := url.Values{"record": {d.View.Record.Subject.ID}}
	switch t {
	case beian.NewApp:
		q.Set("kind", string(beian.KindApp))
	default:
		q.Set("kind", string(beian.KindWebsite))
	}
	if serviceID != "" {
		q.Set("service", serviceID)
	}
	return "/portal/verify?" + q.Encode()
}

// ActionHref links an action that needs more input or a confirmation.
func (d recordData) ActionHref(t beian.OrderType, serviceID string) string {
	q := url.Values{"type": {string(t)}}
	if serviceID != "" {
		q.Set("service", serviceID)
	}
	return d.Base + "/records/" + d.View.Record.Subject.ID + "/action?" + q.Encode()
}

// record is one filed subject in 我的备案 (or, for staff, in the console).
func (s *Server) record(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	if strings.HasPrefix(r.URL.Path, "/console/") && !u.Role.IsStaff() {
		s.renderError(w, r, beian.Errorf(beian.EFORBIDDEN, "records.staff_only"))
		return
	}
	v, err := s.cfg.Workflow.RecordView(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "portal/record", s.selfServicePage(r, "records.detail.title", s.recordData(r, v)))
}

func (s *Server) recordData(r *http.Request, v *workflow.RecordView) recordData {
	lang := requestLang(r)
	sub := &v.Record.Subject.Subject
	p, _ := beian.ProvinceByCode(sub.Province)
	d := recordData{View: v, Province: p.Name, Nature: sub.Nature.Text().In(lang), CertType: sub.CertificateType.Text().In(lang), Base: "/portal"}
	if lang == beian.LangEN {
		d.Province = p.NameEN
	}
	if v.Staff {
		d.Base = "/console"
	}
	return d
}

// recordActionData is the page that asks what an action needs — which
// services, the target account, a reason — and has the customer confirm.
type recordActionData struct {
	recordData
	Type      beian.OrderType
	TypeText  beian.Text
	Service   *workflow.ServiceView
	Action    workflow.Action
	Target    string
	Reason    string
	Preview   *workflow.GrantTargetView
	FieldErrs map[string]string
}

// recordAction shows the confirmation page of an action started from a
// record.
func (s *Server) recordAction(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	v, err := s.cfg.Workflow.RecordView(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/console/") != v.Staff {
		s.renderError(w, r, beian.Errorf(beian.EFORBIDDEN, "records.staff_only"))
		return
	}
	q := r.URL.Query()
	d, err := s.newRecordAction(r, v, beian.OrderType(q.Get("type")), q.Get("service"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "portal/records_action", s.selfServicePage(r, "records.action.title", d))
}

func (s *Server) newRecordAction(r *http.Request, v *workflow.RecordView, t beian.OrderType, serviceID string) (recordActionData, error) {
	d := recordActionData{recordData: s.recordData(r, v), Type: t, TypeText: t.Text(), FieldErrs: map[string]string{}}
	if !t.Valid() {
		return d, beian.Errorf(beian.ENOTFOUND, "error.not_found")
	}
	if serviceID != "" {
		for i := range v.Services {
			if v.Services[i].Service.ID == serviceID {
				d.Service = &v.Services[i]
			}
		}
		if d.Service == nil {
			return d, beian.Errorf(beian.ENOTFOUND, "error.not_found")
		}
		d.Action = d.Service.Action(t)
	} else {
		d.Action = v.Action(t)
	}
	return d, nil
}

// recordStart starts an order from a record and opens it.
func (s *Server) recordStart(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	u := s.currentUser(r)
	id := r.PathValue("id")
	staff := strings.HasPrefix(r.URL.Path, "/console/")
	if staff != u.Role.IsStaff() {
		s.renderError(w, r, beian.Errorf(beian.EFORBIDDEN, "records.staff_only"))
		return
	}
	in := workflow.RecordActionInput{SubjectID: id, Type: beian.OrderType(r.PostForm.Get("type")), ServiceIDs: r.PostForm["service_ids"],
		TargetAccount: r.PostForm.Get("target_account"), CancelReason: r.PostForm.Get("cancel_reason")}
	o, err := s.cfg.Workflow.StartFromRecord(r.Context(), u, in)
	if err != nil {
		if beian.ErrorCode(err) == beian.EINVALID && in.Type == beian.Migrate {
			s.recordActionAgain(w, r, id, in.Type, first(in.ServiceIDs), err)
			return
		}
		back := "/portal/records/" + id
		if staff {
			back = "/console/records/" + id
		}
		s.selfServiceDone(w, r, back, "", err)
		return
	}
	if staff {
		http.Redirect(w, r, "/console/orders/"+o.ID, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/portal/orders/"+o.ID, http.StatusSeeOther)
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// recordActionAgain shows the action page again with the input kept and
// the error next to its field.
func (s *Server) recordActionAgain(w http.ResponseWriter, r *http.Request, id string, t beian.OrderType, serviceID string, err error) {
	v, verr := s.cfg.Workflow.RecordView(r.Context(), s.currentUser(r), id)
	if verr != nil {
		s.renderError(w, r, verr)
		return
	}
	d, derr := s.newRecordAction(r, v, t, serviceID)
	if derr != nil {
		s.renderError(w, r, derr)
		return
	}
	d.Target, d.Reason = r.PostForm.Get("target_account"), r.PostForm.Get("cancel_reason")
	msg := beian.ErrorMessage(requestLang(r), err)
	if e, ok := beian.AsError(err); ok && e.Field != "" {
		d.FieldErrs[e.Field] = msg
	}
	p := s.selfServicePage(r, "records.action.title", d)
	p.Error = &ErrorView{Status: http.StatusUnprocessableEntity, Code: beian.ErrorCode(err), Message: msg}
	s.render(w, r, codeStatus[beian.ErrorCode(err)], "portal/records_action", p)
}

// recordTransfer is the two steps of 转移备案: without a password it
// checks the target account and asks for the password; with one it sends
// the request.
func (s *Server) recordTransfer(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	u := s.currentUser(r)
	id := r.PathValue("id")
	target := strings.TrimSpace(r.PostForm.Get("target_account"))
	if r.PostForm.Get("step") != "confirm" {
		preview, err := s.cfg.Workflow.PreviewTransfer(r.Context(), u, id, target)
		if err != nil {
			s.recordActionAgain(w, r, id, beian.Transfer, "", err)
			return
		}
		v, err := s.cfg.Workflow.RecordView(r.Context(), u, id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		d, _ := s.newRecordAction(r, v, beian.Transfer, "")
		d.Target, d.Preview = target, preview
		s.render(w, r, http.StatusOK, "portal/records_action", s.selfServicePage(r, "records.action.title", d))
		return
	}
	if _, err := s.cfg.Workflow.RequestTransfer(r.Context(), u, id, target, r.PostForm.Get("password")); err != nil {
		s.recordActionAgain(w, r, id, beian.Transfer, "", err)
		return
	}
	s.selfServiceDone(w, r, "/portal/records", "records.flash.transfer_requested", nil, "Account", target)
}

// transferDecision is the target account's answer to a transfer request.
func (s *Server) transferDecision(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	u := s.currentUser(r)
	id := r.PathValue("id")
	switch r.PathValue("decision") {
	case "accept", "decline":
	default:
		s.notFound(w, r)
		return
	}
	if r.PathValue("decision") == "accept" {
		_, err := s.cfg.Workflow.AcceptTransfer(r.Context(), u, id, r.PostForm.Get("password"))
		s.selfServiceDone(w, r, "/portal/records", "records.flash.transfer_accepted", err)
		return
	}
	_, err := s.cfg.Workflow.DeclineTransfer(r.Context(), u, id)
	s.selfServiceDone(w, r, "/portal/records", "records.flash.transfer_declined", err)
}

// consoleRecords lets staff find a customer's filed subject by its
// certificate number, to act on it (取消接入) from the console.
func (s *Server) consoleRecords(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	if !u.Role.IsStaff() {
		s.renderError(w, r, beian.Errorf(beian.EFORBIDDEN, "records.staff_only"))
		return
	}
	cert := strings.TrimSpace(r.URL.Query().Get("cert"))
	d := struct{ Cert string }{cert}
	p := s.selfServicePage(r, "records.console.title", d)
	if cert != "" {
		id, err := s.cfg.Workflow.FindRecordByCertificate(r.Context(), u, cert)
		if err == nil {
			http.Redirect(w, r, "/console/records/"+id, http.StatusSeeOther)
			return
		}
		if beian.ErrorCode(err) != beian.ENOTFOUND {
			s.renderError(w, r, err)
			return
		}
		p.Error = &ErrorView{Status: http.StatusNotFound, Code: beian.ENOTFOUND, Message: s.translator(r).T("records.console.none")}
	}
	s.render(w, r, http.StatusOK, "portal/records_console", p)
}
