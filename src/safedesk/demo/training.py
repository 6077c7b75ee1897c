"""The demo's training log, recorded and confirmed through the services as a school's would be:
the DSL records each course a day or two after it was taken and each person confirms their own
with their own sign-in a little later. The headteacher's DSL refresher runs out in three weeks
(so it is in the queue); the teacher, the behaviour lead and the office are overdue their
annual safeguarding update (one item in the queue); the teacher has a Prevent course still
waiting for her confirmation (the Training page and its navigation count show it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from safedesk.domain.clock import FixedClock
from safedesk.domain.local_time import to_local
from safedesk.domain.training import add_months
from safedesk.paths import DataPaths
from safedesk.services import training, vault

RECORDER = "dsl"  # the DSL keeps the training log
LA = "Local authority safeguarding team"
UPDATE = "Whole-staff safeguarding update"
BY_THE_DSL = "Mr Tom Hughes (DSL)"


@dataclass(frozen=True)
class Course:
    who: str
    course: str
    taken: date
    provider: str | None = None
    expires: date | None = None
    confirmed: bool = True


def courses(today: date) -> list[Course]:
    """What each demo account took, dated back from ``today``."""
    september = date(today.year if today.month >= 9 else today.year - 1, 9, 2)
    update = min(september, today - timedelta(days=7))
    refresher = add_months(today, -24) + timedelta(days=21)  # runs out in three weeks
    lapsed = add_months(update, -13)  # last year's, a month overdue
    return [
        Course("head", "DSL training", refresher, LA),
        Course("head", UPDATE, update, BY_THE_DSL),
        Course("dsl", "DSL training", add_months(today, -11), LA),
        Course("dsl", UPDATE, update, LA),
        Course("dsl", "Prevent", add_months(today, -20), "Home Office e-learning"),
        Course("teacher", UPDATE, lapsed, BY_THE_DSL),
        Course(
            "teacher",
            "Positive handling / restraint",
            add_months(today, -8),
            "Team Teach (level 2)",
            expires=add_months(today, 28),
        ),
        Course(
            "teacher",
            "Prevent",
            today - timedelta(days=6),
            "Home Office e-learning",
            confirmed=False,
        ),
        Course("behaviour", UPDATE, lapsed, BY_THE_DSL),
        Course(
            "behaviour",
            "Positive handling / restraint",
            add_months(today, -14),
            "Team Teach (advanced)",
            expires=add_months(today, 22),
        ),
        Course(
            "behaviour",
            "Paediatric first aid",
            add_months(today, -5),
            "St John Ambulance",
            expires=add_months(today, 31),
        ),
    ]


def _at(day: date, hour: int, now: datetime) -> datetime:
    return min(datetime.combine(day, time(hour, 15)).astimezone(), now - timedelta(minutes=5))


def add_training(paths: DataPaths, password: str, now: datetime) -> int:
    """Record the demo's training and the confirmations; returns how many entries."""
    today = to_local(now).date()
    planned = courses(today)
    recorder = vault.sign_in(paths, RECORDER, password)
    made: list[tuple[Course, int]] = []
    try:
        for course in sorted(planned, key=lambda c: c.taken):
            recorder.clock = FixedClock(_at(course.taken + timedelta(days=1), 16, now))
            number = training.add_entry(
                recorder,
                {
                    "who": course.who,
                    "course": course.course,
                    "on": course.taken.isoformat(),
                    "provider": course.provider,
                    "expires": course.expires.isoformat() if course.expires else None,
                },
            )
            made.append((course, number))
    finally:
        recorder.lock()
    for who in sorted({c.who for c, _ in made if c.confirmed}):
        session = vault.sign_in(paths, who, password)
        try:
            for course, number in made:
                if course.who == who and course.confirmed:
                    session.clock = FixedClock(_at(course.taken + timedelta(days=3), 9, now))
                    training.confirm(session, number)
        finally:
            session.lock()
    return len(made)
