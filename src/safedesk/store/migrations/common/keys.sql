-- Who may open this compartment and what it knows of keys, kept inside it so that nobody
-- without its key can change them: members and their public keys, the history of its own
-- key pairs (each signed by the one before), the keys of the authors whose sealed records
-- it has taken in and the administrators who vouch for them, what it has taken in (so
-- taking in is idempotent), alarms for the queue,
-- and items it could not take in (kept, never lost).

CREATE TABLE member (
    username     TEXT PRIMARY KEY,
    box_public   BLOB NOT NULL CHECK (length(box_public) = 32),
    sign_public  BLOB NOT NULL CHECK (length(sign_public) = 32),
    granted_by   TEXT NOT NULL,
    granted_at   TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE key_epoch (
    epoch        INTEGER PRIMARY KEY CHECK (epoch >= 1),
    box_public   BLOB NOT NULL CHECK (length(box_public) = 32),
    sign_public  BLOB NOT NULL CHECK (length(sign_public) = 32),
    box_private  BLOB NOT NULL CHECK (length(box_private) = 32),
    signature    BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE TRIGGER key_epoch_no_update BEFORE UPDATE ON key_epoch
BEGIN SELECT RAISE(ABORT, 'key history is append-only'); END;
CREATE TRIGGER key_epoch_no_delete BEFORE DELETE ON key_epoch
BEGIN SELECT RAISE(ABORT, 'key history is append-only'); END;

-- Administrators (and the recovery key) whose certificates vouch for accounts' signing keys
-- (store/identity.py): records are taken in only from keys a chain from one of them reaches.
CREATE TABLE authority (
    username     TEXT PRIMARY KEY,
    sign_public  BLOB NOT NULL CHECK (length(sign_public) = 32),
    added_by     TEXT NOT NULL,
    added_at     TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE author_key (
    username     TEXT PRIMARY KEY,
    sign_public  BLOB NOT NULL CHECK (length(sign_public) = 32),
    box_public   BLOB NOT NULL CHECK (length(box_public) = 32),
    mailbox      BLOB NOT NULL,
    last_seq     INTEGER NOT NULL DEFAULT 0,
    first_seen   TEXT NOT NULL,
    changed_at   TEXT
) WITHOUT ROWID;

CREATE TABLE received (
    item_hash  TEXT PRIMARY KEY CHECK (length(item_hash) = 64),
    author     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    op         TEXT NOT NULL,
    ref        TEXT,
    moved_at   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX received_by_author ON received (author, seq);
CREATE TRIGGER received_no_update BEFORE UPDATE ON received
BEGIN SELECT RAISE(ABORT, 'what was taken in stays taken in'); END;
CREATE TRIGGER received_no_delete BEFORE DELETE ON received
BEGIN SELECT RAISE(ABORT, 'what was taken in stays taken in'); END;

CREATE TABLE alarm (
    id           INTEGER PRIMARY KEY,
    raised_at    TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (trim(kind) <> ''),
    subject      TEXT,
    detail       TEXT NOT NULL CHECK (trim(detail) <> ''),
    resolved_at  TEXT,
    resolved_by  TEXT,
    resolution   TEXT
);
CREATE TRIGGER alarm_no_delete BEFORE DELETE ON alarm
BEGIN SELECT RAISE(ABORT, 'alarms are resolved, never deleted'); END;

CREATE TABLE quarantine (
    id        INTEGER PRIMARY KEY,
    put_at    TEXT NOT NULL,
    item      BLOB NOT NULL,
    problem   TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE TRIGGER quarantine_no_update BEFORE UPDATE ON quarantine
BEGIN SELECT RAISE(ABORT, 'quarantined items are kept as they came'); END;
CREATE TRIGGER quarantine_no_delete BEFORE DELETE ON quarantine
BEGIN SELECT RAISE(ABORT, 'quarantined items are kept as they came'); END;

-- The last status of each record that its author has been told of (sealed to them).
CREATE TABLE receipt_sent (
    ref        TEXT PRIMARY KEY,
    status_id  INTEGER NOT NULL
) WITHOUT ROWID;
