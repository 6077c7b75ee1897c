-- safedesk schema 3: the DSL's casework. Police domestic-abuse notifications (Operation
-- Encompass), and on each case (a concern or a notification): acknowledgement, triage
-- decision, actions, referrals and their decisions, contacts, closure. All append-only.
-- Also the school calendar (terms and closure days), which admin maintains.

CREATE TABLE notification (
    id                INTEGER PRIMARY KEY,
    ref               TEXT NOT NULL UNIQUE CHECK (ref GLOB 'E-[0-9][0-9][0-9][0-9]-[0-9]*'),
    author            TEXT NOT NULL REFERENCES user (username),
    received_at       TEXT NOT NULL CHECK (trim(received_at) <> ''),
    recorded_at       TEXT NOT NULL CHECK (trim(recorded_at) <> ''),
    received_from     TEXT NOT NULL CHECK (trim(received_from) <> ''),
    police_reference  TEXT,
    incident_at       TEXT,
    summary           TEXT NOT NULL CHECK (trim(summary) <> '')
);

CREATE TABLE notification_pupil (
    notification_id  INTEGER NOT NULL REFERENCES notification (id),
    pupil_id         INTEGER NOT NULL REFERENCES pupil (id),
    PRIMARY KEY (notification_id, pupil_id)
) WITHOUT ROWID;
CREATE INDEX notification_pupil_by_pupil ON notification_pupil (pupil_id);

-- Every casework row names its case by reference: a concern (entry) or a notification.
CREATE TABLE case_acknowledgement (
    id        INTEGER PRIMARY KEY,
    case_ref  TEXT NOT NULL UNIQUE,
    author    TEXT NOT NULL REFERENCES user (username),
    at        TEXT NOT NULL CHECK (trim(at) <> '')
);

CREATE TABLE case_triage (
    id         INTEGER PRIMARY KEY,
    case_ref   TEXT NOT NULL,
    decision   TEXT NOT NULL CHECK (decision IN ('no_further_action', 'monitor', 'early_help',
                                                 'social_care', 'police', 'other_agency')),
    rationale  TEXT NOT NULL CHECK (trim(rationale) <> ''),
    review_on  TEXT,
    author     TEXT NOT NULL REFERENCES user (username),
    at         TEXT NOT NULL CHECK (trim(at) <> ''),
    CHECK (decision <> 'monitor' OR trim(coalesce(review_on, '')) <> '')
);
CREATE INDEX case_triage_by_case ON case_triage (case_ref, id);

CREATE TABLE case_action (
    id           INTEGER PRIMARY KEY,
    case_ref     TEXT NOT NULL,
    description  TEXT NOT NULL CHECK (trim(description) <> ''),
    owner        TEXT NOT NULL CHECK (trim(owner) <> ''),
    due_on       TEXT NOT NULL CHECK (date(due_on) IS NOT NULL),
    author       TEXT NOT NULL REFERENCES user (username),
    at           TEXT NOT NULL CHECK (trim(at) <> '')
);
CREATE INDEX case_action_by_case ON case_action (case_ref, id);

CREATE TABLE case_action_done (
    id         INTEGER PRIMARY KEY,
    action_id  INTEGER NOT NULL UNIQUE REFERENCES case_action (id),
    note       TEXT,
    author     TEXT NOT NULL REFERENCES user (username),
    at         TEXT NOT NULL CHECK (trim(at) <> '')
);

CREATE TABLE case_referral (
    id            INTEGER PRIMARY KEY,
    case_ref      TEXT NOT NULL,
    agency        TEXT NOT NULL CHECK (trim(agency) <> ''),
    made_at       TEXT NOT NULL CHECK (trim(made_at) <> ''),
    method        TEXT NOT NULL CHECK (trim(method) <> ''),
    spoken_to     TEXT NOT NULL CHECK (trim(spoken_to) <> ''),
    reference     TEXT,
    decision_due  TEXT CHECK (decision_due IS NULL OR date(decision_due) IS NOT NULL),
    author        TEXT NOT NULL REFERENCES user (username),
    at            TEXT NOT NULL CHECK (trim(at) <> '')
);
CREATE INDEX case_referral_by_case ON case_referral (case_ref, id);

CREATE TABLE case_referral_decision (
    id                    INTEGER PRIMARY KEY,
    referral_id           INTEGER NOT NULL UNIQUE REFERENCES case_referral (id),
    decision              TEXT NOT NULL CHECK (trim(decision) <> ''),
    decided_on            TEXT NOT NULL CHECK (date(decided_on) IS NOT NULL),
    feedback_to_referrer  TEXT NOT NULL CHECK (trim(feedback_to_referrer) <> ''),
    author                TEXT NOT NULL REFERENCES user (username),
    at                    TEXT NOT NULL CHECK (trim(at) <> '')
);

CREATE TABLE case_contact (
    id             INTEGER PRIMARY KEY,
    case_ref       TEXT NOT NULL,
    with_whom      TEXT NOT NULL CHECK (trim(with_whom) <> ''),
    contact_at     TEXT NOT NULL CHECK (trim(contact_at) <> ''),
    method         TEXT NOT NULL CHECK (trim(method) <> ''),
    what_was_said  TEXT NOT NULL CHECK (trim(what_was_said) <> ''),
    next_step      TEXT NOT NULL CHECK (trim(next_step) <> ''),
    author         TEXT NOT NULL REFERENCES user (username),
    at             TEXT NOT NULL CHECK (trim(at) <> '')
);
CREATE INDEX case_contact_by_case ON case_contact (case_ref, id);

CREATE TABLE case_closure (
    id              INTEGER PRIMARY KEY,
    case_ref        TEXT NOT NULL UNIQUE,
    outcome         TEXT NOT NULL CHECK (trim(outcome) <> ''),
    rationale       TEXT NOT NULL CHECK (trim(rationale) <> ''),
    shared_outcome  TEXT,
    author          TEXT NOT NULL REFERENCES user (username),
    at              TEXT NOT NULL CHECK (trim(at) <> '')
);

-- A case reference must name a concern or a notification.
CREATE VIEW case_subject AS
    SELECT ref, 'concern' AS kind, recorded_at FROM entry WHERE kind = 'concern'
    UNION ALL
    SELECT ref, 'notification' AS kind, recorded_at FROM notification;

CREATE TRIGGER case_acknowledgement_subject BEFORE INSERT ON case_acknowledgement
WHEN NOT EXISTS (SELECT 1 FROM case_subject WHERE ref = NEW.case_ref)
BEGIN SELECT RAISE(ABORT, 'casework must name a concern or notification'); END;
CREATE TRIGGER case_triage_subject BEFORE INSERT ON case_triage
WHEN NOT EXISTS (SELECT 1 FROM case_subject WHERE ref = NEW.case_ref)
BEGIN SELECT RAISE(ABORT, 'casework must name a concern or notification'); END;
CREATE TRIGGER case_action_subject BEFORE INSERT ON case_action
WHEN NOT EXISTS (SELECT 1 FROM case_subject WHERE ref = NEW.case_ref)
BEGIN SELECT RAISE(ABORT, 'casework must name a concern or notification'); END;
CREATE TRIGGER case_referral_subject BEFORE INSERT ON case_referral
WHEN NOT EXISTS (SELECT 1 FROM case_subject WHERE ref = NEW.case_ref)
BEGIN SELECT RAISE(ABORT, 'casework must name a concern or notification'); END;
CREATE TRIGGER case_contact_subject BEFORE INSERT ON case_contact
WHEN NOT EXISTS (SELECT 1 FROM case_subject WHERE ref = NEW.case_ref)
BEGIN SELECT RAISE(ABORT, 'casework must name a concern or notification'); END;
CREATE TRIGGER case_closure_subject BEFORE INSERT ON case_closure
WHEN NOT EXISTS (SELECT 1 FROM case_subject WHERE ref = NEW.case_ref)
BEGIN SELECT RAISE(ABORT, 'casework must name a concern or notification'); END;

-- Append-only, like entries.
CREATE TRIGGER notification_no_update BEFORE UPDATE ON notification
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER notification_no_delete BEFORE DELETE ON notification
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
CREATE TRIGGER notification_pupil_no_update BEFORE UPDATE ON notification_pupil
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER notification_pupil_no_delete BEFORE DELETE ON notification_pupil
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;
CREATE TRIGGER case_acknowledgement_no_update BEFORE UPDATE ON case_acknowledgement
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_acknowledgement_no_delete BEFORE DELETE ON case_acknowledgement
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_triage_no_update BEFORE UPDATE ON case_triage
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_triage_no_delete BEFORE DELETE ON case_triage
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_action_no_update BEFORE UPDATE ON case_action
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_action_no_delete BEFORE DELETE ON case_action
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_action_done_no_update BEFORE UPDATE ON case_action_done
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_action_done_no_delete BEFORE DELETE ON case_action_done
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_referral_no_update BEFORE UPDATE ON case_referral
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_referral_no_delete BEFORE DELETE ON case_referral
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_referral_decision_no_update BEFORE UPDATE ON case_referral_decision
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_referral_decision_no_delete BEFORE DELETE ON case_referral_decision
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_contact_no_update BEFORE UPDATE ON case_contact
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_contact_no_delete BEFORE DELETE ON case_contact
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_closure_no_update BEFORE UPDATE ON case_closure
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;
CREATE TRIGGER case_closure_no_delete BEFORE DELETE ON case_closure
BEGIN SELECT RAISE(ABORT, 'casework is append-only'); END;

-- The school calendar is configuration, not record content: admin corrects it (audited).
CREATE TABLE school_term (
    first_day  TEXT PRIMARY KEY CHECK (date(first_day) IS NOT NULL),
    last_day   TEXT NOT NULL CHECK (date(last_day) IS NOT NULL AND last_day >= first_day)
) WITHOUT ROWID;

CREATE TABLE closure_day (
    day     TEXT PRIMARY KEY CHECK (date(day) IS NOT NULL),
    reason  TEXT NOT NULL CHECK (trim(reason) <> '')
) WITHOUT ROWID;
