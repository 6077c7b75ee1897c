-- Full-text search inside the compartment. One FTS5 document per record: an entry's rowid is
-- entry.id (a police notification's, in safeguarding, is -notification.id).
--   pupils    the pupils' legal and preferred forenames and surnames (current spelling)
--   body      the record's own text, then each amendment's new value
--   casework  the DSL's work on the case (safeguarding only)
-- Fields are joined by char(31) (no stored text may hold a control character), which the
-- service shows as a field break. The index is derived data, kept by AFTER INSERT triggers in
-- the same transaction as the write, so it can never fall behind the records it indexes.
-- "unicode61 remove_diacritics 2" makes Zoe find Zoë and Siobhan find Siobhán.

CREATE VIRTUAL TABLE search_index USING fts5(
    ref UNINDEXED,
    kind UNINDEXED,
    pupils,
    body,
    casework,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The names that find a pupil's records.
CREATE VIEW search_pupil_names AS
    SELECT id AS pupil_id,
           concat_ws(' ', legal_forename, preferred_forename, legal_surname) AS names
    FROM pupil;

CREATE TRIGGER search_entry AFTER INSERT ON entry
BEGIN
    INSERT INTO search_index (rowid, ref, kind) VALUES (NEW.id, NEW.ref, NEW.kind);
END;

CREATE TRIGGER search_entry_pupil AFTER INSERT ON entry_pupil
BEGIN
    UPDATE search_index SET pupils = (
        SELECT group_concat(n.names, char(31) ORDER BY n.pupil_id)
        FROM entry_pupil ep JOIN search_pupil_names n ON n.pupil_id = ep.pupil_id
        WHERE ep.entry_id = NEW.entry_id
    ) WHERE rowid = NEW.entry_id;
END;

CREATE TRIGGER search_amendment AFTER INSERT ON amendment
WHEN trim(coalesce(NEW.new_value, '')) <> ''
BEGIN
    UPDATE search_index SET body = concat_ws(char(31), body, NEW.new_value)
    WHERE rowid = NEW.entry_id;
END;

-- A pupil's name corrected by the MIS import: their records are found by the new spelling.
CREATE TRIGGER search_pupil_renamed
AFTER UPDATE OF legal_forename, preferred_forename, legal_surname ON pupil
WHEN OLD.legal_forename IS NOT NEW.legal_forename
  OR OLD.preferred_forename IS NOT NEW.preferred_forename
  OR OLD.legal_surname IS NOT NEW.legal_surname
BEGIN
    UPDATE search_index SET pupils = (
        SELECT group_concat(n.names, char(31) ORDER BY n.pupil_id)
        FROM entry_pupil ep JOIN search_pupil_names n ON n.pupil_id = ep.pupil_id
        WHERE ep.entry_id = search_index.rowid
    ) WHERE rowid IN (SELECT entry_id FROM entry_pupil WHERE pupil_id = NEW.id);
END;
