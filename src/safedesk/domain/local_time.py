"""Times typed in the school's local time, and the two hours a year the clocks change.

When the clocks go back, the hour from 01:00 to 02:00 (UK) happens twice: a time typed in it
is ambiguous, and must say which — its offset (01:30+01:00 is the first, BST; 01:30+00:00
the second, GMT), or the word "first" or "second". When the clocks go forward, the hour from
01:00 to 02:00 does not exist: a time in it is refused. Stored times are UTC, so a physical
intervention across the change keeps its real length.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

FIRST, SECOND = "first", "second"
_WHICH = re.compile(r"\s*\(?\s*(first|second)\s*\)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class LocalReading:
    """How a wall-clock time maps to real moments here."""

    first: datetime  # aware, local offset: the earlier reading (before the clocks go back)
    second: datetime  # the later reading; the same as ``first`` on an ordinary day

    @property
    def ambiguous(self) -> bool:
        # By instant: two readings in one zone compare by their wall times, fold ignored.
        instants = self.first.astimezone(UTC) != self.second.astimezone(UTC)
        return instants and self.first.utcoffset() != self.second.utcoffset()

    def offsets_text(self) -> str:
        return f"{_offset(self.first)} (the first) or {_offset(self.second)} (the second)"


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@lru_cache(maxsize=4)
def _zone_named(tz: str | None) -> tzinfo | None:
    """The school's time zone as Python's own rules (zoneinfo), where it can be found: the
    TZ variable, or /etc/localtime. None: ask the C library (Windows)."""
    try:
        if tz:
            return ZoneInfo(tz.lstrip(":"))
        if os.path.exists("/etc/localtime"):
            with open("/etc/localtime", "rb") as rules:
                return ZoneInfo.from_file(rules, key="localtime")
    except (OSError, ValueError):
        return None
    return None


def zone() -> tzinfo | None:
    # Why not datetime.astimezone(): it reads the C library's time zone name, which Qt's own
    # time code (on the UI thread) may free at the same moment by calling tzset(); on a
    # worker thread (a PDF being rendered) that crashed the program.
    return _zone_named(os.environ.get("TZ"))


def to_local(moment: datetime) -> datetime:
    """An aware moment in the school's local time (thread-safe, where zoneinfo knows it)."""
    here = zone()
    return moment.astimezone(here) if here is not None else moment.astimezone()


def read_local(wall: datetime) -> LocalReading | None:
    """``wall`` (naive, local) as real moments; None when the local clock never showed it
    (the hour skipped when the clocks go forward)."""
    readings = []
    here = zone()
    for fold in (0, 1):
        if here is None:
            aware = wall.replace(fold=fold).astimezone()
        else:
            # zoneinfo gives a time the clocks skipped an offset too: the round trip through
            # UTC tells, as the C library's does.
            found = to_local(wall.replace(tzinfo=here, fold=fold).astimezone(UTC))
            offset = found.utcoffset() or timedelta(0)
            # As a fixed offset, as the C library's readings are: they compare by instant.
            aware = found.astimezone(timezone(offset, found.tzname() or _offset(found)))
        if aware.replace(tzinfo=None, fold=0) == wall.replace(fold=0):
            readings.append(aware)
    if not readings:
        return None
    first = min(readings, key=lambda m: m.astimezone(UTC))
    second = max(readings, key=lambda m: m.astimezone(UTC))
    return LocalReading(first, second)


def split_which(text: str) -> tuple[str, str | None]:
    """'2026-10-25T01:30 second' -> ('2026-10-25T01:30', 'second')."""
    found = _WHICH.search(text)
    if found is None:
        return text, None
    return text[: found.start()], found.group(1).lower()


def local_to_utc(wall: datetime, which: str | None = None) -> datetime | str:
    """A naive local time as an aware UTC moment, or the problem in plain English."""
    reading = read_local(wall)
    shown = wall.strftime("%H:%M on %d/%m/%Y")
    if reading is None:
        return (
            f"is not a time the clocks showed: {shown} was skipped when the clocks went "
            "forward; check the time"
        )
    if reading.ambiguous:
        if which == FIRST:
            return reading.first.astimezone(UTC)
        if which == SECOND:
            return reading.second.astimezone(UTC)
        return (
            f"happened twice, because the clocks went back: say which {shown} — the first "
            f"(summer time) or the second (winter time); as text, add {reading.offsets_text()} "
            "or the word first or second"
        )
    return reading.first.astimezone(UTC)


def is_ambiguous(wall: datetime) -> bool:
    reading = read_local(wall)
    return reading is not None and reading.ambiguous


def shown(moment: datetime) -> str:
    """A stored moment as people read it: local, dd/mm/yyyy HH:MM; in the hour that happens
    twice, with which one (BST or GMT), so the two are never read as the same time."""
    local = to_local(moment)
    text = local.strftime("%d/%m/%Y %H:%M")
    if is_ambiguous(local.replace(tzinfo=None)):
        text += f" {local.tzname()}"
    return text
