package web

import (
	"net/http"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

type consoleStateCount struct {
	State, Key string
	Count      int
	// Href lists the orders of the state, for the states the console has
	// a list of.
	Href string
}

type consoleDashboardData struct {
	consoleBase
	D         *workflow.Dashboard
	States    []consoleStateCount
	Mine      consoleList
	Urgent    consoleList
	CanReview bool
}

// consoleDashboard is the console's front page: the day's work for the
// signed-in reviewer, then where all orders stand.
func (s *Server) consoleDashboard(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	tr := s.translator(r)
	dash, err := s.cfg.Workflow.Dashboard(r.Context(), u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &consoleDashboardData{consoleBase: consoleBase{Active: "dashboard"}, D: dash, CanReview: workflow.CanReview(u)}
	for _, sc := range dash.States {
		c := consoleStateCount{State: sc.State.Text().In(tr.lang), Key: string(sc.State), Count: sc.Count}
		switch sc.State {
		case beian.AwaitingPrelim, beian.ModifiedAwaitingReview:
			c.Href = "/console/queue?state=" + string(sc.State)
		case beian.AwaitingBureauSubmission:
			c.Href = "/console/bureau"
		}
		d.States = append(d.States, c)
	}
	rows := func(items []workflow.QueueItem) []consoleOrderRow {
		var out []consoleOrderRow
		for _, it := range items {
			row := newConsoleOrderRow(tr, it.Order)
			row.Due, row.Claim = newConsoleDue(tr, it.Due), it.Claim
			out = append(out, row)
		}
		return out
	}
	d.Mine = consoleList{translator: tr, Rows: rows(dash.Mine), Empty: "console.dashboard.mine_empty", ShowDue: true}
	d.Urgent = consoleList{translator: tr, Rows: rows(dash.Urgent), Empty: "console.dashboard.urgent_empty", ShowDue: true, ShowClaim: true}
	s.render(w, r, http.StatusOK, "console/dashboard", s.consolePage(r, "console.dashboard.title", &d.consoleBase, d))
}
