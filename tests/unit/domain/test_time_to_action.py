"""Due times across weekends, term dates and closures; amber and red; plain-word durations."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from safedesk.domain.calendar import SchoolCalendar, Term
from safedesk.domain.entries import Urgency
from safedesk.domain.time_to_action import (
    Targets,
    Timeliness,
    concern_due,
    describe,
    encompass_due,
    escalated,
    referral_chase_due,
    timeliness,
)

AUTUMN = Term(date(2026, 9, 3), date(2026, 10, 23))
SPRING = Term(date(2026, 11, 2), date(2026, 12, 18))
CALENDAR = SchoolCalendar(terms=(AUTUMN, SPRING), closures=frozenset({date(2026, 11, 27)}))


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


@pytest.mark.parametrize(
    ("urgency", "recorded", "due"),
    [
        (Urgency.IMMEDIATE, "2026-11-20T15:10", "2026-11-20T16:10"),
        (Urgency.URGENT, "2026-11-20T15:10", "2026-11-20T19:10"),
        # Friday to Monday: weekends are not school days.
        (Urgency.ROUTINE, "2026-11-20T15:10", "2026-11-23T15:10"),
        # Thursday 26th: Friday 27th is an INSET day, so Monday.
        (Urgency.ROUTINE, "2026-11-26T10:00", "2026-11-30T10:00"),
        # Last day of autumn term to first day back after half term.
        (Urgency.ROUTINE, "2026-10-23T09:00", "2026-11-02T09:00"),
    ],
)
def test_concern_due(urgency: Urgency, recorded: str, due: str) -> None:
    assert concern_due(urgency, local(recorded), Targets(), CALENDAR) == local(due)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-11-19T22:40", "2026-11-20T08:30"),  # overnight: before school tomorrow
        ("2026-11-20T06:15", "2026-11-20T08:30"),  # early morning: before school today
        ("2026-11-20T10:00", "2026-11-23T08:30"),  # Friday in school time: Monday
        ("2026-11-21T02:00", "2026-11-23T08:30"),  # Saturday night: Monday
        ("2026-11-26T19:00", "2026-11-30T08:30"),  # Thursday night before an INSET day
        ("2026-10-24T01:00", "2026-11-02T08:30"),  # half term
    ],
)
def test_encompass_due_before_next_school_day(received: str, due: str) -> None:
    assert encompass_due(local(received), CALENDAR) == local(due)


def test_referral_chase_counts_working_days_through_holidays() -> None:
    made = local("2026-10-23T14:00")  # last day of term, a Friday
    assert referral_chase_due(made, Targets(), CALENDAR) == local("2026-10-26T14:00")


def test_clock_change_keeps_local_time() -> None:
    # BST ends on 25 October 2026: the next school day keeps its wall-clock time.
    cal = SchoolCalendar()
    due = cal.add_school_days(local("2026-10-23T09:00"), 1)
    assert due == local("2026-10-26T09:00")
    assert due.utcoffset() == timedelta(0)


def test_no_terms_means_every_weekday() -> None:
    cal = SchoolCalendar()
    assert cal.is_school_day(date(2026, 8, 12))
    assert not cal.is_school_day(date(2026, 8, 15))


def test_amber_in_the_last_quarter_red_when_late() -> None:
    start = local("2026-11-20T09:00")
    due = start + timedelta(hours=4)
    assert timeliness(start, due, start + timedelta(hours=2, minutes=59)) is Timeliness.ON_TIME
    assert timeliness(start, due, start + timedelta(hours=3)) is Timeliness.DUE_SOON
    assert timeliness(start, due, due) is Timeliness.DUE_SOON
    assert timeliness(start, due, due + timedelta(seconds=1)) is Timeliness.OVERDUE
    assert not escalated(start, due, due + timedelta(hours=4))
    assert escalated(start, due, due + timedelta(hours=4, minutes=1))


@pytest.mark.parametrize(
    ("gap", "words"),
    [
        (timedelta(hours=-2, minutes=-10), "overdue by 2 h 10 min"),
        (timedelta(minutes=45), "due in 45 min"),
        (timedelta(hours=3), "due in 3 h"),
        (timedelta(days=1, hours=2), "due in 1 day 2 h"),
        (timedelta(days=3, hours=1), "due in 3 days"),
        (timedelta(seconds=20), "due in 1 min"),
    ],
)
def test_describe(gap: timedelta, words: str) -> None:
    now = local("2026-11-20T09:00")
    assert describe(now + gap, now) == words
