-- safedesk `allegations_head` file, schema 1: opened by the chair of governors only (allegations about the headteacher); never by
-- the recovery key. Allegations about staff, low-level concerns, their events; its members
-- and key history; its audit log.

-- @include keys.sql

-- @include allegations.sql

-- @include audit.sql
