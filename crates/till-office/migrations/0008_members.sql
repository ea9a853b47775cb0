-- Members created or edited at the tills (会员资料): record kind 'member'. The phone is masked by the
-- till (138****5678): the office never receives a member's whole number. One row per member number,
-- the newest change by the till's clock.
ALTER TABLE records DROP CONSTRAINT records_kind_check;
ALTER TABLE records ADD CONSTRAINT records_kind_check CHECK (kind IN ('order', 'refund', 'zreport', 'stock', 'member', 'stored_value'));

CREATE TABLE members (
    member_id     text PRIMARY KEY,
    record_id     bigint NOT NULL REFERENCES records,
    device_id     text NOT NULL,
    name          text NOT NULL,
    phone_masked  text NOT NULL,
    card          text NOT NULL,
    level         text NOT NULL,
    changed_at    bigint NOT NULL
);
