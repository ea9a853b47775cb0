-- Catalogue uploads with an effective time (issue 21: "a price change can be scheduled"). Each
-- waits here until its time; the first request that sees it due (a till's GET /v1/catalogue, the
-- catalogue page, another upload) publishes it as the next numbered changeset, under the
-- changesets' lock, so versions stay in commit order and tills see it only from that time.

CREATE TABLE scheduled_changes (
    id                bigserial PRIMARY KEY,
    effective_at      timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        bigint REFERENCES owners ON DELETE SET NULL,
    -- the whole catalogue from that time: barcode -> the till's product JSON
    products          jsonb NOT NULL,
    published_at      timestamptz,
    -- the changeset it became (null when, at its time, it changed nothing)
    published_version bigint
);

CREATE INDEX scheduled_changes_due ON scheduled_changes (effective_at) WHERE published_at IS NULL;
