package beian

import (
	"context"
	"time"
)

// ReviewQueueFilter selects orders for the reviewers' queue. Unlike
// [OrderFilter] it knows claims and sorts by deadline, because a reviewer
// works the order that is due first. Zero fields do not filter.
type ReviewQueueFilter struct {
	// States are the states to list; the queue passes the review states.
	States   []OrderState
	Province string
	Types    []OrderType
	// ClaimedBy selects the orders this user claimed, lapsed claims
	// included: they are still the user's to finish.
	ClaimedBy string
	// Unclaimed selects the orders nobody holds: never claimed, released,
	// or claimed at or before ClaimLapsedAt (a claim lapses after a while so
	// that an absent reviewer locks nothing).
	Unclaimed     bool
	ClaimLapsedAt time.Time
	// DueBefore selects the orders whose deadline is before it: overdue
	// ones when it is now.
	DueBefore time.Time
	// DueLatestFirst reverses the order: latest deadline first. Orders
	// without a deadline always come last.
	DueLatestFirst bool
	Offset         int
	Limit          int // 0 means the store's default page size
}

// ConsoleStore keeps what the staff console works with besides orders and
// records: the review queue, the history of review decisions, the
// phone-verification log, video verifications and the staff list.
type ConsoleStore interface {
	// FindReviewQueue returns one page of the orders matching f, earliest
	// deadline first, and the number of all matching orders.
	FindReviewQueue(ctx context.Context, f ReviewQueueFilter) ([]*Order, int, error)
	// CountOrdersByState returns how many orders are in each state; states
	// without orders are absent.
	CountOrdersByState(ctx context.Context) (map[OrderState]int, error)

	// AppendOrderReview adds a decision to the order's review history. The
	// opinion and marks are encrypted at rest, like the order's latest
	// review.
	AppendOrderReview(ctx context.Context, orderID string, r *Review) error
	// OrderReviews returns the order's review history, oldest first.
	OrderReviews(ctx context.Context, orderID string) ([]Review, error)
	// CountReviewsBy counts the decisions user took at or after since.
	CountReviewsBy(ctx context.Context, userID string, since time.Time) (int, error)

	// CreatePhoneCheck inserts c, filling ID; the number and note are
	// encrypted.
	CreatePhoneCheck(ctx context.Context, c *PhoneCheck) error
	// PhoneChecks returns the order's phone-verification log, oldest first.
	PhoneChecks(ctx context.Context, orderID string) ([]PhoneCheck, error)

	// CreateVideoCheck inserts v, filling ID.
	CreateVideoCheck(ctx context.Context, v *VideoCheck) error
	// UpdateVideoCheck writes v's status and outcome; ENOTFOUND when there
	// is no such check.
	UpdateVideoCheck(ctx context.Context, v *VideoCheck) error
	// VideoChecks returns the order's video verifications, oldest first.
	VideoChecks(ctx context.Context, orderID string) ([]VideoCheck, error)

	// FindStaff returns every provider staff user (reviewers, compliance
	// officers, admins), disabled ones included, by login.
	FindStaff(ctx context.Context) ([]*User, error)
}
