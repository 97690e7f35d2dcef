package web

// consoleRoutes registers the staff console (review queue, order review,
// bureau submission, compliance).
func (s *Server) consoleRoutes(page route) {}
