package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Throttle counts failed sign-ins per key (a login name, a client address)
// in the database, so the limit holds across replicas and restarts. Keys
// are hashed: login names and addresses are personal data.
type Throttle struct {
	db *DB
	// Max failures within Window lock the key for Lockout.
	Max     int
	Window  time.Duration
	Lockout time.Duration
}

// Throttle returns a sign-in throttle with the given limits.
func (db *DB) Throttle(max int, window, lockout time.Duration) *Throttle {
	return &Throttle{db: db, Max: max, Window: window, Lockout: lockout}
}

// LockedUntil returns when the key's lockout ends, or the zero time when it
// is not locked.
func (t *Throttle) LockedUntil(ctx context.Context, key string) (time.Time, error) {
	var until time.Time
	err := t.db.read.QueryRowContext(ctx, t.db.dialect.rebind(`SELECT locked_until FROM auth_throttle WHERE key = ?`), tokenHash(key)).
		Scan(scanTime(&until))
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil || !until.After(t.db.clock.Now()) {
		return time.Time{}, err
	}
	return until, nil
}

// Fail records a failed attempt and returns the lockout end if this failure
// reached the limit.
func (t *Throttle) Fail(ctx context.Context, key string) (time.Time, error) {
	now := t.db.clock.Now()
	d := t.db.dialect
	var locked time.Time
	tx, err := t.db.write.BeginTx(ctx, nil)
	if err != nil {
		return time.Time{}, err
	}
	defer tx.Rollback()
	h := tokenHash(key)
	var failures int
	var start time.Time
	err = tx.QueryRowContext(ctx, d.rebind(`SELECT failures, window_start FROM auth_throttle WHERE key = ?`+d.forUpdate()), h).
		Scan(&failures, scanTime(&start))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		failures, start = 0, now
	case err != nil:
		return time.Time{}, err
	}
	if now.Sub(start) > t.Window {
		failures, start = 0, now
	}
	failures++
	var until any
	if failures >= t.Max {
		locked = now.Add(t.Lockout)
		until = d.timeValue(locked)
		failures, start = 0, now // a new window after the lockout
	}
	_, err = tx.ExecContext(ctx, d.rebind(`INSERT INTO auth_throttle (key, failures, window_start, locked_until) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
			locked_until = COALESCE(excluded.locked_until, auth_throttle.locked_until)`),
		h, failures, d.timeValue(start), until)
	if err != nil {
		return time.Time{}, err
	}
	return locked, tx.Commit()
}

// Reset forgets a key's failures, after a successful sign-in.
func (t *Throttle) Reset(ctx context.Context, key string) error {
	_, err := t.db.write.ExecContext(ctx, t.db.dialect.rebind(`DELETE FROM auth_throttle WHERE key = ?`), tokenHash(key))
	return err
}
