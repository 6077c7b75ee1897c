"""safedesk: offline, encrypted safeguarding records for small schools."""

__version__ = "0.1.0"
