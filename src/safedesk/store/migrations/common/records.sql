-- Records on pupils' files: the entry, its pupils, its amendments and its status events.
-- Entry content is append-only: triggers refuse UPDATE and DELETE. Corrections are amendments.
-- A compartment keeps what it needs of a pupil (no foreign key can reach the school file).

CREATE TABLE pupil (
    id                  INTEGER PRIMARY KEY,
    upn                 TEXT NOT NULL UNIQUE CHECK (length(upn) = 13),
    legal_surname       TEXT NOT NULL CHECK (trim(legal_surname) <> ''),
    legal_forename      TEXT NOT NULL CHECK (trim(legal_forename) <> ''),
    preferred_forename  TEXT,
    date_of_birth       TEXT NOT NULL CHECK (date(date_of_birth) = date_of_birth)
);
CREATE TRIGGER pupil_no_delete BEFORE DELETE ON pupil
BEGIN SELECT RAISE(ABORT, 'pupils are never deleted: their records must stay'); END;
CREATE TRIGGER pupil_fixed_upn BEFORE UPDATE OF upn ON pupil
BEGIN SELECT RAISE(ABORT, 'a pupil''s UPN cannot change'); END;

CREATE TABLE entry (
    id           INTEGER PRIMARY KEY,
    ref          TEXT NOT NULL UNIQUE CHECK (ref GLOB '[A-Z]*-[0-9][0-9][0-9][0-9]-[0-9]*'),
    kind         TEXT NOT NULL CHECK (kind IN ('concern', 'behaviour', 'intervention')),
    author       TEXT NOT NULL CHECK (trim(author) <> ''),
    occurred_at  TEXT NOT NULL CHECK (trim(occurred_at) <> ''),
    recorded_at  TEXT NOT NULL CHECK (trim(recorded_at) <> '')
);
CREATE INDEX entry_by_author ON entry (author, recorded_at);

CREATE TABLE entry_pupil (
    entry_id  INTEGER NOT NULL REFERENCES entry (id),
    pupil_id  INTEGER NOT NULL REFERENCES pupil (id),
    role      TEXT CHECK (role IS NULL OR role IN ('instigator', 'target', 'witness')),
    PRIMARY KEY (entry_id, pupil_id)
) WITHOUT ROWID;
CREATE INDEX entry_pupil_by_pupil ON entry_pupil (pupil_id);

CREATE TABLE amendment (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES entry (id),
    field      TEXT NOT NULL CHECK (trim(field) <> ''),
    old_value  TEXT,
    new_value  TEXT,
    reason     TEXT NOT NULL CHECK (trim(reason) <> ''),
    author     TEXT NOT NULL CHECK (trim(author) <> ''),
    at         TEXT NOT NULL
);
CREATE INDEX amendment_by_entry ON amendment (entry_id, id);

-- Status changes are events: the latest one is the status.
CREATE TABLE entry_status (
    id        INTEGER PRIMARY KEY,
    entry_id  INTEGER NOT NULL REFERENCES entry (id),
    status    TEXT NOT NULL CHECK (status IN ('received', 'in_progress', 'closed')),
    outcome   TEXT,
    author    TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX entry_status_by_entry ON entry_status (entry_id, id);

CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
CREATE TRIGGER entry_pupil_no_update BEFORE UPDATE ON entry_pupil
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER entry_pupil_no_delete BEFORE DELETE ON entry_pupil
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
CREATE TRIGGER amendment_no_update BEFORE UPDATE ON amendment
BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
CREATE TRIGGER amendment_no_delete BEFORE DELETE ON amendment
BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
CREATE TRIGGER entry_status_no_update BEFORE UPDATE ON entry_status
BEGIN SELECT RAISE(ABORT, 'status changes are events: add one instead'); END;
CREATE TRIGGER entry_status_no_delete BEFORE DELETE ON entry_status
BEGIN SELECT RAISE(ABORT, 'status changes are events: they are never deleted'); END;
