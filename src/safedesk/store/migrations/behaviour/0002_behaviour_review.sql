-- safedesk `behaviour` file, schema 2: a leader's review and sign-off of each behaviour
-- incident and physical intervention (the behaviour lead, a DSL or the headteacher). One
-- review per record; append-only like the records themselves.

CREATE TABLE behaviour_review (
    id            INTEGER PRIMARY KEY,
    entry_ref     TEXT NOT NULL UNIQUE,
    decision      TEXT NOT NULL CHECK (decision IN ('signed_off', 'follow_up', 'target',
                                                    'parents')),
    note          TEXT NOT NULL CHECK (trim(note) <> ''),
    follow_up     TEXT CHECK (follow_up IS NULL OR trim(follow_up) <> ''),
    follow_up_by  TEXT CHECK (follow_up_by IS NULL OR date(follow_up_by) = follow_up_by),
    target        TEXT CHECK (target IS NULL OR trim(target) <> ''),
    parents_who   TEXT CHECK (parents_who IS NULL OR trim(parents_who) <> ''),
    parents_by    TEXT CHECK (parents_by IS NULL OR date(parents_by) = parents_by),
    author        TEXT NOT NULL CHECK (trim(author) <> ''),
    at            TEXT NOT NULL CHECK (trim(at) <> ''),
    CHECK (decision <> 'follow_up' OR (follow_up IS NOT NULL AND follow_up_by IS NOT NULL)),
    CHECK (decision <> 'target' OR target IS NOT NULL),
    CHECK (decision <> 'parents' OR (parents_who IS NOT NULL AND parents_by IS NOT NULL))
);

-- A review names a behaviour incident or physical intervention in this file.
CREATE TRIGGER behaviour_review_subject BEFORE INSERT ON behaviour_review
WHEN NOT EXISTS (SELECT 1 FROM entry WHERE ref = NEW.entry_ref)
BEGIN SELECT RAISE(ABORT, 'a review must name a behaviour record'); END;

CREATE TRIGGER behaviour_review_no_update BEFORE UPDATE ON behaviour_review
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER behaviour_review_no_delete BEFORE DELETE ON behaviour_review
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
