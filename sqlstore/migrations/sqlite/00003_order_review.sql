-- +goose Up
-- The latest review decision (encrypted JSON: opinions may quote phone
-- tails and names) and the reviewer's claim on the order.
ALTER TABLE orders ADD COLUMN review_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN claimed_at TEXT;
CREATE INDEX orders_claimed_by ON orders (claimed_by);

-- +goose Down
DROP INDEX orders_claimed_by;
ALTER TABLE orders DROP COLUMN claimed_at;
ALTER TABLE orders DROP COLUMN claimed_by;
ALTER TABLE orders DROP COLUMN review_enc;
