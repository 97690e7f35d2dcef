package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/openbeian/beian"
)

// The portal's cases (整改): the customer's list with deadlines in working
// days, and a case's page with the evidence, the action that fixes it, the
// extension request and the re-check.

type portalCasesData struct {
	Open, Closed []caseRow
	// CanWrite is false for read-only sub-users.
	CanWrite bool
}

// portalCases lists the account's cases, open first by deadline. Staff are
// sent to the console's list.
func (s *Server) portalCases(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	if u.Role.IsStaff() {
		http.Redirect(w, r, "/console/compliance", http.StatusSeeOther)
		return
	}
	tr := s.translator(r)
	page, err := s.cfg.Workflow.Cases(r.Context(), u, beian.CaseFilter{Limit: 200})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &portalCasesData{CanWrite: u.Role == beian.RoleCustomer || u.Has(beian.PolicyBeianAdministrator)}
	for _, it := range page.Items {
		row := newCaseRow(tr, it)
		if row.Open {
			d.Open = append(d.Open, row)
		} else {
			d.Closed = append(d.Closed, row)
		}
	}
	s.render(w, r, http.StatusOK, "portal/cases", s.selfServicePage(r, "cases.title", d))
}

type portalCaseData struct {
	caseDetail
	DaysOptions []int
}

// portalCase is a case's page for its customer.
func (s *Server) portalCase(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	if u.Role.IsStaff() {
		http.Redirect(w, r, "/console/compliance/cases/"+url.PathEscape(r.PathValue("id")), http.StatusSeeOther)
		return
	}
	v, err := s.cfg.Workflow.Case(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &portalCaseData{caseDetail: s.newCaseDetail(r, v, true)}
	for i := 1; i <= beian.MaxExtensionDays; i++ {
		d.DaysOptions = append(d.DaysOptions, i)
	}
	s.render(w, r, http.StatusOK, "portal/cases_view", s.selfServicePage(r, "cases.case.title", d))
}

// portalCaseAction runs the customer's action on a case: extension,
// recheck, or change (the order that drops expiring domains).
func (s *Server) portalCaseAction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	next := "/portal/cases/" + url.PathEscape(id)
	if err := parseSmallForm(w, r); err != nil {
		s.selfServiceDone(w, r, next, "", err)
		return
	}
	u, ctx, wf := s.currentUser(r), r.Context(), s.cfg.Workflow
	if u.Role.IsStaff() {
		// Staff act on cases in the console, as themselves.
		s.renderError(w, r, beian.Errorf(beian.EFORBIDDEN, "error.forbidden"))
		return
	}
	switch r.PathValue("action") {
	case "extension":
		days, _ := strconv.Atoi(r.PostFormValue("days"))
		_, err := wf.RequestExtension(ctx, u, id, days, r.PostFormValue("reason"))
		s.selfServiceDone(w, r, next, "cases.flash.extension", err)
	case "recheck":
		_, err := wf.RequestRecheck(ctx, u, id)
		s.selfServiceDone(w, r, next, "cases.flash.recheck", err)
	case "change":
		o, err := wf.StartCaseChange(ctx, u, id)
		if err != nil {
			s.selfServiceDone(w, r, next, "", err)
			return
		}
		http.Redirect(w, r, "/portal/orders/"+o.ID+"/edit/"+wizardSteps(o.Type)[0], http.StatusSeeOther)
	default:
		s.notFound(w, r)
	}
}
