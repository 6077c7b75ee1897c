-- Retention and disposal (shared by the safeguarding and behaviour files). The head sets how
-- long each kind of record is kept (a rule is a new row, never a change), puts holds on a
-- pupil or a record (an inquiry: nothing held may be destroyed) and lifts them, and authorises
-- the disposal of records past their date. Disposal is the only deletion the program makes:
-- the record's rows are removed and a disposal row stays (what, whose by internal pupil id,
-- when, authorised by whom). A record's rows may be deleted only while a `disposing` row names
-- it, and that row can be written only beside the record's disposal row and while no hold is
-- in force; the program removes it again in the same transaction.

CREATE TABLE retention_rule (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('concern', 'behaviour', 'intervention')),
    basis   TEXT NOT NULL CHECK (basis IN ('date_of_birth', 'occurred')),
    years   INTEGER NOT NULL CHECK (years BETWEEN 1 AND 100),
    author  TEXT NOT NULL CHECK (trim(author) <> ''),
    at      TEXT NOT NULL CHECK (julianday(at) IS NOT NULL)
);
CREATE TRIGGER retention_rule_no_update BEFORE UPDATE ON retention_rule
BEGIN SELECT RAISE(ABORT, 'a retention rule is changed by a new row'); END;
CREATE TRIGGER retention_rule_no_delete BEFORE DELETE ON retention_rule
BEGIN SELECT RAISE(ABORT, 'retention rules are kept'); END;

CREATE TABLE retention_hold (
    id        INTEGER PRIMARY KEY,
    pupil_id  INTEGER REFERENCES pupil (id),
    ref       TEXT CHECK (ref IS NULL OR trim(ref) <> ''),
    reason    TEXT NOT NULL CHECK (trim(reason) <> ''),
    author    TEXT NOT NULL CHECK (trim(author) <> ''),
    at        TEXT NOT NULL CHECK (julianday(at) IS NOT NULL),
    CHECK ((pupil_id IS NULL) <> (ref IS NULL))
);
CREATE TABLE retention_hold_lifted (
    id       INTEGER PRIMARY KEY,
    hold_id  INTEGER NOT NULL UNIQUE REFERENCES retention_hold (id),
    reason   TEXT NOT NULL CHECK (trim(reason) <> ''),
    author   TEXT NOT NULL CHECK (trim(author) <> ''),
    at       TEXT NOT NULL CHECK (julianday(at) IS NOT NULL)
);
CREATE TRIGGER retention_hold_no_update BEFORE UPDATE ON retention_hold
BEGIN SELECT RAISE(ABORT, 'a hold is lifted by a new row, never changed'); END;
CREATE TRIGGER retention_hold_no_delete BEFORE DELETE ON retention_hold
BEGIN SELECT RAISE(ABORT, 'holds are kept'); END;
CREATE TRIGGER retention_hold_lifted_no_update BEFORE UPDATE ON retention_hold_lifted
BEGIN SELECT RAISE(ABORT, 'holds are kept'); END;
CREATE TRIGGER retention_hold_lifted_no_delete BEFORE DELETE ON retention_hold_lifted
BEGIN SELECT RAISE(ABORT, 'holds are kept'); END;

-- Holds in force, by what they hold.
CREATE VIEW retention_hold_open AS
    SELECT h.* FROM retention_hold h
    WHERE NOT EXISTS (SELECT 1 FROM retention_hold_lifted l WHERE l.hold_id = h.id);

-- What stays of a disposed record: its reference and kind, its pupils by internal id (never a
-- name or UPN), the rule and date that made it due, who authorised it and when.
CREATE TABLE disposal (
    id             INTEGER PRIMARY KEY,
    ref            TEXT NOT NULL UNIQUE CHECK (trim(ref) <> ''),
    kind           TEXT NOT NULL CHECK (kind IN ('concern', 'behaviour', 'intervention')),
    pupil_ids      TEXT NOT NULL CHECK (json_type(pupil_ids) = 'array'),
    recorded_on    TEXT NOT NULL CHECK (date(recorded_on) = recorded_on),
    due_on         TEXT NOT NULL CHECK (date(due_on) = due_on),
    rule           TEXT NOT NULL CHECK (trim(rule) <> ''),
    reason         TEXT NOT NULL CHECK (trim(reason) <> ''),
    authorised_by  TEXT NOT NULL CHECK (trim(authorised_by) <> ''),
    at             TEXT NOT NULL CHECK (julianday(at) IS NOT NULL)
);
CREATE TRIGGER disposal_no_update BEFORE UPDATE ON disposal
BEGIN SELECT RAISE(ABORT, 'a disposal record is kept as written'); END;
CREATE TRIGGER disposal_no_delete BEFORE DELETE ON disposal
BEGIN SELECT RAISE(ABORT, 'a disposal record is kept as written'); END;
CREATE TRIGGER disposal_names_a_record BEFORE INSERT ON disposal
WHEN NOT EXISTS (SELECT 1 FROM entry WHERE ref = NEW.ref AND kind = NEW.kind)
BEGIN SELECT RAISE(ABORT, 'a disposal must name a record in this file'); END;

-- The record being disposed of, inside the disposal's transaction only.
CREATE TABLE disposing (
    entry_id     INTEGER PRIMARY KEY,
    disposal_id  INTEGER NOT NULL REFERENCES disposal (id)
);
CREATE TRIGGER disposing_has_its_disposal BEFORE INSERT ON disposing
WHEN NOT EXISTS (
    SELECT 1 FROM disposal d JOIN entry e ON e.ref = d.ref
    WHERE d.id = NEW.disposal_id AND e.id = NEW.entry_id
)
BEGIN SELECT RAISE(ABORT, 'a record is removed only by an authorised disposal'); END;
CREATE TRIGGER disposing_not_held BEFORE INSERT ON disposing
WHEN EXISTS (
    SELECT 1 FROM retention_hold_open h
    WHERE h.ref = (SELECT ref FROM entry WHERE id = NEW.entry_id)
       OR h.pupil_id IN (SELECT pupil_id FROM entry_pupil WHERE entry_id = NEW.entry_id)
)
BEGIN SELECT RAISE(ABORT, 'this record is on hold: it cannot be disposed of'); END;
CREATE TRIGGER disposing_no_update BEFORE UPDATE ON disposing
BEGIN SELECT RAISE(ABORT, 'a disposal under way is not changed'); END;

-- The record's own rows: deleted only while being disposed of.
DROP TRIGGER IF EXISTS entry_no_delete;
CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry
WHEN NOT EXISTS (SELECT 1 FROM disposing WHERE entry_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
DROP TRIGGER IF EXISTS entry_pupil_no_delete;
CREATE TRIGGER entry_pupil_no_delete BEFORE DELETE ON entry_pupil
WHEN NOT EXISTS (SELECT 1 FROM disposing WHERE entry_id = OLD.entry_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
DROP TRIGGER IF EXISTS amendment_no_delete;
CREATE TRIGGER amendment_no_delete BEFORE DELETE ON amendment
WHEN NOT EXISTS (SELECT 1 FROM disposing WHERE entry_id = OLD.entry_id)
BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
DROP TRIGGER IF EXISTS entry_status_no_delete;
CREATE TRIGGER entry_status_no_delete BEFORE DELETE ON entry_status
WHEN NOT EXISTS (SELECT 1 FROM disposing WHERE entry_id = OLD.entry_id)
BEGIN SELECT RAISE(ABORT, 'status changes are events: they are never deleted'); END;

DROP TRIGGER IF EXISTS attachment_no_delete;
CREATE TRIGGER attachment_no_delete BEFORE DELETE ON attachment
WHEN NOT EXISTS (SELECT 1 FROM disposing WHERE entry_id = OLD.entry_id)
BEGIN SELECT RAISE(ABORT, 'attachments are append-only: they are never deleted'); END;

-- Which records refer to a disposal under way, by reference.
CREATE VIEW disposing_ref AS
    SELECT e.ref FROM disposing d JOIN entry e ON e.id = d.entry_id;
