package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/jobs"
)

// TestChangeAuditJobAtomic proves acceptance item 7: an order, its audit
// event and its job are written in one transaction, so a rollback leaves
// none of them and a commit leaves all three — on both databases, with the
// real River queue wired the way cmd/beian wires it.
func TestChangeAuditJobAtomic(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		ctx := context.Background()
		db := openTestDB(t, d)
		q, err := jobs.New(db.SQL(), db.Dialect(), jobs.Config{Clock: db.Clock, Schema: db.Schema, PollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		db.SetJobs(q)
		ran := make(chan beian.Job, 1)
		q.Handle("order.notify", func(ctx context.Context, j beian.Job) error {
			ran <- j
			return nil
		})
		a := &beian.Account{Name: "acme"}
		db.update(t, func(tx beian.Tx) error { return tx.CreateAccount(ctx, a) })

		// submit is one business action: the order, its audit event, its job.
		submit := func(fail error) (string, error) {
			var id string
			err := db.Update(ctx, func(tx beian.Tx) error {
				o := newOrder(a.ID, beian.FirstFiling, beian.AwaitingPrelim, subjectCert)
				if err := tx.CreateOrder(ctx, o); err != nil {
					return err
				}
				id = o.ID
				if err := tx.AppendAudit(ctx, &beian.AuditEvent{ActorID: "u1", Action: "order.submit",
					EntityType: "order", EntityID: o.ID, Data: json.RawMessage(`{"state":"awaiting_prelim"}`)}); err != nil {
					return err
				}
				if err := tx.Enqueue(ctx, beian.Job{Kind: "order.notify", Payload: json.RawMessage(`{"order":"` + o.ID + `"}`)}); err != nil {
					return err
				}
				return fail
			})
			return id, err
		}
		count := func(table string) int {
			return len(db.rawRows(t, `SELECT 1 FROM `+table))
		}

		failure := errors.New("the bureau said no")
		if _, err := submit(failure); err != failure {
			t.Fatalf("rolled-back submit returned %v", err)
		}
		if o, e, j := count("orders"), count("audit_events"), count("river_job"); o+e+j != 0 {
			t.Fatalf("after rollback: %d orders, %d audit events, %d jobs; want none", o, e, j)
		}

		id, err := submit(nil)
		if err != nil {
			t.Fatal(err)
		}
		if o, e, j := count("orders"), count("audit_events"), count("river_job"); o != 1 || e != 1 || j != 1 {
			t.Fatalf("after commit: %d orders, %d audit events, %d jobs; want one each", o, e, j)
		}
		// And the committed job runs, with the order it names.
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			q.Stop(ctx)
		})
		select {
		case j := <-ran:
			// PostgreSQL keeps River's arguments as JSONB, which respaces.
			var p struct{ Order string }
			if err := json.Unmarshal(j.Payload, &p); err != nil || p.Order != id {
				t.Errorf("job payload %s, want order %s", j.Payload, id)
			}
		case <-time.After(time.Minute):
			t.Fatal("the committed job did not run")
		}
		if breaks, err := db.VerifyAudit(ctx); err != nil || len(breaks) != 0 {
			t.Errorf("audit chain: %v, %v", breaks, err)
		}
	})
}
