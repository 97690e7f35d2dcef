package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/openbeian/beian"
)

const (
	ctxOrderSnapshot = "orders.snapshot"
	ctxOrderReview   = "orders.review"
)

// Page sizes of FindOrders.
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// CreateOrder inserts o with Version 1, filling ID and the timestamps that
// are zero with the transaction's time. The snapshot is stored as
// encrypted JSON next to the columns lists and filters need, and the
// contacts of a submitted order in progress go to order_contacts in the
// same transaction (see OrdersUsingContact). It returns
// ECONFLICT when the ID exists and ENOTFOUND when the account does not.
func (tx *Tx) CreateOrder(ctx context.Context, o *beian.Order) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if o.ID == "" {
		o.ID = newID()
	}
	if o.Snapshot.Version == 0 {
		o.Snapshot.Version = beian.SnapshotVersion
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = tx.now
	}
	if o.StateChangedAt.IsZero() {
		o.StateChangedAt = o.CreatedAt
	}
	o.CreatedAt, o.StateChangedAt, o.DueAt = truncTime(o.CreatedAt), truncTime(o.StateChangedAt), truncTime(o.DueAt)
	o.UpdatedAt = tx.now
	o.Version = 1
	snap, serviceIDs, review, err := tx.orderDocs(o)
	if err != nil {
		return tx.fail("create order", err)
	}
	o.ClaimedAt = truncTime(o.ClaimedAt)
	_, err = tx.exec(ctx, `INSERT INTO orders (id, account_id, created_by, type, state, province, subject_cert_bidx, subject_name,
			record_subject_id, service_ids, cancellation_confirmed, snapshot_enc, snapshot_version, version, submission_key,
			created_at, updated_at, state_changed_at, due_at, review_enc, claimed_by, claimed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.AccountID, o.CreatedBy, string(o.Type), string(o.State), o.Province,
		nullString(tx.db.keys.Index(IndexCertificate, o.Snapshot.Subject.CertificateNumber)), o.SubjectName(),
		o.RecordSubjectID, serviceIDs, o.CancellationConfirmed, snap, o.Snapshot.Version, o.Version, o.SubmissionKey,
		tx.t(o.CreatedAt), tx.t(o.UpdatedAt), tx.t(o.StateChangedAt), tx.t(o.DueAt), review, o.ClaimedBy, tx.t(o.ClaimedAt))
	if err != nil {
		return tx.fail("create order", err)
	}
	return tx.putOrderContacts(ctx, o)
}

// orderDocs encodes the encrypted snapshot, the service ID list and the
// encrypted review ("" when there is none).
func (tx *Tx) orderDocs(o *beian.Order) (snapshot, serviceIDs, review string, err error) {
	b, err := json.Marshal(o.Snapshot)
	if err != nil {
		return "", "", "", fmt.Errorf("snapshot: %w", err)
	}
	ids, err := json.Marshal(nonNil(o.ServiceIDs))
	if err != nil {
		return "", "", "", err
	}
	if o.Review != nil {
		o.Review.At = truncTime(o.Review.At)
		r, err := json.Marshal(o.Review)
		if err != nil {
			return "", "", "", fmt.Errorf("review: %w", err)
		}
		review = tx.db.keys.Encrypt(ctxOrderReview, r)
	}
	return tx.db.keys.Encrypt(ctxOrderSnapshot, b), string(ids), review, nil
}

// UpdateOrder writes o if its Version still matches the stored one, then
// increments o.Version and sets o.UpdatedAt; it rewrites the order's rows of
// order_contacts, which an order out of progress no longer has. It returns ECONFLICT
// (order.version.stale) when someone else wrote the order since o was read,
// and ENOTFOUND when there is no such order.
func (tx *Tx) UpdateOrder(ctx context.Context, o *beian.Order) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if o.Snapshot.Version == 0 {
		o.Snapshot.Version = beian.SnapshotVersion
	}
	snap, serviceIDs, review, err := tx.orderDocs(o)
	if err != nil {
		return tx.fail("update order", err)
	}
	o.StateChangedAt, o.DueAt, o.ClaimedAt = truncTime(o.StateChangedAt), truncTime(o.DueAt), truncTime(o.ClaimedAt)
	res, err := tx.exec(ctx, `UPDATE orders SET account_id = ?, created_by = ?, type = ?, state = ?, province = ?,
			subject_cert_bidx = ?, subject_name = ?, record_subject_id = ?, service_ids = ?, cancellation_confirmed = ?,
			snapshot_enc = ?, snapshot_version = ?, version = version + 1, submission_key = ?,
			updated_at = ?, state_changed_at = ?, due_at = ?, review_enc = ?, claimed_by = ?, claimed_at = ?
		WHERE id = ? AND version = ?`,
		o.AccountID, o.CreatedBy, string(o.Type), string(o.State), o.Province,
		nullString(tx.db.keys.Index(IndexCertificate, o.Snapshot.Subject.CertificateNumber)), o.SubjectName(),
		o.RecordSubjectID, serviceIDs, o.CancellationConfirmed, snap, o.Snapshot.Version, o.SubmissionKey,
		tx.t(tx.now), tx.t(o.StateChangedAt), tx.t(o.DueAt), review, o.ClaimedBy, tx.t(o.ClaimedAt), o.ID, o.Version)
	if err != nil {
		return tx.fail("update order", err)
	}
	if err := tx.versionChecked(ctx, res, "orders", o.ID, "order.version.stale"); err != nil {
		return err
	}
	if err := tx.putOrderContacts(ctx, o); err != nil {
		return err
	}
	o.Version++
	o.UpdatedAt = tx.now
	return nil
}

// versionChecked interprets an optimistic UPDATE … WHERE id = ? AND
// version = ?: one row is success; none is ENOTFOUND when the row is gone
// and ECONFLICT with staleKey when its version moved on.
func (tx *Tx) versionChecked(ctx context.Context, res sql.Result, table, id, staleKey string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return tx.fail("update "+table, err)
	}
	if n == 1 {
		return nil
	}
	var exists int
	err = tx.queryRow(ctx, `SELECT 1 FROM `+table+` WHERE id = ?`, id).Scan(&exists)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(table)
	}
	if err != nil {
		return tx.fail("update "+table, err)
	}
	return beian.Errorf(beian.ECONFLICT, staleKey).WithCause(fmt.Errorf("%s %s: stale version", table, id))
}

const orderColumns = `id, account_id, created_by, type, state, province, record_subject_id, service_ids, cancellation_confirmed,
	snapshot_enc, version, submission_key, created_at, updated_at, state_changed_at, due_at, review_enc, claimed_by, claimed_at`

// FindOrder returns the order with id, or ENOTFOUND.
func (tx *Tx) FindOrder(ctx context.Context, id string) (*beian.Order, error) {
	orders, err := tx.orders(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(orders) == 0 {
		return nil, notFound("order")
	}
	return orders[0], nil
}

// FindOrders returns one page of the orders matching f, newest first (by
// creation; ties by ID, which is time-ordered too), and the number of all
// matching orders. Limit 0 means 50; more than 500 is cut to 500. Errors
// are EINTERNAL or EUNAVAILABLE.
func (tx *Tx) FindOrders(ctx context.Context, f beian.OrderFilter) ([]*beian.Order, int, error) {
	var where []string
	var args []any
	if f.AccountID != "" {
		where, args = append(where, "account_id = ?"), append(args, f.AccountID)
	}
	if f.CreatedBy != "" {
		where, args = append(where, "created_by = ?"), append(args, f.CreatedBy)
	}
	if len(f.Types) > 0 {
		where = append(where, "type IN ("+placeholders(len(f.Types))+")")
		for _, t := range f.Types {
			args = append(args, string(t))
		}
	}
	if len(f.States) > 0 {
		where = append(where, "state IN ("+placeholders(len(f.States))+")")
		for _, s := range f.States {
			args = append(args, string(s))
		}
	}
	if f.Province != "" {
		where, args = append(where, "province = ?"), append(args, f.Province)
	}
	if f.SubjectCertificate != "" {
		where, args = append(where, "subject_cert_bidx = ?"), append(args, tx.db.keys.Index(IndexCertificate, f.SubjectCertificate))
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
		return nil, 0, tx.fail("count orders", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultPageSize
	}
	limit = min(limit, maxPageSize)
	offset := max(f.Offset, 0)
	orders, err := tx.orders(ctx, `SELECT `+orderColumns+` FROM orders`+cond+` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	return orders, total, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func (tx *Tx) orders(ctx context.Context, query string, args ...any) ([]*beian.Order, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find orders", err)
	}
	defer rows.Close()
	var out []*beian.Order
	for rows.Next() {
		var o beian.Order
		var typ, state, serviceIDs, snap, review string
		if err := rows.Scan(&o.ID, &o.AccountID, &o.CreatedBy, &typ, &state, &o.Province, &o.RecordSubjectID, &serviceIDs,
			&o.CancellationConfirmed, &snap, &o.Version, &o.SubmissionKey, scanTime(&o.CreatedAt), scanTime(&o.UpdatedAt),
			scanTime(&o.StateChangedAt), scanTime(&o.DueAt), &review, &o.ClaimedBy, scanTime(&o.ClaimedAt)); err != nil {
			return nil, tx.fail("find orders", err)
		}
		if review != "" {
			b, err := tx.db.keys.Decrypt(ctxOrderReview, review)
			if err != nil {
				return nil, tx.fail("find orders", fmt.Errorf("order %s review: %w", o.ID, err))
			}
			o.Review = new(beian.Review)
			if err := json.Unmarshal(b, o.Review); err != nil {
				return nil, tx.fail("find orders", fmt.Errorf("order %s review: %w", o.ID, err))
			}
		}
		o.Type, o.State = beian.OrderType(typ), beian.OrderState(state)
		if err := json.Unmarshal([]byte(serviceIDs), &o.ServiceIDs); err != nil {
			return nil, tx.fail("find orders", fmt.Errorf("order %s service_ids: %w", o.ID, err))
		}
		if len(o.ServiceIDs) == 0 {
			o.ServiceIDs = nil
		}
		b, err := tx.db.keys.Decrypt(ctxOrderSnapshot, snap)
		if err != nil {
			return nil, tx.fail("find orders", fmt.Errorf("order %s snapshot: %w", o.ID, err))
		}
		if err := json.Unmarshal(b, &o.Snapshot); err != nil {
			return nil, tx.fail("find orders", fmt.Errorf("order %s snapshot: %w", o.ID, err))
		}
		out = append(out, &o)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find orders", err)
	}
	return out, nil
}
