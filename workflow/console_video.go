package workflow

import (
	"context"
	"strings"
	"time"

	"github.com/openbeian/beian"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"video.time":       {ZH: "请选择今后 30 天内的视频核验时间。", EN: "Choose a time for the video call within the next 30 days."},
		"video.notes_long": {ZH: "视频核验说明不能超过 500 字。", EN: "The video call notes must not exceed 500 characters."},
		"video.outcome":    {ZH: "请选择视频核验结果。", EN: "Choose the outcome of the video call."},
		"video.not_open":   {ZH: "该视频核验已有结果。", EN: "This video verification already has an outcome."},
	})
}

// EventVideoCheck is the notification event of a scheduled video
// verification. It is not a state change — the order stays in review — but
// the customer must hear of the appointment; it travels as a JobNotifyOrder
// like the state events, and a notifier without a message for it drops it.
const EventVideoCheck beian.OrderEvent = "video_check"

// videoHorizon is how far ahead a video call may be booked: further out,
// the review would sit idle past any reasonable deadline.
const videoHorizon = 30 * 24 * time.Hour

// VideoCheckInput is a video verification a reviewer requires: when the
// call takes place and what the customer must know (who attends, what to
// bring, how to join).
type VideoCheckInput struct {
	At    time.Time
	Notes string
}

// RequireVideoCheck schedules a video verification (视频核验, spec
// §4.2(f)) on an order in review. The order keeps its state; the customer
// sees the appointment through VideoChecks and is told by a JobNotifyOrder
// with EventVideoCheck, and the order cannot pass
// until the reviewer records the outcome. A check already scheduled is
// replaced (cancelled), so rescheduling is the same action. The review
// deadline moves to one working day after the call when it would fall
// earlier, so that waiting for the customer does not show as the
// reviewer's delay. Errors: EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (w *Workflow) RequireVideoCheck(ctx context.Context, u *beian.User, orderID string, in VideoCheckInput) (*beian.VideoCheck, error) {
	if !CanReview(u) {
		return nil, errForbidden()
	}
	in.Notes = strings.TrimSpace(in.Notes)
	if len([]rune(in.Notes)) > 500 {
		return nil, beian.Invalid("notes", "video.notes_long")
	}
	var v *beian.VideoCheck
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		now := tx.Now()
		if !in.At.After(now) || in.At.After(now.Add(videoHorizon)) {
			return beian.Invalid("at", "video.time")
		}
		o, err := w.loadForReviewer(ctx, tx, u, orderID)
		if err != nil {
			return err
		}
		existing, err := tx.VideoChecks(ctx, o.ID)
		if err != nil {
			return err
		}
		for i := range existing {
			if old := &existing[i]; old.Open() {
				old.Status, old.DecidedBy, old.DecidedAt = beian.VideoCancelled, u.ID, now
				if err := tx.UpdateVideoCheck(ctx, old); err != nil {
					return err
				}
			}
		}
		v = &beian.VideoCheck{OrderID: o.ID, ScheduledAt: in.At.UTC(), Notes: in.Notes, Status: beian.VideoScheduled, RequestedBy: u.ID, RequestedAt: now}
		if err := tx.CreateVideoCheck(ctx, v); err != nil {
			return err
		}
		if due := w.workdaysAfter(ctx, in.At, 1); !due.IsZero() && o.DueAt.Before(due) {
			o.DueAt = due
		}
		// The order is written even when the deadline stays, so that its
		// version (and with it the notification's cause key) is new for
		// every appointment.
		o.UpdatedAt = now
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		if err := audit(ctx, tx, u.ID, "order.video_check", "order", o.ID, map[string]any{"check": v.ID, "scheduled_at": v.ScheduledAt}); err != nil {
			return err
		}
		return notifyOrder(ctx, tx, o, EventVideoCheck)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// RecordVideoCheck records the outcome of a scheduled video verification:
// passed, failed, missed or cancelled. It works in any state of the order,
// since a call may be held after the order was sent back. Errors:
// EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT (already decided).
func (w *Workflow) RecordVideoCheck(ctx context.Context, u *beian.User, orderID, checkID string, status beian.VideoCheckStatus, note string) (*beian.VideoCheck, error) {
	if !CanReview(u) {
		return nil, errForbidden()
	}
	valid := false
	for _, s := range beian.VideoOutcomes {
		valid = valid || s == status
	}
	note = strings.TrimSpace(note)
	switch {
	case !valid:
		return nil, beian.Invalid("status", "video.outcome")
	case len([]rune(note)) > 500:
		return nil, beian.Invalid("note", "video.notes_long")
	}
	var v *beian.VideoCheck
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		checks, err := tx.VideoChecks(ctx, orderID)
		if err != nil {
			return err
		}
		for i := range checks {
			if checks[i].ID == checkID {
				v = &checks[i]
			}
		}
		if v == nil {
			return errNotFound()
		}
		if !v.Open() {
			return beian.Errorf(beian.ECONFLICT, "video.not_open")
		}
		v.Status, v.ResultNote, v.DecidedBy, v.DecidedAt = status, note, u.ID, tx.Now()
		if err := tx.UpdateVideoCheck(ctx, v); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "order.video_result", "order", orderID, map[string]any{"check": v.ID, "status": v.Status})
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// VideoChecks returns the order's video verifications, oldest first, to
// anyone who may see the order: the customer learns from it that a call is
// required, when, and what to bring. Customers see neither the staff
// involved nor the reviewer's note on the outcome. Errors: ENOTFOUND.
func (w *Workflow) VideoChecks(ctx context.Context, u *beian.User, orderID string) ([]beian.VideoCheck, error) {
	if _, err := w.Order(ctx, u, orderID); err != nil {
		return nil, err
	}
	var out []beian.VideoCheck
	err := w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		out, err = tx.VideoChecks(ctx, orderID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !anyStaff(u) {
		for i := range out {
			out[i].RequestedBy, out[i].DecidedBy, out[i].ResultNote = "", "", ""
		}
	}
	return out, nil
}

// PendingVideoCheck returns the order's scheduled video verification, or
// nil when none is open: the flag the customer's order page shows.
func (w *Workflow) PendingVideoCheck(ctx context.Context, u *beian.User, orderID string) (*beian.VideoCheck, error) {
	checks, err := w.VideoChecks(ctx, u, orderID)
	if err != nil {
		return nil, err
	}
	for i := range checks {
		if checks[i].Open() {
			return &checks[i], nil
		}
	}
	return nil, nil
}

// videoSuggestions proposes rejection R19 (video verification required)
// when the latest decided video call failed or was missed; a passed call
// proposes nothing.
func videoSuggestions(checks []beian.VideoCheck) []Suggestion {
	for i := len(checks) - 1; i >= 0; i-- {
		switch c := checks[i]; c.Status {
		case beian.VideoFailed, beian.VideoMissed:
			return []Suggestion{{Field: FieldOrder, RuleID: "R19", Video: c.Status, VideoAt: c.ScheduledAt}}
		case beian.VideoPassed:
			return nil
		}
	}
	return nil
}
