package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/openbeian/beian"
)

// Tx is one store transaction; it implements [beian.Tx]. It is not safe for
// concurrent use, like the *sql.Tx beneath it, and is valid only inside the
// Update or View call that made it.
type Tx struct {
	db       *DB
	tx       *sql.Tx
	now      time.Time
	readOnly bool
}

var _ beian.Tx = (*Tx)(nil)

// Now returns the transaction's time, read once from the clock at begin
// and truncated to the microseconds both databases keep.
func (tx *Tx) Now() time.Time { return tx.now }

// SQLTx returns the underlying transaction, for adapters that must write in
// the same transaction (River's InsertTx). Statements on it bypass the
// store's encryption: never write personal data through it.
func (tx *Tx) SQLTx() *sql.Tx { return tx.tx }

// Enqueue adds j to the transaction through the configured JobInserter; the
// job becomes visible to workers only when the transaction commits. It
// returns EINTERNAL when no queue is configured or in a View, and whatever
// the inserter returns otherwise.
func (tx *Tx) Enqueue(ctx context.Context, j beian.Job) error {
	if err := tx.writable(); err != nil {
		return err
	}
	p := tx.db.jobs.Load()
	if p == nil || *p == nil {
		return beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(errors.New("sqlstore: no job queue configured (DB.SetJobs)"))
	}
	if err := (*p).InsertTx(ctx, tx.tx, j); err != nil {
		if _, ok := beian.AsError(err); ok {
			return err
		}
		return tx.db.dialect.storeError("enqueue "+j.Kind, err, "")
	}
	return nil
}

func (tx *Tx) writable() error {
	if tx.readOnly {
		return beian.Errorf(beian.EINTERNAL, "store.read_only").WithCause(errors.New("sqlstore: write in View"))
	}
	return nil
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.db.dialect.rebind(query), args...)
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.db.dialect.rebind(query), args...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.db.dialect.rebind(query), args...)
}

// t converts a time for a query parameter.
func (tx *Tx) t(v time.Time) any { return tx.db.dialect.timeValue(v) }

// fail maps a driver error; see Dialect.storeError.
func (tx *Tx) fail(op string, err error) error { return tx.db.dialect.storeError(op, err, "") }
