package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// orderSubmitData is the submit page: what will be submitted, the full
// pre-check, the materials checklist and the button.
type orderSubmitData struct {
	orderPage
	Subject   *beian.Subject
	Websites  []beian.Website
	Apps      []beian.App
	Mobile    string
	Blocking  []noteView
	Warnings  []noteView
	Attention []noteView
	Checklist checklist
	// Key is the idempotency key of this rendering's submit button, so a
	// double click submits once.
	Key       string
	Editable  bool
	CanSubmit bool
	Resubmit  bool
	Actions   orderActions
}

// orderSubmitPage shows the submit page with the full pre-check.
func (s *Server) orderSubmitPage(w http.ResponseWriter, r *http.Request) {
	o, err := s.cfg.Workflow.Order(r.Context(), s.currentUser(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	res := s.cfg.Workflow.Precheck(r.Context(), o, rules.ModeSubmit)
	s.render(w, r, http.StatusOK, "portal/order_submit", s.page(r, "order.submit.title", s.submitData(r, o, res)))
}

func (s *Server) submitData(r *http.Request, o *beian.Order, res rules.Result) orderSubmitData {
	tr := s.translator(r)
	page, notes, needs := s.newOrderPage(r, o, res, nil, "submit", false)
	page.Summary, page.Other = nil, nil
	d := orderSubmitData{orderPage: page, Subject: &o.Snapshot.Subject, Websites: o.Snapshot.Websites, Apps: o.Snapshot.Apps,
		Mobile: maskMobile(o.Snapshot.Subject.Principal.Mobile), Key: newSubmitKey(), Editable: o.State.Editable(),
		Resubmit: o.State != beian.Draft, Actions: actionsFor(o),
		Checklist: buildChecklist(tr, o, needs, "materials")}
	for _, n := range notes.all {
		switch {
		case n.Kind == "mark":
			// A reviewer's mark is listed for the customer to act on, but
			// the page cannot tell whether a change answers it: the
			// reviewer judges that on resubmission (the workflow's Submit
			// does not refuse marks either), so it does not lock the button.
			d.Warnings = append(d.Warnings, n)
		case n.Blocking():
			d.Blocking = append(d.Blocking, n)
		case n.Kind == "warning":
			d.Warnings = append(d.Warnings, n)
		default:
			d.Attention = append(d.Attention, n)
		}
	}
	d.CanSubmit = d.Editable && len(d.Blocking) == 0
	return d
}

func newSubmitKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// maskMobile shows a mobile number as 138****0001.
func maskMobile(m string) string {
	if len(m) < 7 {
		return m
	}
	return m[:3] + "****" + m[len(m)-4:]
}

// orderActions are the customer's actions in the order's state.
type orderActions struct {
	Edit, Submit, Withdraw, Abandon, Confirm bool
}

func actionsFor(o *beian.Order) orderActions {
	can := func(ev beian.OrderEvent) bool { _, err := beian.Transition(o.Type, o.State, ev); return err == nil }
	return orderActions{
		Edit:     o.State.Editable(),
		Submit:   o.State.Editable(),
		Withdraw: can(beian.EventWithdraw),
		Abandon:  can(beian.EventAbandon),
		Confirm:  o.Type == beian.CancelSubject && o.State == beian.AwaitingBureauSubmission && !o.CancellationConfirmed,
	}
}
