"""Time-to-action: when each kind of item is due, and whether it is on time, due soon or late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from safedesk.domain.calendar import SchoolCalendar
from safedesk.domain.entries import Urgency


class Timeliness(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Targets:
    """Configurable targets; the defaults are the design's."""

    immediate_minutes: int = 60
    urgent_minutes: int = 240
    routine_school_days: int = 1
    referral_chase_working_days: int = 1


def concern_due(
    urgency: Urgency, recorded_at: datetime, targets: Targets, calendar: SchoolCalendar
) -> datetime:
    """When the DSL must have acted on a concern (acknowledged and decided)."""
    if urgency is Urgency.IMMEDIATE:
        return recorded_at + timedelta(minutes=targets.immediate_minutes)
    if urgency is Urgency.URGENT:
        return recorded_at + timedelta(minutes=targets.urgent_minutes)
    return calendar.add_school_days(recorded_at, targets.routine_school_days)


def encompass_due(received_at: datetime, calendar: SchoolCalendar) -> datetime:
    """Operation Encompass: before the start of the next school day."""
    return calendar.start_of_next_school_day(received_at)


def referral_chase_due(made_at: datetime, targets: Targets, calendar: SchoolCalendar) -> datetime:
    return calendar.add_working_days(made_at, targets.referral_chase_working_days)


def timeliness(start: datetime, due: datetime, now: datetime) -> Timeliness:
    """Amber in the last quarter of the time allowed; red once it has passed."""
    if now > due:
        return Timeliness.OVERDUE
    allowed = max(due - start, timedelta(0))
    if now >= due - allowed / 4:
        return Timeliness.DUE_SOON
    return Timeliness.ON_TIME


def escalated(start: datetime, due: datetime, now: datetime) -> bool:
    """Overdue by more than its whole target again: the headteacher is told too."""
    return now > due + max(due - start, timedelta(0))


def describe(due: datetime, now: datetime) -> str:
    """Plain words: 'due in 3 h 20 min', 'overdue by 2 h 10 min', 'due in 2 days'."""
    gap = due - now
    late = gap < timedelta(0)
    words = _span(abs(gap))
    return f"overdue by {words}" if late else f"due in {words}"


def _span(gap: timedelta) -> str:
    minutes = int(gap.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days >= 2:
        return f"{days} days" if hours < 12 or days >= 7 else f"{days} days {hours} h"
    if days == 1:
        return f"1 day {hours} h" if hours else "1 day"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{max(mins, 1)} min" if gap > timedelta(0) else "0 min"
