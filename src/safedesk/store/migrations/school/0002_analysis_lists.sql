-- safedesk `school` file, schema 2: two more lists the school edits like the others. What
-- set off an incident or intervention (`triggers`), analysed by leaders; and the kinds of
-- restrictive intervention the 2025 guidance names (`intervention_kinds`).

INSERT INTO list_item (list_name, value, label, position) VALUES
    ('triggers', 'transition', 'Transition (between lessons, places or activities)', 1),
    ('triggers', 'unstructured_time', 'Unstructured time (break, lunch)', 2),
    ('triggers', 'task_demand', 'Task demand (work too hard or unwanted)', 3),
    ('triggers', 'peer_conflict', 'Conflict with another pupil', 4),
    ('triggers', 'adult_direction', 'Adult direction or a sanction', 5),
    ('triggers', 'sensory', 'Sensory (noise, crowding, touch)', 6),
    ('triggers', 'hunger_tiredness', 'Hunger or tiredness', 7),
    ('triggers', 'home', 'Something at home', 8),
    ('triggers', 'not_known', 'Not known', 9),
    ('intervention_kinds', 'restraint_contact', 'Restraint with physical contact', 1),
    ('intervention_kinds', 'restraint_no_contact', 'Restraint without contact (blocking)', 2),
    ('intervention_kinds', 'seclusion', 'Seclusion (kept alone, unable to leave)', 3);
