package workflow

import (
	"context"

	"github.com/openbeian/beian"
)

// OrderHistory returns the order and its audit trail, oldest first, for
// the status timeline: who did what to it and when. Errors: ENOTFOUND
// when u may not see the order.
func (w *Workflow) OrderHistory(ctx context.Context, u *beian.User, id string) (*beian.Order, []beian.AuditEvent, error) {
	var o *beian.Order
	var evs []beian.AuditEvent
	err := w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		if o, err = tx.FindOrder(ctx, id); err != nil {
			return err
		}
		if !canSeeOrder(u, o, accessRead) {
			return errNotFound()
		}
		evs, err = tx.AuditEventsFor(ctx, "order", id)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return o, evs, nil
}
