package workflow

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// ReviewFile is everything a reviewer needs on one page to decide an
// order: its data and materials, the full pre-check, the subject's other
// filings and orders, what happened so far, the calls made and the video
// verifications, and suggested marks.
type ReviewFile struct {
	Order   *beian.Order
	Account *beian.Account
	Due     Countdown
	Claim   Claim
	// CanReview reports whether the viewer may claim and decide (a
	// reviewer or admin); InReview whether the order waits for review.
	CanReview bool
	InReview  bool
	// Precheck is the full (submit-mode) pre-check, run when the file is
	// opened, so facts that changed since submission show. It is not run
	// for an order that has ended (PrecheckEnded): a filed order's own
	// record would be reported against it.
	Precheck      rules.Result
	PrecheckEnded bool
	// Fields are the markable fields of the order.
	Fields    []FieldPath
	Materials []MaterialView
	// Record is the subject's filed record (by certificate, or the one the
	// order acts on); nil for a subject that has none here.
	Record *beian.Record
	// OtherOrders are the subject's other orders, newest first.
	OtherOrders []*beian.Order
	History     []HistoryEntry
	Phone       []PhoneLogEntry
	// PhoneTargets are the numbers of the order a reviewer may call, masked.
	PhoneTargets []PhoneTarget
	Videos       []beian.VideoCheck
	// Suggested are marks the logs suggest: R27 for numbers no call
	// verified, R19 after a failed or missed video call.
	Suggested []Suggestion
	// Names maps staff user IDs to names, for the page.
	Names map[string]string
}

// MaterialView is an uploaded document as the review page shows it.
type MaterialView struct {
	Material beian.Material
	Label    beian.Text
	// Field is the path a mark on this document uses.
	Field string
	// Image and Video tell the page whether to show the document inline.
	Image bool
	Video bool
}

// HistoryEntry is one step in the order's audit trail, with the opinion
// and marks of a review decision.
type HistoryEntry struct {
	At        time.Time
	Actor     string
	ActorName string
	// Action is the audit action, e.g. order.submit, order.claim.
	Action string
	// Event is the order event the action applied, "" for other actions
	// (claims, calls, video checks).
	Event    beian.OrderEvent
	From, To beian.OrderState
	Marks    []beian.FieldMark
	Opinion  string
	// Field and Outcome describe a logged call (the number's path, never
	// the number); VideoStatus and VideoAt a video verification step.
	Field       string
	Outcome     beian.PhoneOutcome
	VideoStatus beian.VideoCheckStatus
	VideoAt     time.Time
}

// OpenReview returns the review file of an order for staff. It runs the
// full pre-check outside the read transaction, since that may consult
// remote facts. Errors: EFORBIDDEN (not staff), ENOTFOUND.
func (w *Workflow) OpenReview(ctx context.Context, u *beian.User, id string) (*ReviewFile, error) {
	if !anyStaff(u) {
		return nil, errStaffOnly()
	}
	now := w.clock.Now()
	f := &ReviewFile{CanReview: CanReview(u)}
	var checks []beian.PhoneCheck
	err := w.store.View(ctx, func(tx beian.Tx) error {
		o, err := tx.FindOrder(ctx, id)
		if err != nil {
			return err
		}
		f.Order, f.InReview = o, inReview(o.State)
		if f.Names, err = staffNames(ctx, tx); err != nil {
			return err
		}
		if f.Account, err = tx.FindAccount(ctx, o.AccountID); err != nil {
			return err
		}
		f.Due, f.Claim = w.countdown(now, o.DueAt), claimOf(o, u, f.Names, now)
		if err := subjectFilings(ctx, tx, f); err != nil {
			return err
		}
		if f.History, err = history(ctx, tx, o, f.Names); err != nil {
			return err
		}
		if checks, err = tx.PhoneChecks(ctx, o.ID); err != nil {
			return err
		}
		f.Videos, err = tx.VideoChecks(ctx, o.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	o := f.Order
	f.Phone = phoneLogEntries(o, checks, f.Names)
	f.PhoneTargets = PhoneTargets(&o.Snapshot)
	f.Suggested = append(phoneSuggestions(checks), videoSuggestions(f.Videos)...)
	f.Fields = FieldPaths(&o.Snapshot)
	for _, m := range o.Snapshot.Materials {
		f.Materials = append(f.Materials, MaterialView{Material: m, Label: MaterialLabel(&o.Snapshot, &m), Field: MaterialField(&o.Snapshot, &m),
			Image: strings.HasPrefix(m.MediaType, "image/"), Video: strings.HasPrefix(m.MediaType, "video/")})
	}
	if o.State.InProgress() {
		f.Precheck = w.Precheck(ctx, o, rules.ModeSubmit)
	} else {
		f.PrecheckEnded = true
	}
	return f, nil
}

// subjectFilings fills the subject's record and other orders.
func subjectFilings(ctx context.Context, tx beian.Tx, f *ReviewFile) error {
	o := f.Order
	cert := o.Snapshot.Subject.CertificateNumber
	var err error
	switch {
	case o.RecordSubjectID != "":
		f.Record, err = notFoundIsNil(tx.FindRecord(ctx, o.RecordSubjectID))
	case cert != "":
		f.Record, err = notFoundIsNil(tx.FindRecordBySubjectCertificate(ctx, cert))
	}
	if err != nil {
		return err
	}
	if cert == "" {
		return nil
	}
	others, _, err := tx.FindOrders(ctx, beian.OrderFilter{SubjectCertificate: cert, Limit: 20})
	if err != nil {
		return err
	}
	for _, x := range others {
		if x.ID != o.ID {
			f.OtherOrders = append(f.OtherOrders, x)
		}
	}
	return nil
}

// auditData is what the order actions write into audit events.
type auditData struct {
	From    beian.OrderState `json:"from"`
	To      beian.OrderState `json:"to"`
	RawMark []struct {
		Field string `json:"field"`
		Rule  string `json:"rule"`
	} `json:"marks"`
	Field       string    `json:"field"`
	Outcome     string    `json:"outcome"`
	Status      string    `json:"status"`
	ScheduledAt time.Time `json:"scheduled_at"`
}

// history reads the order's audit trail and joins the review decisions'
// opinions and notes to it.
func history(ctx context.Context, tx beian.Tx, o *beian.Order, names map[string]string) ([]HistoryEntry, error) {
	events, err := tx.AuditEventsFor(ctx, "order", o.ID)
	if err != nil {
		return nil, err
	}
	reviews, err := tx.OrderReviews(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	out := make([]HistoryEntry, 0, len(events))
	for _, e := range events {
		h := HistoryEntry{At: e.At, Actor: e.ActorID, ActorName: nameOf(names, e.ActorID), Action: e.Action}
		if ev := beian.OrderEvent(strings.TrimPrefix(e.Action, "order.")); isOrderEvent(ev) {
			h.Event = ev
		}
		var d auditData
		if len(e.Data) > 0 && json.Unmarshal(e.Data, &d) == nil {
			h.From, h.To = d.From, d.To
			for _, m := range d.RawMark {
				h.Marks = append(h.Marks, beian.FieldMark{Field: m.Field, RuleID: m.Rule})
			}
			h.Field, h.Outcome = d.Field, beian.PhoneOutcome(d.Outcome)
			h.VideoStatus, h.VideoAt = beian.VideoCheckStatus(d.Status), d.ScheduledAt
			if e.Action == "order.video_check" {
				h.VideoStatus = beian.VideoScheduled
			}
		}
		for _, r := range reviews {
			if r.At.Equal(e.At) && "order."+string(r.Event) == e.Action {
				h.Opinion, h.Marks = r.Opinion, r.Marks
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// Document is an uploaded document an order refers to, as stored.
type Document struct {
	// Key is the document's key in the document store.
	Key       string
	MediaType string
	Name      beian.Text
}

// OrderDocument returns the document ref of an order for u: a material by
// its ID, or an app icon or pre-approval file by its key. Staff and the
// order's own customer (sub-users within their scope) may open it; anyone
// else gets ENOTFOUND, as if there were no such document.
func (w *Workflow) OrderDocument(ctx context.Context, u *beian.User, orderID, ref string) (*Document, error) {
	o, err := w.Order(ctx, u, orderID)
	if err != nil {
		return nil, err
	}
	s := &o.Snapshot
	for i := range s.Materials {
		if m := &s.Materials[i]; m.ID == ref && m.DocumentID != "" {
			return &Document{Key: m.DocumentID, MediaType: m.MediaType, Name: MaterialLabel(s, m)}, nil
		}
	}
	if ref == "" {
		return nil, errNotFound()
	}
	for i, a := range s.Apps {
		if a.IconDocumentID == ref {
			return &Document{Key: ref, Name: join(appLabel(i, &s.Apps[i]), beian.Text{ZH: "图标", EN: "icon"})}, nil
		}
		for _, p := range a.PreApprovals {
			if p.DocumentID == ref {
				return &Document{Key: ref, Name: beian.Text{ZH: "前置审批文件", EN: "Pre-approval document"}}, nil
			}
		}
	}
	for _, ws := range s.Websites {
		for _, p := range ws.PreApprovals {
			if p.DocumentID == ref {
				return &Document{Key: ref, Name: beian.Text{ZH: "前置审批文件", EN: "Pre-approval document"}}, nil
			}
		}
	}
	return nil, errNotFound()
}

func isOrderEvent(ev beian.OrderEvent) bool {
	for _, e := range beian.OrderEvents {
		if e == ev {
			return true
		}
	}
	return false
}
