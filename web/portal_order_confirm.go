package web

import (
	"net/http"

	"github.com/openbeian/beian"
)

// orderCancelConfirm asks the customer to confirm a subject cancellation
// the reviewer passed, before it goes to the bureau.
func (s *Server) orderCancelConfirm(w http.ResponseWriter, r *http.Request) {
	o, err := s.cfg.Workflow.Order(r.Context(), s.currentUser(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if o.Type != beian.CancelSubject {
		s.notFound(w, r)
		return
	}
	tr := s.translator(r)
	d := orderConfirmData{Header: newOrderHeader(tr, o), Lead: tr.T("order.confirm.lead", "Name", o.SubjectName()),
		Points: []string{tr.T("order.confirm.point1"), tr.T("order.confirm.point2")},
		Action: "/portal/orders/" + o.ID + "/confirm-cancellation", Button: tr.T("order.confirm.button"), Back: "/portal/orders/" + o.ID}
	s.render(w, r, http.StatusOK, "portal/order_confirm", s.page(r, "order.confirm.title", d))
}

// orderCancelConfirmed records the customer's confirmation.
func (s *Server) orderCancelConfirmed(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.cfg.Workflow.ConfirmCancellation(r.Context(), s.currentUser(r), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/portal/orders/"+id+"?done=confirmed", http.StatusSeeOther)
}
