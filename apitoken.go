package beian

import (
	"context"
	"slices"
	"time"
)

// APIToken is a personal access token of the JSON API: a user creates it
// for themselves and a program then acts as that user, with at most the
// user's own rights, optionally narrowed to Scopes. Only the SHA-256 of the
// secret is kept, so a copy of the database hands out no live tokens; the
// Prefix (the secret's first characters) is what lists show so people can
// tell their tokens apart.
type APIToken struct {
	ID     string
	UserID string
	// Name is the owner's label, e.g. "billing sync".
	Name   string
	Prefix string
	// Hash is the hex SHA-256 of the whole secret.
	Hash string
	// Scopes narrow what the token may do; empty means everything its user
	// may do. The API defines the scope names.
	Scopes     []string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never expires
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: live
}

// Active reports whether the token may authenticate at now: not revoked
// and not expired.
func (t *APIToken) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// Allows reports whether the token's scopes include scope; a token without
// scopes allows every scope.
func (t *APIToken) Allows(scope string) bool {
	return len(t.Scopes) == 0 || slices.Contains(t.Scopes, scope)
}

// APITokenStore keeps personal API tokens.
type APITokenStore interface {
	// CreateAPIToken inserts t, filling ID and CreatedAt when empty;
	// ECONFLICT when the hash exists (a collision, never in practice).
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// FindAPIToken returns the token with id or ENOTFOUND.
	FindAPIToken(ctx context.Context, id string) (*APIToken, error)
	// FindAPITokenByHash returns the token whose secret hashes to hash, or
	// ENOTFOUND; revoked and expired tokens are returned too, so callers
	// decide with Active.
	FindAPITokenByHash(ctx context.Context, hash string) (*APIToken, error)
	// FindAPITokens returns a user's tokens, newest first, revoked ones
	// included.
	FindAPITokens(ctx context.Context, userID string) ([]*APIToken, error)
	// RevokeAPIToken sets RevokedAt when unset; revoking twice keeps the
	// first time. ENOTFOUND for an unknown ID.
	RevokeAPIToken(ctx context.Context, id string, at time.Time) error
	// TouchAPIToken records a use at at.
	TouchAPIToken(ctx context.Context, id string, at time.Time) error
}
