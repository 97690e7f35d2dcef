-- +goose Up
-- Beian's schema for SQLite. The PostgreSQL file of the same version holds
-- the same tables, columns and indexes; only types differ. Columns ending in
-- _enc hold AES-GCM ciphertext ("keyid:base64"), columns ending in _bidx the
-- HMAC blind index of the same value (hex). Timestamps are UTC text of fixed
-- width (2006-01-02T15:04:05.000000Z), so text order is time order.

CREATE TABLE accounts (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    subject_cert_enc  TEXT NOT NULL DEFAULT '',
    -- NULL until bound; one subject is filed under one account.
    subject_cert_bidx TEXT UNIQUE,
    disabled          INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    account_id    TEXT REFERENCES accounts (id),
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    email_enc     TEXT NOT NULL DEFAULT '',
    email_bidx    TEXT,
    role          TEXT NOT NULL,
    groups        TEXT NOT NULL DEFAULT '[]',
    policies      TEXT NOT NULL DEFAULT '[]',
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX users_account_id ON users (account_id);
CREATE INDEX users_email_bidx ON users (email_bidx);

CREATE TABLE orders (
    id                     TEXT PRIMARY KEY,
    account_id             TEXT NOT NULL REFERENCES accounts (id),
    created_by             TEXT NOT NULL DEFAULT '',
    type                   TEXT NOT NULL,
    state                  TEXT NOT NULL,
    province               TEXT NOT NULL DEFAULT '',
    subject_cert_bidx      TEXT,
    subject_name           TEXT NOT NULL DEFAULT '',
    record_subject_id      TEXT NOT NULL DEFAULT '',
    service_ids            TEXT NOT NULL DEFAULT '[]',
    cancellation_confirmed INTEGER NOT NULL DEFAULT 0,
    -- The customer's proposed snapshot, encrypted JSON; snapshot_version is
    -- the document's schema version, kept in clear for migrations.
    snapshot_enc           TEXT NOT NULL,
    snapshot_version       INTEGER NOT NULL,
    version                INTEGER NOT NULL,
    submission_key         TEXT NOT NULL DEFAULT '',
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    state_changed_at       TEXT NOT NULL,
    due_at                 TEXT
);
CREATE INDEX orders_account_created ON orders (account_id, created_at DESC, id DESC);
CREATE INDEX orders_created ON orders (created_at DESC, id DESC);
CREATE INDEX orders_state ON orders (state);
CREATE INDEX orders_subject_cert_bidx ON orders (subject_cert_bidx);
CREATE INDEX orders_due_at ON orders (due_at);

CREATE TABLE record_subjects (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL DEFAULT '',
    province    TEXT NOT NULL DEFAULT '',
    nature      TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL DEFAULT '',
    cert_type   TEXT NOT NULL DEFAULT '',
    cert_enc    TEXT NOT NULL DEFAULT '',
    cert_bidx   TEXT,
    -- The rest of the subject (addresses, validity, investor …) without its
    -- principal, who lives in persons.
    detail_enc  TEXT NOT NULL,
    icp_number  TEXT NOT NULL DEFAULT '',
    bureau_id   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    filed_at    TEXT,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX record_subjects_account_id ON record_subjects (account_id);
CREATE INDEX record_subjects_cert_bidx ON record_subjects (cert_bidx);
CREATE INDEX record_subjects_icp_number ON record_subjects (icp_number);

CREATE TABLE record_services (
    id          TEXT PRIMARY KEY,
    subject_id  TEXT NOT NULL REFERENCES record_subjects (id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    -- The website or app without its principal, encrypted JSON.
    detail_enc  TEXT NOT NULL,
    icp_number  TEXT NOT NULL DEFAULT '',
    bureau_id   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    filed_at    TEXT,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX record_services_subject_id ON record_services (subject_id);

-- record_domains maps each normalised domain to the services that list it.
CREATE TABLE record_domains (
    domain     TEXT NOT NULL,
    service_id TEXT NOT NULL REFERENCES record_services (id) ON DELETE CASCADE,
    subject_id TEXT NOT NULL,
    PRIMARY KEY (domain, service_id)
);
CREATE INDEX record_domains_service_id ON record_domains (service_id);

CREATE TABLE access_records (
    id           TEXT PRIMARY KEY,
    service_id   TEXT NOT NULL REFERENCES record_services (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    bureau_id    TEXT NOT NULL DEFAULT '',
    provider     TEXT NOT NULL DEFAULT '',
    ours         INTEGER NOT NULL DEFAULT 0,
    ips          TEXT NOT NULL DEFAULT '[]',
    status       TEXT NOT NULL,
    created_at   TEXT,
    cancelled_at TEXT
);
CREATE INDEX access_records_service_id ON access_records (service_id);

-- persons are the responsible persons of filed subjects (service_id empty)
-- and services. Their identifiers are encrypted and blind-indexed so that
-- rules can ask "which subjects use this mobile" without clear text.
CREATE TABLE persons (
    subject_id             TEXT NOT NULL REFERENCES record_subjects (id),
    service_id             TEXT NOT NULL DEFAULT '',
    role                   TEXT NOT NULL,
    name                   TEXT NOT NULL DEFAULT '',
    cert_type              TEXT NOT NULL DEFAULT '',
    cert_enc               TEXT NOT NULL DEFAULT '',
    cert_bidx              TEXT,
    cert_valid_from        TEXT NOT NULL DEFAULT '',
    cert_valid_until       TEXT NOT NULL DEFAULT '',
    long_term              INTEGER NOT NULL DEFAULT 0,
    mobile_enc             TEXT NOT NULL DEFAULT '',
    mobile_bidx            TEXT,
    emergency_phone_enc    TEXT NOT NULL DEFAULT '',
    email_enc              TEXT NOT NULL DEFAULT '',
    email_bidx             TEXT,
    office_phone_enc       TEXT NOT NULL DEFAULT '',
    residence_permit_until TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (subject_id, service_id, role)
);
CREATE INDEX persons_cert_bidx ON persons (cert_bidx);
CREATE INDEX persons_mobile_bidx ON persons (mobile_bidx);
CREATE INDEX persons_email_bidx ON persons (email_bidx);

-- audit_events is the append-only hash chain; data is TEXT, as on
-- PostgreSQL, so the bytes the hash covers come back unchanged.
CREATE TABLE audit_events (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    data        TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, seq);

-- audit_head holds the chain's last seq and hash. On PostgreSQL every append
-- locks it (SELECT … FOR UPDATE); here immediate transactions already
-- serialise writers, so appends never fork the chain either.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_events;
DROP TABLE persons;
DROP TABLE access_records;
DROP TABLE record_domains;
DROP TABLE record_services;
DROP TABLE record_subjects;
DROP TABLE orders;
DROP TABLE users;
DROP TABLE accounts;
