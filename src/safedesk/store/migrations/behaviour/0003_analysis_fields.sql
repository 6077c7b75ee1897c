-- safedesk `behaviour` file, schema 3: what leaders analyse and the 2025 restrictive-
-- intervention guidance asks for. A trigger (cause) from the school's `triggers` list on
-- incidents and interventions; on interventions the kind (`intervention_kinds`), further holds
-- with their minutes and a body map (canonical JSON lists, domain.holds and domain.body_map),
-- the support offered afterwards, the pupil's own account, the letter to the parent and the
-- report to the local authority when no parent can be told.

-- @include required_from.sql

-- From now on in a file being upgraded (its log already holds events); from the start in a
-- file made now, whose records all come from this version (a demo school's past included).
INSERT INTO field_required_from (field, since)
SELECT name, CASE WHEN EXISTS (SELECT 1 FROM audit_log)
                  THEN strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
                  ELSE '2000-01-01T00:00:00.000+00:00' END
FROM (SELECT 'trigger' AS name UNION ALL SELECT 'intervention_kind'
      UNION ALL SELECT 'support_after');

ALTER TABLE behaviour_incident ADD COLUMN trigger TEXT CHECK (trigger IS NULL OR trim(trigger) <> '');

ALTER TABLE physical_intervention ADD COLUMN trigger TEXT
    CHECK (trigger IS NULL OR trim(trigger) <> '');
ALTER TABLE physical_intervention ADD COLUMN intervention_kind TEXT
    CHECK (intervention_kind IS NULL OR trim(intervention_kind) <> '');
ALTER TABLE physical_intervention ADD COLUMN more_holds TEXT
    CHECK (more_holds IS NULL OR json_type(more_holds) = 'array');
ALTER TABLE physical_intervention ADD COLUMN body_map TEXT
    CHECK (body_map IS NULL OR json_type(body_map) = 'array');
ALTER TABLE physical_intervention ADD COLUMN support_after TEXT
    CHECK (support_after IS NULL OR trim(support_after) <> '');
ALTER TABLE physical_intervention ADD COLUMN pupil_account TEXT;
ALTER TABLE physical_intervention ADD COLUMN parent_letter_sent_on TEXT
    CHECK (parent_letter_sent_on IS NULL OR date(parent_letter_sent_on) = parent_letter_sent_on);
ALTER TABLE physical_intervention ADD COLUMN la_reported_at TEXT
    CHECK (la_reported_at IS NULL OR julianday(la_reported_at) IS NOT NULL);
ALTER TABLE physical_intervention ADD COLUMN la_reported_to TEXT;

-- Required on every record recorded since the upgrade (see field_required_from); a row whose
-- entry cannot be found counts as recorded now. The messages start "NOT NULL" like SQLite's own.
CREATE TRIGGER behaviour_trigger_required BEFORE INSERT ON behaviour_incident
WHEN trim(coalesce(NEW.trigger, '')) = ''
 AND julianday(coalesce((SELECT recorded_at FROM entry WHERE id = NEW.entry_id), 'now'))
     >= julianday((SELECT since FROM field_required_from WHERE field = 'trigger'))
BEGIN SELECT RAISE(ABORT, 'NOT NULL: a behaviour incident needs its trigger'); END;

CREATE TRIGGER intervention_fields_required BEFORE INSERT ON physical_intervention
WHEN (trim(coalesce(NEW.trigger, '')) = ''
      OR trim(coalesce(NEW.intervention_kind, '')) = ''
      OR trim(coalesce(NEW.support_after, '')) = '')
 AND julianday(coalesce((SELECT recorded_at FROM entry WHERE id = NEW.entry_id), 'now'))
     >= julianday((SELECT min(since) FROM field_required_from
                   WHERE field IN ('trigger', 'intervention_kind', 'support_after')))
BEGIN SELECT RAISE(ABORT, 'NOT NULL: a physical intervention needs its trigger, kind and '
    || 'the support offered afterwards'); END;

DROP TRIGGER search_behaviour;
CREATE TRIGGER search_behaviour AFTER INSERT ON behaviour_incident
BEGIN
    UPDATE search_index SET body = concat_ws(char(31), body,
        NEW.location, NEW.activity, NEW.behaviour_type, NEW.bullying_type, NEW.prejudice_type,
        NEW.trigger, NEW.antecedent, NEW.escalation, NEW.description, NEW.action_taken
    ) WHERE rowid = NEW.entry_id;
END;

DROP TRIGGER search_intervention;
CREATE TRIGGER search_intervention AFTER INSERT ON physical_intervention
BEGIN
    UPDATE search_index SET body = concat_ws(char(31), body,
        NEW.location, NEW.staff_involved, NEW.witnesses, NEW.trigger, NEW.cause, NEW.escalation,
        NEW.deescalation, NEW.reason_for_force, NEW.intervention_kind, NEW.restraint_type,
        NEW.restraint_detail, NEW.injuries_pupil, NEW.injuries_staff, NEW.support_after,
        NEW.pupil_account, NEW.parent_informed_by, NEW.parent_informed_how,
        NEW.parent_not_informed_reason, NEW.la_reported_to, NEW.debrief, NEW.review,
        (SELECT group_concat(json_extract(value, '$.note'), ' ') FROM json_each(NEW.body_map)
         WHERE json_extract(value, '$.note') <> '')
    ) WHERE rowid = NEW.entry_id;
END;
