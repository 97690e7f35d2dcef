-- +goose Up
-- The compliance loop (spec §9, issue 6): the provider's address ranges,
-- sweeps and their results, suspected faults awaiting confirmation,
-- rectification cases (整改) with their evidence, and the bureau's
-- verification tasks (HSRW) and unfiled sites (WBAWZLB). Columns ending in
-- _enc hold AES-GCM ciphertext: the bureau's words, officers' notes and
-- answers, and probe evidence may quote people.

-- provider_ranges are the provider's server address ranges (admin
-- settings); sort_key orders IPv4 before IPv6, each by start address.
CREATE TABLE provider_ranges (
    id         TEXT PRIMARY KEY,
    start_ip   TEXT NOT NULL,
    end_ip     TEXT NOT NULL,
    sort_key   TEXT NOT NULL,
    mainland   INTEGER NOT NULL DEFAULT 0,
    name       TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX provider_ranges_sort ON provider_ranges (sort_key);

-- sweep_runs are runs of the probes: the daily sweep of every filed
-- service, on-demand sweeps of a service or a customer, the re-probes that
-- confirm suspected faults, and re-checks of cases.
CREATE TABLE sweep_runs (
    id           TEXT PRIMARY KEY,
    scope        TEXT NOT NULL,
    scope_id     TEXT NOT NULL DEFAULT '',
    checks       TEXT NOT NULL DEFAULT '',
    requested_by TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    targets      INTEGER NOT NULL DEFAULT 0,
    faults       INTEGER NOT NULL DEFAULT 0,
    unknowns     INTEGER NOT NULL DEFAULT 0,
    suspects     INTEGER NOT NULL DEFAULT 0,
    opened       INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    closed       INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sweep_runs_started ON sweep_runs (started_at DESC, id DESC);

-- sweep_results keep one row per service and run; findings (with their
-- evidence) only when there are any. codes lists the finding codes in clear
-- for filtering.
CREATE TABLE sweep_results (
    run_id       TEXT NOT NULL REFERENCES sweep_runs (id) ON DELETE CASCADE,
    service_id   TEXT NOT NULL,
    subject_id   TEXT NOT NULL DEFAULT '',
    account_id   TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL,
    faults       INTEGER NOT NULL DEFAULT 0,
    unknowns     INTEGER NOT NULL DEFAULT 0,
    codes        TEXT NOT NULL DEFAULT '',
    findings_enc TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, service_id)
);
CREATE INDEX sweep_results_service ON sweep_results (service_id, at DESC);

-- sweep_suspects are faults seen once: a case opens only when a later
-- probe, at least the confirmation delay after the first, sees them again.
CREATE TABLE sweep_suspects (
    service_id    TEXT NOT NULL,
    cause         TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    run_id        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (service_id, cause)
);

-- cases are rectification cases. open_key is the case's key while it is
-- open and NULL after, so that one case per key is open at a time (both
-- databases allow many NULLs in a unique column).
CREATE TABLE cases (
    id                   TEXT PRIMARY KEY,
    case_key             TEXT NOT NULL,
    open_key             TEXT UNIQUE,
    level                TEXT NOT NULL,
    account_id           TEXT NOT NULL DEFAULT '',
    subject_id           TEXT NOT NULL DEFAULT '',
    service_id           TEXT NOT NULL DEFAULT '',
    subject_name         TEXT NOT NULL DEFAULT '',
    service_name         TEXT NOT NULL DEFAULT '',
    number               TEXT NOT NULL DEFAULT '',
    cause                TEXT NOT NULL,
    category             TEXT NOT NULL,
    source               TEXT NOT NULL,
    -- The catalogue's notice, reason and suggestion as bilingual JSON.
    texts                TEXT NOT NULL,
    detail_enc           TEXT NOT NULL DEFAULT '',
    targets              TEXT NOT NULL DEFAULT '[]',
    state                TEXT NOT NULL,
    opened_at            TEXT NOT NULL,
    due_at               TEXT,
    notified_at          TEXT,
    reminded_at          TEXT,
    last_seen_at         TEXT,
    extension_state      TEXT NOT NULL DEFAULT '',
    extension_enc        TEXT NOT NULL DEFAULT '',
    recheck_requested_at TEXT,
    recheck_by           TEXT NOT NULL DEFAULT '',
    rechecked_at         TEXT,
    hold                 TEXT NOT NULL DEFAULT '',
    closed_at            TEXT,
    resolution           TEXT NOT NULL DEFAULT '',
    order_id             TEXT NOT NULL DEFAULT '',
    feed_item_id         TEXT NOT NULL DEFAULT '',
    opened_by            TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              INTEGER NOT NULL
);
CREATE INDEX cases_state_due ON cases (state, due_at);
CREATE INDEX cases_account ON cases (account_id, opened_at DESC);
CREATE INDEX cases_subject ON cases (subject_id);
CREATE INDEX cases_service ON cases (service_id);
CREATE INDEX cases_category ON cases (category, state);

-- case_evidence is what each case rests on, in the order it was seen.
CREATE TABLE case_evidence (
    id       TEXT PRIMARY KEY,
    case_id  TEXT NOT NULL REFERENCES cases (id),
    at       TEXT NOT NULL,
    source   TEXT NOT NULL,
    code     TEXT NOT NULL DEFAULT '',
    domain   TEXT NOT NULL DEFAULT '',
    data_enc TEXT NOT NULL
);
CREATE INDEX case_evidence_case ON case_evidence (case_id, at, id);

-- compliance_feed_handled marks the bureau feed items the compliance work
-- consumed, so that a retried job does nothing twice.
CREATE TABLE compliance_feed_handled (
    item_id TEXT PRIMARY KEY,
    outcome TEXT NOT NULL DEFAULT '',
    at      TEXT NOT NULL
);

-- verification_tasks are the bureau's 核实任务 (HSRW) and their answers
-- (HSJG).
CREATE TABLE verification_tasks (
    id              TEXT PRIMARY KEY,
    feed_item_id    TEXT NOT NULL UNIQUE,
    connection_id   TEXT NOT NULL DEFAULT '',
    subject_id      TEXT NOT NULL DEFAULT '',
    service_ids     TEXT NOT NULL DEFAULT '[]',
    bureau_subject  INTEGER NOT NULL DEFAULT 0,
    bureau_services TEXT NOT NULL DEFAULT '[]',
    subject_name    TEXT NOT NULL DEFAULT '',
    account_id      TEXT NOT NULL DEFAULT '',
    note_enc        TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    answer_enc      TEXT NOT NULL DEFAULT '',
    case_id         TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL
);
CREATE INDEX verification_tasks_state ON verification_tasks (state, created_at);

-- unfiled_sites are the bureau's 未备案网站 list entries (WBAWZLB) and
-- their handling results (WBACLJG).
CREATE TABLE unfiled_sites (
    id             TEXT PRIMARY KEY,
    feed_item_id   TEXT NOT NULL UNIQUE,
    connection_id  TEXT NOT NULL DEFAULT '',
    bureau_id      INTEGER NOT NULL DEFAULT 0,
    domain         TEXT NOT NULL,
    ip             TEXT NOT NULL DEFAULT '',
    first_detected TEXT NOT NULL DEFAULT '',
    last_detected  TEXT NOT NULL DEFAULT '',
    detections     INTEGER NOT NULL DEFAULT 0,
    operator       INTEGER NOT NULL DEFAULT 0,
    province       INTEGER NOT NULL DEFAULT 0,
    listed_on      TEXT NOT NULL DEFAULT '',
    account_id     TEXT NOT NULL DEFAULT '',
    case_id        TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    handling_enc   TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        INTEGER NOT NULL
);
CREATE INDEX unfiled_sites_state ON unfiled_sites (state, created_at);

-- +goose Down
DROP TABLE unfiled_sites;
DROP TABLE verification_tasks;
DROP TABLE compliance_feed_handled;
DROP TABLE case_evidence;
DROP TABLE cases;
DROP TABLE sweep_suspects;
DROP TABLE sweep_results;
DROP TABLE sweep_runs;
DROP TABLE provider_ranges;
