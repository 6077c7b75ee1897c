-- Corrections in the allegations files (schema 2): a low-level concern's fields, and an
-- allegation's outcome once recorded. Like every record here they are append-only: the
-- concern and the outcome as first recorded stay, and each correction is kept beside them
-- with the old value, the new one, why, who made it and when.

-- A correction to one field of a low-level concern (never who recorded it, nor when).
CREATE TABLE low_level_amendment (
    id           INTEGER PRIMARY KEY,
    concern_id   INTEGER NOT NULL REFERENCES low_level_concern (id),
    field        TEXT NOT NULL CHECK (field IN ('subject_name', 'subject_role', 'happened_at',
                                                'what', 'raised_by')),
    old_value    TEXT NOT NULL CHECK (trim(old_value) <> ''),
    new_value    TEXT NOT NULL CHECK (trim(new_value) <> ''),
    reason       TEXT NOT NULL CHECK (trim(reason) <> ''),
    recorded_by  TEXT NOT NULL CHECK (trim(recorded_by) <> ''),
    recorded_at  TEXT NOT NULL CHECK (julianday(recorded_at) IS NOT NULL),
    CHECK (new_value <> old_value),
    CHECK (field <> 'happened_at' OR julianday(new_value) IS NOT NULL)
);

-- A correction of an allegation's outcome: the outcome and the day it was decided as they
-- should be (and as they were before), why, who and when. The outcome itself stays recorded
-- once (allegation_one_outcome); the latest correction is the outcome now.
CREATE TABLE allegation_outcome_correction (
    id              INTEGER PRIMARY KEY,
    allegation_id   INTEGER NOT NULL REFERENCES allegation (id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('substantiated', 'false', 'malicious',
                                                     'unsubstantiated', 'unfounded')),
    decided_on      TEXT NOT NULL CHECK (date(decided_on) IS decided_on),
    old_outcome     TEXT NOT NULL CHECK (old_outcome IN ('substantiated', 'false', 'malicious',
                                                         'unsubstantiated', 'unfounded')),
    old_decided_on  TEXT NOT NULL CHECK (date(old_decided_on) IS old_decided_on),
    reason          TEXT NOT NULL CHECK (trim(reason) <> ''),
    recorded_by     TEXT NOT NULL CHECK (trim(recorded_by) <> ''),
    recorded_at     TEXT NOT NULL CHECK (julianday(recorded_at) IS NOT NULL),
    CHECK (outcome <> old_outcome OR decided_on <> old_decided_on)
);

CREATE TRIGGER low_level_amendment_no_update BEFORE UPDATE ON low_level_amendment
BEGIN SELECT RAISE(ABORT, 'low-level concern corrections are append-only'); END;
CREATE TRIGGER low_level_amendment_no_delete BEFORE DELETE ON low_level_amendment
BEGIN SELECT RAISE(ABORT, 'low-level concern corrections are append-only'); END;
CREATE TRIGGER allegation_outcome_correction_no_update BEFORE UPDATE
ON allegation_outcome_correction
BEGIN SELECT RAISE(ABORT, 'outcome corrections are append-only'); END;
CREATE TRIGGER allegation_outcome_correction_no_delete BEFORE DELETE
ON allegation_outcome_correction
BEGIN SELECT RAISE(ABORT, 'outcome corrections are append-only'); END;
