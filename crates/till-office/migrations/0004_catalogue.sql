-- The office's catalogue (the authority for the tills'), and each change to it as a numbered
-- changeset the tills apply in order; the version each till last asked after.

CREATE TABLE products (
    barcode text PRIMARY KEY,
    -- the till's product JSON: barcode, name, price (fen), kind
    product jsonb NOT NULL,
    version bigint NOT NULL
);

CREATE TABLE catalogue_changesets (
    version    bigint PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES owners ON DELETE SET NULL,
    -- new and changed products (the till's product JSON), and the barcodes that left
    products   jsonb NOT NULL,
    removed    jsonb NOT NULL
);

ALTER TABLE devices ADD COLUMN catalogue_version bigint;
