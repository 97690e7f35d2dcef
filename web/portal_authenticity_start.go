package web

import "net/http"

// authenticityStart begins a vendor's face verification for a service
// principal and sends the customer to the vendor's page; with staff
// review there is nothing to start, so it goes back to the page.
func (s *Server) authenticityStart(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	sess, err := s.cfg.Workflow.StartLiveness(r.Context(), s.currentUser(r), id, r.PathValue("owner"), s.liveness())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if sess.URL == "" {
		http.Redirect(w, r, "/portal/orders/"+id+"/authenticity", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, sess.URL, http.StatusSeeOther)
}
