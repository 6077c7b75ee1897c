-- safedesk `behaviour` file, schema 6: attachments on behaviour incidents and interventions.
-- A record's attachments: scanned handwritten notes, letters, photographs of a body map. The
-- file's bytes are kept here, encrypted with the rest of this file (never in `school`), with
-- what they are told by (their first bytes, not their name), their size and SHA-256, the
-- description and original file name, who added them and when. Append-only like the records:
-- an attachment added in error stays, and a corrected one is added beside it.

CREATE TABLE attachment (
    id           INTEGER PRIMARY KEY,
    entry_id     INTEGER NOT NULL REFERENCES entry (id),
    file_name    TEXT NOT NULL CHECK (trim(file_name) <> '' AND length(file_name) <= 255),
    media_type   TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/png',
                                                     'image/jpeg')),
    size         INTEGER NOT NULL CHECK (size > 0),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    description  TEXT NOT NULL CHECK (trim(description) <> ''),
    added_by     TEXT NOT NULL CHECK (trim(added_by) <> ''),
    added_at     TEXT NOT NULL CHECK (julianday(added_at) IS NOT NULL),
    content      BLOB NOT NULL CHECK (typeof(content) = 'blob' AND length(content) = size),
    -- What the bytes are, told by their first bytes (a renamed file is not a PDF).
    CHECK ((media_type = 'application/pdf' AND substr(content, 1, 5) = x'255044462D')
        OR (media_type = 'image/png' AND substr(content, 1, 8) = x'89504E470D0A1A0A')
        OR (media_type = 'image/jpeg' AND substr(content, 1, 3) = x'FFD8FF'))
);
CREATE INDEX attachment_by_entry ON attachment (entry_id, id);

CREATE TRIGGER attachment_names_a_record BEFORE INSERT ON attachment
WHEN NOT EXISTS (SELECT 1 FROM entry e WHERE e.id = NEW.entry_id)
BEGIN SELECT RAISE(ABORT, 'an attachment belongs to a record of this file'); END;

CREATE TRIGGER attachment_no_update BEFORE UPDATE ON attachment
BEGIN SELECT RAISE(ABORT, 'attachments are append-only: add another one instead'); END;
CREATE TRIGGER attachment_no_delete BEFORE DELETE ON attachment
BEGIN SELECT RAISE(ABORT, 'attachments are append-only: they are never deleted'); END;
