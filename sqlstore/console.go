package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/openbeian/beian"
)

// Encryption contexts of the console's tables.
const (
	ctxReviewHistory = "order_reviews.review"
	ctxPhoneNumber   = "phone_checks.number"
	ctxPhoneNote     = "phone_checks.note"
	ctxVideoNotes    = "video_checks.notes"
	ctxVideoResult   = "video_checks.result"
)

// FindReviewQueue returns one page of the orders matching f, earliest
// deadline first (latest first with f.DueLatestFirst), orders without a
// deadline last, ties by submission order; and the number of all matching
// orders. Limit 0 means 50; more than 500 is cut to 500. Errors are
// EINTERNAL or EUNAVAILABLE.
func (tx *Tx) FindReviewQueue(ctx context.Context, f beian.ReviewQueueFilter) ([]*beian.Order, int, error) {
	var where []string
	var args []any
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		where = append(where, col+" IN ("+placeholders(len(vals))+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	states := make([]string, len(f.States))
	for i, s := range f.States {
		states[i] = string(s)
	}
	in("state", states)
	types := make([]string, len(f.Types))
	for i, t := range f.Types {
		types[i] = string(t)
	}
	in("type", types)
	if f.Province != "" {
		where, args = append(where, "province = ?"), append(args, f.Province)
	}
	if f.ClaimedBy != "" {
		where, args = append(where, "claimed_by = ?"), append(args, f.ClaimedBy)
	}
	if f.Unclaimed {
		if f.ClaimLapsedAt.IsZero() {
			where = append(where, "claimed_by = ''")
		} else {
			where = append(where, "(claimed_by = '' OR claimed_at IS NULL OR claimed_at <= ?)")
			args = append(args, tx.t(f.ClaimLapsedAt))
		}
	}
	if !f.DueBefore.IsZero() {
		where, args = append(where, "due_at IS NOT NULL AND due_at < ?"), append(args, tx.t(f.DueBefore))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM orders`+cond, args...).Scan(&total); err != nil {
		return nil, 0, tx.fail("count review queue", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultPageSize
	}
	limit = min(limit, maxPageSize)
	dir := "ASC"
	if f.DueLatestFirst {
		dir = "DESC"
	}
	// (due_at IS NULL) puts orders without a deadline last on both
	// databases, whose NULL ordering differs; state_changed_at is when the
	// order entered the queue.
	orders, err := tx.orders(ctx, `SELECT `+orderColumns+` FROM orders`+cond+
		` ORDER BY (due_at IS NULL), due_at `+dir+`, state_changed_at, id LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	return orders, total, nil
}

// CountOrdersByState returns how many orders are in each state; states
// without orders are absent. Errors are EINTERNAL or EUNAVAILABLE.
func (tx *Tx) CountOrdersByState(ctx context.Context) (map[beian.OrderState]int, error) {
	rows, err := tx.query(ctx, `SELECT state, COUNT(*) FROM orders GROUP BY state`)
	if err != nil {
		return nil, tx.fail("count orders", err)
	}
	defer rows.Close()
	out := map[beian.OrderState]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, tx.fail("count orders", err)
		}
		out[beian.OrderState(s)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("count orders", err)
	}
	return out, nil
}

// AppendOrderReview adds r to the order's review history, encrypted. It
// returns ENOTFOUND when the order does not exist.
func (tx *Tx) AppendOrderReview(ctx context.Context, orderID string, r *beian.Review) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if r.At.IsZero() {
		r.At = tx.now
	}
	r.At = truncTime(r.At)
	b, err := json.Marshal(r)
	if err != nil {
		return tx.fail("append review", fmt.Errorf("review: %w", err))
	}
	_, err = tx.exec(ctx, `INSERT INTO order_reviews (id, order_id, event, reviewer, at, review_enc) VALUES (?, ?, ?, ?, ?, ?)`,
		newID(), orderID, string(r.Event), r.By, tx.t(r.At), tx.db.keys.Encrypt(ctxReviewHistory, b))
	return tx.fail("append review", err)
}

// OrderReviews returns the order's review history, oldest first.
func (tx *Tx) OrderReviews(ctx context.Context, orderID string) ([]beian.Review, error) {
	rows, err := tx.query(ctx, `SELECT review_enc FROM order_reviews WHERE order_id = ? ORDER BY at, id`, orderID)
	if err != nil {
		return nil, tx.fail("find reviews", err)
	}
	defer rows.Close()
	var out []beian.Review
	for rows.Next() {
		var enc string
		if err := rows.Scan(&enc); err != nil {
			return nil, tx.fail("find reviews", err)
		}
		b, err := tx.db.keys.Decrypt(ctxReviewHistory, enc)
		if err != nil {
			return nil, tx.fail("find reviews", err)
		}
		var r beian.Review
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, tx.fail("find reviews", fmt.Errorf("review: %w", err))
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find reviews", err)
	}
	return out, nil
}

// CountReviewsBy counts the decisions userID took at or after since.
func (tx *Tx) CountReviewsBy(ctx context.Context, userID string, since time.Time) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM order_reviews WHERE reviewer = ? AND at >= ?`, userID, tx.t(since)).Scan(&n)
	if err != nil {
		return 0, tx.fail("count reviews", err)
	}
	return n, nil
}

// CreatePhoneCheck inserts c, filling ID and, when zero, CalledAt with the
// transaction's time. The number and the note are encrypted. It returns
// ENOTFOUND when the order does not exist.
func (tx *Tx) CreatePhoneCheck(ctx context.Context, c *beian.PhoneCheck) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if c.ID == "" {
		c.ID = newID()
	}
	if c.CalledAt.IsZero() {
		c.CalledAt = tx.now
	}
	c.CalledAt = truncTime(c.CalledAt)
	kr := tx.db.keys
	_, err := tx.exec(ctx, `INSERT INTO phone_checks (id, order_id, field, number_enc, outcome, note_enc, called_by, called_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrderID, c.Field, kr.EncryptString(ctxPhoneNumber, c.Number), string(c.Outcome),
		kr.EncryptString(ctxPhoneNote, c.Note), c.CalledBy, tx.t(c.CalledAt))
	return tx.fail("create phone check", err)
}

// PhoneChecks returns the order's phone-verification log, oldest first.
func (tx *Tx) PhoneChecks(ctx context.Context, orderID string) ([]beian.PhoneCheck, error) {
	rows, err := tx.query(ctx, `SELECT id, order_id, field, number_enc, outcome, note_enc, called_by, called_at
		FROM phone_checks WHERE order_id = ? ORDER BY called_at, id`, orderID)
	if err != nil {
		return nil, tx.fail("find phone checks", err)
	}
	defer rows.Close()
	var out []beian.PhoneCheck
	kr := tx.db.keys
	for rows.Next() {
		var c beian.PhoneCheck
		var number, outcome, note string
		if err := rows.Scan(&c.ID, &c.OrderID, &c.Field, &number, &outcome, &note, &c.CalledBy, scanTime(&c.CalledAt)); err != nil {
			return nil, tx.fail("find phone checks", err)
		}
		c.Outcome = beian.PhoneOutcome(outcome)
		if c.Number, err = kr.DecryptString(ctxPhoneNumber, number); err != nil {
			return nil, tx.fail("find phone checks", err)
		}
		if c.Note, err = kr.DecryptString(ctxPhoneNote, note); err != nil {
			return nil, tx.fail("find phone checks", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find phone checks", err)
	}
	return out, nil
}

// CreateVideoCheck inserts v, filling ID and, when zero, RequestedAt. It
// returns ENOTFOUND when the order does not exist.
func (tx *Tx) CreateVideoCheck(ctx context.Context, v *beian.VideoCheck) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if v.ID == "" {
		v.ID = newID()
	}
	if v.RequestedAt.IsZero() {
		v.RequestedAt = tx.now
	}
	v.RequestedAt, v.ScheduledAt, v.DecidedAt = truncTime(v.RequestedAt), truncTime(v.ScheduledAt), truncTime(v.DecidedAt)
	kr := tx.db.keys
	_, err := tx.exec(ctx, `INSERT INTO video_checks (id, order_id, scheduled_at, notes_enc, status, requested_by, requested_at,
			result_enc, decided_by, decided_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.OrderID, tx.t(v.ScheduledAt), kr.EncryptString(ctxVideoNotes, v.Notes), string(v.Status), v.RequestedBy,
		tx.t(v.RequestedAt), kr.EncryptString(ctxVideoResult, v.ResultNote), v.DecidedBy, tx.t(v.DecidedAt))
	return tx.fail("create video check", err)
}

// UpdateVideoCheck writes v's status and outcome (result note, decider,
// time); ENOTFOUND when there is no such check.
func (tx *Tx) UpdateVideoCheck(ctx context.Context, v *beian.VideoCheck) error {
	if err := tx.writable(); err != nil {
		return err
	}
	v.DecidedAt = truncTime(v.DecidedAt)
	res, err := tx.exec(ctx, `UPDATE video_checks SET status = ?, result_enc = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
		string(v.Status), tx.db.keys.EncryptString(ctxVideoResult, v.ResultNote), v.DecidedBy, tx.t(v.DecidedAt), v.ID)
	if err != nil {
		return tx.fail("update video check", err)
	}
	return mustAffect(res, "video check")
}

// VideoChecks returns the order's video verifications, oldest first.
func (tx *Tx) VideoChecks(ctx context.Context, orderID string) ([]beian.VideoCheck, error) {
	rows, err := tx.query(ctx, `SELECT id, order_id, scheduled_at, notes_enc, status, requested_by, requested_at,
			result_enc, decided_by, decided_at
		FROM video_checks WHERE order_id = ? ORDER BY requested_at, id`, orderID)
	if err != nil {
		return nil, tx.fail("find video checks", err)
	}
	defer rows.Close()
	var out []beian.VideoCheck
	kr := tx.db.keys
	for rows.Next() {
		var v beian.VideoCheck
		var notes, status, result string
		if err := rows.Scan(&v.ID, &v.OrderID, scanTime(&v.ScheduledAt), &notes, &status, &v.RequestedBy, scanTime(&v.RequestedAt),
			&result, &v.DecidedBy, scanTime(&v.DecidedAt)); err != nil {
			return nil, tx.fail("find video checks", err)
		}
		v.Status = beian.VideoCheckStatus(status)
		if v.Notes, err = kr.DecryptString(ctxVideoNotes, notes); err != nil {
			return nil, tx.fail("find video checks", err)
		}
		if v.ResultNote, err = kr.DecryptString(ctxVideoResult, result); err != nil {
			return nil, tx.fail("find video checks", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find video checks", err)
	}
	return out, nil
}

// FindStaff returns every user with a staff role, disabled ones included,
// by login.
func (tx *Tx) FindStaff(ctx context.Context) ([]*beian.User, error) {
	rows, err := tx.query(ctx, `SELECT id FROM users WHERE role IN (?, ?, ?) ORDER BY login`,
		string(beian.RoleReviewer), string(beian.RoleCompliance), string(beian.RoleAdmin))
	if err != nil {
		return nil, tx.fail("find staff", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, tx.fail("find staff", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, tx.fail("find staff", err)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find staff", err)
	}
	// Each user is read through findUser so that decryption and list
	// decoding stay in one place; staff lists are short.
	out := make([]*beian.User, 0, len(ids))
	for _, id := range ids {
		u, err := tx.FindUser(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}
