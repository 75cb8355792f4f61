-- The SEPA credit transfer files written (`ledgerline payments sepa`), one row per file. A bank
-- refuses a file whose message id (GrpHdr/MsgId) it has seen before, so each file gets the next
-- sequence number, which makes its message id unique. The row also lets a later file of the
-- same period say that an earlier one exists (sending both would pay the payees twice). A row
-- is written in the same transaction as the file: a file that could not be written leaves no
-- row. Like payments, these rows are facts.

CREATE TABLE sepa_files (
    sequence       INTEGER PRIMARY KEY CHECK (sequence > 0),
    message_id     TEXT NOT NULL UNIQUE CHECK (length(message_id) BETWEEN 1 AND 35),
    period         TEXT NOT NULL REFERENCES periods (id),
    -- GrpHdr/CreDtTm as written, such as 2026-11-24T20:39:42+00:00.
    created_at     TEXT NOT NULL,
    execution_date TEXT NOT NULL CHECK (execution_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    debtor_iban    TEXT NOT NULL,
    transfers      INTEGER NOT NULL CHECK (transfers > 0),
    -- The control sum, in EUR.
    total          TEXT NOT NULL,
    content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64)
) STRICT;

CREATE INDEX sepa_files_by_period ON sepa_files (period);

CREATE TRIGGER sepa_files_are_facts_update BEFORE UPDATE ON sepa_files
BEGIN
    SELECT RAISE(ABORT, 'SEPA files written are facts: they cannot be changed');
END;

CREATE TRIGGER sepa_files_are_facts_delete BEFORE DELETE ON sepa_files
BEGIN
    SELECT RAISE(ABORT, 'SEPA files written are facts: they cannot be removed');
END;
