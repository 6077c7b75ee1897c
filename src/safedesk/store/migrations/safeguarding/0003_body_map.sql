-- safedesk `safeguarding` file, schema 3: a body map on concerns (canonical JSON list of marks,
-- domain.body_map), optional like the child's own words.

ALTER TABLE concern ADD COLUMN body_map TEXT
    CHECK (body_map IS NULL OR json_type(body_map) = 'array');
