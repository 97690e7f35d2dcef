-- +goose Up
-- Customer user groups with their system policies (spec §2). Members are
-- listed on the user (users.groups); users.policies keeps the union of its
-- groups' policies, which the workflow rewrites whenever either changes.
CREATE TABLE user_groups (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    policies    TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (account_id, name)
);

-- user_services associates sub-users with the filed services they created
-- or were granted; change orders of a sub-user may pick only these.
CREATE TABLE user_services (
    user_id    TEXT NOT NULL REFERENCES users (id),
    service_id TEXT NOT NULL REFERENCES record_services (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, service_id)
);
CREATE INDEX user_services_service_id ON user_services (service_id);

-- +goose Down
DROP TABLE user_services;
DROP TABLE user_groups;
