-- safedesk `safeguarding` file, schema 2: pupils' safeguarding status, set by the DSL or the
-- headteacher with dates (child protection plan, child in need, early help, looked after,
-- previously looked after, young carer). A row starts a status on a day; a later row ends
-- it on a day, naming the row it ends. Nothing is changed or removed.

CREATE TABLE pupil_status (
    id        INTEGER PRIMARY KEY,
    pupil_id  INTEGER NOT NULL REFERENCES pupil (id),
    status    TEXT NOT NULL CHECK (status IN ('child_protection_plan', 'child_in_need',
                                              'early_help', 'looked_after',
                                              'previously_looked_after', 'young_carer')),
    change    TEXT NOT NULL CHECK (change IN ('started', 'ended')),
    on_day    TEXT NOT NULL CHECK (date(on_day) IS NOT NULL AND date(on_day) = on_day),
    ends      INTEGER UNIQUE REFERENCES pupil_status (id),
    note      TEXT CHECK (note IS NULL OR trim(note) <> ''),
    author    TEXT NOT NULL CHECK (trim(author) <> ''),
    at        TEXT NOT NULL CHECK (trim(at) <> ''),
    CHECK ((change = 'ended') = (ends IS NOT NULL))
);
CREATE INDEX pupil_status_by_pupil ON pupil_status (pupil_id, id);

CREATE TRIGGER pupil_status_no_update BEFORE UPDATE ON pupil_status
BEGIN SELECT RAISE(ABORT, 'a status is ended by a new row, never changed'); END;
CREATE TRIGGER pupil_status_no_delete BEFORE DELETE ON pupil_status
BEGIN SELECT RAISE(ABORT, 'a status is ended by a new row, never deleted'); END;

-- A status starts only while it does not hold already, and not before the day it last ended.
CREATE TRIGGER pupil_status_starts_once BEFORE INSERT ON pupil_status
WHEN NEW.change = 'started' AND EXISTS (
    SELECT 1 FROM pupil_status s
    WHERE s.pupil_id = NEW.pupil_id AND s.status = NEW.status AND s.change = 'started'
      AND NOT EXISTS (SELECT 1 FROM pupil_status e WHERE e.ends = s.id)
)
BEGIN SELECT RAISE(ABORT, 'this status already holds for this pupil: end it first'); END;

CREATE TRIGGER pupil_status_starts_after_its_end BEFORE INSERT ON pupil_status
WHEN NEW.change = 'started' AND EXISTS (
    SELECT 1 FROM pupil_status e
    WHERE e.pupil_id = NEW.pupil_id AND e.status = NEW.status AND e.change = 'ended'
      AND e.on_day > NEW.on_day
)
BEGIN SELECT RAISE(ABORT, 'a status cannot start again before the day it last ended'); END;

-- An end names the start it ends: the same pupil and status, on or after its first day.
CREATE TRIGGER pupil_status_ends_its_start BEFORE INSERT ON pupil_status
WHEN NEW.change = 'ended' AND NOT EXISTS (
    SELECT 1 FROM pupil_status s
    WHERE s.id = NEW.ends AND s.change = 'started' AND s.pupil_id = NEW.pupil_id
      AND s.status = NEW.status AND s.on_day <= NEW.on_day
)
BEGIN SELECT RAISE(ABORT, 'an end must follow the start of the same status'); END;
