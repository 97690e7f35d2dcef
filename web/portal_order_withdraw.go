package web

import "net/http"

// orderWithdraw pulls an order in the provider's review back to draft so
// it can be edited (撤销备案).
func (s *Server) orderWithdraw(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.cfg.Workflow.Withdraw(r.Context(), s.currentUser(r), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/portal/orders/"+id+"?done=withdrawn", http.StatusSeeOther)
}
