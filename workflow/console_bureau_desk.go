package workflow

import (
	"context"
	"sort"
	"time"

	"github.com/openbeian/beian"
)

// BureauLine is a bureau connection as the console shows it: where the
// exchange stands, never its credentials.
type BureauLine struct {
	ID, Province                   string
	Enabled, NeedsResync           bool
	NextSequence, AcceptedSequence int64
	LastError                      string
	LastErrorAt                    time.Time
	LastUploadAt, LastDownloadAt   time.Time
}

// BureauDesk is the bureau page's picture of the exchange: every
// connection, its latest upload files, and the orders at the bureau with
// their outbound operations.
type BureauDesk struct {
	Lines []BureauLine
	// Files are the latest upload files of every connection, newest first.
	Files []*beian.UploadFile
	// InFlight are the orders submitted and not yet decided (SMS
	// verification, bureau review), oldest submission first.
	InFlight []*beian.Order
	// Operations maps an in-flight order's ID to its operations, without
	// their records (which hold personal data).
	Operations map[string][]*beian.BureauOperation
}

// Line returns the connection of a province, if there is one.
func (d *BureauDesk) Line(province string) (BureauLine, bool) {
	for _, l := range d.Lines {
		if l.Province == province {
			return l, true
		}
	}
	return BureauLine{}, false
}

// bureauDeskFiles is how many upload files the page lists.
const bureauDeskFiles = 50

// BureauDesk returns the state of the exchange with every bureau for the
// console. Staff only. Errors: EFORBIDDEN.
func (w *Workflow) BureauDesk(ctx context.Context, u *beian.User) (*BureauDesk, error) {
	if !anyStaff(u) {
		return nil, errStaffOnly()
	}
	d := &BureauDesk{}
	err := w.store.View(ctx, func(tx beian.Tx) error {
		conns, err := tx.BureauConnections(ctx)
		if err != nil {
			return err
		}
		for _, c := range conns {
			d.Lines = append(d.Lines, BureauLine{ID: c.ID, Province: c.Province, Enabled: c.Enabled, NeedsResync: c.NeedsResync,
				NextSequence: c.NextSequence, AcceptedSequence: c.AcceptedSequence, LastError: c.LastError, LastErrorAt: c.LastErrorAt,
				LastUploadAt: c.LastUploadAt, LastDownloadAt: c.LastDownloadAt})
			files, err := tx.FindUploadFiles(ctx, beian.UploadFileFilter{ConnectionID: c.ID})
			if err != nil {
				return err
			}
			d.Files = append(d.Files, files...)
		}
		inFlight, _, err := tx.FindReviewQueue(ctx, beian.ReviewQueueFilter{
			States: []beian.OrderState{beian.SMSPending, beian.BureauReview}, Limit: 200})
		if err != nil {
			return err
		}
		d.InFlight = inFlight
		d.Operations = map[string][]*beian.BureauOperation{}
		for _, o := range inFlight {
			ops, err := tx.FindBureauOperations(ctx, beian.BureauOperationFilter{OrderID: o.ID})
			if err != nil {
				return err
			}
			for _, op := range ops {
				op.Record = nil
			}
			d.Operations[o.ID] = ops
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(d.Files, func(i, j int) bool { return d.Files[i].CreatedAt.After(d.Files[j].CreatedAt) })
	if len(d.Files) > bureauDeskFiles {
		d.Files = d.Files[:bureauDeskFiles]
	}
	return d, nil
}
