package workflow

import (
	"context"
	"time"

	"github.com/openbeian/beian"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"review.claimed_by_other": {ZH: "该订单已由其他审核员认领。", EN: "Another reviewer has claimed this order."},
		"review.not_in_queue":     {ZH: "该订单不在待审核状态。", EN: "This order is not waiting for review."},
		"review.decision":         {ZH: "请选择审核结论：通过、待修改或驳回。", EN: "Choose a decision: pass, needs modification or reject."},
		"review.marks_required":   {ZH: "待修改或驳回时，请至少标记一个字段并说明原因。", EN: "Mark at least one field with a reason when asking for changes or rejecting."},
		"review.opinion_long":     {ZH: "审核意见不能超过 1000 字。", EN: "The opinion must not exceed 1000 characters."},
	})
}

// Decision is a reviewer's verdict.
type Decision string

// Review decisions (spec §4.3).
const (
	DecisionPass       Decision = "pass"       // → 待提交管局
	DecisionSupplement Decision = "supplement" // → 接入商审核为待修改
	DecisionReject     Decision = "reject"     // → 初审驳回
)

func (d Decision) event() (beian.OrderEvent, bool) {
	switch d {
	case DecisionPass:
		return beian.EventReviewPass, true
	case DecisionSupplement:
		return beian.EventReviewSupplement, true
	case DecisionReject:
		return beian.EventReviewReject, true
	}
	return "", false
}

// inReview reports whether the order waits for a reviewer.
func inReview(s beian.OrderState) bool {
	return s == beian.AwaitingPrelim || s == beian.ModifiedAwaitingReview
}

// Claim assigns the order to reviewer u so that colleagues skip it; a
// claim older than a working day may be taken over. Errors: EFORBIDDEN,
// ENOTFOUND, ECONFLICT (not in review, claimed by another).
func (w *Workflow) Claim(ctx context.Context, u *beian.User, id string) (*beian.Order, error) {
	return w.setClaim(ctx, u, id, true)
}

// Release gives a claimed order back to the queue.
func (w *Workflow) Release(ctx context.Context, u *beian.User, id string) (*beian.Order, error) {
	return w.setClaim(ctx, u, id, false)
}

// claimTTL is how long a claim holds against colleagues: a reviewer who
// went home must not lock an order overnight.
const claimTTL = 8 * time.Hour

func (w *Workflow) setClaim(ctx context.Context, u *beian.User, id string, claim bool) (*beian.Order, error) {
	if !isStaff(u, beian.RoleReviewer) {
		return nil, errForbidden()
	}
	var o *beian.Order
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if o, err = tx.FindOrder(ctx, id); err != nil {
			return err
		}
		if !inReview(o.State) || o.Type == beian.Transfer {
			return beian.Errorf(beian.ECONFLICT, "review.not_in_queue")
		}
		now := tx.Now()
		held := o.ClaimedBy != "" && o.ClaimedBy != u.ID && now.Sub(o.ClaimedAt) < claimTTL
		if held && u.Role != beian.RoleAdmin {
			return beian.Errorf(beian.ECONFLICT, "review.claimed_by_other")
		}
		action := "order.release"
		if claim {
			o.ClaimedBy, o.ClaimedAt, action = u.ID, now, "order.claim"
		} else {
			o.ClaimedBy, o.ClaimedAt = "", time.Time{}
		}
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, action, "order", o.ID, nil)
	})
	return o, err
}

// ReviewInput is a reviewer's decision with the marked fields.
type ReviewInput struct {
	Decision Decision
	Opinion  string
	Marks    []beian.FieldMark
}

// Review records a reviewer's decision on an order in preliminary review
// and moves it on. Asking for changes or rejecting needs at least one
// marked field, so the customer always learns what to fix. Errors:
// EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (w *Workflow) Review(ctx context.Context, u *beian.User, id string, in ReviewInput) (*beian.Order, error) {
	if !isStaff(u, beian.RoleReviewer) {
		return nil, errForbidden()
	}
	ev, ok := in.Decision.event()
	if !ok {
		return nil, beian.Invalid("decision", "review.decision")
	}
	if ev != beian.EventReviewPass && len(in.Marks) == 0 {
		return nil, beian.Invalid("marks", "review.marks_required")
	}
	if len([]rune(in.Opinion)) > 1000 {
		return nil, beian.Invalid("opinion", "review.opinion_long")
	}
	var o *beian.Order
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if o, err = tx.FindOrder(ctx, id); err != nil {
			return err
		}
		if !inReview(o.State) || o.Type == beian.Transfer {
			// A transfer is approved by the target account (AcceptTransfer),
			// never by a reviewer.
			return beian.Errorf(beian.ECONFLICT, "review.not_in_queue")
		}
		if o.ClaimedBy != "" && o.ClaimedBy != u.ID && tx.Now().Sub(o.ClaimedAt) < claimTTL && u.Role != beian.RoleAdmin {
			return beian.Errorf(beian.ECONFLICT, "review.claimed_by_other")
		}
		if err := guardReview(ctx, tx, o, ev); err != nil {
			return err
		}
		from := o.State
		if err := o.Apply(ev, tx.Now()); err != nil {
			return err
		}
		if o.State == beian.Filed {
			// A claim passed by staff is filed at once: the record becomes
			// the account's in the same transaction.
			if err := CompleteClaim(ctx, tx, o); err != nil {
				return err
			}
		}
		o.Review = &beian.Review{Event: ev, By: u.ID, At: tx.Now(), Opinion: in.Opinion, Marks: in.Marks}
		o.ClaimedBy, o.ClaimedAt = "", time.Time{}
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		if err := recordReview(ctx, tx, o); err != nil {
			return err
		}
		marks := make([]map[string]string, 0, len(in.Marks))
		for _, m := range in.Marks {
			marks = append(marks, map[string]string{"field": m.Field, "rule": m.RuleID})
		}
		if err := audit(ctx, tx, u.ID, "order."+string(ev), "order", o.ID, map[string]any{"from": from, "to": o.State, "marks": marks}); err != nil {
			return err
		}
		return notifyOrder(ctx, tx, o, ev)
	})
	return o, err
}
