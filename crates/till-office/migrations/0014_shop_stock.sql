-- Issue 21 (office2): goods that refunds take back, for the shop's stock; a till moved to another
-- shop on the devices page, and who moved it.

-- What a refund put back on the shelf (its returned goods, or, for the refund by amount that
-- completes an order, the goods not taken back before), computed at ingest as the till does.
CREATE TABLE refund_returned (
    record_id bigint NOT NULL REFERENCES refunds,
    barcode   text NOT NULL,
    qty       bigint NOT NULL,
    PRIMARY KEY (record_id, barcode)
);
CREATE INDEX refund_returned_barcode ON refund_returned (barcode);

-- Changes made to a till on the devices page (today: its shop), with the owner who made them.
CREATE TABLE device_changes (
    id         bigserial PRIMARY KEY,
    device_id  text NOT NULL REFERENCES devices,
    field      text NOT NULL,
    was        text NOT NULL,
    now        text NOT NULL,
    changed_by bigint REFERENCES owners ON DELETE SET NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_changes_device ON device_changes (device_id, changed_at);

-- The refunds of one order (a refund's goods are worked out with the ones before it).
CREATE INDEX IF NOT EXISTS refunds_device_order ON refunds (device_id, order_number);
