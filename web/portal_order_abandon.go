package web

import "net/http"

// orderConfirmData is a confirmation page for an action that cannot be
// undone, posted by a plain form (no script).
type orderConfirmData struct {
	Header               orderHeader
	Lead                 string
	Points               []string
	Action, Button, Back string
}

// orderAbandonConfirm asks before abandoning an order (放弃备案).
func (s *Server) orderAbandonConfirm(w http.ResponseWriter, r *http.Request) {
	o, err := s.cfg.Workflow.Order(r.Context(), s.currentUser(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	tr := s.translator(r)
	d := orderConfirmData{Header: newOrderHeader(tr, o), Lead: tr.T("order.abandon.lead"),
		Points: []string{tr.T("order.abandon.point1"), tr.T("order.abandon.point2"), tr.T("order.abandon.point3")},
		Action: "/portal/orders/" + o.ID + "/abandon", Button: tr.T("order.abandon.button"), Back: "/portal/orders/" + o.ID}
	s.render(w, r, http.StatusOK, "portal/order_confirm", s.page(r, "order.abandon.title", d))
}

// orderAbandon abandons the order; it moves to the history.
func (s *Server) orderAbandon(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.cfg.Workflow.Abandon(r.Context(), s.currentUser(r), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/portal/orders/"+id+"?done=abandoned", http.StatusSeeOther)
}
