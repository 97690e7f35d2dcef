package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/openbeian/beian"
)

// This file keeps personal API tokens (migration 00060). Only the secret's
// hash reaches the store; the web layer makes and hashes the secret.

const apiTokenColumns = `id, user_id, name, prefix, token_hash, scopes, created_at, expires_at, last_used_at, revoked_at`

// CreateAPIToken inserts t, filling ID and CreatedAt when empty. A hash
// that exists already is ECONFLICT; an unknown user is ENOTFOUND.
func (tx *Tx) CreateAPIToken(ctx context.Context, t *beian.APIToken) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if t.ID == "" {
		t.ID = newID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = tx.now
	}
	t.CreatedAt, t.ExpiresAt = truncTime(t.CreatedAt), truncTime(t.ExpiresAt)
	scopes, err := json.Marshal(nonNil(t.Scopes))
	if err != nil {
		return tx.fail("create api token", err)
	}
	_, err = tx.exec(ctx, `INSERT INTO api_tokens (`+apiTokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.UserID, t.Name, t.Prefix, t.Hash, string(scopes), tx.t(t.CreatedAt), tx.t(t.ExpiresAt), tx.t(t.LastUsedAt), tx.t(t.RevokedAt))
	return tx.db.dialect.storeError("create api token", err, "")
}

// FindAPIToken returns the token with id, or ENOTFOUND.
func (tx *Tx) FindAPIToken(ctx context.Context, id string) (*beian.APIToken, error) {
	return tx.oneAPIToken(ctx, `id = ?`, id)
}

// FindAPITokenByHash returns the token whose secret hashes to hash, live or
// not, or ENOTFOUND.
func (tx *Tx) FindAPITokenByHash(ctx context.Context, hash string) (*beian.APIToken, error) {
	return tx.oneAPIToken(ctx, `token_hash = ?`, hash)
}

func (tx *Tx) oneAPIToken(ctx context.Context, where string, arg string) (*beian.APIToken, error) {
	ts, err := tx.apiTokens(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE `+where, arg)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, notFound("api token")
	}
	return ts[0], nil
}

// FindAPITokens returns the user's tokens, newest first.
func (tx *Tx) FindAPITokens(ctx context.Context, userID string) ([]*beian.APIToken, error) {
	return tx.apiTokens(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC`, userID)
}

func (tx *Tx) apiTokens(ctx context.Context, query string, args ...any) ([]*beian.APIToken, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find api tokens", err)
	}
	defer rows.Close()
	var out []*beian.APIToken
	for rows.Next() {
		var t beian.APIToken
		var scopes string
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.Hash, &scopes, scanTime(&t.CreatedAt),
			scanTime(&t.ExpiresAt), scanTime(&t.LastUsedAt), scanTime(&t.RevokedAt)); err != nil {
			return nil, tx.fail("find api tokens", err)
		}
		if err := json.Unmarshal([]byte(scopes), &t.Scopes); err != nil {
			return nil, tx.fail("find api tokens", fmt.Errorf("api token %s scopes: %w", t.ID, err))
		}
		if len(t.Scopes) == 0 {
			t.Scopes = nil
		}
		out = append(out, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find api tokens", err)
	}
	return out, nil
}

// RevokeAPIToken sets the token's revocation time unless it has one.
// ENOTFOUND for an unknown ID.
func (tx *Tx) RevokeAPIToken(ctx context.Context, id string, at time.Time) error {
	if err := tx.writable(); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, tx.t(at), id)
	if err != nil {
		return tx.fail("revoke api token", err)
	}
	return mustAffect(res, "api token")
}

// TouchAPIToken records that the token was used at at. ENOTFOUND for an
// unknown ID.
func (tx *Tx) TouchAPIToken(ctx context.Context, id string, at time.Time) error {
	if err := tx.writable(); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, tx.t(at), id)
	if err != nil {
		return tx.fail("touch api token", err)
	}
	return mustAffect(res, "api token")
}
