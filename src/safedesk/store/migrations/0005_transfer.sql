-- safedesk schema 5: case-file transfers when a pupil leaves, and the receiving school's
-- confirmation of receipt. Append-only, like every record.

CREATE TABLE pupil_transfer (
    id          INTEGER PRIMARY KEY,
    ref         TEXT NOT NULL UNIQUE CHECK (ref GLOB 'T-[0-9][0-9][0-9][0-9]-[0-9]*'),
    pupil_id    INTEGER NOT NULL REFERENCES pupil (id),
    to_school   TEXT NOT NULL CHECK (trim(to_school) <> ''),
    to_person   TEXT NOT NULL CHECK (trim(to_person) <> ''),
    method      TEXT NOT NULL CHECK (trim(method) <> ''),
    sent_at     TEXT NOT NULL CHECK (trim(sent_at) <> ''),
    items       INTEGER NOT NULL CHECK (items >= 0),
    author      TEXT NOT NULL REFERENCES user (username),
    at          TEXT NOT NULL CHECK (trim(at) <> '')
);
CREATE INDEX pupil_transfer_by_pupil ON pupil_transfer (pupil_id);

CREATE TABLE pupil_transfer_receipt (
    id            INTEGER PRIMARY KEY,
    transfer_id   INTEGER NOT NULL UNIQUE REFERENCES pupil_transfer (id),
    confirmed_on  TEXT NOT NULL CHECK (date(confirmed_on) IS NOT NULL),
    confirmed_by  TEXT NOT NULL CHECK (trim(confirmed_by) <> ''),
    note          TEXT,
    author        TEXT NOT NULL REFERENCES user (username),
    at            TEXT NOT NULL CHECK (trim(at) <> '')
);

CREATE TRIGGER pupil_transfer_no_update BEFORE UPDATE ON pupil_transfer
BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
CREATE TRIGGER pupil_transfer_no_delete BEFORE DELETE ON pupil_transfer
BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
CREATE TRIGGER pupil_transfer_receipt_no_update BEFORE UPDATE ON pupil_transfer_receipt
BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
CREATE TRIGGER pupil_transfer_receipt_no_delete BEFORE DELETE ON pupil_transfer_receipt
BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
