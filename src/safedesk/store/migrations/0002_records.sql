-- safedesk schema 2: entries (concern, behaviour, physical intervention) on pupils' files,
-- amendments, status events, controlled lists and drafts.
-- Entry content is append-only: triggers refuse UPDATE and DELETE. Corrections are amendments.
-- Mandatory fields are NOT NULL with a non-blank CHECK, as in the form and the service.

CREATE TABLE list_item (
    list_name  TEXT NOT NULL CHECK (trim(list_name) <> ''),
    value      TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 40 AND value NOT GLOB '*[^a-z0-9_]*'),
    label      TEXT NOT NULL CHECK (trim(label) <> ''),
    position   INTEGER NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    PRIMARY KEY (list_name, value)
) WITHOUT ROWID;

CREATE TRIGGER list_item_no_delete BEFORE DELETE ON list_item
BEGIN SELECT RAISE(ABORT, 'list values are retired, never deleted: records use them'); END;
CREATE TRIGGER list_item_fixed_value BEFORE UPDATE OF list_name, value ON list_item
BEGIN SELECT RAISE(ABORT, 'a list value cannot be renamed: records use it'); END;

CREATE TABLE entry (
    id           INTEGER PRIMARY KEY,
    ref          TEXT NOT NULL UNIQUE CHECK (ref GLOB '[A-Z]*-[0-9][0-9][0-9][0-9]-[0-9]*'),
    kind         TEXT NOT NULL CHECK (kind IN ('concern', 'behaviour', 'intervention')),
    author       TEXT NOT NULL REFERENCES user (username),
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

CREATE TABLE concern (
    entry_id      INTEGER PRIMARY KEY REFERENCES entry (id),
    category      TEXT NOT NULL CHECK (trim(category) <> ''),
    urgency       TEXT NOT NULL CHECK (urgency IN ('immediate', 'urgent', 'routine')),
    description   TEXT NOT NULL CHECK (trim(description) <> ''),
    child_words   TEXT,
    action_taken  TEXT,
    others_told   TEXT
);

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

CREATE TABLE amendment (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES entry (id),
    field      TEXT NOT NULL CHECK (trim(field) <> ''),
    old_value  TEXT,
    new_value  TEXT,
    reason     TEXT NOT NULL CHECK (trim(reason) <> ''),
    author     TEXT NOT NULL REFERENCES user (username),
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

-- A draft is work in progress, not a record: its author may overwrite or discard it.
CREATE TABLE draft (
    id          INTEGER PRIMARY KEY,
    author      TEXT NOT NULL REFERENCES user (username),
    kind        TEXT NOT NULL CHECK (kind IN ('concern', 'behaviour', 'intervention')),
    payload     TEXT NOT NULL CHECK (json_valid(payload)),
    updated_at  TEXT NOT NULL
);
CREATE INDEX draft_by_author ON draft (author);

CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
CREATE TRIGGER entry_pupil_no_update BEFORE UPDATE ON entry_pupil
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER entry_pupil_no_delete BEFORE DELETE ON entry_pupil
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
CREATE TRIGGER concern_no_update BEFORE UPDATE ON concern
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER concern_no_delete BEFORE DELETE ON concern
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
CREATE TRIGGER behaviour_no_update BEFORE UPDATE ON behaviour_incident
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER behaviour_no_delete BEFORE DELETE ON behaviour_incident
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
CREATE TRIGGER intervention_no_update BEFORE UPDATE ON physical_intervention
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER intervention_no_delete BEFORE DELETE ON physical_intervention
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
CREATE TRIGGER amendment_no_update BEFORE UPDATE ON amendment
BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
CREATE TRIGGER amendment_no_delete BEFORE DELETE ON amendment
BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
CREATE TRIGGER entry_status_no_update BEFORE UPDATE ON entry_status
BEGIN SELECT RAISE(ABORT, 'status changes are events: add one instead'); END;
CREATE TRIGGER entry_status_no_delete BEFORE DELETE ON entry_status
BEGIN SELECT RAISE(ABORT, 'status changes are events: they are never deleted'); END;

-- Default controlled lists (admin edits them; values are never renamed or deleted).
INSERT INTO list_item (list_name, value, label, position) VALUES
    ('categories', 'physical_abuse', 'Physical abuse', 1),
    ('categories', 'emotional_abuse', 'Emotional abuse', 2),
    ('categories', 'sexual_abuse', 'Sexual abuse', 3),
    ('categories', 'neglect', 'Neglect', 4),
    ('categories', 'child_on_child', 'Child-on-child abuse', 5),
    ('categories', 'online', 'Online safety', 6),
    ('categories', 'domestic_abuse', 'Domestic abuse', 7),
    ('categories', 'fgm', 'Female genital mutilation (FGM)', 8),
    ('categories', 'radicalisation', 'Radicalisation', 9),
    ('categories', 'exploitation', 'Exploitation (criminal or sexual)', 10),
    ('categories', 'mental_health', 'Mental health / self-harm', 11),
    ('categories', 'attendance', 'Attendance / missing education', 12),
    ('categories', 'other', 'Other', 13),
    ('locations', 'classroom', 'Classroom', 1),
    ('locations', 'playground', 'Playground', 2),
    ('locations', 'dining_hall', 'Dining hall', 3),
    ('locations', 'corridor', 'Corridor', 4),
    ('locations', 'toilets', 'Toilets', 5),
    ('locations', 'hall', 'Hall / PE', 6),
    ('locations', 'field', 'Field', 7),
    ('locations', 'entrance', 'School entrance / gate', 8),
    ('locations', 'off_site', 'Off site (trip, visit)', 9),
    ('locations', 'online', 'Online', 10),
    ('locations', 'other', 'Other', 11),
    ('behaviour_types', 'disruption', 'Disruption of learning', 1),
    ('behaviour_types', 'defiance', 'Defiance / refusal', 2),
    ('behaviour_types', 'verbal_abuse', 'Verbal abuse', 3),
    ('behaviour_types', 'physical_assault_pupil', 'Physical assault on a pupil', 4),
    ('behaviour_types', 'physical_assault_adult', 'Physical assault on an adult', 5),
    ('behaviour_types', 'bullying', 'Bullying', 6),
    ('behaviour_types', 'damage', 'Damage to property', 7),
    ('behaviour_types', 'absconding', 'Leaving the classroom or site', 8),
    ('behaviour_types', 'racist_incident', 'Racist or discriminatory language', 9),
    ('behaviour_types', 'other', 'Other', 10),
    ('bullying_types', 'physical', 'Physical', 1),
    ('bullying_types', 'verbal', 'Verbal', 2),
    ('bullying_types', 'online', 'Online / cyber', 3),
    ('bullying_types', 'relational', 'Relational (exclusion, rumours)', 4),
    ('bullying_types', 'prejudice', 'Prejudice-based', 5),
    ('prejudice_types', 'race', 'Race or ethnicity', 1),
    ('prejudice_types', 'religion', 'Religion or belief', 2),
    ('prejudice_types', 'disability', 'Disability or SEN', 3),
    ('prejudice_types', 'sexual_orientation', 'Sexual orientation', 4),
    ('prejudice_types', 'gender_identity', 'Gender identity', 5),
    ('prejudice_types', 'sex', 'Sex', 6),
    ('prejudice_types', 'appearance', 'Appearance', 7),
    ('prejudice_types', 'other', 'Other', 8),
    ('severities', 'low', 'Low', 1),
    ('severities', 'medium', 'Medium', 2),
    ('severities', 'high', 'High', 3),
    ('restraint_types', 'guide', 'Guiding (hand on arm or back)', 1),
    ('restraint_types', 'caring_c_guide', 'Caring C guide', 2),
    ('restraint_types', 'friendly_escort', 'Friendly escort', 3),
    ('restraint_types', 'single_elbow', 'Single elbow', 4),
    ('restraint_types', 'double_elbow', 'Double elbow', 5),
    ('restraint_types', 'figure_of_four', 'Figure of four', 6),
    ('restraint_types', 'seated_hold', 'Seated hold', 7),
    ('restraint_types', 'block', 'Blocking / barrier', 8),
    ('restraint_types', 'other', 'Other (describe)', 9);
