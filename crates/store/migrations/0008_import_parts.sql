-- The reports inside each import, by the SHA-256 of their bytes once unpacked: the file itself,
-- a gzip file's content, or each report member of a ZIP. An import is recognised by the hash of
-- the file as it came (imports.content_sha256); a report already imported in other packaging
-- (the CSV of a ZIP imported before, the ZIP of a CSV, a gzipped copy) has another file hash
-- but the same part hash, and is recognised by it instead of being counted twice.
-- Imports made before this table existed have no rows here; their file hashes still count
-- (a plain file's part hash is its file hash). Like imports, these rows are facts.

CREATE TABLE import_parts (
    import_id      INTEGER NOT NULL REFERENCES imports (id),
    position       INTEGER NOT NULL CHECK (position >= 0),
    -- The part as the user named it (the file, or `file!member` inside a ZIP).
    part           TEXT NOT NULL,
    content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
    PRIMARY KEY (import_id, position)
) STRICT;

-- A report is in one import at most: two processes importing one report in two packagings at
-- once cannot both commit it.
CREATE UNIQUE INDEX import_parts_by_content ON import_parts (content_sha256);

CREATE TRIGGER import_parts_are_facts_update BEFORE UPDATE ON import_parts
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be changed');
END;

CREATE TRIGGER import_parts_are_facts_delete BEFORE DELETE ON import_parts
BEGIN
    SELECT RAISE(ABORT, 'imports are facts: they cannot be removed');
END;
