package web

// portalRoutes registers the customer portal (验证备案类型, the order
// wizard, materials, authenticity, status, records).
func (s *Server) portalRoutes(page route) {
	page("GET /portal/orders", s.requireUser(s.orderList))
	page("GET /portal/orders/{id}", s.requireUser(s.orderStatus))
	page("GET /portal/orders/{id}/edit/{step}", s.requireUser(s.orderEdit))
	page("POST /portal/orders/{id}/edit/{step}", s.requireUser(s.orderSave))
	page("GET /portal/orders/{id}/materials", s.requireUser(s.materialList))
	page("POST /portal/orders/{id}/materials/{purpose}", s.requireUser(s.materialUpload))
	page("GET /portal/orders/{id}/materials/{mid}", s.requireUser(s.materialFile))
	page("POST /portal/orders/{id}/materials/{mid}/remove", s.requireUser(s.materialRemove))
	page("GET /portal/orders/{id}/authenticity", s.requireUser(s.authenticity))
	page("POST /portal/orders/{id}/authenticity/{owner}/start", s.requireUser(s.authenticityStart))
	page("GET /portal/orders/{id}/letters/{kind}", s.requireUser(s.authenticityLetter))
	page("GET /portal/orders/{id}/submit", s.requireUser(s.orderSubmitPage))
	page("POST /portal/orders/{id}/submit", s.requireUser(s.orderSubmit))
	page("POST /portal/orders/{id}/withdraw", s.requireUser(s.orderWithdraw))
	page("GET /portal/orders/{id}/abandon", s.requireUser(s.orderAbandonConfirm))
	page("POST /portal/orders/{id}/abandon", s.requireUser(s.orderAbandon))
	page("GET /portal/orders/{id}/confirm-cancellation", s.requireUser(s.orderCancelConfirm))
	page("POST /portal/orders/{id}/confirm-cancellation", s.requireUser(s.orderCancelConfirmed))
}
