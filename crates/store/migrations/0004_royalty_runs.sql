-- Royalty runs: the costs recorded against contracts, the payments made to payees, and the
-- figures of each closed period. All are facts: once stored they are never changed or removed
-- (a wrong cost or payment is corrected by recording its reversal, a negative amount).

-- One row per costs file imported, by the SHA-256 of its bytes: the same file again is a no-op.
CREATE TABLE cost_imports (
    id             INTEGER PRIMARY KEY,
    content_sha256 TEXT NOT NULL UNIQUE CHECK (length(content_sha256) = 64),
    file_name      TEXT NOT NULL,
    rows           INTEGER NOT NULL CHECK (rows >= 0),
    imported_at    TEXT NOT NULL
) STRICT;

CREATE TABLE costs (
    id          INTEGER PRIMARY KEY,
    import_id   INTEGER NOT NULL REFERENCES cost_imports (id),
    line        INTEGER NOT NULL,
    date        TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    contract_id TEXT NOT NULL,
    party_id    TEXT,
    release     TEXT,
    kind        TEXT NOT NULL,
    amount      TEXT NOT NULL CHECK (amount <> '' AND amount NOT GLOB '*[^0-9.-]*'),
    currency    TEXT NOT NULL CHECK (length(currency) = 3),
    description TEXT NOT NULL
) STRICT;

-- Payments made to payees. `source` is the file and line, or `manual`.
CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    date        TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    payee_id    TEXT NOT NULL,
    amount      TEXT NOT NULL CHECK (amount <> '' AND amount NOT GLOB '*[^0-9.-]*'),
    currency    TEXT NOT NULL CHECK (length(currency) = 3),
    reference   TEXT NOT NULL,
    period      TEXT,
    source      TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (payee_id, date, amount, currency, reference)
) STRICT;

-- The conservation figures of each closed period, per currency, as asserted when it closed.
CREATE TABLE period_figures (
    period        TEXT NOT NULL REFERENCES periods (id),
    currency      TEXT NOT NULL CHECK (length(currency) = 3),
    net_receipts  TEXT NOT NULL,
    payee_credits TEXT NOT NULL,
    label_share   TEXT NOT NULL,
    rounding      TEXT NOT NULL,
    suspense      TEXT NOT NULL,
    PRIMARY KEY (period, currency)
) STRICT;

CREATE TRIGGER cost_imports_are_facts_update BEFORE UPDATE ON cost_imports
BEGIN SELECT RAISE(ABORT, 'costs are facts: record a reversal instead'); END;
CREATE TRIGGER cost_imports_are_facts_delete BEFORE DELETE ON cost_imports
BEGIN SELECT RAISE(ABORT, 'costs are facts: record a reversal instead'); END;
CREATE TRIGGER costs_are_facts_update BEFORE UPDATE ON costs
BEGIN SELECT RAISE(ABORT, 'costs are facts: record a reversal instead'); END;
CREATE TRIGGER costs_are_facts_delete BEFORE DELETE ON costs
BEGIN SELECT RAISE(ABORT, 'costs are facts: record a reversal instead'); END;
CREATE TRIGGER payments_are_facts_update BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'payments are facts: record a reversal instead'); END;
CREATE TRIGGER payments_are_facts_delete BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'payments are facts: record a reversal instead'); END;
CREATE TRIGGER period_figures_are_facts_update BEFORE UPDATE ON period_figures
BEGIN SELECT RAISE(ABORT, 'the figures of a closed period cannot be changed'); END;
CREATE TRIGGER period_figures_are_facts_delete BEFORE DELETE ON period_figures
BEGIN SELECT RAISE(ABORT, 'the figures of a closed period cannot be changed'); END;
