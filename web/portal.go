package web

// portalRoutes registers the customer portal (验证备案类型, the order
// wizard, materials, authenticity, status, records).
func (s *Server) portalRoutes(page route) {}
