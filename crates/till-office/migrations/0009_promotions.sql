-- The office's promotions, sent down to the tills as numbered whole sets (till_proto::promotions):
-- each upload that changes something is the next version; a till asks after the version it has.

CREATE TABLE promotion_sets (
    version    bigint PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES owners ON DELETE SET NULL,
    -- the till's promotion JSON, all of them, by id
    promotions jsonb NOT NULL
);

ALTER TABLE devices ADD COLUMN promotions_version bigint;
