-- The tills, their keys, and every record they sent, each once; the records' projections.
-- Times the tills stamped are unix milliseconds (bigint, the till's clock); times the office
-- stamps are timestamptz.

CREATE TABLE devices (
    device_id       text PRIMARY KEY,
    name            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    -- the last request that carried a valid signature, and the highest outbox sequence seen
    last_contact_at timestamptz,
    last_seq        bigint NOT NULL DEFAULT 0
);

CREATE TABLE device_keys (
    device_id  text NOT NULL REFERENCES devices,
    key_id     text NOT NULL,
    secret     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    PRIMARY KEY (device_id, key_id)
);

-- Each record once: the unique key is what makes redelivery harmless (409).
CREATE TABLE records (
    id          bigserial PRIMARY KEY,
    device_id   text NOT NULL REFERENCES devices,
    key         text NOT NULL,
    seq         bigint NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('order', 'refund', 'zreport')),
    body        jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (device_id, key)
);
CREATE INDEX records_device_seq ON records (device_id, seq);

CREATE TABLE orders (
    record_id  bigint PRIMARY KEY REFERENCES records,
    device_id  text NOT NULL REFERENCES devices,
    number     text NOT NULL,
    operator   text NOT NULL,
    total_fen  bigint NOT NULL,
    opened_at  bigint NOT NULL,
    closed_at  bigint NOT NULL,
    UNIQUE (device_id, number)
);
CREATE INDEX orders_closed_at ON orders (closed_at);

CREATE TABLE order_lines (
    record_id      bigint NOT NULL REFERENCES orders,
    line_no        integer NOT NULL,
    barcode        text NOT NULL,
    name           text NOT NULL,
    unit_price_fen bigint NOT NULL,
    qty            integer NOT NULL,
    amount_fen     bigint NOT NULL,
    PRIMARY KEY (record_id, line_no)
);

CREATE TABLE payments (
    record_id  bigint NOT NULL REFERENCES orders,
    part_no    integer NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('cash', 'wechat', 'alipay')),
    amount_fen bigint NOT NULL,
    reference  text,
    PRIMARY KEY (record_id, part_no)
);

CREATE TABLE refunds (
    record_id     bigint PRIMARY KEY REFERENCES records,
    device_id     text NOT NULL REFERENCES devices,
    order_number  text NOT NULL,
    out_refund_no text NOT NULL,
    amount_fen    bigint NOT NULL,
    refunded      boolean NOT NULL,
    cash          boolean NOT NULL,
    state         jsonb NOT NULL,
    requested_at  bigint NOT NULL
);
CREATE INDEX refunds_requested_at ON refunds (requested_at);

CREATE TABLE z_reports (
    record_id bigint PRIMARY KEY REFERENCES records,
    device_id text NOT NULL REFERENCES devices,
    number    integer NOT NULL,
    closed_at bigint NOT NULL,
    report    jsonb NOT NULL,
    UNIQUE (device_id, number)
);
