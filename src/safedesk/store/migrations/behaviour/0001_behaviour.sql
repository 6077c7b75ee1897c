-- safedesk `behaviour` file, schema 1: opened only by the behaviour lead, the DSLs, the
-- headteacher and the recovery key. Behaviour incidents and physical interventions, their
-- search index and audit log; its members and key history. Staff who are not members record
-- into it through its sealed inbox in `school`. All record content is append-only.

-- @include keys.sql

-- @include records.sql

CREATE TRIGGER entry_kind_behaviour BEFORE INSERT ON entry
WHEN NEW.kind NOT IN ('behaviour', 'intervention')
BEGIN SELECT RAISE(ABORT, 'only behaviour incidents and interventions are kept here'); END;

CREATE TABLE behaviour_incident (
    entry_id          INTEGER PRIMARY KEY REFERENCES entry (id),
    location          TEXT NOT NULL CHECK (trim(location) <> ''),
    activity          TEXT,
    behaviour_type    TEXT NOT NULL CHECK (trim(behaviour_type) <> ''),
    bullying_type     TEXT,
    prejudice_type    TEXT,
    severity          TEXT NOT NULL CHECK (trim(severity) <> ''),
    antecedent        TEXT NOT NULL CHECK (trim(antecedent) <> ''),
    escalation        TEXT NOT NULL CHECK (trim(escalation) <> ''),
    description       TEXT NOT NULL CHECK (trim(description) <> ''),
    action_taken      TEXT NOT NULL CHECK (trim(action_taken) <> ''),
    parents_informed  INTEGER NOT NULL DEFAULT 0 CHECK (parents_informed IN (0, 1)),
    CHECK (behaviour_type <> 'bullying' OR trim(coalesce(bullying_type, '')) <> ''),
    CHECK (coalesce(bullying_type, '') <> 'prejudice' OR trim(coalesce(prejudice_type, '')) <> '')
);

CREATE TABLE physical_intervention (
    entry_id                    INTEGER PRIMARY KEY REFERENCES entry (id),
    started_at                  TEXT NOT NULL CHECK (trim(started_at) <> ''),
    ended_at                    TEXT NOT NULL CHECK (trim(ended_at) <> ''),
    location                    TEXT NOT NULL CHECK (trim(location) <> ''),
    staff_involved              TEXT NOT NULL CHECK (trim(staff_involved) <> ''),
    witnesses                   TEXT,
    cause                       TEXT NOT NULL CHECK (trim(cause) <> ''),
    escalation                  TEXT NOT NULL CHECK (trim(escalation) <> ''),
    deescalation                TEXT NOT NULL CHECK (trim(deescalation) <> ''),
    reason_for_force            TEXT NOT NULL CHECK (trim(reason_for_force) <> ''),
    restraint_type              TEXT NOT NULL CHECK (trim(restraint_type) <> ''),
    restraint_detail            TEXT,
    injuries_pupil              TEXT NOT NULL CHECK (trim(injuries_pupil) <> ''),
    injuries_staff              TEXT NOT NULL CHECK (trim(injuries_staff) <> ''),
    parent_informed_at          TEXT,
    parent_informed_by          TEXT,
    parent_informed_how         TEXT,
    parent_not_informed_reason  TEXT,
    debrief                     TEXT,
    review                      TEXT,
    CHECK (julianday(ended_at) >= julianday(started_at)),
    CHECK (restraint_type <> 'other' OR trim(coalesce(restraint_detail, '')) <> ''),
    CHECK (
        (trim(coalesce(parent_informed_at, '')) <> ''
         AND trim(coalesce(parent_informed_by, '')) <> ''
         AND trim(coalesce(parent_informed_how, '')) <> '')
        OR trim(coalesce(parent_not_informed_reason, '')) <> ''
    )
);

CREATE TRIGGER behaviour_no_update BEFORE UPDATE ON behaviour_incident
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER behaviour_no_delete BEFORE DELETE ON behaviour_incident
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
CREATE TRIGGER intervention_no_update BEFORE UPDATE ON physical_intervention
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER intervention_no_delete BEFORE DELETE ON physical_intervention
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;

-- @include search.sql

CREATE TRIGGER search_behaviour AFTER INSERT ON behaviour_incident
BEGIN
    UPDATE search_index SET body = concat_ws(char(31), body,
        NEW.location, NEW.activity, NEW.behaviour_type, NEW.bullying_type, NEW.prejudice_type,
        NEW.antecedent, NEW.escalation, NEW.description, NEW.action_taken
    ) WHERE rowid = NEW.entry_id;
END;

CREATE TRIGGER search_intervention AFTER INSERT ON physical_intervention
BEGIN
    UPDATE search_index SET body = concat_ws(char(31), body,
        NEW.location, NEW.staff_involved, NEW.witnesses, NEW.cause, NEW.escalation,
        NEW.deescalation, NEW.reason_for_force, NEW.restraint_type, NEW.restraint_detail,
        NEW.injuries_pupil, NEW.injuries_staff, NEW.parent_informed_by, NEW.parent_informed_how,
        NEW.parent_not_informed_reason, NEW.debrief, NEW.review
    ) WHERE rowid = NEW.entry_id;
END;

-- @include audit.sql
