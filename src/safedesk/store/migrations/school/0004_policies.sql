-- safedesk `school` file, schema 4: the school's policies (the child protection policy, KCSIE
-- Part 1, the behaviour policy, others by title), each published as a version by a DSL or the
-- headteacher, optionally with the policy itself as a PDF; and each member of staff's
-- "read and understood", signed with their own signing key over the version's id, label and
-- title (a row without a signature that holds does not count). The newest version of a title
-- is its current one. Both tables are append-only, like the records.

CREATE TABLE policy_version (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL CHECK (trim(title) <> '' AND length(title) <= 200),
    -- the title as compared: versions of one policy share it (case and spaces aside)
    title_key     TEXT NOT NULL CHECK (trim(title_key) <> ''),
    version       TEXT NOT NULL CHECK (trim(version) <> '' AND length(version) <= 40),
    published_on  TEXT NOT NULL CHECK (date(published_on) = published_on),
    note          TEXT CHECK (note IS NULL OR trim(note) <> ''),
    pdf           BLOB CHECK (pdf IS NULL OR (typeof(pdf) = 'blob'
                                              AND substr(pdf, 1, 5) = X'255044462D')),
    pdf_sha256    TEXT CHECK (pdf_sha256 IS NULL OR length(pdf_sha256) = 64),
    author        TEXT NOT NULL CHECK (trim(author) <> ''),
    published_at  TEXT NOT NULL CHECK (julianday(published_at) IS NOT NULL),
    UNIQUE (title_key, version),
    -- staff must have something to read: what changed and where, or the policy itself
    CHECK (note IS NOT NULL OR pdf IS NOT NULL),
    CHECK ((pdf IS NULL) = (pdf_sha256 IS NULL))
);

CREATE TABLE policy_confirmation (
    id            INTEGER PRIMARY KEY,
    policy_id     INTEGER NOT NULL REFERENCES policy_version (id),
    username      TEXT NOT NULL CHECK (trim(username) <> ''),
    confirmed_at  TEXT NOT NULL CHECK (julianday(confirmed_at) IS NOT NULL),
    signature     BLOB NOT NULL CHECK (typeof(signature) = 'blob' AND length(signature) > 0)
);
CREATE INDEX policy_confirmation_by_policy ON policy_confirmation (policy_id, username);

CREATE TRIGGER policy_confirmation_names_a_version BEFORE INSERT ON policy_confirmation
WHEN NOT EXISTS (SELECT 1 FROM policy_version v WHERE v.id = NEW.policy_id)
BEGIN SELECT RAISE(ABORT, 'a confirmation names a published version'); END;

CREATE TRIGGER policy_version_no_update BEFORE UPDATE ON policy_version
BEGIN SELECT RAISE(ABORT, 'policies are append-only: publish a new version'); END;
CREATE TRIGGER policy_version_no_delete BEFORE DELETE ON policy_version
BEGIN SELECT RAISE(ABORT, 'policies are append-only: publish a new version'); END;
CREATE TRIGGER policy_confirmation_no_update BEFORE UPDATE ON policy_confirmation
BEGIN SELECT RAISE(ABORT, 'confirmations are append-only'); END;
CREATE TRIGGER policy_confirmation_no_delete BEFORE DELETE ON policy_confirmation
BEGIN SELECT RAISE(ABORT, 'confirmations are append-only'); END;
