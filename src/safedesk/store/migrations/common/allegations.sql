-- Allegations about staff and the low-level concerns log (KCSIE part 4), kept in a file only
-- the headteacher opens (`allegations`) or, for those about the headteacher, only the chair of
-- governors (`allegations_head`). The recovery key is never a member. Every row is append-only:
-- the LADO's involvement, the outcome, actions and corrections are events, never overwrites.

-- The person an allegation or concern is about: an account (its username, kept as it was) or
-- a name and a role (a supply teacher, a volunteer, a contractor). Both always carry the name
-- and role as written at the time.
CREATE TABLE allegation (
    id                INTEGER PRIMARY KEY,
    subject_username  TEXT CHECK (subject_username IS NULL OR trim(subject_username) <> ''),
    subject_name      TEXT NOT NULL CHECK (trim(subject_name) <> ''),
    subject_role      TEXT NOT NULL CHECK (trim(subject_role) <> ''),
    happened_at       TEXT NOT NULL CHECK (julianday(happened_at) IS NOT NULL),
    alleged           TEXT NOT NULL CHECK (trim(alleged) <> ''),
    raised_by         TEXT NOT NULL CHECK (trim(raised_by) <> ''),
    recorded_by       TEXT NOT NULL CHECK (trim(recorded_by) <> ''),
    recorded_at       TEXT NOT NULL CHECK (julianday(recorded_at) IS NOT NULL),
    CHECK (julianday(happened_at) <= julianday(recorded_at))
);

-- What happened next, in order: the LADO contacted (when, and the officer's name), an action
-- (suspension considered, a strategy meeting, ...), the outcome with its date, a correction.
CREATE TABLE allegation_event (
    id             INTEGER PRIMARY KEY,
    allegation_id  INTEGER NOT NULL REFERENCES allegation (id),
    kind           TEXT NOT NULL CHECK (kind IN ('lado_contacted', 'action', 'outcome',
                                                 'amendment')),
    at             TEXT NOT NULL CHECK (julianday(at) IS NOT NULL),
    lado_name      TEXT CHECK (lado_name IS NULL OR trim(lado_name) <> ''),
    outcome        TEXT CHECK (outcome IS NULL OR outcome IN ('substantiated', 'false',
                                                              'malicious', 'unsubstantiated',
                                                              'unfounded')),
    field          TEXT CHECK (field IS NULL OR field IN ('subject_name', 'subject_role',
                                                          'happened_at', 'alleged',
                                                          'raised_by')),
    old_value      TEXT,
    new_value      TEXT CHECK (new_value IS NULL OR trim(new_value) <> ''),
    text           TEXT CHECK (text IS NULL OR trim(text) <> ''),
    recorded_by    TEXT NOT NULL CHECK (trim(recorded_by) <> ''),
    recorded_at    TEXT NOT NULL CHECK (julianday(recorded_at) IS NOT NULL),
    CHECK (kind <> 'lado_contacted' OR lado_name IS NOT NULL),
    CHECK (kind <> 'action' OR text IS NOT NULL),
    CHECK (kind <> 'outcome' OR outcome IS NOT NULL),
    CHECK (kind <> 'amendment' OR (field IS NOT NULL AND new_value IS NOT NULL
                                   AND text IS NOT NULL))
);

-- One outcome per allegation: a later decision is a correction (an amendment), never a second.
CREATE UNIQUE INDEX allegation_one_outcome ON allegation_event (allegation_id)
WHERE kind = 'outcome';

CREATE TABLE low_level_concern (
    id                INTEGER PRIMARY KEY,
    subject_username  TEXT CHECK (subject_username IS NULL OR trim(subject_username) <> ''),
    subject_name      TEXT NOT NULL CHECK (trim(subject_name) <> ''),
    subject_role      TEXT NOT NULL CHECK (trim(subject_role) <> ''),
    happened_at       TEXT NOT NULL CHECK (julianday(happened_at) IS NOT NULL),
    what              TEXT NOT NULL CHECK (trim(what) <> ''),
    raised_by         TEXT NOT NULL CHECK (trim(raised_by) <> ''),
    recorded_by       TEXT NOT NULL CHECK (trim(recorded_by) <> ''),
    recorded_at       TEXT NOT NULL CHECK (julianday(recorded_at) IS NOT NULL),
    CHECK (julianday(happened_at) <= julianday(recorded_at))
);

CREATE TRIGGER allegation_no_update BEFORE UPDATE ON allegation
BEGIN SELECT RAISE(ABORT, 'allegations are append-only: record an amendment'); END;
CREATE TRIGGER allegation_no_delete BEFORE DELETE ON allegation
BEGIN SELECT RAISE(ABORT, 'allegations are append-only'); END;
CREATE TRIGGER allegation_event_no_update BEFORE UPDATE ON allegation_event
BEGIN SELECT RAISE(ABORT, 'allegation events are append-only'); END;
CREATE TRIGGER allegation_event_no_delete BEFORE DELETE ON allegation_event
BEGIN SELECT RAISE(ABORT, 'allegation events are append-only'); END;
CREATE TRIGGER low_level_concern_no_update BEFORE UPDATE ON low_level_concern
BEGIN SELECT RAISE(ABORT, 'low-level concerns are append-only'); END;
CREATE TRIGGER low_level_concern_no_delete BEFORE DELETE ON low_level_concern
BEGIN SELECT RAISE(ABORT, 'low-level concerns are append-only'); END;
