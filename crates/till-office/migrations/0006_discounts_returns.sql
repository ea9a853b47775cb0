-- Issue 19: what each line was paid after its discounts, each discount with its reason and who gave
-- it, and for returns without a receipt and exchanges the reason and the approving supervisor.

-- The line's net: its amount less its share of every discount (NULL for records from before).
ALTER TABLE order_lines ADD COLUMN net_fen bigint;

CREATE TABLE order_discounts (
    record_id   bigint NOT NULL REFERENCES orders,
    discount_no integer NOT NULL,
    -- a promotion's name, or the cashier's reason code
    reason      text NOT NULL,
    promotion   boolean NOT NULL,
    -- who gave it (empty for a promotion)
    operator    text NOT NULL,
    amount_fen  bigint NOT NULL,
    source      jsonb NOT NULL,
    PRIMARY KEY (record_id, discount_no)
);

-- Each line's share of each discount.
CREATE TABLE line_discounts (
    record_id   bigint NOT NULL REFERENCES orders,
    line_no     integer NOT NULL,
    discount_no integer NOT NULL,
    amount_fen  bigint NOT NULL,
    PRIMARY KEY (record_id, line_no, discount_no)
);

-- An exchange (换货): the order's goods went out, these came back against them.
CREATE TABLE exchanges (
    record_id   bigint PRIMARY KEY REFERENCES orders,
    credit_fen  bigint NOT NULL,
    reason      text NOT NULL,
    approved_by text NOT NULL
);

CREATE TABLE exchange_returned (
    record_id      bigint NOT NULL REFERENCES exchanges,
    line_no        integer NOT NULL,
    barcode        text NOT NULL,
    name           text NOT NULL,
    unit_price_fen bigint NOT NULL,
    qty            integer NOT NULL,
    PRIMARY KEY (record_id, line_no)
);

-- A return without a receipt: why, and the supervisor who approved it (NULL for other refunds).
ALTER TABLE refunds ADD COLUMN no_receipt_reason text;
ALTER TABLE refunds ADD COLUMN approved_by text;
