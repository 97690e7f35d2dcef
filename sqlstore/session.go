package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"
)

// SessionStore keeps web sessions in the database so that they survive
// restarts and are shared by every replica. It implements scs.Store and
// scs.CtxStore without importing scs. Expiry is judged by the wall clock,
// not the store's clock, because scs computes expiries from the wall clock;
// mixing the two would expire sessions early under a test or demo clock.
type SessionStore struct{ db *DB }

// sessionNow is the clock session expiries are compared with.
var sessionNow = time.Now

// Sessions returns the store's session table as an scs session store.
func (db *DB) Sessions() *SessionStore { return &SessionStore{db: db} }

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// FindCtx returns the data of a live session; expired or unknown tokens
// are not found, and only database failures are errors.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	d := s.db.dialect
	var data []byte
	var expiry time.Time
	err := s.db.read.QueryRowContext(ctx, d.rebind(`SELECT data, expiry FROM sessions WHERE token_hash = ?`), tokenHash(token)).
		Scan(&data, scanTime(&expiry))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if !expiry.After(sessionNow()) {
		return nil, false, nil
	}
	return data, true, nil
}

// CommitCtx stores or replaces a session.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	d := s.db.dialect
	_, err := s.db.write.ExecContext(ctx, d.rebind(`INSERT INTO sessions (token_hash, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token_hash) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`),
		tokenHash(token), b, d.timeValue(expiry))
	return err
}

// DeleteCtx removes a session; an unknown token is not an error.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.write.ExecContext(ctx, s.db.dialect.rebind(`DELETE FROM sessions WHERE token_hash = ?`), tokenHash(token))
	return err
}

// Find implements scs.Store.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit implements scs.Store.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete implements scs.Store.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteExpiredSessions removes sessions past their expiry and returns how
// many; a periodic job calls it.
func (s *SessionStore) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.db.write.ExecContext(ctx, s.db.dialect.rebind(`DELETE FROM sessions WHERE expiry <= ?`), s.db.dialect.timeValue(sessionNow()))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
