-- safedesk `behaviour` file, schema 7: retention rules, holds and disposal (see
-- common/retention.sql). A record's disposal also removes its leader's review.

-- @include retention.sql

DROP TRIGGER IF EXISTS behaviour_no_delete;
CREATE TRIGGER behaviour_no_delete BEFORE DELETE ON behaviour_incident
WHEN NOT EXISTS (SELECT 1 FROM disposing WHERE entry_id = OLD.entry_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
DROP TRIGGER IF EXISTS intervention_no_delete;
CREATE TRIGGER intervention_no_delete BEFORE DELETE ON physical_intervention
WHEN NOT EXISTS (SELECT 1 FROM disposing WHERE entry_id = OLD.entry_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
DROP TRIGGER IF EXISTS behaviour_review_no_delete;
CREATE TRIGGER behaviour_review_no_delete BEFORE DELETE ON behaviour_review
WHEN OLD.entry_ref NOT IN (SELECT ref FROM disposing_ref)
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
