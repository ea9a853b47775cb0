-- Issue 21, the owner's side: which shop each till is in (the per-shop pages), payments in doubt
-- (record kind 'doubt': the till says when a payment attempt has no definite answer, and again
-- when it has one), and single-product price changes that can be scheduled and cancelled.

-- A till's shop (empty: the tills not put in a shop yet, shown together).
ALTER TABLE devices ADD COLUMN IF NOT EXISTS shop text NOT NULL DEFAULT '';

ALTER TABLE records DROP CONSTRAINT records_kind_check;
ALTER TABLE records ADD CONSTRAINT records_kind_check
    CHECK (kind IN ('order', 'refund', 'zreport', 'stock', 'member', 'stored_value', 'doubt'));

-- One row per payment attempt that was ever in doubt: open until its resolution arrives. Only a
-- view of what the till said: nothing here moves money.
CREATE TABLE payments_in_doubt (
    device_id    text NOT NULL REFERENCES devices,
    out_trade_no text NOT NULL,
    order_number text NOT NULL,
    platform     text NOT NULL,
    amount_fen   bigint NOT NULL,
    -- the till's clock (unix ms): when the attempt started, and when the till found it in doubt
    started_at   bigint NOT NULL,
    since        bigint NOT NULL,
    reason       text NOT NULL,
    -- the resolution: 'paid', 'failed' or 'cancelled', and when the till recorded it
    outcome      text,
    resolved_at  bigint,
    PRIMARY KEY (device_id, out_trade_no)
);
CREATE INDEX payments_in_doubt_open ON payments_in_doubt (since) WHERE outcome IS NULL;

-- A single product's new price (barcode and price set; `products` is then '{}'), and a change
-- cancelled before its time (never published).
ALTER TABLE scheduled_changes ADD COLUMN barcode text;
ALTER TABLE scheduled_changes ADD COLUMN price_fen bigint;
ALTER TABLE scheduled_changes ADD COLUMN cancelled_at timestamptz;
ALTER TABLE scheduled_changes ADD COLUMN cancelled_by bigint REFERENCES owners ON DELETE SET NULL;
DROP INDEX scheduled_changes_due;
CREATE INDEX scheduled_changes_due ON scheduled_changes (effective_at)
    WHERE published_at IS NULL AND cancelled_at IS NULL;

-- The per-shop pages read orders by till and day.
CREATE INDEX IF NOT EXISTS orders_device_closed_at ON orders (device_id, closed_at);
-- Low stock reads the sales of the products kept in stock.
CREATE INDEX IF NOT EXISTS order_lines_barcode ON order_lines (barcode);
