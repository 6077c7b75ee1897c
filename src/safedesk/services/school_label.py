"""The school's name, kept in plain words beside the encrypted files, so the sign-in window
can say which school it opens without unlocking anything. It is not secret (it is on the
school's gate); it is written at set-up and refreshed at each sign-in (so a restore or a
rename shows), and it is only ever shown, never trusted for anything else."""

from __future__ import annotations

import contextlib
import unicodedata
from typing import TYPE_CHECKING

from safedesk.paths import DataPaths

if TYPE_CHECKING:  # the sign-in window reads this before any crypto module loads
    from safedesk.services.session import Session

FILE_NAME = "school-name.txt"
LONGEST = 200


def _clean(text: str) -> str:
    kept = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    return " ".join(kept.split())[:LONGEST]


def read(paths: DataPaths) -> str | None:
    """The school's name, or None if there is none to show (or it cannot be read)."""
    try:
        raw = (paths.root / FILE_NAME).read_bytes()[: LONGEST * 4]
    except OSError:
        return None
    return _clean(raw.decode("utf-8", errors="replace")) or None


def write(paths: DataPaths, name: str) -> None:
    """Best effort: the name is a courtesy; failing to write it stops nothing."""
    from safedesk.store.keyfile import write_private

    cleaned = _clean(name)
    if cleaned and cleaned != read(paths):
        with contextlib.suppress(OSError):
            write_private(paths.root / FILE_NAME, cleaned.encode("utf-8"))


def refresh(session: Session) -> None:
    """After a sign-in: the name as the school file has it."""
    from safedesk.services.settings import school_name

    write(session.paths, school_name(session))
