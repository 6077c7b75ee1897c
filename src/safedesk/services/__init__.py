"""Use cases: permission checks, validation and auditing around the store. No Qt."""
