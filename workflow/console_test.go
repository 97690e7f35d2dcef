package workflow_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/workflow"
)

// submitted creates a valid enterprise order of fixture n and submits it
// at the clock's time.
func (w *world) submitted(t *testing.T, n int) *beian.Order {
	t.Helper()
	ctx := context.Background()
	o, err := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11", Snapshot: fixture.Enterprise("11", n)})
	if err != nil {
		t.Fatal(err)
	}
	o, res, err := w.wf.Submit(ctx, w.customer, o.ID, "k")
	if err != nil {
		t.Fatalf("submit: %v %+v", err, res.Findings)
	}
	return o
}

func beijing(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, beian.ChinaTime)
}

func TestReviewQueueCountdown(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		w.Clock.Set(beijing(2026, 12, 4, 10)) // a Friday
		friday := w.submitted(t, 1)
		w.Clock.Set(beijing(2026, 12, 30, 10)) // a Wednesday before New Year
		newYear := w.submitted(t, 2)

		for _, c := range []struct {
			now   time.Time
			order *beian.Order
			due   time.Time
			left  int
			level string
		}{
			{beijing(2026, 12, 7, 9), friday, beijing(2026, 12, 8, 0), 1, workflow.DueSoon},     // Monday: due Tuesday
			{beijing(2026, 12, 8, 18), friday, beijing(2026, 12, 8, 0), 0, workflow.DueToday},   // Tuesday evening
			{beijing(2026, 12, 9, 9), friday, beijing(2026, 12, 8, 0), -1, workflow.DueOverdue}, // Wednesday
			{beijing(2026, 12, 30, 11), newYear, beijing(2027, 1, 4, 0), 2, workflow.DueLater},  // 1 January is a holiday
			{beijing(2027, 1, 2, 11), newYear, beijing(2027, 1, 4, 0), 1, workflow.DueSoon},     // a holiday Saturday
		} {
			w.Clock.Set(c.now)
			page, err := w.wf.ReviewQueue(ctx, w.reviewer, workflow.QueueFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got *workflow.QueueItem
			for i := range page.Items {
				if page.Items[i].Order.ID == c.order.ID {
					got = &page.Items[i]
				}
			}
			if got == nil {
				t.Fatalf("%s: order not in the queue", c.now)
			}
			dueDay := got.Due.Due.In(beian.ChinaTime).Format("2006-01-02")
			if dueDay != c.due.Format("2006-01-02") || got.Due.Left != c.left || got.Due.Level() != c.level {
				t.Errorf("at %s: due %s, left %d, level %s; want %s, %d, %s", c.now.Format("01-02 15h"), dueDay, got.Due.Left, got.Due.Level(),
					c.due.Format("2006-01-02"), c.left, c.level)
			}
		}
		if _, err := w.wf.ReviewQueue(ctx, w.customer, workflow.QueueFilter{}); beian.ErrorCode(err) != beian.EFORBIDDEN {
			t.Errorf("customer's queue: %v", err)
		}
	})
}

func TestDecideChecksMarks(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		o := w.submitted(t, 1)
		bad := []struct {
			in  workflow.ReviewInput
			key string
		}{
			{workflow.ReviewInput{Decision: workflow.DecisionSupplement, Marks: []beian.FieldMark{{Field: "websites[3].name", RuleID: "R9"}}}, "review.mark.field_known"},
			{workflow.ReviewInput{Decision: workflow.DecisionSupplement, Marks: []beian.FieldMark{{Field: "subject.name", RuleID: "R99"}}}, "review.mark.reason_known"},
			{workflow.ReviewInput{Decision: workflow.DecisionSupplement, Marks: []beian.FieldMark{{Field: "subject.name"}}}, "review.mark.reason"},
			{workflow.ReviewInput{Decision: workflow.DecisionPass, Marks: []beian.FieldMark{{Field: "subject.name", RuleID: "R9"}}}, "review.pass_with_marks"},
		}
		for _, b := range bad {
			_, err := w.wf.Decide(ctx, w.reviewer, o.ID, b.in)
			if e, ok := beian.AsError(err); !ok || e.Key != b.key {
				t.Errorf("%+v: %v, want %s", b.in.Marks, err, b.key)
			}
		}
		marks := []beian.FieldMark{
			{Field: "materials.subject_certificate", RuleID: "UPLOAD-IMAGE-CLARITY", Note: "营业执照照片模糊"},
			{Field: "subject.principal.mobile", RuleID: "CONTACT-LOCAL-MOBILE", Note: "非北京号段"},
			{Field: "subject.principal.mobile", RuleID: "CONTACT-LOCAL-MOBILE"}, // a repeat is dropped
			{Field: "apps[0].name", RuleID: "APP-NAME-FORMAT"},                  // the order has no app: refused below
		}
		_, err := w.wf.Decide(ctx, w.reviewer, o.ID, workflow.ReviewInput{Decision: workflow.DecisionSupplement, Marks: marks})
		if e, ok := beian.AsError(err); !ok || e.Key != "review.mark.field_known" {
			t.Fatalf("a mark on a missing app: %v", err)
		}
		// Findings may point deeper than the picker goes; inside a known
		// service that is fine.
		marks[3] = beian.FieldMark{Field: "websites[0].pre_approvals[0].number", RuleID: "R11"}
		o, err = w.wf.Decide(ctx, w.reviewer, o.ID, workflow.ReviewInput{Decision: workflow.DecisionSupplement, Opinion: " 请按标记修改 ", Marks: marks})
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.wf.Order(ctx, w.customer, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != beian.NeedsModification || len(got.Review.Marks) != 3 || got.Review.Opinion != "请按标记修改" {
			t.Fatalf("customer's order: %s %+v", got.State, got.Review)
		}
		hist, err := w.wf.ReviewHistory(ctx, w.customer, o.ID)
		if err != nil || len(hist) != 1 || hist[0].By != "" || hist[0].Marks[1].Note != "非北京号段" {
			t.Fatalf("customer's review history: %v %+v", err, hist)
		}
		if r, ok := w.wf.ExplainMark("R15"); !ok || r.Remedy.ZH == "" {
			t.Errorf("R15 unexplained")
		}
		if r, ok := w.wf.ExplainMark("CONTACT-LOCAL-MOBILE"); !ok || r.Kind != workflow.ReasonRule {
			t.Errorf("rule unexplained: %+v", r)
		}
	})
}

func TestPhoneLogKeepsNumbersOut(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		o := w.submitted(t, 1)
		mobile := o.Snapshot.Subject.Principal.Mobile
		_, err := w.wf.LogPhoneCheck(ctx, w.reviewer, o.ID, workflow.PhoneCheckInput{Field: "subject.name", Outcome: beian.PhoneAnswered})
		wantCode(t, err, beian.EINVALID)
		_, err = w.wf.LogPhoneCheck(ctx, w.customer, o.ID, workflow.PhoneCheckInput{Field: "subject.principal.mobile", Outcome: beian.PhoneAnswered})
		wantCode(t, err, beian.EFORBIDDEN)
		e, err := w.wf.LogPhoneCheck(ctx, w.reviewer, o.ID, workflow.PhoneCheckInput{Field: "subject.principal.mobile", Outcome: beian.PhoneNoAnswer, Note: "上午十点"})
		if err != nil {
			t.Fatal(err)
		}
		if e.Masked != beian.MaskPhone(mobile) || strings.Contains(e.Masked, mobile[:7]) {
			t.Errorf("masked %q", e.Masked)
		}
		file, err := w.wf.OpenReview(ctx, w.reviewer, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(file.Phone) != 1 || file.Phone[0].Masked != e.Masked || file.Phone[0].Person == "" {
			t.Errorf("log %+v", file.Phone)
		}
		if len(file.Suggested) != 1 || file.Suggested[0].RuleID != "R27" || file.Suggested[0].PhoneTail != beian.PhoneTail(mobile) {
			t.Errorf("suggested %+v", file.Suggested)
		}
		err = w.DB.View(ctx, func(tx beian.Tx) error {
			evs, err := tx.AuditEvents(ctx, 0, 0)
			for _, ev := range evs {
				if strings.Contains(string(ev.Data), mobile) || strings.Contains(string(ev.Data), mobile[3:]) {
					t.Errorf("audit %s carries the number: %s", ev.Action, ev.Data)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// An answered call clears the suggestion.
		if _, err := w.wf.LogPhoneCheck(ctx, w.reviewer, o.ID, workflow.PhoneCheckInput{Field: "subject.principal.mobile", Outcome: beian.PhoneAnswered}); err != nil {
			t.Fatal(err)
		}
		if file, _ = w.wf.OpenReview(ctx, w.reviewer, o.ID); len(file.Suggested) != 0 {
			t.Errorf("suggested after an answered call: %+v", file.Suggested)
		}
	})
}

func TestVideoCheckHoldsThePass(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		o := w.submitted(t, 1) // Monday 30 Nov, due Wednesday 2 Dec
		_, err := w.wf.RequireVideoCheck(ctx, w.reviewer, o.ID, workflow.VideoCheckInput{At: w.Clock.Now().Add(-time.Hour)})
		wantCode(t, err, beian.EINVALID)
		at := beijing(2026, 12, 3, 15) // Thursday, after the deadline
		v, err := w.wf.RequireVideoCheck(ctx, w.reviewer, o.ID, workflow.VideoCheckInput{At: at, Notes: "请携带身份证和营业执照原件"})
		if err != nil {
			t.Fatal(err)
		}
		// The customer is told: a notification job carries the event.
		if err := w.Queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
		for told := false; !told; {
			select {
			case a := <-w.notified:
				told = a.Event == workflow.EventVideoCheck && a.OrderID == o.ID
			case <-time.After(15 * time.Second):
				t.Fatal("no notification of the video verification")
			}
		}
		pending, err := w.wf.PendingVideoCheck(ctx, w.customer, o.ID)
		if err != nil || pending == nil || !pending.ScheduledAt.Equal(at) || pending.Notes == "" || pending.RequestedBy != "" {
			t.Fatalf("customer's view of the video check: %v %+v", err, pending)
		}
		got, _ := w.wf.Order(ctx, w.reviewer, o.ID)
		if want := beijing(2026, 12, 4, 0).Format("2006-01-02"); got.DueAt.In(beian.ChinaTime).Format("2006-01-02") != want {
			t.Errorf("deadline after booking the call: %s, want %s", got.DueAt, want)
		}
		_, err = w.wf.Decide(ctx, w.reviewer, o.ID, workflow.ReviewInput{Decision: workflow.DecisionPass})
		if e, ok := beian.AsError(err); !ok || e.Key != "review.video_pending" {
			t.Fatalf("pass with the call pending: %v", err)
		}
		if _, err := w.wf.RecordVideoCheck(ctx, w.reviewer, o.ID, v.ID, beian.VideoPassed, "本人出镜"); err != nil {
			t.Fatal(err)
		}
		_, err = w.wf.RecordVideoCheck(ctx, w.reviewer, o.ID, v.ID, beian.VideoFailed, "")
		wantCode(t, err, beian.ECONFLICT)
		if o, err = w.wf.Decide(ctx, w.reviewer, o.ID, workflow.ReviewInput{Decision: workflow.DecisionPass}); err != nil || o.State != beian.AwaitingBureauSubmission {
			t.Fatalf("pass after the call: %v", err)
		}
	})
}

func TestStaffManagement(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		admin := w.user(t, beian.RoleAdmin)
		admin.AccountID = ""
		in := workflow.StaffInput{Login: "li.reviewer", DisplayName: "李审核", Role: beian.RoleReviewer, Password: "correct horse battery"}
		_, err := w.wf.CreateStaff(ctx, w.reviewer, in)
		wantCode(t, err, beian.EFORBIDDEN)
		for _, b := range []workflow.StaffInput{
			{Login: "x", Role: beian.RoleReviewer, Password: in.Password},
			{Login: "ok-login", Role: beian.RoleCustomer, Password: in.Password},
			{Login: "ok-login", Role: beian.RoleReviewer, Password: "short"},
		} {
			_, err := w.wf.CreateStaff(ctx, admin, b)
			wantCode(t, err, beian.EINVALID)
		}
		u, err := w.wf.CreateStaff(ctx, admin, in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.wf.CreateStaff(ctx, admin, in)
		wantCode(t, err, beian.ECONFLICT)
		_, err = w.wf.SetStaffDisabled(ctx, admin, admin.ID, true)
		wantCode(t, err, beian.EINVALID)
		_, err = w.wf.SetStaffDisabled(ctx, admin, w.customer.ID, true)
		wantCode(t, err, beian.EINVALID)
		if _, err := w.wf.SetStaffDisabled(ctx, admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		staff, err := w.wf.StaffUsers(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range staff {
			if s.PasswordHash != "" {
				t.Errorf("%s: hash leaked to the list", s.Login)
			}
			if s.ID == u.ID {
				found = s.Disabled
			}
		}
		if !found {
			t.Errorf("new reviewer not listed as disabled")
		}
		var stored *beian.User
		_ = w.DB.View(ctx, func(tx beian.Tx) error { stored, err = tx.FindUser(ctx, u.ID); return err })
		if !strings.HasPrefix(stored.PasswordHash, "$argon2id$") {
			t.Errorf("hash %q", stored.PasswordHash)
		}
		var data []string
		_ = w.DB.View(ctx, func(tx beian.Tx) error {
			evs, err := tx.AuditEventsFor(ctx, "user", u.ID)
			for _, e := range evs {
				data = append(data, e.Action+string(e.Data))
			}
			return err
		})
		if b, _ := json.Marshal(data); strings.Contains(string(b), in.Password) || len(data) != 2 {
			t.Errorf("staff audit %s", data)
		}
	})
}

func TestOrderDocumentAccess(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		o := w.submitted(t, 1)
		m := o.Snapshot.Materials[0]
		other := &beian.Account{Name: "globex"}
		stranger := &beian.User{Login: "globex", Role: beian.RoleCustomer}
		if err := w.DB.Update(ctx, func(tx beian.Tx) error {
			if err := tx.CreateAccount(ctx, other); err != nil {
				return err
			}
			stranger.AccountID = other.ID
			return tx.CreateUser(ctx, stranger)
		}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*beian.User{w.customer, w.reviewer} {
			d, err := w.wf.OrderDocument(ctx, u, o.ID, m.ID)
			if err != nil || d.Key != m.DocumentID {
				t.Errorf("%s: %v %+v", u.Login, err, d)
			}
		}
		_, err := w.wf.OrderDocument(ctx, stranger, o.ID, m.ID)
		wantCode(t, err, beian.ENOTFOUND)
		_, err = w.wf.OrderDocument(ctx, w.customer, o.ID, "no-such-material")
		wantCode(t, err, beian.ENOTFOUND)
	})
}

// TestVideoCheckEventName keeps the notification event the notifier knows
// in step with the one the console sends.
func TestVideoCheckEventName(t *testing.T) {
	if workflow.EventVideoCheck != "video_check" {
		t.Fatalf("EventVideoCheck = %q; notify/plan.go expects video_check", workflow.EventVideoCheck)
	}
}
