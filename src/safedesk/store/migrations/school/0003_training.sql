-- safedesk `school` file, schema 3: the staff training log. Who took which course, with whom,
-- when, and when it runs out; added by a DSL, the headteacher or the administrator. Each entry
-- is confirmed by the member of staff alone: a signature with their own key over the entry's
-- words (checked by the program against the keys the file vouches are theirs). Append-only:
-- a mistake is corrected by a new entry that replaces it, with the reason.

CREATE TABLE training_entry (
    id           INTEGER PRIMARY KEY,
    who          TEXT NOT NULL CHECK (trim(who) <> ''),
    course       TEXT NOT NULL CHECK (course IN ('dsl', 'staff_update', 'prevent',
                                                 'positive_handling', 'other')),
    course_text  TEXT CHECK (course_text IS NULL OR trim(course_text) <> ''),
    provider     TEXT CHECK (provider IS NULL OR trim(provider) <> ''),
    taken_on     TEXT NOT NULL CHECK (date(taken_on) = taken_on),
    expires_on   TEXT CHECK (expires_on IS NULL
                             OR (date(expires_on) = expires_on AND expires_on > taken_on)),
    replaces     INTEGER UNIQUE REFERENCES training_entry (id),
    reason       TEXT CHECK (reason IS NULL OR trim(reason) <> ''),
    added_by     TEXT NOT NULL CHECK (trim(added_by) <> ''),
    added_at     TEXT NOT NULL CHECK (julianday(added_at) IS NOT NULL),
    CHECK ((course = 'other') = (course_text IS NOT NULL)),
    CHECK ((replaces IS NULL) = (reason IS NULL))
);
CREATE INDEX training_entry_by_who ON training_entry (who, course);

CREATE TABLE training_confirmation (
    id            INTEGER PRIMARY KEY,
    entry_id      INTEGER NOT NULL REFERENCES training_entry (id),
    username      TEXT NOT NULL CHECK (trim(username) <> ''),
    confirmed_at  TEXT NOT NULL CHECK (julianday(confirmed_at) IS NOT NULL),
    signature     BLOB NOT NULL CHECK (length(signature) = 64)
);
CREATE INDEX training_confirmation_by_entry ON training_confirmation (entry_id);

-- Only the person the entry names confirms it.
CREATE TRIGGER training_confirmation_by_who BEFORE INSERT ON training_confirmation
WHEN NOT EXISTS (SELECT 1 FROM training_entry e
                 WHERE e.id = NEW.entry_id AND e.who = NEW.username)
BEGIN SELECT RAISE(ABORT, 'only the member of staff named confirms their training'); END;

CREATE TRIGGER training_entry_no_update BEFORE UPDATE ON training_entry
BEGIN SELECT RAISE(ABORT, 'training entries are append-only: add one that replaces it'); END;
CREATE TRIGGER training_entry_no_delete BEFORE DELETE ON training_entry
BEGIN SELECT RAISE(ABORT, 'training entries are append-only: add one that replaces it'); END;
CREATE TRIGGER training_confirmation_no_update BEFORE UPDATE ON training_confirmation
BEGIN SELECT RAISE(ABORT, 'confirmations are append-only'); END;
CREATE TRIGGER training_confirmation_no_delete BEFORE DELETE ON training_confirmation
BEGIN SELECT RAISE(ABORT, 'confirmations are append-only'); END;
