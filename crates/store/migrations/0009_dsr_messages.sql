-- Single-file DDEX DSR reports, by HEAD SenderPartyId and MessageId. A sender gives each
-- report its own MessageId; a file with the MessageId of a report imported before but other
-- content (another version, re-exported, the recipient's name changed) is the same report
-- again, and importing it would count its money twice: it is refused, naming the import that
-- holds the report. Reports of several files are in dsr_report_files (migration 0007), which
-- checks the same against these. Single-file reports imported before this table existed have
-- no rows here. Like imports, these rows are facts.

CREATE TABLE dsr_messages (
    import_id       INTEGER NOT NULL REFERENCES imports (id),
    -- The part as the user named it (the file, or `file!member` inside a ZIP).
    part            TEXT NOT NULL,
    sender_party_id TEXT NOT NULL CHECK (sender_party_id <> ''),
    message_id      TEXT NOT NULL CHECK (message_id <> ''),
    PRIMARY KEY (sender_party_id, message_id)
) STRICT;

CREATE INDEX dsr_messages_by_import ON dsr_messages (import_id);

CREATE TRIGGER dsr_messages_are_facts_update BEFORE UPDATE ON dsr_messages
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be changed');
END;

CREATE TRIGGER dsr_messages_are_facts_delete BEFORE DELETE ON dsr_messages
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be removed');
END;
