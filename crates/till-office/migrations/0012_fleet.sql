-- Upgrades for a fleet (till_proto::release): the vendor's signed bundles, hosted here (checked
-- against the release public keys at upload; the signing key never comes here), and releases: a
-- version offered to a group of tills, stopped by itself when too many of them roll it back.

CREATE TABLE bundles (
    sha256      text PRIMARY KEY,      -- of the whole file, hex
    version     text NOT NULL,
    target      text NOT NULL,
    size        bigint NOT NULL,
    notes       text,
    bytes       bytea NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    uploaded_by bigint REFERENCES owners ON DELETE SET NULL,
    UNIQUE (version, target)
);

CREATE TABLE releases (
    id                   bigserial PRIMARY KEY,
    version              text NOT NULL,
    -- the group: every till (both NULL), one shop's, or a list of tills
    shop                 text,
    device_ids           text[],
    max_rollback_percent integer NOT NULL DEFAULT 20 CHECK (max_rollback_percent BETWEEN 0 AND 100),
    created_at           timestamptz NOT NULL DEFAULT now(),
    created_by           bigint REFERENCES owners ON DELETE SET NULL,
    -- stopped by itself: how many of how many tills had rolled it back
    stopped_at           timestamptz,
    stopped_rolled_back  integer,
    stopped_of           integer
);

-- What each till said of itself when it last asked for its release.
ALTER TABLE devices ADD COLUMN running_version text;
ALTER TABLE devices ADD COLUMN rolled_back_from text;
ALTER TABLE devices ADD COLUMN target text;
ALTER TABLE devices ADD COLUMN release_asked_at timestamptz;
