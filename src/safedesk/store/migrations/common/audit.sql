-- The hash-chained audit log: one per file, append-only, each row following the head.
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

CREATE INDEX audit_log_by_action ON audit_log (action, object_id);

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

-- Each commit's chain head, signed (Ed25519) by the account that made the commit: a rewrite
-- of the chain by anyone without a signer's private key fails `verify`; by a signer, it is
-- attributable. Heads of the other files seen from this one (the school file's, in a
-- compartment; the compartments', in the school file) must stay in those files' chains.
CREATE TABLE signed_head (
    seq          INTEGER PRIMARY KEY,
    hash         TEXT NOT NULL CHECK (length(hash) = 64),
    signer       TEXT NOT NULL,
    sign_public  BLOB NOT NULL CHECK (length(sign_public) = 32),
    signature    BLOB NOT NULL,
    at           TEXT NOT NULL,
    from_seq     INTEGER NOT NULL CHECK (from_seq BETWEEN 1 AND seq)
);
CREATE TRIGGER signed_head_no_update BEFORE UPDATE ON signed_head
BEGIN SELECT RAISE(ABORT, 'signed heads are append-only'); END;
CREATE TRIGGER signed_head_no_delete BEFORE DELETE ON signed_head
BEGIN SELECT RAISE(ABORT, 'signed heads are append-only'); END;

CREATE TABLE seen_head (
    file         TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    hash         TEXT NOT NULL CHECK (length(hash) = 64),
    signer       TEXT NOT NULL,
    sign_public  BLOB NOT NULL,
    signature    BLOB NOT NULL,
    seen_at      TEXT NOT NULL,
    from_seq     INTEGER NOT NULL,
    PRIMARY KEY (file, seq)
) WITHOUT ROWID;
CREATE TRIGGER seen_head_no_update BEFORE UPDATE ON seen_head
BEGIN SELECT RAISE(ABORT, 'heads seen are append-only'); END;
CREATE TRIGGER seen_head_no_delete BEFORE DELETE ON seen_head
BEGIN SELECT RAISE(ABORT, 'heads seen are append-only'); END;
