-- safedesk `allegations_head` file, schema 2: corrections of a low-level concern's fields and of
-- an allegation's outcome once recorded, append-only like the rest.

-- @include allegation_corrections.sql
