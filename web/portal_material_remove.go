package web

import "net/http"

// materialRemove takes a wrong upload off the order (the file is kept as
// evidence) and goes back to the page it came from.
func (s *Server) materialRemove(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.cfg.Workflow.RemoveMaterial(r.Context(), s.currentUser(r), id, r.PathValue("mid")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, backHref(id, r.URL.Query().Get("back"))+"?removed=1", http.StatusSeeOther)
}
