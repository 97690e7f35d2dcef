package web

import (
	"net/http"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// orderStatusData is the order's status page.
type orderStatusData struct {
	orderPage
	Progress []progressStep
	Timeline []timelineItem
	Due      *dueView
	SMS      *smsView
	Review   *reviewView
	Video    *videoView
	Actions  orderActions
	// Pending counts what must be fixed before an editable order can be
	// submitted (draft pre-check).
	Pending int
}

// videoView is a video verification the reviewer scheduled.
type videoView struct{ At, Notes string }

// orderStatus shows where the order stands: the stages, the countdown of
// the current wait in working days (or hours, for the SMS window), the
// SMS instructions, the reviewer's marks with their remedies, the history
// and the actions the state allows.
func (s *Server) orderStatus(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	o, evs, err := s.cfg.Workflow.OrderHistory(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	tr := s.translator(r)
	now := s.cfg.Clock.Now()
	var res rules.Result
	if o.State.Editable() {
		res = s.cfg.Workflow.Precheck(r.Context(), o, rules.ModeDraft)
	}
	page, notes, _ := s.newOrderPage(r, o, res, nil, "status", false)
	page.Summary, page.Other = nil, nil
	d := orderStatusData{orderPage: page, Progress: orderProgress(tr, o), Timeline: timeline(tr, u, o, evs),
		Due: orderDue(tr, s.cfg.Workflow.Calendar(), o, now), SMS: orderSMS(tr, o, now, s.cfg.BureauVerifyURL),
		Review: orderReview(tr, notes, o), Actions: actionsFor(o)}
	for _, n := range notes.all {
		if n.Blocking() {
			d.Pending++
		}
	}
	if v, err := s.cfg.Workflow.PendingVideoCheck(r.Context(), u, o.ID); err == nil && v != nil {
		d.Video = &videoView{At: v.ScheduledAt.In(beian.ChinaTime).Format("2006-01-02 15:04"), Notes: v.Notes}
	}
	p := s.page(r, "order.status.title", d)
	if done := r.URL.Query().Get("done"); done != "" {
		p.Flash = p.T("order.flash." + map[string]string{"submitted": "submitted", "withdrawn": "withdrawn", "abandoned": "abandoned", "confirmed": "confirmed"}[done])
	}
	s.render(w, r, http.StatusOK, "portal/order_status", p)
}
