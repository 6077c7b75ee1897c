"""A pupil's safeguarding status (child protection plan, child in need…), set by the DSL with
dates, and the SEN and looked-after flags the school's MIS sends, shown alongside.

Each status is a period: a row starts it on a date and a later row ends it on a date; nothing
is changed or removed. What the MIS says is read-only here (it changes with each import).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.people import PupilDetails
from safedesk.domain.text import is_blank, text_problem

# The labels the form shows: every message names a field by one of these.
STATUS_FIELD = "Status"
STARTS_FIELD = "Starts on"
ENDS_FIELD = "Ends on"
NOTE_FIELD = "Note"
NOTE_LIMIT = 2000


class StatusKind(StrEnum):
    CHILD_PROTECTION_PLAN = "child_protection_plan"
    CHILD_IN_NEED = "child_in_need"
    EARLY_HELP = "early_help"
    LOOKED_AFTER = "looked_after"
    PREVIOUSLY_LOOKED_AFTER = "previously_looked_after"
    YOUNG_CARER = "young_carer"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    StatusKind.CHILD_PROTECTION_PLAN: "Child protection plan",
    StatusKind.CHILD_IN_NEED: "Child in need",
    StatusKind.EARLY_HELP: "Early help",
    StatusKind.LOOKED_AFTER: "Looked after",
    StatusKind.PREVIOUSLY_LOOKED_AFTER: "Previously looked after",
    StatusKind.YOUNG_CARER: "Young carer",
}


@dataclass(frozen=True)
class StatusPeriod:
    """One status from the day it started to the day it ended (None: it still holds)."""

    id: int  # the row that started it
    upn: str
    kind: StatusKind
    started_on: date
    started_by: str  # display name
    started_recorded_at: datetime
    note: str | None = None
    ended_on: date | None = None
    ended_by: str | None = None
    ended_recorded_at: datetime | None = None
    end_note: str | None = None

    @property
    def current(self) -> bool:
        return self.ended_on is None

    def text(self) -> str:
        """ "Child protection plan since 03/02/2026", or "… from 01/01/2025 to 01/06/2025"."""
        if self.ended_on is None:
            return f"{self.kind.label} since {date_text(self.started_on)}"
        return f"{self.kind.label} from {date_text(self.started_on)} to {date_text(self.ended_on)}"


def current(periods: Iterable[StatusPeriod]) -> list[StatusPeriod]:
    return [p for p in periods if p.current]


def statuses_line(periods: Iterable[StatusPeriod], missing: str = "none recorded") -> str:
    """The statuses that hold now, then those that ended, as one line."""
    found = list(periods)
    now = [p.text() for p in found if p.current]
    ended = [p.text() for p in found if not p.current]
    parts = now + ([f"ended: {'; '.join(ended)}"] if ended else [])
    return "; ".join(parts) or missing


# The MIS's SEN provision codes (the DfE's): K is SEN support, E an EHC plan.
_SEN = {"K": "SEN support", "E": "EHCP"}


def mis_flags(details: PupilDetails) -> list[str]:
    """What the school's MIS says, as people name it (read-only: it comes with each import)."""
    found = []
    if details.sen:
        found.append(_SEN.get(details.sen.upper(), f"SEN: {details.sen}"))
    if details.cla:
        found.append("Looked after (CLA)")
    if details.fsm:
        found.append("Free school meals / PP")
    if details.eal:
        found.append("EAL")
    return found


def check_start(kind: object, on_day: object, today: date, note: object = None) -> StatusKind:
    """The status to start, or ValidationError naming each field as the form labels it."""
    problems: dict[str, str] = {}
    chosen = _kind(kind, problems)
    _day(on_day, today, STARTS_FIELD, problems)
    _note(note, problems)
    if problems:
        raise ValidationError(problems)
    assert chosen is not None
    return chosen


def check_end(period: StatusPeriod, on_day: object, today: date, note: object = None) -> None:
    problems: dict[str, str] = {}
    day = _day(on_day, today, ENDS_FIELD, problems)
    if not period.current:
        problems[STATUS_FIELD] = (
            f"{period.kind.label} already ended on {date_text(period.ended_on)}"
        )
    elif day is not None and day < period.started_on:
        problems[ENDS_FIELD] = (
            f"must be on or after the day it started ({date_text(period.started_on)})"
        )
    _note(note, problems)
    if problems:
        raise ValidationError(problems)


def _kind(kind: object, problems: dict[str, str]) -> StatusKind | None:
    if isinstance(kind, StatusKind):
        return kind
    try:
        return StatusKind(str(kind or ""))
    except ValueError:
        problems[STATUS_FIELD] = "choose one: " + ", ".join(k.label for k in StatusKind)
        return None


def _day(value: object, today: date, label: str, problems: dict[str, str]) -> date | None:
    if value is None or value == "":
        problems[label] = "is required"
        return None
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        problems[label] = "must be a date (dd/mm/yyyy)"
        return None
    if isinstance(day, datetime):
        day = day.date()
    if day > today:
        problems[label] = f"cannot be in the future (today is {date_text(today)})"
        return None
    return day


def _note(note: object, problems: dict[str, str]) -> None:
    if note is not None and (problem := text_problem(note, limit=NOTE_LIMIT)):
        problems[NOTE_FIELD] = problem


def clean_note(note: object) -> str | None:
    """A note as stored: None when blank."""
    return None if is_blank(note) else str(note).strip()
