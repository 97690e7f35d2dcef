package workflow

import (
	"context"

	"github.com/openbeian/beian"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"review.video_pending": {ZH: "视频核验尚未完成，请先记录核验结果再审核通过。", EN: "The video verification is still pending; record its outcome before passing the order."},
	})
}

// guardReview runs inside Review's transaction before the decision is
// applied. An order whose video verification is still scheduled cannot
// pass: the reviewer asked for the call because the papers were not
// enough. Asking for changes or rejecting stays possible (the principal
// missed the call, say).
func guardReview(ctx context.Context, tx beian.Tx, o *beian.Order, ev beian.OrderEvent) error {
	if ev != beian.EventReviewPass {
		return nil
	}
	checks, err := tx.VideoChecks(ctx, o.ID)
	if err != nil {
		return err
	}
	for i := range checks {
		if checks[i].Open() {
			return beian.Errorf(beian.ECONFLICT, "review.video_pending")
		}
	}
	return nil
}

// recordReview appends the decision Review just made to the order's review
// history, in the same transaction, so that the customer's 审核历史 keeps
// every opinion and not only the latest.
func recordReview(ctx context.Context, tx beian.Tx, o *beian.Order) error {
	if o.Review == nil {
		return nil
	}
	r := *o.Review
	return tx.AppendOrderReview(ctx, o.ID, &r)
}

// ReviewHistory returns the order's review decisions, oldest first, with
// their opinions and marked fields (审核历史), to anyone who may see the
// order. Customers do not learn which staff member decided: By is blank
// for them unless the bureau decided. Errors: ENOTFOUND.
func (w *Workflow) ReviewHistory(ctx context.Context, u *beian.User, id string) ([]beian.Review, error) {
	if _, err := w.Order(ctx, u, id); err != nil {
		return nil, err
	}
	var out []beian.Review
	err := w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		out, err = tx.OrderReviews(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !anyStaff(u) {
		for i := range out {
			if out[i].By != "bureau" && out[i].By != ActorBureau {
				out[i].By = ""
			}
		}
	}
	return out, nil
}
