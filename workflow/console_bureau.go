package workflow

import (
	"context"
	"sort"

	"github.com/openbeian/beian"
)

// BureauBatch is the orders passed in preliminary review that wait to be
// submitted to one province's bureau, which is one bureau connection.
type BureauBatch struct {
	Province string
	Orders   []*beian.Order
}

// Ready reports whether o may go to the bureau now: a subject
// cancellation needs the customer's confirmation first (spec §3 row 6).
func Ready(o *beian.Order) bool {
	return o.State == beian.AwaitingBureauSubmission && (o.Type != beian.CancelSubject || o.CancellationConfirmed)
}

// BureauQueue lists the orders waiting for submission to the bureau
// (待提交管局), grouped by province, oldest pass first. Staff only.
// Errors: EFORBIDDEN.
func (w *Workflow) BureauQueue(ctx context.Context, u *beian.User) ([]BureauBatch, error) {
	if !anyStaff(u) {
		return nil, errStaffOnly()
	}
	var orders []*beian.Order
	err := w.store.View(ctx, func(tx beian.Tx) error {
		// Sorted by when they passed: the first passed goes first.
		for off := 0; ; off += 500 {
			page, total, err := tx.FindReviewQueue(ctx, beian.ReviewQueueFilter{
				States: []beian.OrderState{beian.AwaitingBureauSubmission}, Limit: 500, Offset: off})
			if err != nil {
				return err
			}
			orders = append(orders, page...)
			if off+len(page) >= total || len(page) == 0 {
				return nil
			}
		}
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(orders, func(i, j int) bool { return orders[i].StateChangedAt.Before(orders[j].StateChangedAt) })
	var out []BureauBatch
	at := map[string]int{}
	for _, o := range orders {
		i, ok := at[o.Province]
		if !ok {
			i = len(out)
			at[o.Province] = i
			out = append(out, BureauBatch{Province: o.Province})
		}
		out[i].Orders = append(out[i].Orders, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Province < out[j].Province })
	return out, nil
}
