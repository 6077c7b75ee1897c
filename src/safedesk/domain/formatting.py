"""How dates, times, counts and record text are written wherever people read them.

One place, so a date reads the same on every screen, in every PDF and in every message.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from safedesk.domain.local_time import shown, to_local

DATE_FORMAT = "%d/%m/%Y"
TIME_FORMAT = "%H:%M"
MOMENT_FORMAT = f"{DATE_FORMAT} {TIME_FORMAT}"


def date_text(day: date | None, missing: str = "") -> str:
    """A calendar date as dd/mm/yyyy."""
    return missing if day is None else day.strftime(DATE_FORMAT)


def moment_text(moment: datetime | None, missing: str = "") -> str:
    """A stored (aware) moment in the school's local time, dd/mm/yyyy HH:MM; in the hour that
    happens twice when the clocks go back, with which one."""
    if moment is None:
        return missing
    if moment.tzinfo is None:
        return moment.strftime(MOMENT_FORMAT)
    return shown(moment)


def time_text(moment: datetime) -> str:
    """The local wall-clock time of a moment, HH:MM."""
    local = to_local(moment) if moment.tzinfo is not None else moment
    return local.strftime(TIME_FORMAT)


def minutes_text(minutes: int) -> str:
    """A length of time as people say it: "1 minute", "25 minutes", "1 hour 5 minutes"."""
    hours, rest = divmod(max(minutes, 0), 60)
    parts = []
    if hours:
        parts.append(counted(hours, "hour"))
    if rest or not hours:
        parts.append(counted(rest, "minute"))
    return " ".join(parts)


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """ "1 record", "3 records", "0 records" - never "record(s)"."""
    word = singular if number == 1 else (plural or f"{singular}s")
    return f"{number:,} {word}"


def rich(text: str) -> str:
    """Record text made safe to show in a rich-text label: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br>")
