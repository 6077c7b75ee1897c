"""Files the program writes are readable by their owner only.

On POSIX the process's umask is narrowed at start, so every file and folder the program (or
SQLite, for its WAL and shared-memory files) creates is 0600 / 0700, whatever the login's
default. On Windows files inherit the data folder's ACL, which the installer sets.
"""

from __future__ import annotations

import os

OWNER_ONLY = 0o077


def restrict_new_files() -> None:
    """Call first thing in every entry point (the app, safedesk-admin)."""
    if os.name == "posix":
        os.umask(OWNER_ONLY)
