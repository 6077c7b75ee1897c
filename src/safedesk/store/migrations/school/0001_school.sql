-- safedesk `school` file, schema 1: every active account can open it. The school, accounts
-- and their roles, pupils, settings, lists, the calendar, the audit log; the compartments'
-- public keys (signed) for those who write to them; the sealed inboxes, "My records" copies,
-- receipts and drafts. Nothing in it reveals a record: those are sealed to their readers.
-- Timestamps are UTC ISO 8601 text. Append-only tables refuse UPDATE and DELETE by trigger.

CREATE TABLE school (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL CHECK (trim(name) <> ''),
    store_id    TEXT NOT NULL CHECK (length(store_id) = 32),
    created_at  TEXT NOT NULL
);

CREATE TRIGGER school_no_delete BEFORE DELETE ON school
BEGIN SELECT RAISE(ABORT, 'the school row cannot be deleted'); END;
CREATE TRIGGER school_fixed_identity BEFORE UPDATE OF store_id, created_at ON school
BEGIN SELECT RAISE(ABORT, 'the store identity cannot change'); END;

CREATE TABLE user (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE
                  CHECK (length(username) BETWEEN 2 AND 32 AND username NOT GLOB '*[^a-z0-9._-]*'),
    display_name  TEXT NOT NULL CHECK (trim(display_name) <> ''),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    created_by    TEXT
);

CREATE TRIGGER user_no_delete BEFORE DELETE ON user
BEGIN SELECT RAISE(ABORT, 'users are disabled, never deleted'); END;
CREATE TRIGGER user_fixed_identity BEFORE UPDATE OF username, created_at, created_by ON user
BEGIN SELECT RAISE(ABORT, 'a user''s identity cannot change'); END;

-- Roles granted. A reading role (dsl, behaviour_lead, head) is granted by a member of the
-- compartments it needs, in person; until then it is only requested.
CREATE TABLE user_role (
    user_id     INTEGER NOT NULL REFERENCES user (id),
    role        TEXT NOT NULL CHECK (role IN ('staff', 'dsl', 'behaviour_lead', 'head', 'admin')),
    granted_by  TEXT,
    granted_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
) WITHOUT ROWID;

CREATE TABLE role_request (
    user_id       INTEGER NOT NULL REFERENCES user (id),
    role          TEXT NOT NULL CHECK (role IN ('dsl', 'behaviour_lead', 'head')),
    requested_by  TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (trim(reason) <> ''),
    PRIMARY KEY (user_id, role)
) WITHOUT ROWID;

CREATE TABLE pupil (
    id                  INTEGER PRIMARY KEY,
    upn                 TEXT NOT NULL UNIQUE CHECK (length(upn) = 13),
    legal_surname       TEXT NOT NULL CHECK (trim(legal_surname) <> ''),
    legal_forename      TEXT NOT NULL CHECK (trim(legal_forename) <> ''),
    preferred_forename  TEXT,
    date_of_birth       TEXT NOT NULL CHECK (date(date_of_birth) = date_of_birth),
    gender              TEXT,
    year_group          TEXT,
    class_name          TEXT,
    sen                 TEXT,
    fsm                 INTEGER NOT NULL DEFAULT 0 CHECK (fsm IN (0, 1)),
    cla                 INTEGER NOT NULL DEFAULT 0 CHECK (cla IN (0, 1)),
    eal                 INTEGER NOT NULL DEFAULT 0 CHECK (eal IN (0, 1)),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TRIGGER pupil_no_delete BEFORE DELETE ON pupil
BEGIN SELECT RAISE(ABORT, 'pupils are never deleted: their records must stay'); END;
CREATE TRIGGER pupil_fixed_upn BEFORE UPDATE OF upn, created_at ON pupil
BEGIN SELECT RAISE(ABORT, 'a pupil''s UPN cannot change'); END;

CREATE INDEX pupil_by_name ON pupil (legal_surname, legal_forename);

CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

-- @include audit.sql

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

-- The school calendar is configuration, not record content: admin corrects it (audited).
CREATE TABLE school_term (
    first_day  TEXT PRIMARY KEY CHECK (date(first_day) IS NOT NULL),
    last_day   TEXT NOT NULL CHECK (date(last_day) IS NOT NULL AND last_day >= first_day)
) WITHOUT ROWID;

CREATE TABLE closure_day (
    day     TEXT PRIMARY KEY CHECK (date(day) IS NOT NULL),
    reason  TEXT NOT NULL CHECK (trim(reason) <> '')
) WITHOUT ROWID;

-- A compartment's public keys, for staff who write to it without reading it. Each epoch's keys
-- are signed by the epoch before (the first by itself); writers follow the chain from the keys
-- pinned in their own key slot, so a key swapped in here is refused.
CREATE TABLE compartment_key (
    compartment   TEXT NOT NULL CHECK (compartment IN ('safeguarding', 'behaviour')),
    epoch         INTEGER NOT NULL CHECK (epoch >= 1),
    box_public    BLOB NOT NULL CHECK (length(box_public) = 32),
    sign_public   BLOB NOT NULL CHECK (length(sign_public) = 32),
    signature     BLOB NOT NULL,
    published_at  TEXT NOT NULL,
    PRIMARY KEY (compartment, epoch)
) WITHOUT ROWID;

-- Records on their way into a compartment, sealed to it: only the time is in the clear.
CREATE TABLE inbox_item (
    id           INTEGER PRIMARY KEY,
    compartment  TEXT NOT NULL CHECK (compartment IN ('safeguarding', 'behaviour')),
    put_at       TEXT NOT NULL,
    item         BLOB NOT NULL
);
CREATE INDEX inbox_item_by_compartment ON inbox_item (compartment, id);

-- Sealed to one account: copies of what it recorded, what happened to them, its drafts.
-- `owner` is derived from a secret of that account, so it names nobody.
CREATE TABLE sealed_copy (
    id      INTEGER PRIMARY KEY,
    owner   TEXT NOT NULL,
    put_at  TEXT NOT NULL,
    item    BLOB NOT NULL
);
CREATE INDEX sealed_copy_by_owner ON sealed_copy (owner, id);
CREATE TRIGGER sealed_copy_no_update BEFORE UPDATE ON sealed_copy
BEGIN SELECT RAISE(ABORT, 'copies of records are append-only'); END;
CREATE TRIGGER sealed_copy_no_delete BEFORE DELETE ON sealed_copy
BEGIN SELECT RAISE(ABORT, 'copies of records are append-only'); END;

CREATE TABLE sealed_receipt (
    id      INTEGER PRIMARY KEY,
    owner   TEXT NOT NULL,
    put_at  TEXT NOT NULL,
    item    BLOB NOT NULL
);
CREATE INDEX sealed_receipt_by_owner ON sealed_receipt (owner, id);
CREATE TRIGGER sealed_receipt_no_update BEFORE UPDATE ON sealed_receipt
BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
CREATE TRIGGER sealed_receipt_no_delete BEFORE DELETE ON sealed_receipt
BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;

-- A draft is work in progress, not a record: its author may overwrite or discard it.
CREATE TABLE sealed_draft (
    id          INTEGER PRIMARY KEY,
    owner       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    item        BLOB NOT NULL
);
CREATE INDEX sealed_draft_by_owner ON sealed_draft (owner);

-- Each author's last sequence number per compartment, under a tag that names nobody: numbers
-- are handed out here so that two sessions of one person never reuse one.
CREATE TABLE author_sequence (
    owner  TEXT PRIMARY KEY,
    last   INTEGER NOT NULL CHECK (last >= 1)
) WITHOUT ROWID;

-- References are handed out here, so a member of staff who cannot read a compartment can
-- still tell the person they are recording for which record it is (C-2026-0042).
CREATE TABLE ref_counter (
    compartment  TEXT NOT NULL,
    year         INTEGER NOT NULL,
    last         INTEGER NOT NULL CHECK (last >= 1),
    PRIMARY KEY (compartment, year)
) WITHOUT ROWID;

-- Key rotations asked for but not yet done: by an administrator who is not a member (a member
-- does them at their next sign-in), or interrupted. One row per compartment and account.
CREATE TABLE rotation_pending (
    compartment  TEXT NOT NULL CHECK (compartment IN ('school', 'safeguarding', 'behaviour')),
    username     TEXT NOT NULL,
    reason       TEXT NOT NULL,
    since        TEXT NOT NULL,
    asked_by     TEXT NOT NULL,
    PRIMARY KEY (compartment, username)
) WITHOUT ROWID;

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
