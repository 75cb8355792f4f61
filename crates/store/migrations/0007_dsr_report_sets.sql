-- Multi-file DDEX DSR reports. A DSR report may come as several files (HEAD FileNumber of
-- NumberOfFiles); each file is an import of its own, and the files of one report are recognised
-- by their HEAD SenderPartyId and MessageId. What each file adds to its report is recorded here
-- with the import, in the same transaction, so the report's totals can be checked over every
-- file when the last missing one arrives (docs/formats.md, "Multi-file reports"). Only files of
-- reports of more than one file are recorded. Like imports, these rows are facts.

CREATE TABLE dsr_report_files (
    id                INTEGER PRIMARY KEY,
    import_id         INTEGER NOT NULL REFERENCES imports (id),
    -- The part as the user named it (the file, or `file!member` inside a ZIP).
    part              TEXT NOT NULL,
    profile           TEXT NOT NULL,
    sender_party_id   TEXT NOT NULL,
    sender_name       TEXT NOT NULL,
    message_id        TEXT NOT NULL,
    file_number       INTEGER NOT NULL CHECK (file_number >= 1),
    number_of_files   INTEGER NOT NULL CHECK (number_of_files >= 2 AND file_number <= number_of_files),
    -- FOOT NumberOfLinesInReport / NumberOfBlocksInReport as stated (only the last file must).
    lines_in_report   INTEGER CHECK (lines_in_report >= 0),
    blocks_in_report  INTEGER CHECK (blocks_in_report >= 0),
    -- This file's lines (every line, as FOOT NumberOfLinesInFile counts them) and blocks.
    lines_in_file     INTEGER NOT NULL CHECK (lines_in_file >= 0),
    blocks_in_file    INTEGER NOT NULL CHECK (blocks_in_file >= 0),
    -- A report has each of its files once: another file claiming the same place is refused.
    UNIQUE (sender_party_id, message_id, file_number)
) STRICT;

CREATE INDEX dsr_report_files_by_import ON dsr_report_files (import_id);

-- Per file and SummaryRecordId: what the summary record states (every file repeats them) and
-- what this file's rows add up to. Money and usage counts are exact decimal TEXT.
CREATE TABLE dsr_report_file_summaries (
    report_file_id      INTEGER NOT NULL REFERENCES dsr_report_files (id),
    summary_record_id   TEXT NOT NULL,
    record_type         TEXT NOT NULL,
    -- NULL when the summary record has errors (its rows were refused).
    currency            TEXT CHECK (currency IS NULL OR length(currency) = 3),
    -- NetRevenue (Part 9: AllocatedNetRevenueInCurrencyOfAccounting), summed over the records
    -- sharing the id; NULL when not stated or unreadable.
    stated_amount       TEXT CHECK (stated_amount IS NULL OR (stated_amount <> '' AND stated_amount NOT GLOB '*[^0-9.-]*')),
    stated_total_usages TEXT CHECK (stated_total_usages IS NULL OR (stated_total_usages <> '' AND stated_total_usages NOT GLOB '*[^0-9-]*')),
    row_count           INTEGER NOT NULL CHECK (row_count >= 0),
    usages              TEXT NOT NULL CHECK (usages <> '' AND usages NOT GLOB '*[^0-9-]*'),
    net                 TEXT NOT NULL CHECK (net <> '' AND net NOT GLOB '*[^0-9.-]*'),
    -- Rows refused in this file (kept with --skip-bad-rows) and their readable money.
    rejected_rows       INTEGER NOT NULL CHECK (rejected_rows >= 0),
    rejected_net        TEXT NOT NULL CHECK (rejected_net <> '' AND rejected_net NOT GLOB '*[^0-9.-]*'),
    rejected_money_unreadable INTEGER NOT NULL CHECK (rejected_money_unreadable IN (0, 1)),
    PRIMARY KEY (report_file_id, summary_record_id)
) STRICT;

CREATE TRIGGER dsr_report_files_are_facts_update BEFORE UPDATE ON dsr_report_files
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be changed');
END;

CREATE TRIGGER dsr_report_files_are_facts_delete BEFORE DELETE ON dsr_report_files
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be removed');
END;

CREATE TRIGGER dsr_report_file_summaries_are_facts_update BEFORE UPDATE ON dsr_report_file_summaries
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be changed');
END;

CREATE TRIGGER dsr_report_file_summaries_are_facts_delete BEFORE DELETE ON dsr_report_file_summaries
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be removed');
END;
