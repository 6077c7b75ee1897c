-- safedesk `school` file, schema 6: the chair of governors' role (allegations about the
-- headteacher are kept in a file only the chair opens). SQLite cannot change a CHECK, so the
-- two tables naming roles are made again with the same rows.

CREATE TABLE user_role_new (
    user_id     INTEGER NOT NULL REFERENCES user (id),
    role        TEXT NOT NULL CHECK (role IN ('staff', 'dsl', 'behaviour_lead', 'head', 'admin',
                                              'chair_of_governors')),
    granted_by  TEXT,
    granted_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
) WITHOUT ROWID;
INSERT INTO user_role_new (user_id, role, granted_by, granted_at)
    SELECT user_id, role, granted_by, granted_at FROM user_role;
DROP TABLE user_role;
ALTER TABLE user_role_new RENAME TO user_role;

CREATE TABLE role_request_new (
    user_id       INTEGER NOT NULL REFERENCES user (id),
    role          TEXT NOT NULL CHECK (role IN ('dsl', 'behaviour_lead', 'head',
                                                'chair_of_governors')),
    requested_by  TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (trim(reason) <> ''),
    PRIMARY KEY (user_id, role)
) WITHOUT ROWID;
INSERT INTO role_request_new (user_id, role, requested_by, requested_at, reason)
    SELECT user_id, role, requested_by, requested_at, reason FROM role_request;
DROP TABLE role_request;
ALTER TABLE role_request_new RENAME TO role_request;

-- The allegations compartments by name, where the school file names compartments: their
-- public keys (for writers), their inboxes, and their pending key rotations.
CREATE TABLE compartment_key_new (
    compartment   TEXT NOT NULL CHECK (compartment IN ('safeguarding', 'behaviour',
                                                       'allegations', 'allegations_head')),
    epoch         INTEGER NOT NULL CHECK (epoch >= 1),
    box_public    BLOB NOT NULL CHECK (length(box_public) = 32),
    sign_public   BLOB NOT NULL CHECK (length(sign_public) = 32),
    signature     BLOB NOT NULL,
    published_at  TEXT NOT NULL,
    PRIMARY KEY (compartment, epoch)
) WITHOUT ROWID;
INSERT INTO compartment_key_new
    (compartment, epoch, box_public, sign_public, signature, published_at)
    SELECT compartment, epoch, box_public, sign_public, signature, published_at
    FROM compartment_key;
DROP TABLE compartment_key;
ALTER TABLE compartment_key_new RENAME TO compartment_key;

CREATE TABLE inbox_item_new (
    id           INTEGER PRIMARY KEY,
    compartment  TEXT NOT NULL CHECK (compartment IN ('safeguarding', 'behaviour',
                                                      'allegations', 'allegations_head')),
    put_at       TEXT NOT NULL,
    item         BLOB NOT NULL
);
INSERT INTO inbox_item_new (id, compartment, put_at, item)
    SELECT id, compartment, put_at, item FROM inbox_item;
DROP TABLE inbox_item;
ALTER TABLE inbox_item_new RENAME TO inbox_item;
CREATE INDEX inbox_item_by_compartment ON inbox_item (compartment, id);

CREATE TABLE rotation_pending_new (
    compartment  TEXT NOT NULL CHECK (compartment IN ('school', 'safeguarding', 'behaviour',
                                                      'allegations', 'allegations_head')),
    username     TEXT NOT NULL,
    reason       TEXT NOT NULL,
    since        TEXT NOT NULL,
    asked_by     TEXT NOT NULL,
    PRIMARY KEY (compartment, username)
) WITHOUT ROWID;
INSERT INTO rotation_pending_new (compartment, username, reason, since, asked_by)
    SELECT compartment, username, reason, since, asked_by FROM rotation_pending;
DROP TABLE rotation_pending;
ALTER TABLE rotation_pending_new RENAME TO rotation_pending;
