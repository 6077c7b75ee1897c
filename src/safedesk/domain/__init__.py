"""Plain data, rules and validation: no Qt, no SQL."""
