-- safedesk `safeguarding` file, schema 3: a body map on concerns (canonical JSON list of marks,
-- domain.body_map), optional like the child's own words.

ALTER TABLE concern ADD COLUMN body_map TEXT
    CHECK (body_map IS NULL OR json_type(body_map) = 'array');

-- The marks' notes are found by search, like the rest of the concern's text.
DROP TRIGGER search_concern;
CREATE TRIGGER search_concern AFTER INSERT ON concern
BEGIN
    UPDATE search_index SET body = concat_ws(char(31), body,
        NEW.category, NEW.description, NEW.child_words, NEW.action_taken, NEW.others_told,
        (SELECT group_concat(json_extract(value, '$.note'), ' ') FROM json_each(NEW.body_map)
         WHERE json_extract(value, '$.note') <> '')
    ) WHERE rowid = NEW.entry_id;
END;
