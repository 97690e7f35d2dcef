package web

import (
	"net/http"

	"github.com/openbeian/beian"
)

// landing is the public front page: what filing with this provider takes,
// step by step, and where to sign in.
func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "landing", s.page(r, "landing.title", nil))
}

type homeData struct {
	Orders []*beian.Order
	Total  int
	Staff  bool
}

// home is where a user lands after signing in: customers see their orders,
// staff the orders waiting for them.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	f := beian.OrderFilter{Limit: 50}
	data := homeData{Staff: u.Role.IsStaff()}
	if data.Staff {
		f.States = []beian.OrderState{beian.AwaitingPrelim, beian.ModifiedAwaitingReview, beian.AwaitingBureauSubmission}
	}
	var err error
	data.Orders, data.Total, err = s.cfg.Workflow.Orders(r.Context(), u, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", s.page(r, "home.title", data))
}
