-- Goods-in and stock-count sheets (入库 / 盘点) sent by the tills: record kind 'stock'.
ALTER TABLE records DROP CONSTRAINT records_kind_check;
ALTER TABLE records ADD CONSTRAINT records_kind_check CHECK (kind IN ('order', 'refund', 'zreport', 'stock'));

CREATE TABLE stock_sheets (
    record_id   bigint PRIMARY KEY REFERENCES records,
    device_id   text NOT NULL,
    number      text NOT NULL,
    kind        text NOT NULL,
    applied_at  bigint NOT NULL,
    sheet       jsonb NOT NULL,
    UNIQUE (device_id, number)
);
