-- safedesk `safeguarding` file, schema 1: opened only by the DSLs, the headteacher and the
-- recovery key. Concerns, police domestic-abuse notifications (Operation Encompass), the
-- DSL's casework, case-file transfers, their search index and audit log; its members and key
-- history. Staff who are not members record into it through its sealed inbox in `school`.
-- All record content is append-only.

-- @include keys.sql

-- @include records.sql

CREATE TRIGGER entry_kind_safeguarding BEFORE INSERT ON entry
WHEN NEW.kind <> 'concern'
BEGIN SELECT RAISE(ABORT, 'only concerns are kept in the safeguarding file'); END;

CREATE TABLE concern (
    entry_id      INTEGER PRIMARY KEY REFERENCES entry (id),
    category      TEXT NOT NULL CHECK (trim(category) <> ''),
    urgency       TEXT NOT NULL CHECK (urgency IN ('immediate', 'urgent', 'routine')),
    description   TEXT NOT NULL CHECK (trim(description) <> ''),
    child_words   TEXT,
    action_taken  TEXT,
    others_told   TEXT
);

CREATE TRIGGER concern_no_update BEFORE UPDATE ON concern
BEGIN SELECT RAISE(ABORT, 'records are append-only: amend instead'); END;
CREATE TRIGGER concern_no_delete BEFORE DELETE ON concern
BEGIN SELECT RAISE(ABORT, 'records are append-only: they are never deleted'); END;

CREATE TABLE notification (
    id                INTEGER PRIMARY KEY,
    ref               TEXT NOT NULL UNIQUE CHECK (ref GLOB 'E-[0-9][0-9][0-9][0-9]-[0-9]*'),
    author            TEXT NOT NULL,
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
    author    TEXT NOT NULL,
    at        TEXT NOT NULL CHECK (trim(at) <> '')
);

CREATE TABLE case_triage (
    id         INTEGER PRIMARY KEY,
    case_ref   TEXT NOT NULL,
    decision   TEXT NOT NULL CHECK (decision IN ('no_further_action', 'monitor', 'early_help',
                                                 'social_care', 'police', 'other_agency')),
    rationale  TEXT NOT NULL CHECK (trim(rationale) <> ''),
    review_on  TEXT,
    author     TEXT NOT NULL,
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
    author       TEXT NOT NULL,
    at           TEXT NOT NULL CHECK (trim(at) <> '')
);
CREATE INDEX case_action_by_case ON case_action (case_ref, id);

CREATE TABLE case_action_done (
    id         INTEGER PRIMARY KEY,
    action_id  INTEGER NOT NULL UNIQUE REFERENCES case_action (id),
    note       TEXT,
    author     TEXT NOT NULL,
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
    author        TEXT NOT NULL,
    at            TEXT NOT NULL CHECK (trim(at) <> '')
);
CREATE INDEX case_referral_by_case ON case_referral (case_ref, id);

CREATE TABLE case_referral_decision (
    id                    INTEGER PRIMARY KEY,
    referral_id           INTEGER NOT NULL UNIQUE REFERENCES case_referral (id),
    decision              TEXT NOT NULL CHECK (trim(decision) <> ''),
    decided_on            TEXT NOT NULL CHECK (date(decided_on) IS NOT NULL),
    feedback_to_referrer  TEXT NOT NULL CHECK (trim(feedback_to_referrer) <> ''),
    author                TEXT NOT NULL,
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
    author         TEXT NOT NULL,
    at             TEXT NOT NULL CHECK (trim(at) <> '')
);
CREATE INDEX case_contact_by_case ON case_contact (case_ref, id);

CREATE TABLE case_closure (
    id              INTEGER PRIMARY KEY,
    case_ref        TEXT NOT NULL UNIQUE,
    outcome         TEXT NOT NULL CHECK (trim(outcome) <> ''),
    rationale       TEXT NOT NULL CHECK (trim(rationale) <> ''),
    shared_outcome  TEXT,
    author          TEXT NOT NULL,
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

CREATE TABLE pupil_transfer (
    id          INTEGER PRIMARY KEY,
    ref         TEXT NOT NULL UNIQUE CHECK (ref GLOB 'T-[0-9][0-9][0-9][0-9]-[0-9]*'),
    pupil_id    INTEGER NOT NULL REFERENCES pupil (id),
    to_school   TEXT NOT NULL CHECK (trim(to_school) <> ''),
    to_person   TEXT NOT NULL CHECK (trim(to_person) <> ''),
    method      TEXT NOT NULL CHECK (trim(method) <> ''),
    sent_at     TEXT NOT NULL CHECK (trim(sent_at) <> ''),
    items       INTEGER NOT NULL CHECK (items >= 0),
    author      TEXT NOT NULL,
    at          TEXT NOT NULL CHECK (trim(at) <> '')
);
CREATE INDEX pupil_transfer_by_pupil ON pupil_transfer (pupil_id);

CREATE TABLE pupil_transfer_receipt (
    id            INTEGER PRIMARY KEY,
    transfer_id   INTEGER NOT NULL UNIQUE REFERENCES pupil_transfer (id),
    confirmed_on  TEXT NOT NULL CHECK (date(confirmed_on) IS NOT NULL),
    confirmed_by  TEXT NOT NULL CHECK (trim(confirmed_by) <> ''),
    note          TEXT,
    author        TEXT NOT NULL,
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

-- @include search.sql

CREATE TRIGGER search_concern AFTER INSERT ON concern
BEGIN
    UPDATE search_index SET body = concat_ws(char(31), body,
        NEW.category, NEW.description, NEW.child_words, NEW.action_taken, NEW.others_told
    ) WHERE rowid = NEW.entry_id;
END;

CREATE TRIGGER search_notification AFTER INSERT ON notification
BEGIN
    INSERT INTO search_index (rowid, ref, kind, body) VALUES (
        -NEW.id, NEW.ref, 'notification',
        concat_ws(char(31), NEW.received_from, NEW.police_reference, NEW.summary)
    );
END;

CREATE TRIGGER search_notification_pupil AFTER INSERT ON notification_pupil
BEGIN
    UPDATE search_index SET pupils = (
        SELECT group_concat(n.names, char(31) ORDER BY n.pupil_id)
        FROM notification_pupil np JOIN search_pupil_names n ON n.pupil_id = np.pupil_id
        WHERE np.notification_id = NEW.notification_id
    ) WHERE rowid = -NEW.notification_id;
END;

CREATE TRIGGER search_pupil_renamed_notifications
AFTER UPDATE OF legal_forename, preferred_forename, legal_surname ON pupil
WHEN OLD.legal_forename IS NOT NEW.legal_forename
  OR OLD.preferred_forename IS NOT NEW.preferred_forename
  OR OLD.legal_surname IS NOT NEW.legal_surname
BEGIN
    UPDATE search_index SET pupils = (
        SELECT group_concat(n.names, char(31) ORDER BY n.pupil_id)
        FROM notification_pupil np JOIN search_pupil_names n ON n.pupil_id = np.pupil_id
        WHERE np.notification_id = -search_index.rowid
    ) WHERE rowid IN (SELECT -notification_id FROM notification_pupil WHERE pupil_id = NEW.id);
END;

-- Casework: appended to its case's document (a concern's or a notification's).
CREATE VIEW search_case_rowid AS
    SELECT ref, id AS doc FROM entry WHERE kind = 'concern'
    UNION ALL
    SELECT ref, -id AS doc FROM notification;

CREATE TRIGGER search_case_triage AFTER INSERT ON case_triage
BEGIN
    UPDATE search_index SET casework = concat_ws(char(31), casework, NEW.rationale)
    WHERE rowid = (SELECT doc FROM search_case_rowid WHERE ref = NEW.case_ref);
END;

CREATE TRIGGER search_case_action AFTER INSERT ON case_action
BEGIN
    UPDATE search_index SET casework = concat_ws(char(31), casework, NEW.description, NEW.owner)
    WHERE rowid = (SELECT doc FROM search_case_rowid WHERE ref = NEW.case_ref);
END;

CREATE TRIGGER search_case_action_done AFTER INSERT ON case_action_done
WHEN trim(coalesce(NEW.note, '')) <> ''
BEGIN
    UPDATE search_index SET casework = concat_ws(char(31), casework, NEW.note)
    WHERE rowid = (SELECT c.doc FROM search_case_rowid c JOIN case_action a ON a.case_ref = c.ref
                   WHERE a.id = NEW.action_id);
END;

CREATE TRIGGER search_case_referral AFTER INSERT ON case_referral
BEGIN
    UPDATE search_index SET casework = concat_ws(char(31), casework,
        NEW.agency, NEW.spoken_to, NEW.reference
    ) WHERE rowid = (SELECT doc FROM search_case_rowid WHERE ref = NEW.case_ref);
END;

CREATE TRIGGER search_case_referral_decision AFTER INSERT ON case_referral_decision
BEGIN
    UPDATE search_index SET casework = concat_ws(char(31), casework,
        NEW.decision, NEW.feedback_to_referrer
    ) WHERE rowid = (SELECT c.doc FROM search_case_rowid c JOIN case_referral r
                     ON r.case_ref = c.ref WHERE r.id = NEW.referral_id);
END;

CREATE TRIGGER search_case_contact AFTER INSERT ON case_contact
BEGIN
    UPDATE search_index SET casework = concat_ws(char(31), casework,
        NEW.with_whom, NEW.what_was_said, NEW.next_step
    ) WHERE rowid = (SELECT doc FROM search_case_rowid WHERE ref = NEW.case_ref);
END;

CREATE TRIGGER search_case_closure AFTER INSERT ON case_closure
BEGIN
    UPDATE search_index SET casework = concat_ws(char(31), casework,
        NEW.outcome, NEW.rationale, NEW.shared_outcome
    ) WHERE rowid = (SELECT doc FROM search_case_rowid WHERE ref = NEW.case_ref);
END;

-- @include audit.sql
