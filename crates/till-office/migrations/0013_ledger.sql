-- Issues 20/21: the members' ledger. Stored value (储值) is a liability, not revenue: each ledger
-- entry a till sends (record kind 'stored_value': top-up, bonus, spend, refund to the balance) is a
-- row of its own, once per (till, member, entry key); a top-up order is kept apart from the sales
-- (`top_ups`, never in `orders`); a sale's part paid from a balance is a payment of kind
-- 'stored_value'; a member's sales and their points (`member_points`); and the order a receipted
-- exchange's goods came from. Amounts are integer fen; times are the till's unix milliseconds.

ALTER TABLE payments DROP CONSTRAINT payments_kind_check;
ALTER TABLE payments ADD CONSTRAINT payments_kind_check
    CHECK (kind IN ('cash', 'wechat', 'alipay', 'stored_value'));

CREATE TABLE stored_value_entries (
    device_id    text NOT NULL REFERENCES devices,
    member_id    text NOT NULL,
    -- the till's entry key: topup:<order id>, bonus:<order id>, spend:<order id>:<n>,
    -- refund:<order id>:<refund number>
    entry_key    text NOT NULL,
    record_id    bigint NOT NULL REFERENCES records,
    kind         text NOT NULL CHECK (kind IN ('top_up', 'bonus', 'spend', 'refund')),
    amount_fen   bigint NOT NULL CHECK (amount_fen > 0),
    -- the signed change of the balance (a spend negative)
    delta_fen    bigint NOT NULL,
    -- the member's balance after the entry, as the till that made it keeps it
    balance_fen  bigint NOT NULL,
    order_number text,
    at           bigint NOT NULL,
    PRIMARY KEY (device_id, member_id, entry_key)
);
CREATE INDEX stored_value_entries_member ON stored_value_entries (member_id, at);
CREATE INDEX stored_value_entries_at ON stored_value_entries (at);

-- A top-up order: money taken (cash, or a payment code) that is owed to the member, not a sale.
CREATE TABLE top_ups (
    record_id  bigint PRIMARY KEY REFERENCES records,
    device_id  text NOT NULL REFERENCES devices,
    number     text NOT NULL,
    member_id  text NOT NULL,
    paid_fen   bigint NOT NULL,
    bonus_fen  bigint NOT NULL,
    -- paid in cash alone (the drawer holds it), as the till's X/Z reports count it
    in_cash    boolean NOT NULL,
    closed_at  bigint NOT NULL,
    UNIQUE (device_id, number)
);

-- A member's sale (points may be 0: a visit) and the points a refund took back.
CREATE TABLE member_points (
    device_id    text NOT NULL REFERENCES devices,
    -- earn:<order number> or back:<out_refund_no>
    key          text NOT NULL,
    member_id    text NOT NULL,
    order_number text NOT NULL,
    points_per_yuan integer NOT NULL,
    points       bigint NOT NULL,
    at           bigint NOT NULL,
    PRIMARY KEY (device_id, key)
);
CREATE INDEX member_points_member ON member_points (member_id, at);
CREATE INDEX member_points_order ON member_points (device_id, order_number);

-- A receipted exchange (凭小票换货): the original order's number (NULL: without a receipt).
ALTER TABLE exchanges ADD COLUMN from_number text;
