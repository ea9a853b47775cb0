-- Issue 21, order lookup across tills: a refund made at one till of another till's order names
-- that till (of_device_id; NULL: the sending till's own order), and cash a till is about to give
-- back for another till's order is held here first, so that two tills cannot both give back the
-- same money (the office is the authority for cash; the platforms refuse an over-refund of a code
-- payment themselves).

ALTER TABLE refunds ADD COLUMN IF NOT EXISTS of_device_id text;
CREATE INDEX IF NOT EXISTS refunds_order_number ON refunds (order_number);
CREATE INDEX IF NOT EXISTS orders_number ON orders (number);

CREATE TABLE refund_holds (
    -- the till that will give the cash, and its refund's number
    device_id       text NOT NULL REFERENCES devices,
    out_refund_no   text NOT NULL,
    -- the order: the till that took it, and its number
    order_device_id text NOT NULL REFERENCES devices,
    order_number    text NOT NULL,
    amount_fen      bigint NOT NULL CHECK (amount_fen > 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, out_refund_no)
);
CREATE INDEX refund_holds_order ON refund_holds (order_device_id, order_number);
