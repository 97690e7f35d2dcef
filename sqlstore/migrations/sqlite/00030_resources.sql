-- +goose Up
-- Filing resources and authorization codes (spec §10). resources mirrors
-- the provider cloud's feed (external_id is the cloud's instance ID, the
-- upsert key) plus the filing quota Beian counts itself; public_ips is a
-- JSON array of addresses.
CREATE TABLE resources (
    id           TEXT PRIMARY KEY,
    external_id  TEXT NOT NULL UNIQUE,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    region       TEXT NOT NULL DEFAULT '',
    mainland     INTEGER NOT NULL DEFAULT 0,
    billing      TEXT NOT NULL,
    term_months  INTEGER NOT NULL DEFAULT 0,
    expires_at   TEXT,
    public_ips   TEXT NOT NULL DEFAULT '[]',
    filings_used INTEGER NOT NULL DEFAULT 0,
    filings_max  INTEGER NOT NULL DEFAULT 0,
    auth_codes   INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL
);
CREATE INDEX resources_account_id ON resources (account_id);

-- auth_codes are single-use credentials generated from a server. The code
-- is a secret: encrypted, and found by its blind index (code_bidx).
CREATE TABLE auth_codes (
    id                 TEXT PRIMARY KEY,
    code_enc           TEXT NOT NULL,
    code_bidx          TEXT NOT NULL UNIQUE,
    resource_id        TEXT NOT NULL REFERENCES resources (id),
    ip                 TEXT NOT NULL DEFAULT '',
    issuer_account_id  TEXT NOT NULL REFERENCES accounts (id),
    grantee_account_id TEXT NOT NULL DEFAULT '',
    state              TEXT NOT NULL,
    order_id           TEXT NOT NULL DEFAULT '',
    invalid_reason     TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    granted_at         TEXT,
    used_at            TEXT,
    updated_at         TEXT NOT NULL,
    version            INTEGER NOT NULL
);
CREATE INDEX auth_codes_resource_id ON auth_codes (resource_id);
CREATE INDEX auth_codes_issuer ON auth_codes (issuer_account_id);
CREATE INDEX auth_codes_grantee ON auth_codes (grantee_account_id);

-- The auto-approval whitelist (自动审批设置): accounts that may use an
-- issuer's codes without a grant.
CREATE TABLE auth_code_whitelist (
    issuer_account_id TEXT NOT NULL REFERENCES accounts (id),
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    notify            INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    PRIMARY KEY (issuer_account_id, account_id)
);

-- order_bases keep what an order was started from and may not change
-- (spec §6.1.7): the filing-type check's inputs, the resource or code of
-- the product verification, and a transfer's or migration's other party.
-- The certificate number is encrypted and blind-indexed like elsewhere.
CREATE TABLE order_bases (
    order_id          TEXT PRIMARY KEY REFERENCES orders (id),
    account_id        TEXT NOT NULL,
    province          TEXT NOT NULL DEFAULT '',
    nature            TEXT NOT NULL DEFAULT '',
    subject_name      TEXT NOT NULL DEFAULT '',
    cert_type         TEXT NOT NULL DEFAULT '',
    cert_enc          TEXT NOT NULL DEFAULT '',
    cert_bidx         TEXT,
    service_kind      TEXT NOT NULL DEFAULT '',
    service_name      TEXT NOT NULL DEFAULT '',
    resource_id       TEXT NOT NULL DEFAULT '',
    auth_code_id      TEXT NOT NULL DEFAULT '',
    target_account_id TEXT NOT NULL DEFAULT '',
    target_subject_id TEXT NOT NULL DEFAULT '',
    consumed_at       TEXT,
    created_at        TEXT NOT NULL
);
CREATE INDEX order_bases_target ON order_bases (target_account_id);
CREATE INDEX order_bases_resource ON order_bases (resource_id);

-- +goose Down
DROP TABLE order_bases;
DROP TABLE auth_code_whitelist;
DROP TABLE auth_codes;
DROP TABLE resources;
