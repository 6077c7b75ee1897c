-- safedesk `safeguarding` file, schema 4: a pupil's safeguarding risk assessment (RA-…): the
-- risks (what the risk is, what reduces it, who does it: a JSON list of at least one), who was
-- consulted, and the date it is reviewed by. A change is a new version (version + 1, the same
-- reference), never an overwrite: every version is kept. Append-only like the records.

CREATE TABLE risk_assessment (
    id         INTEGER PRIMARY KEY,
    ref        TEXT NOT NULL CHECK (ref GLOB 'RA-[0-9][0-9][0-9][0-9]-[0-9]*'),
    version    INTEGER NOT NULL CHECK (version >= 1),
    pupil_id   INTEGER NOT NULL REFERENCES pupil (id),
    risks      TEXT NOT NULL CHECK (json_valid(risks) AND json_type(risks) = 'array'
                                    AND json_array_length(risks) >= 1),
    consulted  TEXT NOT NULL CHECK (trim(consulted) <> ''),
    review_on  TEXT NOT NULL CHECK (date(review_on) IS NOT NULL AND date(review_on) = review_on),
    author     TEXT NOT NULL CHECK (trim(author) <> ''),
    made_at    TEXT NOT NULL CHECK (julianday(made_at) IS NOT NULL),
    UNIQUE (ref, version)
);
CREATE INDEX risk_assessment_by_pupil ON risk_assessment (pupil_id, ref, version);

-- Each risk names the risk, what reduces it and who does it, none of them blank.
CREATE TRIGGER risk_assessment_risks_complete BEFORE INSERT ON risk_assessment
WHEN EXISTS (
    SELECT 1 FROM json_each(NEW.risks) r
    WHERE r.type <> 'object'
       OR json_type(r.value, '$.risk') IS NOT 'text'
       OR json_type(r.value, '$.measures') IS NOT 'text'
       OR json_type(r.value, '$.owner') IS NOT 'text'
       OR trim(json_extract(r.value, '$.risk')) = ''
       OR trim(json_extract(r.value, '$.measures')) = ''
       OR trim(json_extract(r.value, '$.owner')) = '')
BEGIN SELECT RAISE(ABORT, 'each risk needs the risk, what reduces it and who does it'); END;

-- A pupil has one assessment in this file; a change is its next version, for the same pupil.
CREATE TRIGGER risk_assessment_one_per_pupil BEFORE INSERT ON risk_assessment
WHEN NEW.version = 1 AND EXISTS (
    SELECT 1 FROM risk_assessment a WHERE a.pupil_id = NEW.pupil_id OR a.ref = NEW.ref)
BEGIN SELECT RAISE(ABORT, 'this pupil already has one: add a new version'); END;

CREATE TRIGGER risk_assessment_version BEFORE INSERT ON risk_assessment
WHEN NEW.version > 1 AND NOT EXISTS (
    SELECT 1 FROM risk_assessment a WHERE a.ref = NEW.ref AND a.version = NEW.version - 1
      AND a.pupil_id = NEW.pupil_id)
BEGIN SELECT RAISE(ABORT, 'a new version follows the one before it, for the same pupil'); END;

CREATE TRIGGER risk_assessment_no_update BEFORE UPDATE ON risk_assessment
BEGIN SELECT RAISE(ABORT, 'risk assessments are append-only: add a new version'); END;
CREATE TRIGGER risk_assessment_no_delete BEFORE DELETE ON risk_assessment
BEGIN SELECT RAISE(ABORT, 'risk assessments are append-only: every version is kept'); END;
