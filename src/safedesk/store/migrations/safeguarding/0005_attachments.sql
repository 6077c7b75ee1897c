-- safedesk `safeguarding` file, schema 5: attachments on concerns.
-- A record's attachments: scanned handwritten notes, letters, photographs of a body map. The
-- file's bytes are kept here, encrypted with the rest of this file (never in `school`), with
-- what they are told by (their first bytes, not their name), their size and SHA-256, the
-- description and original file name, who added them and when. Append-only like the records:
-- an attachment added in error stays, and a corrected one is added beside it.

-- @include attachments.sql
