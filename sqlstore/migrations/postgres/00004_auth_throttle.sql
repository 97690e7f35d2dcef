-- +goose Up
-- Failed sign-ins per login name and per client address, shared by every
-- replica, so password guessing is slowed wherever it lands.
CREATE TABLE auth_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);

-- +goose Down
DROP TABLE auth_throttle;
