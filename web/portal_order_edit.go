package web

import (
	"net/http"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// orderEdit shows one step of the order wizard with the live pre-check:
// each finding next to its field, the step's findings in a summary at the
// top and the other steps' findings linked below it.
func (s *Server) orderEdit(w http.ResponseWriter, r *http.Request) {
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
	res := s.cfg.Workflow.Precheck(r.Context(), o, rules.ModeDraft)
	p := s.page(r, "order.edit.title", s.editData(r, o, step, res, nil))
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("order.flash.saved", "Time", s.cfg.Clock.Now().In(beian.ChinaTime).Format("15:04"))
	}
	s.render(w, r, http.StatusOK, "portal/order_edit", p)
}
