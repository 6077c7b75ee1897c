-- safedesk `safeguarding` file, schema 6: retention rules, holds and disposal (see
-- common/retention.sql). A concern's disposal also removes the DSL's casework on it.

-- @include retention.sql

DROP TRIGGER IF EXISTS concern_no_delete;
CREATE TRIGGER concern_no_delete BEFORE DELETE ON concern
WHEN NOT EXISTS (SELECT 1 FROM disposing WHERE entry_id = OLD.entry_id)
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;

DROP TRIGGER IF EXISTS case_acknowledgement_no_delete;
CREATE TRIGGER case_acknowledgement_no_delete BEFORE DELETE ON case_acknowledgement
WHEN OLD.case_ref NOT IN (SELECT ref FROM disposing_ref)
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
DROP TRIGGER IF EXISTS case_triage_no_delete;
CREATE TRIGGER case_triage_no_delete BEFORE DELETE ON case_triage
WHEN OLD.case_ref NOT IN (SELECT ref FROM disposing_ref)
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
DROP TRIGGER IF EXISTS case_action_no_delete;
CREATE TRIGGER case_action_no_delete BEFORE DELETE ON case_action
WHEN OLD.case_ref NOT IN (SELECT ref FROM disposing_ref)
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
DROP TRIGGER IF EXISTS case_action_done_no_delete;
CREATE TRIGGER case_action_done_no_delete BEFORE DELETE ON case_action_done
WHEN NOT EXISTS (SELECT 1 FROM case_action a WHERE a.id = OLD.action_id
                 AND a.case_ref IN (SELECT ref FROM disposing_ref))
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
DROP TRIGGER IF EXISTS case_referral_no_delete;
CREATE TRIGGER case_referral_no_delete BEFORE DELETE ON case_referral
WHEN OLD.case_ref NOT IN (SELECT ref FROM disposing_ref)
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
DROP TRIGGER IF EXISTS case_referral_decision_no_delete;
CREATE TRIGGER case_referral_decision_no_delete BEFORE DELETE ON case_referral_decision
WHEN NOT EXISTS (SELECT 1 FROM case_referral r WHERE r.id = OLD.referral_id
                 AND r.case_ref IN (SELECT ref FROM disposing_ref))
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
DROP TRIGGER IF EXISTS case_contact_no_delete;
CREATE TRIGGER case_contact_no_delete BEFORE DELETE ON case_contact
WHEN OLD.case_ref NOT IN (SELECT ref FROM disposing_ref)
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
DROP TRIGGER IF EXISTS case_closure_no_delete;
CREATE TRIGGER case_closure_no_delete BEFORE DELETE ON case_closure
WHEN OLD.case_ref NOT IN (SELECT ref FROM disposing_ref)
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
