-- The portal: who may see which payees, one-time invitations, API tokens, optional TOTP.
-- Sessions are not stored here: they live in the server's memory (docs/portal.md).

-- Label staff see every payee (all_payees = 1) or only those granted in staff_grants.
ALTER TABLE users ADD COLUMN all_payees INTEGER NOT NULL DEFAULT 0 CHECK (all_payees IN (0, 1));
-- Base32 TOTP secret (RFC 6238), set once the user confirmed a code from it.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
-- A TOTP step accepted once is not accepted again (replay).
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

CREATE TABLE staff_grants (
    user_id  INTEGER NOT NULL REFERENCES users (id),
    payee_id TEXT NOT NULL REFERENCES parties (id),
    PRIMARY KEY (user_id, payee_id)
) STRICT;

-- Only the SHA-256 of a token is stored: a copy of the database opens no door.
CREATE TABLE invitations (
    token_sha256 TEXT PRIMARY KEY,
    email        TEXT NOT NULL COLLATE NOCASE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'payee')),
    payee_id     TEXT REFERENCES parties (id),
    all_payees   INTEGER NOT NULL DEFAULT 0 CHECK (all_payees IN (0, 1)),
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    CHECK (role <> 'payee' OR payee_id IS NOT NULL)
) STRICT;

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
) STRICT;
