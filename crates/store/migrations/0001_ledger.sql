-- Ledgerline ledger schema, version 1.
--
-- Money is stored as TEXT holding the exact decimal (for example '-1234.5'), never as REAL:
-- SQLite's REAL is binary floating point. Sums are computed in Rust with exact decimals.
-- Timestamps are UTC in RFC 3339 ('2026-11-23T23:30:00Z').

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row per imported report file, identified by the SHA-256 of its bytes: importing the same
-- bytes again finds this row and changes nothing. The lines themselves are in the lake, under
-- lake/imports/<content_sha256>/. An import is a fact: it is never changed or removed.
CREATE TABLE imports (
    id              INTEGER PRIMARY KEY,
    content_sha256  TEXT NOT NULL UNIQUE CHECK (length(content_sha256) = 64),
    file_name       TEXT NOT NULL,
    source          TEXT NOT NULL,
    layout          TEXT NOT NULL,
    format_version  TEXT NOT NULL,
    byte_size       INTEGER NOT NULL CHECK (byte_size >= 0),
    line_count      INTEGER NOT NULL CHECK (line_count >= 0),
    rejected_rows   INTEGER NOT NULL CHECK (rejected_rows >= 0),
    matched_lines   INTEGER NOT NULL CHECK (matched_lines >= 0),
    unmatched_lines INTEGER NOT NULL CHECK (unmatched_lines >= 0),
    first_sale_day  TEXT,
    last_sale_day   TEXT,
    lake_path       TEXT NOT NULL,
    imported_at     TEXT NOT NULL,
    CHECK (matched_lines + unmatched_lines = line_count)
) STRICT;

-- Units and money of an import per currency, as the parser counted them: the import's own
-- control totals, which the royalty run reconciles against.
CREATE TABLE import_totals (
    import_id INTEGER NOT NULL REFERENCES imports (id),
    currency  TEXT NOT NULL CHECK (length(currency) = 3),
    lines     INTEGER NOT NULL,
    units     INTEGER NOT NULL,
    gross     TEXT NOT NULL CHECK (gross <> '' AND gross NOT GLOB '*[^0-9.-]*'),
    net       TEXT NOT NULL CHECK (net <> '' AND net NOT GLOB '*[^0-9.-]*'),
    PRIMARY KEY (import_id, currency)
) STRICT;

-- Warnings of an import, and with --skip-bad-rows the rejected rows and why: nothing is
-- silently lost.
CREATE TABLE import_diagnostics (
    id            INTEGER PRIMARY KEY,
    import_id     INTEGER NOT NULL REFERENCES imports (id),
    severity      TEXT NOT NULL CHECK (severity IN ('warning', 'error')),
    file          TEXT NOT NULL,
    line          INTEGER NOT NULL,
    column_number INTEGER,
    column_name   TEXT,
    value         TEXT,
    reason        TEXT NOT NULL
) STRICT;

CREATE INDEX import_diagnostics_by_import ON import_diagnostics (import_id);

CREATE TRIGGER imports_are_facts_update BEFORE UPDATE ON imports
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be changed');
END;

CREATE TRIGGER imports_are_facts_delete BEFORE DELETE ON imports
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be removed');
END;

CREATE TRIGGER import_totals_are_facts_update BEFORE UPDATE ON import_totals
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be changed');
END;

CREATE TRIGGER import_totals_are_facts_delete BEFORE DELETE ON import_totals
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be removed');
END;

CREATE TABLE parties (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    email         TEXT,
    country       TEXT,
    vat_id        TEXT,
    tax_residence TEXT
) STRICT;

CREATE TABLE releases (
    id             INTEGER PRIMARY KEY,
    icpn           TEXT UNIQUE,
    catalog_number TEXT,
    title          TEXT NOT NULL,
    display_artist TEXT,
    label          TEXT,
    release_date   TEXT,
    format         TEXT
) STRICT;

CREATE TABLE tracks (
    id               INTEGER PRIMARY KEY,
    isrc             TEXT UNIQUE,
    title            TEXT NOT NULL,
    display_artist   TEXT,
    duration_seconds INTEGER,
    version          TEXT
) STRICT;

CREATE TABLE release_tracks (
    release_id   INTEGER NOT NULL REFERENCES releases (id),
    track_id     INTEGER NOT NULL REFERENCES tracks (id),
    disc_number  INTEGER NOT NULL DEFAULT 1,
    track_number INTEGER NOT NULL,
    PRIMARY KEY (release_id, disc_number, track_number)
) STRICT;

-- Other identifiers a report may use for a track or a release (proprietary ids, Apple ids,
-- YouTube asset ids, catalog numbers). Exactly one of track_id and release_id is set.
CREATE TABLE aliases (
    id         INTEGER PRIMARY KEY,
    namespace  TEXT NOT NULL,
    value      TEXT NOT NULL,
    track_id   INTEGER REFERENCES tracks (id),
    release_id INTEGER REFERENCES releases (id),
    created_at TEXT NOT NULL,
    UNIQUE (namespace, value),
    CHECK ((track_id IS NULL) <> (release_id IS NULL))
) STRICT;

-- Contract versions: a changed contract is a new row with the month it applies from; old
-- versions stay for the periods they governed.
CREATE TABLE contracts (
    id             INTEGER PRIMARY KEY,
    contract_id    TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    valid_from     TEXT NOT NULL,
    source_text    TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    UNIQUE (contract_id, version)
) STRICT;

CREATE TABLE periods (
    id          TEXT PRIMARY KEY,
    first_month TEXT NOT NULL,
    last_month  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    closed_at   TEXT
) STRICT;

-- A closed period stays closed.
CREATE TRIGGER periods_stay_closed
BEFORE UPDATE ON periods
WHEN OLD.status = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'period is closed: a closed period cannot be changed');
END;

CREATE TRIGGER periods_closed_are_kept
BEFORE DELETE ON periods
WHEN OLD.status = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'period is closed: a closed period cannot be deleted');
END;

-- Double-entry ledger. A transaction groups postings whose amounts sum to zero per currency
-- (positive = debit, negative = credit); the application asserts it before inserting and
-- `ledgerline check` verifies it for the whole ledger.
CREATE TABLE ledger_transactions (
    id          INTEGER PRIMARY KEY,
    period      TEXT,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL,
    posted_at   TEXT NOT NULL
) STRICT;

CREATE TABLE postings (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
    account        TEXT NOT NULL,
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    amount         TEXT NOT NULL CHECK (amount <> '' AND amount NOT GLOB '*[^0-9.-]*'),
    memo           TEXT
) STRICT;

CREATE INDEX postings_by_transaction ON postings (transaction_id);
CREATE INDEX postings_by_account ON postings (account, currency);

-- Issued statements: immutable, with the SHA-256 of their canonical content.
CREATE TABLE statements (
    id             INTEGER PRIMARY KEY,
    payee_id       TEXT NOT NULL REFERENCES parties (id),
    period         TEXT NOT NULL,
    currency       TEXT NOT NULL,
    content        TEXT NOT NULL,
    content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
    issued_at      TEXT NOT NULL,
    UNIQUE (payee_id, period, currency)
) STRICT;

-- History is append-only: the database itself refuses to change or remove posted entries and
-- issued statements. Corrections are new entries.
CREATE TRIGGER ledger_transactions_are_append_only_update
BEFORE UPDATE ON ledger_transactions
BEGIN
    SELECT RAISE(ABORT, 'ledger transactions are append-only: post a correcting entry instead');
END;

CREATE TRIGGER ledger_transactions_are_append_only_delete
BEFORE DELETE ON ledger_transactions
BEGIN
    SELECT RAISE(ABORT, 'ledger transactions are append-only: post a correcting entry instead');
END;

CREATE TRIGGER postings_are_append_only_update
BEFORE UPDATE ON postings
BEGIN
    SELECT RAISE(ABORT, 'postings are append-only: post a correcting entry instead');
END;

CREATE TRIGGER postings_are_append_only_delete
BEFORE DELETE ON postings
BEGIN
    SELECT RAISE(ABORT, 'postings are append-only: post a correcting entry instead');
END;

CREATE TRIGGER statements_are_immutable_update
BEFORE UPDATE ON statements
BEGIN
    SELECT RAISE(ABORT, 'issued statements are immutable: issue an adjustment in the next period');
END;

CREATE TRIGGER statements_are_immutable_delete
BEFORE DELETE ON statements
BEGIN
    SELECT RAISE(ABORT, 'issued statements are immutable: issue an adjustment in the next period');
END;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'payee')),
    payee_id      TEXT REFERENCES parties (id),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    CHECK (role <> 'payee' OR payee_id IS NOT NULL)
) STRICT;
