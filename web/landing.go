package web

import "net/http"

// landing is the public front page: what filing with this provider takes,
// step by step, and where to sign in.
func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "landing", s.page(r, "landing.title", nil))
}

// home sends a signed-in user to where their work is: staff to the
// console, customers to their orders.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if u := s.currentUser(r); u != nil && u.Role.IsStaff() {
		http.Redirect(w, r, "/console", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/portal/orders", http.StatusSeeOther)
}
