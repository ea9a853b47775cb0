-- Enrolment codes (kept as the SHA-256 of the code, good once, until expires_at), what each till
-- last said of itself, and keys that replace the till's older ones once they are first used.

CREATE TABLE enrolment_codes (
    code_sha256 text PRIMARY KEY,
    device_id   text NOT NULL REFERENCES devices,
    created_by  bigint REFERENCES owners ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX enrolment_codes_device ON enrolment_codes (device_id);

ALTER TABLE devices ADD COLUMN version text;
ALTER TABLE devices ADD COLUMN unsynced bigint;

-- A key given by a new enrolment of a till that had keys: the first record it signs revokes the
-- older ones (the till keeps delivering with its old key until it restarts with the new one).
ALTER TABLE device_keys ADD COLUMN replaces_older boolean NOT NULL DEFAULT false;
