-- +goose Up
-- The notification outbox (spec §11): one row per message, recipient and
-- channel, written in the transaction of the event that causes it and
-- delivered by a job. The recipient and the rendered texts are personal
-- data (addresses, names) and encrypted; recipient_bidx is the blind index
-- of the recipient, so the unique key below needs no clear text. last_error
-- never holds personal data.
CREATE TABLE notifications (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL DEFAULT '',
    entity_type    TEXT NOT NULL DEFAULT '',
    entity_id      TEXT NOT NULL DEFAULT '',
    -- The event instance that caused the message, e.g.
    -- order/<id>/review_pass/v3; with channel and recipient it is unique,
    -- so a retried notify job inserts nothing twice.
    cause_key      TEXT NOT NULL,
    channel        TEXT NOT NULL,
    recipient_enc  TEXT NOT NULL,
    recipient_bidx TEXT NOT NULL,
    template       TEXT NOT NULL,
    lang           TEXT NOT NULL,
    subject_enc    TEXT NOT NULL DEFAULT '',
    text_enc       TEXT NOT NULL DEFAULT '',
    html_enc       TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    transport      TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    sent_at        TIMESTAMPTZ
);
CREATE UNIQUE INDEX notifications_cause ON notifications (cause_key, channel, recipient_bidx);
CREATE INDEX notifications_created ON notifications (created_at DESC, id DESC);
CREATE INDEX notifications_account_created ON notifications (account_id, created_at DESC, id DESC);
CREATE INDEX notifications_entity ON notifications (entity_type, entity_id);
CREATE INDEX notifications_status ON notifications (status);

-- The language each customer account wants its messages in; accounts
-- without a row get Chinese.
CREATE TABLE notification_prefs (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id),
    lang       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE notification_prefs;
DROP TABLE notifications;
