package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// orderSave saves a wizard step as the order's draft (with the version the
// page was rendered from, so two tabs cannot overwrite each other) and
// carries out the step's buttons: save, save and continue, add or remove a
// website, app or platform, refresh a county list. Inputs that cannot be
// stored as typed are shown again with their error; the rest is saved.
func (s *Server) orderSave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, beian.Errorf(beian.EINVALID, "order.form.too_large"))
		return
	}
	u := s.currentUser(r)
	o, err := s.cfg.Workflow.Order(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	step := r.PathValue("step")
	if !hasStep(o.Type, step) {
		s.notFound(w, r)
		return
	}
	basis, err := s.cfg.Workflow.OrderBasis(r.Context(), u, o.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	snap := o.Snapshot
	errs := parseStep(step, r.PostForm, readOnly(o, basis), &snap)
	op := r.PostForm.Get("op")
	target, listOp := applyOp(op, &snap, o.Type)
	if path, ok := strings.CutPrefix(op, "refresh:"); ok {
		target, listOp = path, true // back to the county list just refreshed
	}
	if bad := basisErrors(r, o, basis, &snap); len(bad) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "portal/order_edit", s.page(r, "order.edit.title", s.editData(r, o, step, s.cfg.Workflow.Precheck(r.Context(), o, rules.ModeDraft), bad)))
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	saved, res, err := s.cfg.Workflow.SaveDraft(r.Context(), u, o.ID, version, snap)
	switch {
	case isStale(err):
		s.render(w, r, http.StatusConflict, "portal/order_conflict", s.page(r, "order.conflict.title", orderConflictData{Header: newOrderHeader(s.translator(r), o), Step: step}))
		return
	case err != nil:
		s.renderError(w, r, err)
		return
	case len(errs) > 0:
		s.render(w, r, http.StatusUnprocessableEntity, "portal/order_edit", s.page(r, "order.edit.title", s.editData(r, saved, step, res, errs)))
		return
	}
	fix := r.PostForm.Get("fix") == "1"
	here := "/portal/orders/" + o.ID + "/edit/" + step + "?saved=1"
	if fix {
		here += "&fix=1"
	}
	switch {
	case op == "next":
		http.Redirect(w, r, nextHref(saved, step, fix), http.StatusSeeOther)
	case listOp:
		http.Redirect(w, r, here+"#"+fieldID(target), http.StatusSeeOther)
	default:
		http.Redirect(w, r, here, http.StatusSeeOther)
	}
}

// orderConflictData explains a save refused because the order changed
// since the page was rendered.
type orderConflictData struct {
	Header orderHeader
	Step   string
}

// basisErrors refuses changes to what the order was started from; the
// form never posts those fields, so this catches tampered requests.
func basisErrors(r *http.Request, o *beian.Order, b *beian.OrderBasis, snap *beian.Snapshot) []formError {
	var out []formError
	for _, e := range workflow.CheckBasis(o, b, snap) {
		out = append(out, formError{Path: e.Field, Message: beian.ErrorMessage(requestLang(r), e)})
	}
	return out
}

// isStale reports whether err refused a write made from an outdated page.
func isStale(err error) bool {
	e, ok := beian.AsError(err)
	return ok && e.Key == "order.version.stale"
}
