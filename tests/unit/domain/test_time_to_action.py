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


@pytest.mark.parametrize(
    ("made", "chase"),
    [
        # A Friday in term: one working day on is Monday, the weekend skipped.
        ("2026-11-20T16:45", "2026-11-23T16:45"),
        # A Friday in the Christmas holiday: agencies work through school holidays.
        ("2026-12-18T11:00", "2026-12-21T11:00"),
        # A Friday before a bank holiday Monday: Tuesday.
        ("2027-04-30T10:00", "2027-05-04T10:00"),
        # A Saturday (made out of hours): still Monday.
        ("2026-11-21T09:00", "2026-11-23T09:00"),
    ],
)
def test_a_referral_chase_started_on_a_friday_skips_the_weekend(made: str, chase: str) -> None:
    calendar = SchoolCalendar(
        terms=CALENDAR.terms,
        closures=CALENDAR.closures,
        bank_holidays=frozenset({date(2027, 5, 3)}),
    )
    assert referral_chase_due(local(made), Targets(), calendar) == local(chase)


def test_a_longer_referral_chase_counts_working_days_not_school_days() -> None:
    # Friday 27 November is an INSET day for the school but a working day for social care.
    made = local("2026-11-26T10:00")
    due = referral_chase_due(made, Targets(referral_chase_working_days=2), CALENDAR)
    assert due == local("2026-11-30T10:00")


def test_targets_change_what_is_due() -> None:
    recorded = local("2026-11-24T09:00")
    targets = Targets(immediate_minutes=30, urgent_minutes=120, routine_school_days=2)
    assert concern_due(Urgency.IMMEDIATE, recorded, targets, CALENDAR) == local("2026-11-24T09:30")
    assert concern_due(Urgency.URGENT, recorded, targets, CALENDAR) == local("2026-11-24T11:00")
    assert concern_due(Urgency.ROUTINE, recorded, targets, CALENDAR) == local("2026-11-26T09:00")


def test_the_design_default_targets() -> None:
    targets = Targets()
    assert targets.immediate_minutes == 60
    assert targets.urgent_minutes == 240
    assert targets.routine_school_days == 1
    assert targets.referral_chase_working_days == 1


def test_amber_is_exactly_the_last_quarter() -> None:
    start = local("2026-11-24T09:00")
    due = start + timedelta(minutes=60)
    assert timeliness(start, due, start + timedelta(minutes=44, seconds=59)) is Timeliness.ON_TIME
    assert timeliness(start, due, start + timedelta(minutes=45)) is Timeliness.DUE_SOON


def test_an_item_due_before_it_started_has_no_amber_time() -> None:
    # A referral whose agency gave a decision date earlier than the referral itself.
    start = local("2026-11-24T09:00")
    due = start - timedelta(hours=1)
    assert timeliness(start, due, due - timedelta(seconds=1)) is Timeliness.ON_TIME
    assert timeliness(start, due, due) is Timeliness.DUE_SOON
    assert timeliness(start, due, start) is Timeliness.OVERDUE
    # Escalated as soon as it is late at all: it has no time allowed to wait again.
    assert not escalated(start, due, due)
    assert escalated(start, due, due + timedelta(seconds=1))
