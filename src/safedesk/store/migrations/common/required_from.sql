-- Fields a later schema made mandatory: each is required on records *recorded* from the moment
-- the file was upgraded. Records made earlier, and records sealed into the inbox by an older
-- version before then, keep no value ("not recorded"). Written by the upgrade, never changed.
CREATE TABLE IF NOT EXISTS field_required_from (
    field  TEXT PRIMARY KEY,
    since  TEXT NOT NULL CHECK (julianday(since) IS NOT NULL)
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS field_required_from_no_update BEFORE UPDATE ON field_required_from
BEGIN SELECT RAISE(ABORT, 'when a field became required is fixed'); END;
CREATE TRIGGER IF NOT EXISTS field_required_from_no_delete BEFORE DELETE ON field_required_from
BEGIN SELECT RAISE(ABORT, 'when a field became required is fixed'); END;
