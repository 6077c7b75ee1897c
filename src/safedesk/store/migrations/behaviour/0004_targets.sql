-- safedesk `behaviour` file, schema 4: targets the behaviour lead and the headteacher set
-- (whole school, a year group or a pupil; a weekly measure; a goal and the date to reach it).
-- A change is a new version of the target, never an overwrite; a target no longer followed is
-- retired by an event row. The baseline (the weekly average over the 6 school weeks before it
-- was set) is computed and stored when it is set. Append-only like the records.

CREATE TABLE behaviour_target (
    id              INTEGER PRIMARY KEY,
    number          INTEGER NOT NULL CHECK (number >= 1),
    version         INTEGER NOT NULL CHECK (version >= 1),
    scope           TEXT NOT NULL CHECK (scope = 'school'
                                         OR (scope GLOB 'year_group:*' AND length(scope) > 11)
                                         OR (scope GLOB 'pupil:*' AND length(scope) = 19)),
    measure         TEXT NOT NULL CHECK (measure IN ('interventions_per_week',
                                                     'incidents_per_week',
                                                     'incidents_of_type_per_week',
                                                     'bullying_per_week')),
    behaviour_type  TEXT CHECK (behaviour_type IS NULL OR trim(behaviour_type) <> ''),
    baseline        REAL NOT NULL CHECK (baseline >= 0),
    goal            REAL NOT NULL CHECK (goal >= 0),
    goal_on         TEXT NOT NULL CHECK (date(goal_on) = goal_on),
    note            TEXT CHECK (note IS NULL OR trim(note) <> ''),
    author          TEXT NOT NULL CHECK (trim(author) <> ''),
    set_at          TEXT NOT NULL CHECK (julianday(set_at) IS NOT NULL),
    UNIQUE (number, version),
    CHECK ((measure = 'incidents_of_type_per_week') = (behaviour_type IS NOT NULL))
);

CREATE TABLE behaviour_target_retired (
    id      INTEGER PRIMARY KEY,
    number  INTEGER NOT NULL UNIQUE,
    reason  TEXT NOT NULL CHECK (trim(reason) <> ''),
    author  TEXT NOT NULL CHECK (trim(author) <> ''),
    at      TEXT NOT NULL CHECK (julianday(at) IS NOT NULL)
);

-- A new version follows the one before it, keeps what it measures and where, and its baseline.
CREATE TRIGGER behaviour_target_version BEFORE INSERT ON behaviour_target
WHEN NEW.version > 1 AND NOT EXISTS (
    SELECT 1 FROM behaviour_target t WHERE t.number = NEW.number AND t.version = NEW.version - 1
      AND t.scope = NEW.scope AND t.measure = NEW.measure
      AND t.behaviour_type IS NEW.behaviour_type AND t.baseline = NEW.baseline)
BEGIN SELECT RAISE(ABORT, 'a new version follows the one before it, for the same measure'); END;

CREATE TRIGGER behaviour_target_retired_stays BEFORE INSERT ON behaviour_target
WHEN EXISTS (SELECT 1 FROM behaviour_target_retired r WHERE r.number = NEW.number)
BEGIN SELECT RAISE(ABORT, 'a retired target is not changed'); END;

CREATE TRIGGER behaviour_target_retired_names BEFORE INSERT ON behaviour_target_retired
WHEN NOT EXISTS (SELECT 1 FROM behaviour_target t WHERE t.number = NEW.number)
BEGIN SELECT RAISE(ABORT, 'only a target that was set can be retired'); END;

CREATE TRIGGER behaviour_target_no_update BEFORE UPDATE ON behaviour_target
BEGIN SELECT RAISE(ABORT, 'targets are append-only: set a new version'); END;
CREATE TRIGGER behaviour_target_no_delete BEFORE DELETE ON behaviour_target
BEGIN SELECT RAISE(ABORT, 'targets are append-only: retire one instead'); END;
CREATE TRIGGER behaviour_target_retired_no_update BEFORE UPDATE ON behaviour_target_retired
BEGIN SELECT RAISE(ABORT, 'retirements are append-only'); END;
CREATE TRIGGER behaviour_target_retired_no_delete BEFORE DELETE ON behaviour_target_retired
BEGIN SELECT RAISE(ABORT, 'retirements are append-only'); END;
