package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/password"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// world is one test's system: store, queue, workflow and people.
type world struct {
	*testenv.Env
	wf       *workflow.Workflow
	customer *beian.User
	reviewer *beian.User
	account  *beian.Account
	notified chan workflow.NotifyOrderArgs
}

func newWorld(t *testing.T, dialect string) *world {
	t.Helper()
	env := testenv.Open(t, dialect)
	w := &world{Env: env, notified: make(chan workflow.NotifyOrderArgs, 64)}
	w.wf = workflow.New(workflow.Config{Store: env.DB, Clock: env.Clock})
	env.Queue.Handle(workflow.JobNotifyOrder, func(ctx context.Context, j beian.Job) error {
		var a workflow.NotifyOrderArgs
		if err := json.Unmarshal(j.Payload, &a); err != nil {
			return err
		}
		w.notified <- a
		return nil
	})
	ctx := context.Background()
	err := env.DB.Update(ctx, func(tx beian.Tx) error {
		w.account = &beian.Account{Name: "acme", CreatedAt: tx.Now()}
		if err := tx.CreateAccount(ctx, w.account); err != nil {
			return err
		}
		h, _ := password.Hash("pw", password.Fast)
		w.customer = &beian.User{AccountID: w.account.ID, Login: "acme", Role: beian.RoleCustomer, PasswordHash: h, CreatedAt: tx.Now()}
		w.reviewer = &beian.User{Login: "rev", Role: beian.RoleReviewer, PasswordHash: h, CreatedAt: tx.Now()}
		if err := tx.CreateUser(ctx, w.customer); err != nil {
			return err
		}
		return tx.CreateUser(ctx, w.reviewer)
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) user(t *testing.T, role beian.Role, policies ...beian.Policy) *beian.User {
	t.Helper()
	u := &beian.User{AccountID: w.account.ID, Login: "u" + string(role) + time.Now().Format("150405.000000000"), Role: role, Policies: policies}
	if err := w.DB.Update(context.Background(), func(tx beian.Tx) error { u.CreatedAt = tx.Now(); return tx.CreateUser(context.Background(), u) }); err != nil {
		t.Fatal(err)
	}
	return u
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := beian.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func (w *world) audit(t *testing.T, orderID string) []string {
	t.Helper()
	var actions []string
	err := w.DB.View(context.Background(), func(tx beian.Tx) error {
		evs, err := tx.AuditEventsFor(context.Background(), "order", orderID)
		for _, e := range evs {
			actions = append(actions, e.Action)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return actions
}

func TestOrderLifecycle(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		if err := w.Queue.Start(ctx); err != nil {
			t.Fatal(err)
		}

		o, err := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11"})
		if err != nil {
			t.Fatal(err)
		}
		o, draft, err := w.wf.SaveDraft(ctx, w.customer, o.ID, o.Version, fixture.Enterprise("11", 1))
		if err != nil {
			t.Fatal(err)
		}
		if draft.Blocking() {
			t.Fatalf("valid draft has blocking findings: %+v", draft.Findings)
		}

		o, res, err := w.wf.Submit(ctx, w.customer, o.ID, "key-1")
		if err != nil {
			t.Fatalf("submit: %v (%+v)", err, res.Findings)
		}
		if o.State != beian.AwaitingPrelim {
			t.Fatalf("state %s", o.State)
		}
		// Two working days after Monday 09:30 in Beijing ends on Wednesday.
		if want := time.Date(2026, 12, 2, 23, 59, 59, 999999000, beian.ChinaTime); !o.DueAt.Equal(want) {
			t.Errorf("review due %s, want %s", o.DueAt, want)
		}
		// The same click delivered twice changes nothing.
		again, _, err := w.wf.Submit(ctx, w.customer, o.ID, "key-1")
		if err != nil || again.Version != o.Version {
			t.Fatalf("repeated submit: %v, version %d → %d", err, o.Version, again.Version)
		}

		if _, err := w.wf.Claim(ctx, w.reviewer, o.ID); err != nil {
			t.Fatal(err)
		}
		_, err = w.wf.Review(ctx, w.reviewer, o.ID, workflow.ReviewInput{Decision: workflow.DecisionSupplement})
		wantCode(t, err, beian.EINVALID) // a request for changes must say what to change
		o, err = w.wf.Review(ctx, w.reviewer, o.ID, workflow.ReviewInput{Decision: workflow.DecisionSupplement,
			Opinion: "营业执照照片模糊", Marks: []beian.FieldMark{{Field: "materials.subject_certificate", RuleID: "UPLOAD-IMAGE-UNCLEAR"}}})
		if err != nil {
			t.Fatal(err)
		}
		if o, err = w.wf.Order(ctx, w.customer, o.ID); err != nil { // as stored
			t.Fatal(err)
		}
		if o.State != beian.NeedsModification || !o.Review.Marked("materials.subject_certificate") || o.Review.Opinion != "营业执照照片模糊" || o.ClaimedBy != "" {
			t.Fatalf("after supplement: %s %+v claimed by %q", o.State, o.Review, o.ClaimedBy)
		}

		o, _, err = w.wf.SaveDraft(ctx, w.customer, o.ID, o.Version, o.Snapshot)
		if err != nil {
			t.Fatal(err)
		}
		o, _, err = w.wf.Submit(ctx, w.customer, o.ID, "key-2")
		if err != nil || o.State != beian.ModifiedAwaitingReview {
			t.Fatalf("resubmit: %v %s", err, o.State)
		}
		o, err = w.wf.Review(ctx, w.reviewer, o.ID, workflow.ReviewInput{Decision: workflow.DecisionPass})
		if err != nil || o.State != beian.AwaitingBureauSubmission {
			t.Fatalf("pass: %v %s", err, o.State)
		}

		want := []string{"order.create", "order.save", "order.submit", "order.claim", "order.review_supplement", "order.save", "order.resubmit", "order.review_pass"}
		if got := w.audit(t, o.ID); !equal(got, want) {
			t.Errorf("audit trail %v, want %v", got, want)
		}
		// One notification per state change, delivered by the job queue.
		var events []beian.OrderEvent
		for len(events) < 4 {
			select {
			case a := <-w.notified:
				events = append(events, a.Event)
			case <-time.After(15 * time.Second):
				t.Fatalf("notifications so far: %v", events)
			}
		}
	})
}

func TestSubmitBlockedByPrecheck(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		snap := fixture.Individual("41", 1)
		snap.Websites[0].Name = "老王维修工作室" // Henan bans 维修 and 工作室 in personal site names
		o, err := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "41", Snapshot: snap})
		if err != nil {
			t.Fatal(err)
		}
		_, res, err := w.wf.Submit(ctx, w.customer, o.ID, "k")
		var blocked *workflow.PrecheckBlockedError
		if !errors.As(err, &blocked) || !res.Blocking() {
			t.Fatalf("submit of a banned name: %v", err)
		}
		found := false
		for _, f := range res.Findings {
			if f.Severity == rules.Blocking && f.Field == "websites[0].name" {
				found = true
			}
		}
		if !found {
			t.Errorf("no blocking finding on the site name: %+v", res.Findings)
		}
		after, err := w.wf.Order(ctx, w.customer, o.ID)
		if err != nil || after.State != beian.Draft || after.Version != o.Version {
			t.Fatalf("a blocked submit changed the order: %v %s v%d", err, after.State, after.Version)
		}
	})
}

func TestOneOrderInProgressPerSubject(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		snap := fixture.Enterprise("31", 2)
		a, _ := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "31", Snapshot: snap})
		if _, res, err := w.wf.Submit(ctx, w.customer, a.ID, "a"); err != nil {
			t.Fatalf("%v %+v", err, res.Findings)
		}
		b, _ := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "31", Snapshot: snap})
		_, _, err := w.wf.Submit(ctx, w.customer, b.ID, "b")
		if err == nil {
			t.Fatal("second order of the same subject went through")
		}
		if _, err := w.wf.Abandon(ctx, w.customer, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, res, err := w.wf.Submit(ctx, w.customer, b.ID, "b"); err != nil {
			t.Fatalf("after abandoning the first: %v %+v", err, res.Findings)
		}
	})
}

func TestSubUserScope(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		admin := w.user(t, beian.RoleSubUser, beian.PolicyBeianAdministrator)
		reader := w.user(t, beian.RoleSubUser, beian.PolicyBeianReadOnly)
		none := w.user(t, beian.RoleSubUser)

		mine, err := w.wf.CreateOrder(ctx, admin, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11"})
		if err != nil {
			t.Fatal(err)
		}
		owners, err := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.wf.Order(ctx, admin, mine.ID); err != nil {
			t.Errorf("sub-user cannot open its own order: %v", err)
		}
		_, err = w.wf.Order(ctx, admin, owners.ID)
		wantCode(t, err, beian.ENOTFOUND) // only the orders it created
		_, err = w.wf.Order(ctx, none, mine.ID)
		wantCode(t, err, beian.ENOTFOUND)
		_, err = w.wf.CreateOrder(ctx, reader, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11"})
		wantCode(t, err, beian.EFORBIDDEN)
		_, err = w.wf.CreateOrder(ctx, none, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11"})
		wantCode(t, err, beian.EFORBIDDEN)
		if _, err := w.wf.Order(ctx, w.customer, mine.ID); err != nil {
			t.Errorf("the main account cannot open a sub-user's order: %v", err)
		}
		_, err = w.wf.Review(ctx, w.customer, mine.ID, workflow.ReviewInput{Decision: workflow.DecisionPass})
		wantCode(t, err, beian.EFORBIDDEN)
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestConcurrentSubmitSameKey delivers one click twice at once: both calls
// succeed and the order moves once.
func TestConcurrentSubmitSameKey(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		o, err := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11", Snapshot: fixture.Enterprise("11", 5)})
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		for i := 0; i < 2; i++ {
			go func() {
				_, _, err := w.wf.Submit(ctx, w.customer, o.ID, "same-click")
				errs <- err
			}()
		}
		for i := 0; i < 2; i++ {
			if err := <-errs; err != nil {
				t.Errorf("submit %d: %v", i, err)
			}
		}
		got, _ := w.wf.Order(ctx, w.customer, o.ID)
		if got.State != beian.AwaitingPrelim {
			t.Fatalf("state %s", got.State)
		}
		n := 0
		for _, a := range w.audit(t, o.ID) {
			if a == "order.submit" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d submit events", n)
		}
	})
}
