-- +goose Up
-- Personal access tokens of the JSON API. Only the secret's SHA-256 is
-- stored (token_hash), so a copy of the database hands out no live tokens;
-- prefix is the secret's first characters, which lists show. Scopes are a
-- JSON array of scope names; an empty array means all of the user's rights.
-- Revoked tokens stay, so their owner still sees when they were last used.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL DEFAULT '[]',
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at);

-- +goose Down
DROP TABLE api_tokens;
