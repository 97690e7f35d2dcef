-- +goose Up
-- The contacts of orders in progress (submitted, not yet filed or
-- abandoned; drafts excluded), so that "this mobile is used by another
-- subject" (spec §6.4.3, §6.4.4) sees filings under way as well as filed
-- subjects. One row per responsible person's certificate number, mobile or
-- e-mail: only blind indexes, never clear text. The store rewrites an
-- order's rows in the transaction of every order write (CreateOrder,
-- UpdateOrder) and deletes them when the order leaves progress; rows of
-- orders that existed before this migration are written when the store
-- first opens after it.
CREATE TABLE order_contacts (
    order_id          TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    subject_cert_bidx TEXT NOT NULL DEFAULT '',
    kind              TEXT NOT NULL,
    value_bidx        TEXT NOT NULL,
    person_cert_bidx  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, kind, value_bidx, person_cert_bidx)
);
CREATE INDEX order_contacts_value ON order_contacts (kind, value_bidx);

-- +goose Down
DROP TABLE order_contacts;
