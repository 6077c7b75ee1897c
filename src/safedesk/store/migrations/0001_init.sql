-- safedesk schema 1: school, users and roles, pupils, settings, hash-chained audit log.
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

CREATE TABLE user_role (
    user_id  INTEGER NOT NULL REFERENCES user (id),
    role     TEXT NOT NULL CHECK (role IN ('staff', 'dsl', 'behaviour_lead', 'head', 'admin')),
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

CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT,
    action       TEXT NOT NULL CHECK (trim(action) <> ''),
    object_type  TEXT,
    object_id    TEXT,
    detail       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
    prev_hash    TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash         TEXT NOT NULL CHECK (length(hash) = 64)
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- A new row must extend the chain: next sequence number, previous row's hash.
CREATE TRIGGER audit_log_follows_head BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit_log)
  OR NEW.prev_hash IS NOT coalesce(
        (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
        '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'an audit row must follow the current head of the chain'); END;
