package workflow

import (
	"context"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workday"
)

// This file holds the staff console's read side: the review queue with
// working-day countdowns and the dashboard. The actions (claim, review,
// phone log, video verification, staff) are in review.go and the other
// console_*.go files.

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"console.staff_only": {ZH: "仅服务商工作人员可以访问控制台。", EN: "Only provider staff may use the console."},
	})
}

// reviewStates are the states an order waits for a reviewer in.
var reviewStates = []beian.OrderState{beian.AwaitingPrelim, beian.ModifiedAwaitingReview}

// ReviewStates returns the states the review queue lists.
func ReviewStates() []beian.OrderState { return append([]beian.OrderState(nil), reviewStates...) }

// errStaffOnly is what customers get from the console's actions.
func errStaffOnly() error { return beian.Errorf(beian.EFORBIDDEN, "console.staff_only") }

// anyStaff reports whether u is enabled provider staff of any role.
func anyStaff(u *beian.User) bool { return u != nil && !u.Disabled && u.Role.IsStaff() }

// CanReview reports whether u may claim and decide orders in preliminary
// review: reviewers and admins.
func CanReview(u *beian.User) bool { return isStaff(u, beian.RoleReviewer) }

// Countdown is a deadline shown as a countdown in China working days.
type Countdown struct {
	// Due is the deadline; zero when the state has none.
	Due time.Time
	// Left is the number of working days from today to the due date: 0
	// when it is due today, negative (working days since) when overdue.
	Left int
	// Overdue reports whether the deadline has passed.
	Overdue bool
	// Known is false when there is no deadline, or the calendar lacks the
	// year's holidays and cannot count.
	Known bool
}

// Countdown levels, from relaxed to late; pages colour by them.
const (
	DueNone    = "none"
	DueLater   = "ok"      // two or more working days left
	DueSoon    = "soon"    // due on the next working day
	DueToday   = "today"   // due today
	DueOverdue = "overdue" // deadline passed
)

// Level classifies the countdown for colouring.
func (s Countdown) Level() string {
	switch {
	case s.Due.IsZero():
		return DueNone
	case s.Overdue:
		return DueOverdue
	case !s.Known:
		return DueLater
	case s.Left <= 0:
		return DueToday
	case s.Left == 1:
		return DueSoon
	}
	return DueLater
}

// countdown computes the countdown to due as seen at now.
func (w *Workflow) countdown(now, due time.Time) Countdown {
	s := Countdown{Due: due}
	if due.IsZero() {
		return s
	}
	s.Overdue = now.After(due)
	n, err := w.cal.WorkdaysBetween(now, due)
	if err != nil {
		return s // an outdated holiday table shows the date without a count
	}
	s.Left, s.Known = n, true
	return s
}

// Claim is who holds an order in review.
type Claim struct {
	By   string // user ID; "" when unclaimed
	Name string // the user's display name, or login
	At   time.Time
	// Mine reports whether the viewer holds it.
	Mine bool
	// Lapsed reports whether the claim is older than the claim time-out, so
	// a colleague may take the order over.
	Lapsed bool
}

// Held reports whether someone holds a live claim.
func (c Claim) Held() bool { return c.By != "" && !c.Lapsed }

// HeldByOther reports whether a colleague of the viewer holds a live claim.
func (c Claim) HeldByOther() bool { return c.Held() && !c.Mine }

func claimOf(o *beian.Order, viewer *beian.User, names map[string]string, now time.Time) Claim {
	if o.ClaimedBy == "" {
		return Claim{}
	}
	return Claim{By: o.ClaimedBy, Name: nameOf(names, o.ClaimedBy), At: o.ClaimedAt, Mine: viewer != nil && o.ClaimedBy == viewer.ID,
		Lapsed: now.Sub(o.ClaimedAt) >= claimTTL}
}

func nameOf(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

// staffNames maps staff user IDs to display names (logins when empty), for
// claims, history and logs.
func staffNames(ctx context.Context, tx beian.Tx) (map[string]string, error) {
	staff, err := tx.FindStaff(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(staff))
	for _, u := range staff {
		m[u.ID] = displayName(u)
	}
	return m, nil
}

func displayName(u *beian.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Login
}

// Claim filters of the queue.
const (
	ClaimAny       = ""
	ClaimMine      = "mine"
	ClaimUnclaimed = "unclaimed"
)

// QueueFilter is what a reviewer filters the queue by; zero fields do not
// filter.
type QueueFilter struct {
	Province string
	Type     beian.OrderType
	// State narrows the queue to one of the review states.
	State beian.OrderState
	// Claim is ClaimAny, ClaimMine or ClaimUnclaimed.
	Claim   string
	Overdue bool
	// LatestDueFirst reverses the default earliest-deadline-first order.
	LatestDueFirst bool
	// Page is 1-based; PageSize 0 means 50.
	Page     int
	PageSize int
}

// QueueItem is an order in the queue with its countdown and claim.
type QueueItem struct {
	Order *beian.Order
	Due   Countdown
	Claim Claim
}

// QueuePage is one page of the queue.
type QueuePage struct {
	Items    []QueueItem
	Total    int
	Page     int
	Pages    int
	PageSize int
}

// ReviewQueue lists the orders waiting for preliminary review (等待初审,
// 已修改待审核), earliest deadline first, with working-day countdowns. Any
// staff role may look; only reviewers and admins claim. Errors: EFORBIDDEN,
// EINVALID (a state outside review).
func (w *Workflow) ReviewQueue(ctx context.Context, u *beian.User, f QueueFilter) (*QueuePage, error) {
	if !anyStaff(u) {
		return nil, errStaffOnly()
	}
	now := w.clock.Now()
	qf := beian.ReviewQueueFilter{States: reviewStates, Province: f.Province, DueLatestFirst: f.LatestDueFirst}
	if f.State != "" {
		if !inReview(f.State) {
			return nil, beian.Invalid("state", "review.not_in_queue")
		}
		qf.States = []beian.OrderState{f.State}
	}
	if f.Type != "" {
		qf.Types = []beian.OrderType{f.Type}
	}
	switch f.Claim {
	case ClaimMine:
		qf.ClaimedBy = u.ID
	case ClaimUnclaimed:
		qf.Unclaimed, qf.ClaimLapsedAt = true, now.Add(-claimTTL)
	}
	if f.Overdue {
		qf.DueBefore = now
	}
	size := f.PageSize
	if size <= 0 || size > 200 {
		size = 50
	}
	page := max(f.Page, 1)
	qf.Limit, qf.Offset = size, (page-1)*size
	out := &QueuePage{Page: page, PageSize: size}
	err := w.store.View(ctx, func(tx beian.Tx) error {
		orders, total, err := tx.FindReviewQueue(ctx, qf)
		if err != nil {
			return err
		}
		names, err := staffNames(ctx, tx)
		if err != nil {
			return err
		}
		out.Total = total
		out.Items = w.queueItems(orders, u, names, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Pages = max(1, (out.Total+size-1)/size)
	return out, nil
}

func (w *Workflow) queueItems(orders []*beian.Order, u *beian.User, names map[string]string, now time.Time) []QueueItem {
	items := make([]QueueItem, len(orders))
	for i, o := range orders {
		items[i] = QueueItem{Order: o, Due: w.countdown(now, o.DueAt), Claim: claimOf(o, u, names, now)}
	}
	return items
}

// StateCount is how many orders are in a state.
type StateCount struct {
	State beian.OrderState
	Count int
}

// Dashboard is the console's front page: where the work stands and what
// the viewer should do today.
type Dashboard struct {
	// States counts orders per state, in lifecycle order, zeros included.
	States []StateCount
	// InReview counts the orders waiting for a reviewer; Overdue, DueToday
	// and Unclaimed count the ones among them past their deadline, due by
	// the end of today, and held by nobody.
	InReview, Overdue, DueToday, Unclaimed int
	// Mine are the orders the viewer holds, earliest deadline first.
	Mine      []QueueItem
	MineTotal int
	// Urgent are the overdue and due-today orders, earliest first.
	Urgent []QueueItem
	// ReviewedToday counts the viewer's decisions since midnight in China.
	ReviewedToday int
	// AwaitingBureau counts the passed orders waiting for submission;
	// AwaitingConfirmation the subject cancellations among them still
	// waiting for the customer's confirmation.
	AwaitingBureau, AwaitingConfirmation int
}

// Dashboard returns the console's front page for u. Errors: EFORBIDDEN.
func (w *Workflow) Dashboard(ctx context.Context, u *beian.User) (*Dashboard, error) {
	if !anyStaff(u) {
		return nil, errStaffOnly()
	}
	now := w.clock.Now()
	local := now.In(workday.Location)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, workday.Location)
	endOfDay := midnight.AddDate(0, 0, 1)
	d := &Dashboard{}
	err := w.store.View(ctx, func(tx beian.Tx) error {
		counts, err := tx.CountOrdersByState(ctx)
		if err != nil {
			return err
		}
		for _, s := range beian.OrderStates {
			d.States = append(d.States, StateCount{State: s, Count: counts[s]})
		}
		d.InReview = counts[beian.AwaitingPrelim] + counts[beian.ModifiedAwaitingReview]
		d.AwaitingBureau = counts[beian.AwaitingBureauSubmission]
		count := func(f beian.ReviewQueueFilter) (int, error) {
			f.Limit = 1
			_, n, err := tx.FindReviewQueue(ctx, f)
			return n, err
		}
		if d.Overdue, err = count(beian.ReviewQueueFilter{States: reviewStates, DueBefore: now}); err != nil {
			return err
		}
		byTonight, err := count(beian.ReviewQueueFilter{States: reviewStates, DueBefore: endOfDay})
		if err != nil {
			return err
		}
		d.DueToday = byTonight - d.Overdue
		if d.Unclaimed, err = count(beian.ReviewQueueFilter{States: reviewStates, Unclaimed: true, ClaimLapsedAt: now.Add(-claimTTL)}); err != nil {
			return err
		}
		names, err := staffNames(ctx, tx)
		if err != nil {
			return err
		}
		mine, n, err := tx.FindReviewQueue(ctx, beian.ReviewQueueFilter{States: reviewStates, ClaimedBy: u.ID, Limit: 20})
		if err != nil {
			return err
		}
		d.Mine, d.MineTotal = w.queueItems(mine, u, names, now), n
		urgent, _, err := tx.FindReviewQueue(ctx, beian.ReviewQueueFilter{States: reviewStates, DueBefore: endOfDay, Limit: 10})
		if err != nil {
			return err
		}
		d.Urgent = w.queueItems(urgent, u, names, now)
		if d.ReviewedToday, err = tx.CountReviewsBy(ctx, u.ID, midnight); err != nil {
			return err
		}
		cancels, _, err := tx.FindReviewQueue(ctx, beian.ReviewQueueFilter{
			States: []beian.OrderState{beian.AwaitingBureauSubmission}, Types: []beian.OrderType{beian.CancelSubject}, Limit: 500})
		if err != nil {
			return err
		}
		for _, o := range cancels {
			if !o.CancellationConfirmed {
				d.AwaitingConfirmation++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
