-- Only the SHA-256 of a token is kept: a leaked table does not leak a usable token.
CREATE TABLE api_tokens (
    token_id   uuid PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE,
    scope      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- The first response to each (token, Idempotency-Key); status is null while the first request runs.
CREATE TABLE idempotent_requests (
    token_id      uuid NOT NULL,
    key           text NOT NULL,
    request_hash  bytea NOT NULL,
    status        integer,
    content_type  text,
    location      text,
    body          bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_id, key)
);
