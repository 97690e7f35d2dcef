-- +goose Up
-- The exchange with the provincial bureaus (MIIT enterprise interface V3.0).
-- The PostgreSQL file of the same version holds the same tables, columns and
-- indexes; only types differ.

-- bureau_connections are the provider's accounts at the bureaus: the
-- configuration (secrets as one encrypted JSON document) and the state of the
-- exchange (data sequence numbers, resync flag, last error).
CREATE TABLE bureau_connections (
    id               TEXT PRIMARY KEY,
    province         TEXT NOT NULL,
    endpoint         TEXT NOT NULL,
    isp_id           INTEGER NOT NULL,
    user_name        TEXT NOT NULL,
    secrets_enc      TEXT NOT NULL,
    namespace        TEXT NOT NULL DEFAULT '',
    provider_name    TEXT NOT NULL DEFAULT '',
    access_method    TEXT NOT NULL DEFAULT '',
    server_location  INTEGER NOT NULL DEFAULT 0,
    enabled          INTEGER NOT NULL DEFAULT 1,
    next_seq         INTEGER NOT NULL DEFAULT 1,
    accepted_seq     INTEGER NOT NULL DEFAULT 0,
    needs_resync     INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    last_error_at    TEXT,
    last_upload_at   TEXT,
    last_download_at TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

-- bureau_leases: one row per connection and purpose (upload, download). The
-- token grows each time the lease changes hands (fencing).
CREATE TABLE bureau_leases (
    connection_id TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    owner         TEXT NOT NULL DEFAULT '',
    token         INTEGER NOT NULL DEFAULT 0,
    expires_at    TEXT,
    PRIMARY KEY (connection_id, purpose)
);

-- bureau_objects: the numeric IDs we send (IspZtid, IspWzid, IspYmid,
-- IspJrid, IspIpid) with our record and the bureau's ID side by side.
CREATE TABLE bureau_objects (
    isp_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    connection_id TEXT NOT NULL,
    kind          TEXT NOT NULL,
    order_id      TEXT NOT NULL DEFAULT '',
    ref           TEXT NOT NULL DEFAULT '',
    record_id     TEXT NOT NULL DEFAULT '',
    bureau_id     INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX bureau_objects_order_ref ON bureau_objects (order_id, kind, ref) WHERE order_id <> '';
CREATE INDEX bureau_objects_bureau_id ON bureau_objects (kind, bureau_id);
CREATE INDEX bureau_objects_record_id ON bureau_objects (kind, record_id);

-- bureau_operations: every upload record an order sends, from submission to
-- its result. record_enc is the mapped record (JSON), encrypted.
CREATE TABLE bureau_operations (
    id            TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL,
    order_id      TEXT NOT NULL,
    kind          TEXT NOT NULL,
    czlx          INTEGER NOT NULL,
    bs            TEXT NOT NULL DEFAULT '',
    round         INTEGER NOT NULL DEFAULT 1,
    step          INTEGER NOT NULL DEFAULT 1,
    record_enc    TEXT NOT NULL,
    state         TEXT NOT NULL,
    file_seq      INTEGER NOT NULL DEFAULT 0,
    result_code   INTEGER NOT NULL DEFAULT 0,
    opinion_enc   TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX bureau_operations_state ON bureau_operations (connection_id, state, created_at);
CREATE INDEX bureau_operations_bs ON bureau_operations (connection_id, czlx, bs);
CREATE INDEX bureau_operations_order ON bureau_operations (order_id);
CREATE INDEX bureau_operations_file ON bureau_operations (connection_id, file_seq);

-- bureau_upload_files: numbered upload files, recorded before they are sent.
-- A rejected file's sequence is reused, so only the others are unique.
CREATE TABLE bureau_upload_files (
    id            TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    name          TEXT NOT NULL,
    blob_key      TEXT NOT NULL,
    hash          TEXT NOT NULL,
    records       INTEGER NOT NULL,
    size          INTEGER NOT NULL,
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    sent_at       TEXT,
    accepted_at   TEXT,
    purged_at     TEXT
);
CREATE UNIQUE INDEX bureau_upload_files_seq ON bureau_upload_files (connection_id, seq) WHERE state <> 'rejected';
CREATE INDEX bureau_upload_files_created ON bureau_upload_files (created_at);

-- bureau_download_files: every file downloaded, stored before it is
-- processed; name and hash identify a file the bureau sends again.
CREATE TABLE bureau_download_files (
    id            TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL,
    name          TEXT NOT NULL,
    hash          TEXT NOT NULL,
    blob_key      TEXT NOT NULL,
    size          INTEGER NOT NULL,
    kinds         TEXT NOT NULL DEFAULT '',
    items         INTEGER NOT NULL DEFAULT 0,
    deliveries    INTEGER NOT NULL DEFAULT 1,
    received_at   TEXT NOT NULL,
    processed_at  TEXT,
    acked_at      TEXT,
    purged_at     TEXT,
    UNIQUE (connection_id, name, hash)
);
CREATE INDEX bureau_download_files_received ON bureau_download_files (received_at);

-- bureau_download_items: which records of a download file were processed.
CREATE TABLE bureau_download_items (
    file_id   TEXT NOT NULL,
    idx       INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    done      INTEGER NOT NULL DEFAULT 0,
    failed    INTEGER NOT NULL DEFAULT 0,
    attempts  INTEGER NOT NULL DEFAULT 0,
    error     TEXT NOT NULL DEFAULT '',
    at        TEXT,
    PRIMARY KEY (file_id, idx)
);

-- bureau_feed_items: verification tasks, check results, notices and unfiled
-- sites, kept for the compliance work; data_enc is the record, encrypted.
CREATE TABLE bureau_feed_items (
    id            TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL,
    file_id       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    subkind       TEXT NOT NULL DEFAULT '',
    subject_id    TEXT NOT NULL DEFAULT '',
    service_id    TEXT NOT NULL DEFAULT '',
    number        TEXT NOT NULL DEFAULT '',
    domain        TEXT NOT NULL DEFAULT '',
    data_enc      TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX bureau_feed_items_kind ON bureau_feed_items (kind, created_at);

-- bureau_blacklist: HMDLB and FFJRHMD entries. Subjects are keyed by the
-- blind index of the certificate number (value_enc holds the number),
-- domains and IPs by their normalised value.
CREATE TABLE bureau_blacklist (
    kind          TEXT NOT NULL,
    value_key     TEXT NOT NULL,
    value_enc     TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL,
    connection_id TEXT NOT NULL DEFAULT '',
    added_at      TEXT NOT NULL,
    PRIMARY KEY (kind, value_key)
);

-- bureau_code_tables: the bureau's code tables (JCDM), per connection.
CREATE TABLE bureau_code_tables (
    connection_id TEXT NOT NULL,
    tbl           TEXT NOT NULL,
    id            INTEGER NOT NULL,
    name          TEXT NOT NULL,
    parent        INTEGER NOT NULL DEFAULT 0,
    valid         INTEGER NOT NULL DEFAULT 1,
    synced_at     TEXT NOT NULL,
    PRIMARY KEY (connection_id, tbl, id)
);

-- filing_passwords: the filing password (备案密码) of filed subjects,
-- encrypted; customers give it, V3.0 does not carry it to the provider.
CREATE TABLE filing_passwords (
    subject_id   TEXT PRIMARY KEY,
    password_enc TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- +goose Down
DROP TABLE filing_passwords;
DROP TABLE bureau_code_tables;
DROP TABLE bureau_blacklist;
DROP TABLE bureau_feed_items;
DROP TABLE bureau_download_items;
DROP TABLE bureau_download_files;
DROP TABLE bureau_upload_files;
DROP TABLE bureau_operations;
DROP TABLE bureau_objects;
DROP TABLE bureau_leases;
DROP TABLE bureau_connections;
