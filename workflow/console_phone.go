package workflow

import (
	"context"
	"strings"
	"time"

	"github.com/openbeian/beian"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"phone.target":    {ZH: "请选择拨打的号码。", EN: "Choose the number you called."},
		"phone.outcome":   {ZH: "请选择通话结果。", EN: "Choose how the call went."},
		"phone.note_long": {ZH: "通话说明不能超过 500 字。", EN: "The call note must not exceed 500 characters."},
	})
}

// PhoneCheckInput is a verification call a reviewer logs: which of the
// order's numbers (by its path, never the number itself, so that no form,
// URL or log carries it), how it went, and a note.
type PhoneCheckInput struct {
	Field   string
	Outcome beian.PhoneOutcome
	Note    string
}

// PhoneLogEntry is a logged call as pages show it: the number masked to
// its last four digits.
type PhoneLogEntry struct {
	ID      string
	Field   string
	Label   beian.Text
	Person  string
	Masked  string
	Outcome beian.PhoneOutcome
	Note    string
	By      string
	ByName  string
	At      time.Time
}

// LogPhoneCheck records a verification call on an order in review. The
// number is taken from the order's data at in.Field and stored encrypted;
// the audit trail records the field and the outcome only. Reviewers and
// admins may log, unless a colleague holds the order. Errors: EFORBIDDEN,
// ENOTFOUND, EINVALID, ECONFLICT (not in review, claimed by another).
func (w *Workflow) LogPhoneCheck(ctx context.Context, u *beian.User, orderID string, in PhoneCheckInput) (*PhoneLogEntry, error) {
	if !CanReview(u) {
		return nil, errForbidden()
	}
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case !in.Outcome.Valid():
		return nil, beian.Invalid("outcome", "phone.outcome")
	case len([]rune(in.Note)) > 500:
		return nil, beian.Invalid("note", "phone.note_long")
	}
	var entry *PhoneLogEntry
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		o, err := w.loadForReviewer(ctx, tx, u, orderID)
		if err != nil {
			return err
		}
		var number string
		var target PhoneTarget
		for _, n := range phoneNumbers(&o.Snapshot) {
			if n.target.Field == in.Field {
				number, target = n.number, n.target
			}
		}
		if number == "" {
			return beian.Invalid("field", "phone.target")
		}
		c := &beian.PhoneCheck{OrderID: o.ID, Field: in.Field, Number: number, Outcome: in.Outcome, Note: in.Note, CalledBy: u.ID, CalledAt: tx.Now()}
		if err := tx.CreatePhoneCheck(ctx, c); err != nil {
			return err
		}
		entry = &PhoneLogEntry{ID: c.ID, Field: c.Field, Label: target.Label, Person: target.Person, Masked: target.Masked,
			Outcome: c.Outcome, Note: c.Note, By: u.ID, ByName: displayName(u), At: c.CalledAt}
		return audit(ctx, tx, u.ID, "order.phone_check", "order", o.ID, map[string]any{"field": c.Field, "outcome": c.Outcome})
	})
	if err != nil {
		return nil, err
	}
	return entry, nil
}

// loadForReviewer loads an order in tx for a reviewer's action: it must
// wait for review and not be held by a colleague (admins override).
func (w *Workflow) loadForReviewer(ctx context.Context, tx beian.Tx, u *beian.User, id string) (*beian.Order, error) {
	o, err := tx.FindOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if !inReview(o.State) {
		return nil, beian.Errorf(beian.ECONFLICT, "review.not_in_queue")
	}
	if o.ClaimedBy != "" && o.ClaimedBy != u.ID && tx.Now().Sub(o.ClaimedAt) < claimTTL && u.Role != beian.RoleAdmin {
		return nil, beian.Errorf(beian.ECONFLICT, "review.claimed_by_other")
	}
	return o, nil
}

// phoneLogEntries turns the order's calls into what pages show.
func phoneLogEntries(o *beian.Order, checks []beian.PhoneCheck, names map[string]string) []PhoneLogEntry {
	targets := PhoneTargets(&o.Snapshot)
	out := make([]PhoneLogEntry, len(checks))
	for i, c := range checks {
		e := PhoneLogEntry{ID: c.ID, Field: c.Field, Masked: beian.MaskPhone(c.Number), Outcome: c.Outcome, Note: c.Note,
			By: c.CalledBy, ByName: nameOf(names, c.CalledBy), At: c.CalledAt}
		e.Label = beian.Text{ZH: c.Field, EN: c.Field}
		for _, t := range targets {
			if t.Field == c.Field {
				e.Label, e.Person = t.Label, t.Person
			}
		}
		out[i] = e
	}
	return out
}

// PhoneLog returns the order's phone-verification log, numbers masked.
// Staff only. Errors: EFORBIDDEN, ENOTFOUND.
func (w *Workflow) PhoneLog(ctx context.Context, u *beian.User, orderID string) ([]PhoneLogEntry, error) {
	if !anyStaff(u) {
		return nil, errStaffOnly()
	}
	var out []PhoneLogEntry
	err := w.store.View(ctx, func(tx beian.Tx) error {
		o, err := tx.FindOrder(ctx, orderID)
		if err != nil {
			return err
		}
		names, err := staffNames(ctx, tx)
		if err != nil {
			return err
		}
		checks, err := tx.PhoneChecks(ctx, o.ID)
		out = phoneLogEntries(o, checks, names)
		return err
	})
	return out, err
}

// Suggestion is a mark the verification logs propose; the reviewer keeps
// or drops it. The page words the note in the reviewer's language.
type Suggestion struct {
	Field  string
	RuleID string
	// PhoneTail is the last four digits of a number no call verified,
	// for R27 ("calls to the number ending 8000 went unanswered").
	PhoneTail string
	// Video and VideoAt are the outcome and time of the last decided
	// video call, for R19.
	Video   beian.VideoCheckStatus
	VideoAt time.Time
}

// phoneSuggestions proposes rejection R27 for every number whose calls
// never verified the person, quoting the tail the reviewer called, the way
// rejection opinions do.
func phoneSuggestions(checks []beian.PhoneCheck) []Suggestion {
	verified := map[string]bool{}
	failed := map[string]string{}
	var order []string
	for _, c := range checks {
		if c.Outcome.Verified() {
			verified[c.Field] = true
			continue
		}
		if _, ok := failed[c.Field]; !ok {
			order = append(order, c.Field)
		}
		failed[c.Field] = beian.PhoneTail(c.Number)
	}
	var out []Suggestion
	for _, f := range order {
		if !verified[f] {
			out = append(out, Suggestion{Field: f, RuleID: "R27", PhoneTail: failed[f]})
		}
	}
	return out
}
