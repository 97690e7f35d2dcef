package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

func TestConsoleStore(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		for name, fn := range map[string]func(*testing.T, *testDB){
			"queue":   testReviewQueue,
			"reviews": testReviewHistory,
			"phone":   testPhoneChecks,
			"video":   testVideoChecks,
			"staff":   testFindStaff,
		} {
			t.Run(name, func(t *testing.T) { fn(t, openTestDB(t, d)) })
		}
	})
}

// queueOrder creates an order in state with a deadline (zero for none) and
// a claim.
func queueOrder(t *testing.T, db *testDB, accountID string, state beian.OrderState, province string, due time.Time, claimedBy string, claimedAt time.Time) *beian.Order {
	t.Helper()
	o := newOrder(accountID, beian.FirstFiling, state, "")
	o.Province, o.DueAt, o.ClaimedBy, o.ClaimedAt = province, due, claimedBy, claimedAt
	db.update(t, func(tx beian.Tx) error { return tx.CreateOrder(context.Background(), o) })
	return o
}

func ids(orders []*beian.Order) string {
	var s []string
	for _, o := range orders {
		s = append(s, o.ID)
	}
	return strings.Join(s, ",")
}

func testReviewQueue(t *testing.T, db *testDB) {
	ctx := context.Background()
	a := &beian.Account{Name: "acme"}
	db.update(t, func(tx beian.Tx) error { return tx.CreateAccount(ctx, a) })
	now := db.Clock.Now()
	late := queueOrder(t, db, a.ID, beian.AwaitingPrelim, "11", now.Add(-time.Hour), "", time.Time{})
	soon := queueOrder(t, db, a.ID, beian.ModifiedAwaitingReview, "32", now.Add(24*time.Hour), "rev-1", now.Add(-time.Hour))
	lapsed := queueOrder(t, db, a.ID, beian.AwaitingPrelim, "11", now.Add(48*time.Hour), "rev-2", now.Add(-9*time.Hour))
	none := queueOrder(t, db, a.ID, beian.AwaitingPrelim, "11", time.Time{}, "", time.Time{})
	queueOrder(t, db, a.ID, beian.Draft, "11", now.Add(-time.Hour), "", time.Time{})

	review := []beian.OrderState{beian.AwaitingPrelim, beian.ModifiedAwaitingReview}
	find := func(f beian.ReviewQueueFilter) ([]*beian.Order, int) {
		t.Helper()
		var out []*beian.Order
		var n int
		db.view(t, func(tx beian.Tx) error {
			var err error
			out, n, err = tx.FindReviewQueue(ctx, f)
			return err
		})
		return out, n
	}
	cases := []struct {
		name string
		f    beian.ReviewQueueFilter
		want []*beian.Order
	}{
		{"by deadline, none last", beian.ReviewQueueFilter{States: review}, []*beian.Order{late, soon, lapsed, none}},
		{"latest first, none still last", beian.ReviewQueueFilter{States: review, DueLatestFirst: true}, []*beian.Order{lapsed, soon, late, none}},
		{"province", beian.ReviewQueueFilter{States: review, Province: "32"}, []*beian.Order{soon}},
		{"claimed by", beian.ReviewQueueFilter{States: review, ClaimedBy: "rev-2"}, []*beian.Order{lapsed}},
		{"unclaimed counts lapsed claims", beian.ReviewQueueFilter{States: review, Unclaimed: true, ClaimLapsedAt: now.Add(-8 * time.Hour)}, []*beian.Order{late, lapsed, none}},
		{"unclaimed without lapse", beian.ReviewQueueFilter{States: review, Unclaimed: true}, []*beian.Order{late, none}},
		{"overdue", beian.ReviewQueueFilter{States: review, DueBefore: now}, []*beian.Order{late}},
		{"state", beian.ReviewQueueFilter{States: []beian.OrderState{beian.ModifiedAwaitingReview}}, []*beian.Order{soon}},
		{"type", beian.ReviewQueueFilter{States: review, Types: []beian.OrderType{beian.NewWebsite}}, nil},
	}
	for _, c := range cases {
		got, n := find(c.f)
		if ids(got) != ids(c.want) || n != len(c.want) {
			t.Errorf("%s: got %s (%d), want %s", c.name, ids(got), n, ids(c.want))
		}
	}
	page, n := find(beian.ReviewQueueFilter{States: review, Offset: 1, Limit: 2})
	if ids(page) != ids([]*beian.Order{soon, lapsed}) || n != 4 {
		t.Errorf("page 2 of 2: got %s (%d)", ids(page), n)
	}

	var counts map[beian.OrderState]int
	db.view(t, func(tx beian.Tx) error {
		var err error
		counts, err = tx.CountOrdersByState(ctx)
		return err
	})
	if counts[beian.AwaitingPrelim] != 3 || counts[beian.ModifiedAwaitingReview] != 1 || counts[beian.Draft] != 1 || len(counts) != 3 {
		t.Errorf("counts = %v", counts)
	}
}

func testReviewHistory(t *testing.T, db *testDB) {
	ctx := context.Background()
	a := &beian.Account{Name: "acme"}
	db.update(t, func(tx beian.Tx) error { return tx.CreateAccount(ctx, a) })
	o := queueOrder(t, db, a.ID, beian.AwaitingPrelim, "11", time.Time{}, "", time.Time{})
	first := &beian.Review{Event: beian.EventReviewSupplement, By: "rev-1", Opinion: "手机尾号8000未接通",
		Marks: []beian.FieldMark{{Field: "subject.principal.mobile", RuleID: "R27", Note: "尾号8000"}}}
	db.update(t, func(tx beian.Tx) error { return tx.AppendOrderReview(ctx, o.ID, first) })
	db.Clock.Add(time.Hour)
	second := &beian.Review{Event: beian.EventReviewPass, By: "rev-1"}
	db.update(t, func(tx beian.Tx) error { return tx.AppendOrderReview(ctx, o.ID, second) })
	db.update(t, func(tx beian.Tx) error {
		return tx.AppendOrderReview(ctx, o.ID, &beian.Review{Event: beian.EventReviewPass, By: "rev-2", At: db.Clock.Now().Add(-48 * time.Hour)})
	})

	var got []beian.Review
	var n int
	db.view(t, func(tx beian.Tx) error {
		var err error
		if got, err = tx.OrderReviews(ctx, o.ID); err != nil {
			return err
		}
		n, err = tx.CountReviewsBy(ctx, "rev-1", db.Clock.Now().Add(-30*time.Minute))
		return err
	})
	if len(got) != 3 || got[0].By != "rev-2" || got[1].Opinion != first.Opinion || got[1].Marks[0] != first.Marks[0] || got[2].Event != beian.EventReviewPass {
		t.Errorf("history = %+v", got)
	}
	if n != 1 {
		t.Errorf("rev-1's decisions in the last half hour = %d, want 1", n)
	}
	for _, row := range db.rawRows(t, `SELECT review_enc FROM order_reviews`) {
		if strings.Contains(row, "8000") || strings.Contains(row, "mobile") {
			t.Errorf("review history stored in clear: %s", row)
		}
	}
	err := db.Update(ctx, func(tx beian.Tx) error { return tx.AppendOrderReview(ctx, "no-such-order", second) })
	wantCode(t, err, beian.ENOTFOUND, "")
}

func testPhoneChecks(t *testing.T, db *testDB) {
	ctx := context.Background()
	a := &beian.Account{Name: "acme"}
	db.update(t, func(tx beian.Tx) error { return tx.CreateAccount(ctx, a) })
	o := queueOrder(t, db, a.ID, beian.AwaitingPrelim, "11", time.Time{}, "", time.Time{})
	c1 := &beian.PhoneCheck{OrderID: o.ID, Field: "subject.principal.mobile", Number: principalTel, Outcome: beian.PhoneNoAnswer, Note: "两次未接", CalledBy: "rev-1"}
	db.update(t, func(tx beian.Tx) error { return tx.CreatePhoneCheck(ctx, c1) })
	db.Clock.Add(time.Minute)
	c2 := &beian.PhoneCheck{OrderID: o.ID, Field: "subject.principal.emergency_phone", Number: "010-12345678", Outcome: beian.PhoneAnswered, CalledBy: "rev-1"}
	db.update(t, func(tx beian.Tx) error { return tx.CreatePhoneCheck(ctx, c2) })

	var got []beian.PhoneCheck
	db.view(t, func(tx beian.Tx) error {
		var err error
		got, err = tx.PhoneChecks(ctx, o.ID)
		return err
	})
	if len(got) != 2 || got[0] != *c1 || got[1] != *c2 {
		t.Errorf("log = %+v, want %+v and %+v", got, *c1, *c2)
	}
	for _, row := range db.rawRows(t, `SELECT number_enc, note_enc FROM phone_checks`) {
		if strings.Contains(row, principalTel) || strings.Contains(row, "12345678") || strings.Contains(row, "两次") {
			t.Errorf("phone log stored in clear: %s", row)
		}
	}
}

func testVideoChecks(t *testing.T, db *testDB) {
	ctx := context.Background()
	a := &beian.Account{Name: "acme"}
	db.update(t, func(tx beian.Tx) error { return tx.CreateAccount(ctx, a) })
	o := queueOrder(t, db, a.ID, beian.AwaitingPrelim, "11", time.Time{}, "", time.Time{})
	v := &beian.VideoCheck{OrderID: o.ID, ScheduledAt: db.Clock.Now().Add(26 * time.Hour), Notes: "请携带身份证原件", Status: beian.VideoScheduled, RequestedBy: "rev-1"}
	db.update(t, func(tx beian.Tx) error { return tx.CreateVideoCheck(ctx, v) })
	v.Status, v.ResultNote, v.DecidedBy, v.DecidedAt = beian.VideoPassed, "本人出镜，证件一致", "rev-1", db.Clock.Now().Add(27*time.Hour)
	db.update(t, func(tx beian.Tx) error { return tx.UpdateVideoCheck(ctx, v) })
	var got []beian.VideoCheck
	db.view(t, func(tx beian.Tx) error {
		var err error
		got, err = tx.VideoChecks(ctx, o.ID)
		return err
	})
	if len(got) != 1 || got[0] != *v {
		t.Errorf("video checks = %+v, want %+v", got, *v)
	}
	err := db.Update(ctx, func(tx beian.Tx) error {
		return tx.UpdateVideoCheck(ctx, &beian.VideoCheck{ID: "nope", Status: beian.VideoPassed})
	})
	wantCode(t, err, beian.ENOTFOUND, "")
}

func testFindStaff(t *testing.T, db *testDB) {
	ctx := context.Background()
	a := &beian.Account{Name: "acme"}
	db.update(t, func(tx beian.Tx) error {
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		for _, u := range []*beian.User{
			{Login: "zoe", Role: beian.RoleAdmin},
			{Login: "amy", Role: beian.RoleReviewer, Disabled: true},
			{Login: "kim", Role: beian.RoleCompliance, Email: "kim@provider.cn"},
			{Login: "acme", Role: beian.RoleCustomer, AccountID: a.ID},
		} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	var staff []*beian.User
	db.view(t, func(tx beian.Tx) error {
		var err error
		staff, err = tx.FindStaff(ctx)
		return err
	})
	var logins []string
	for _, u := range staff {
		logins = append(logins, u.Login)
	}
	if strings.Join(logins, ",") != "amy,kim,zoe" || !staff[0].Disabled || staff[1].Email != "kim@provider.cn" {
		t.Errorf("staff = %v", logins)
	}
}
