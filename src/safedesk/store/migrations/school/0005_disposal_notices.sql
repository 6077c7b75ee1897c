-- safedesk `school` file, schema 5: after the headteacher disposes of a record, its author's
-- sealed "My records" copies and receipts of it go too. The head cannot tell which sealed
-- copy is which, so a notice naming the reference is sealed to the author (signed by the
-- compartment, like a receipt); the author's next sign-in removes their copies and receipts
-- of it, and the notice. Copies and receipts are deleted only while a `copy_forgetting` row
-- names their owner, inside that one transaction.

CREATE TABLE disposal_notice (
    id      INTEGER PRIMARY KEY,
    owner   TEXT NOT NULL,
    put_at  TEXT NOT NULL,
    item    BLOB NOT NULL
);
CREATE INDEX disposal_notice_by_owner ON disposal_notice (owner, id);

CREATE TABLE copy_forgetting (
    owner  TEXT PRIMARY KEY
) WITHOUT ROWID;

DROP TRIGGER IF EXISTS sealed_copy_no_delete;
CREATE TRIGGER sealed_copy_no_delete BEFORE DELETE ON sealed_copy
WHEN NOT EXISTS (SELECT 1 FROM copy_forgetting WHERE owner = OLD.owner)
BEGIN SELECT RAISE(ABORT, 'copies of records are append-only'); END;
DROP TRIGGER IF EXISTS sealed_receipt_no_delete;
CREATE TRIGGER sealed_receipt_no_delete BEFORE DELETE ON sealed_receipt
WHEN NOT EXISTS (SELECT 1 FROM copy_forgetting WHERE owner = OLD.owner)
BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
