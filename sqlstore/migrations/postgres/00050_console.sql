-- +goose Up
-- The staff console's working data. Columns ending in _enc hold AES-GCM
-- ciphertext: review opinions and notes may quote names and phone tails,
-- and the phone log keeps the number as dialled.

-- order_reviews is the history of review decisions (审核历史), one row per
-- decision with its opinion and marked fields; orders.review_enc keeps only
-- the latest.
CREATE TABLE order_reviews (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders (id),
    event      TEXT NOT NULL,
    -- The deciding user's ID, or "bureau".
    reviewer   TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    review_enc TEXT NOT NULL
);
CREATE INDEX order_reviews_order ON order_reviews (order_id, at, id);
CREATE INDEX order_reviews_reviewer_at ON order_reviews (reviewer, at);

-- phone_checks is the phone-verification log (电话核验): which of the
-- order's numbers a reviewer called, when and with what outcome.
CREATE TABLE phone_checks (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders (id),
    field      TEXT NOT NULL,
    number_enc TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    note_enc   TEXT NOT NULL DEFAULT '',
    called_by  TEXT NOT NULL,
    called_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX phone_checks_order ON phone_checks (order_id, called_at, id);

-- video_checks are the video verifications (视频核验) reviewers schedule.
CREATE TABLE video_checks (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders (id),
    scheduled_at TIMESTAMPTZ NOT NULL,
    notes_enc    TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    result_enc   TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMPTZ
);
CREATE INDEX video_checks_order ON video_checks (order_id, requested_at, id);

-- The review queue lists orders of a few states by deadline; the staff
-- page lists users by role.
CREATE INDEX orders_state_due ON orders (state, due_at);
CREATE INDEX users_role ON users (role);

-- +goose Down
DROP INDEX users_role;
DROP INDEX orders_state_due;
DROP TABLE video_checks;
DROP TABLE phone_checks;
DROP TABLE order_reviews;
