package web

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workday"
)

// progressStep is one stage of the filing as the status page draws it.
type progressStep struct {
	Label  string
	Detail string
	// State is done, current, todo or returned.
	State string
}

// orderProgress places the order on the five stages of spec §4.1: fill,
// provider review, SMS verification, bureau review, filed. Types without
// SMS or without the bureau skip those stages.
func orderProgress(tr translator, o *beian.Order) []progressStep {
	type stage struct{ key, detail string }
	stages := []stage{{"step.fill", "step.fill.detail"}, {"step.prelim", "step.prelim.detail"}}
	if o.Type.NeedsSMS() {
		stages = append(stages, stage{"step.sms", "step.sms.detail"})
	}
	if o.Type.GoesToBureau() {
		stages = append(stages, stage{"step.bureau", "step.bureau.detail"})
	}
	stages = append(stages, stage{"step.done", "order.progress.done_detail"})
	at := 0
	returned := false
	switch o.State {
	case beian.NeedsModification, beian.PrelimRejected, beian.BureauRejected, beian.Returned:
		returned = true
	case beian.AwaitingPrelim, beian.ModifiedAwaitingReview:
		at = 1
	case beian.AwaitingBureauSubmission, beian.SMSPending:
		at = 2
	case beian.BureauReview:
		at = 3
		if !o.Type.NeedsSMS() {
			at = 2
		}
	case beian.Filed:
		at = len(stages)
	}
	out := make([]progressStep, len(stages))
	for i, s := range stages {
		out[i] = progressStep{Label: tr.T(s.key), Detail: tr.T(s.detail), State: "todo"}
		switch {
		case i < at:
			out[i].State = "done"
		case i == at && returned:
			out[i].State = "returned"
		case i == at && o.State != beian.Abandoned:
			out[i].State = "current"
		}
	}
	return out
}

// timelineItem is one event of the order's history.
type timelineItem struct {
	Time, Title, Detail, Actor string
	Kind                       string
}

// providerActions are the order actions only the provider's staff take.
var providerActions = map[string]bool{string(beian.EventBureauSubmit): true, "video_check": true, "video_result": true, "phone_check": true}

// timeline turns the audit trail into the customer's history: state
// changes, uploads and confirmations, never internal steps (claims, saves).
func timeline(tr translator, u *beian.User, o *beian.Order, evs []beian.AuditEvent) []timelineItem {
	var out []timelineItem
	for _, e := range evs {
		action, ok := strings.CutPrefix(e.Action, "order.")
		if !ok {
			continue
		}
		var data struct {
			From    beian.OrderState `json:"from"`
			To      beian.OrderState `json:"to"`
			Purpose string           `json:"purpose"`
			Marks   []any            `json:"marks"`
			Step    string           `json:"step"`
		}
		_ = json.Unmarshal(e.Data, &data)
		it := timelineItem{Time: e.At.In(beian.ChinaTime).Format("2006-01-02 15:04"), Kind: action}
		switch ev := beian.OrderEvent(action); {
		case action == "create":
			it.Title = tr.T("order.timeline.create")
		case action == "material_upload":
			it.Title = tr.T("order.timeline.upload", "Name", rules.MaterialText(data.Purpose).In(tr.lang))
		case action == "material_remove":
			it.Title = tr.T("order.timeline.remove", "Name", rules.MaterialText(data.Purpose).In(tr.lang))
		case action == "confirm_cancellation":
			it.Title = tr.T("order.timeline.confirm")
		case action == "liveness_start":
			it.Title = tr.T("order.timeline.liveness")
		case action == "video_check":
			it.Title = tr.T("order.timeline.video")
		case ev.Text().ZH != string(ev) && data.To != "":
			it.Title = ev.Text().In(tr.lang)
			it.Detail = tr.T("order.timeline.state", "From", data.From.Text().In(tr.lang), "To", data.To.Text().In(tr.lang))
			if len(data.Marks) > 0 {
				it.Detail += " · " + tr.T("order.timeline.marks", "Count", len(data.Marks))
			}
		default:
			continue
		}
		switch {
		case e.ActorID == u.ID:
			it.Actor = tr.T("order.actor.you")
		case e.ActorID == "system:bureau":
			it.Actor = tr.T("order.actor.bureau")
		case strings.HasPrefix(e.ActorID, "system:"):
			it.Actor = tr.T("order.actor.system")
		case strings.HasPrefix(action, "review_") || providerActions[action]:
			it.Actor = tr.T("order.actor.provider")
		default:
			it.Actor = tr.T("order.actor.account")
		}
		out = append(out, it)
	}
	return out
}

// dueView is the countdown of the current waiting state.
type dueView struct {
	Label, Date, Left string
	Overdue           bool
}

// orderDue counts the working days left until the order's deadline in
// review states, from the working-day calendar; the SMS window is in
// hours (smsView).
func orderDue(tr translator, cal *workday.Calendar, o *beian.Order, now time.Time) *dueView {
	if o.DueAt.IsZero() || o.State == beian.SMSPending {
		return nil
	}
	var label string
	switch o.State {
	case beian.AwaitingPrelim, beian.ModifiedAwaitingReview:
		label = tr.T("order.due.prelim")
	case beian.BureauReview:
		label = tr.T("order.due.bureau")
	default:
		return nil
	}
	d := &dueView{Label: label, Date: o.DueAt.In(beian.ChinaTime).Format("2006-01-02")}
	n, err := cal.WorkdaysBetween(now, o.DueAt)
	switch {
	case err != nil:
		d.Left = ""
	case n < 0:
		d.Overdue = true
		d.Left = tr.T("order.due.overdue", "Count", -n)
	case n == 0:
		d.Left = tr.T("order.due.today")
	default:
		d.Left = tr.T("order.due.left", "Count", n)
	}
	return d
}

// smsView is the SMS-verification step: its 24-hour countdown, who gets
// codes and what to enter where.
type smsView struct {
	Deadline, Left string
	Expired        bool
	Recipients     []smsRecipient
	VerifyURL      string
}

type smsRecipient struct{ Role, Name, Mobile string }

// smsRecipients are the responsible persons MIIT sends codes to for the
// order's type (spec §4.4): never emergency numbers, one code per
// distinct mobile.
func smsRecipients(tr translator, o *beian.Order) []smsRecipient {
	s := &o.Snapshot
	subject, services := false, false
	switch o.Type {
	case beian.FirstFiling:
		subject = true
		services = len(s.Websites) > 0 // an APP-only first filing verifies the subject principal alone
	case beian.NewWebsite, beian.NewApp, beian.NewAccess, beian.ChangeService, beian.CancelService:
		services = true
	case beian.ChangeSubject, beian.CancelSubject:
		subject = true
	case beian.ChangeBoth, beian.Migrate:
		subject, services = true, true
	}
	var out []smsRecipient
	seen := map[string]bool{}
	add := func(role string, p *beian.Person) {
		if p.Mobile == "" || seen[p.Mobile] {
			return
		}
		seen[p.Mobile] = true
		out = append(out, smsRecipient{Role: role, Name: p.Name, Mobile: maskMobile(p.Mobile)})
	}
	if subject {
		add(tr.T("order.f.subject.principal"), &s.Subject.Principal)
	}
	if services {
		for _, w := range s.Websites {
			add(tr.T("order.sms.site_principal", "Name", w.Name), &w.Principal)
		}
		for _, a := range s.Apps {
			add(tr.T("order.sms.app_principal", "Name", a.Name), &a.Principal)
		}
	}
	return out
}

func orderSMS(tr translator, o *beian.Order, now time.Time, verifyURL string) *smsView {
	if o.State != beian.SMSPending {
		return nil
	}
	v := &smsView{Recipients: smsRecipients(tr, o), VerifyURL: verifyURL}
	if v.VerifyURL == "" {
		v.VerifyURL = "https://beian.miit.gov.cn"
	}
	if !o.DueAt.IsZero() {
		v.Deadline = o.DueAt.In(beian.ChinaTime).Format("2006-01-02 15:04")
		left := o.DueAt.Sub(now)
		if left <= 0 {
			v.Expired = true
		} else {
			h, m := int(left.Hours()), int(left.Minutes())%60
			v.Left = tr.T("order.sms.left", "Hours", strconv.Itoa(h), "Minutes", strconv.Itoa(m))
		}
	}
	return v
}

// reviewView is the latest review's request to fix the order: each marked
// field with the rule's reason and remedy and the reviewer's note.
type reviewView struct {
	Title, At, Opinion string
	Marks              []noteView
	FixHref            string
}

func orderReview(tr translator, notes *orderNotes, o *beian.Order) *reviewView {
	if !reviewShown(o) {
		return nil
	}
	r := o.Review
	v := &reviewView{Title: r.Event.Text().In(tr.lang), At: r.At.In(beian.ChinaTime).Format("2006-01-02 15:04"), Opinion: r.Opinion}
	for _, n := range notes.all {
		if n.Kind != "mark" {
			continue
		}
		if n.Step != "" && n.Step != "materials" {
			n.Href = stepHref(o, n.Field, n.Anchor, true)
			if v.FixHref == "" {
				v.FixHref = n.Href
			}
		}
		v.Marks = append(v.Marks, n)
	}
	if v.FixHref == "" {
		v.FixHref = "/portal/orders/" + o.ID + "/edit/" + wizardSteps(o.Type)[0] + "?fix=1"
	}
	return v
}
