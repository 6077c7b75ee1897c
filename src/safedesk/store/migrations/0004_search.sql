-- safedesk schema 4: full-text search. One FTS5 document per record, inside the encrypted
-- store: an entry's rowid is entry.id, a police notification's is -notification.id.
--   pupils    the pupils' legal and preferred forenames and surnames (current spelling)
--   body      the record's own text, then each amendment's new value
--   casework  the DSL's work on the case (decisions, actions, referrals, contacts, closure);
--             searched only by roles with casework, never by the member of staff who wrote it
-- Fields are joined by char(31) (no stored text may hold a control character), which the
-- service shows as a field break. The index is derived data, kept by AFTER INSERT triggers in
-- the same transaction as the write, so it can never fall behind the records it indexes.
-- "unicode61 remove_diacritics 2" makes Zoe find Zoë and Siobhan find Siobhán.

CREATE VIRTUAL TABLE search_index USING fts5(
    ref UNINDEXED,
    kind UNINDEXED,
    pupils,
    body,
    casework,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The names that find a pupil's records.
CREATE VIEW search_pupil_names AS
    SELECT id AS pupil_id,
           concat_ws(' ', legal_forename, preferred_forename, legal_surname) AS names
    FROM pupil;

-- Records ------------------------------------------------------------------------------------

CREATE TRIGGER search_entry AFTER INSERT ON entry
BEGIN
    INSERT INTO search_index (rowid, ref, kind) VALUES (NEW.id, NEW.ref, NEW.kind);
END;

CREATE TRIGGER search_entry_pupil AFTER INSERT ON entry_pupil
BEGIN
    UPDATE search_index SET pupils = (
        SELECT group_concat(n.names, char(31) ORDER BY n.pupil_id)
        FROM entry_pupil ep JOIN search_pupil_names n ON n.pupil_id = ep.pupil_id
        WHERE ep.entry_id = NEW.entry_id
    ) WHERE rowid = NEW.entry_id;
END;

CREATE TRIGGER search_concern AFTER INSERT ON concern
BEGIN
    UPDATE search_index SET body = concat_ws(char(31), body,
        NEW.category, NEW.description, NEW.child_words, NEW.action_taken, NEW.others_told
    ) WHERE rowid = NEW.entry_id;
END;

CREATE TRIGGER search_behaviour AFTER INSERT ON behaviour_incident
BEGIN
    UPDATE search_index SET body = concat_ws(char(31), body,
        NEW.location, NEW.activity, NEW.behaviour_type, NEW.bullying_type, NEW.prejudice_type,
        NEW.antecedent, NEW.escalation, NEW.description, NEW.action_taken
    ) WHERE rowid = NEW.entry_id;
END;

CREATE TRIGGER search_intervention AFTER INSERT ON physical_intervention
BEGIN
    UPDATE search_index SET body = concat_ws(char(31), body,
        NEW.location, NEW.staff_involved, NEW.witnesses, NEW.cause, NEW.escalation,
        NEW.deescalation, NEW.reason_for_force, NEW.restraint_type, NEW.restraint_detail,
        NEW.injuries_pupil, NEW.injuries_staff, NEW.parent_informed_by, NEW.parent_informed_how,
        NEW.parent_not_informed_reason, NEW.debrief, NEW.review
    ) WHERE rowid = NEW.entry_id;
END;

CREATE TRIGGER search_amendment AFTER INSERT ON amendment
WHEN trim(coalesce(NEW.new_value, '')) <> ''
BEGIN
    UPDATE search_index SET body = concat_ws(char(31), body, NEW.new_value)
    WHERE rowid = NEW.entry_id;
END;

-- Police notifications -----------------------------------------------------------------------

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

-- A pupil's name corrected by the MIS import: their records are found by the new spelling.
CREATE TRIGGER search_pupil_renamed
AFTER UPDATE OF legal_forename, preferred_forename, legal_surname ON pupil
WHEN OLD.legal_forename IS NOT NEW.legal_forename
  OR OLD.preferred_forename IS NOT NEW.preferred_forename
  OR OLD.legal_surname IS NOT NEW.legal_surname
BEGIN
    UPDATE search_index SET pupils = (
        SELECT group_concat(n.names, char(31) ORDER BY n.pupil_id)
        FROM entry_pupil ep JOIN search_pupil_names n ON n.pupil_id = ep.pupil_id
        WHERE ep.entry_id = search_index.rowid
    ) WHERE rowid IN (SELECT entry_id FROM entry_pupil WHERE pupil_id = NEW.id);
    UPDATE search_index SET pupils = (
        SELECT group_concat(n.names, char(31) ORDER BY n.pupil_id)
        FROM notification_pupil np JOIN search_pupil_names n ON n.pupil_id = np.pupil_id
        WHERE np.notification_id = -search_index.rowid
    ) WHERE rowid IN (SELECT -notification_id FROM notification_pupil WHERE pupil_id = NEW.id);
END;

-- Casework: appended to its case's document (a concern's or a notification's) ---------------

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

-- Backfill what a store made at schema 3 already holds (the same text the triggers index).

INSERT INTO search_index (rowid, ref, kind, pupils, body)
SELECT e.id, e.ref, e.kind,
    (SELECT group_concat(n.names, char(31) ORDER BY n.pupil_id)
     FROM entry_pupil ep JOIN search_pupil_names n ON n.pupil_id = ep.pupil_id
     WHERE ep.entry_id = e.id),
    concat_ws(char(31),
        c.category, c.description, c.child_words, c.action_taken, c.others_told,
        b.location, b.activity, b.behaviour_type, b.bullying_type, b.prejudice_type,
        b.antecedent, b.escalation, b.description, b.action_taken,
        p.location, p.staff_involved, p.witnesses, p.cause, p.escalation, p.deescalation,
        p.reason_for_force, p.restraint_type, p.restraint_detail, p.injuries_pupil,
        p.injuries_staff, p.parent_informed_by, p.parent_informed_how,
        p.parent_not_informed_reason, p.debrief, p.review,
        (SELECT group_concat(m.new_value, char(31) ORDER BY m.id) FROM amendment m
         WHERE m.entry_id = e.id AND trim(coalesce(m.new_value, '')) <> ''))
FROM entry e
LEFT JOIN concern c ON c.entry_id = e.id
LEFT JOIN behaviour_incident b ON b.entry_id = e.id
LEFT JOIN physical_intervention p ON p.entry_id = e.id;

INSERT INTO search_index (rowid, ref, kind, pupils, body)
SELECT -x.id, x.ref, 'notification',
    (SELECT group_concat(n.names, char(31) ORDER BY n.pupil_id)
     FROM notification_pupil np JOIN search_pupil_names n ON n.pupil_id = np.pupil_id
     WHERE np.notification_id = x.id),
    concat_ws(char(31), x.received_from, x.police_reference, x.summary)
FROM notification x;

-- Each case's acts in the order they were recorded.
UPDATE search_index SET casework = (
    SELECT group_concat(w.text, char(31) ORDER BY w.at, w.seq, w.id) FROM (
        SELECT t.case_ref AS ref, t.at, 1 AS seq, t.id, t.rationale AS text FROM case_triage t
        UNION ALL
        SELECT a.case_ref, a.at, 2, a.id, concat_ws(char(31), a.description, a.owner)
        FROM case_action a
        UNION ALL
        SELECT a.case_ref, d.at, 3, d.id, d.note FROM case_action_done d
        JOIN case_action a ON a.id = d.action_id WHERE trim(coalesce(d.note, '')) <> ''
        UNION ALL
        SELECT r.case_ref, r.at, 4, r.id, concat_ws(char(31), r.agency, r.spoken_to, r.reference)
        FROM case_referral r
        UNION ALL
        SELECT r.case_ref, d.at, 5, d.id, concat_ws(char(31), d.decision, d.feedback_to_referrer)
        FROM case_referral_decision d JOIN case_referral r ON r.id = d.referral_id
        UNION ALL
        SELECT k.case_ref, k.at, 6, k.id, concat_ws(char(31), k.with_whom, k.what_was_said,
                                                   k.next_step)
        FROM case_contact k
        UNION ALL
        SELECT x.case_ref, x.at, 7, x.id, concat_ws(char(31), x.outcome, x.rationale,
                                                   x.shared_outcome)
        FROM case_closure x
    ) w WHERE w.ref = search_index.ref
) WHERE rowid IN (SELECT doc FROM search_case_rowid);
