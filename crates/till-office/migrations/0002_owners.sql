-- Owners' accounts, their sessions (kept as the SHA-256 of the cookie's token) and sign-in
-- attempts (the rate limit is counted here, so that any instance enforces it).

CREATE TABLE owners (
    id            bigserial PRIMARY KEY,
    login         text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    token_sha256 text PRIMARY KEY,
    owner_id     bigint NOT NULL REFERENCES owners ON DELETE CASCADE,
    csrf         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);

CREATE TABLE sign_in_attempts (
    id      bigserial PRIMARY KEY,
    login   text NOT NULL,
    peer    text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now(),
    ok      boolean NOT NULL
);
CREATE INDEX sign_in_attempts_login_at ON sign_in_attempts (login, at);
CREATE INDEX sign_in_attempts_peer_at ON sign_in_attempts (peer, at);
