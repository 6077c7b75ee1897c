"""School days and working days: weekends, term dates and closures, in the school's local time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

DEFAULT_DAY_START = time(8, 30)
DEFAULT_DAY_END = time(15, 30)


@dataclass(frozen=True)
class Term:
    first_day: date
    last_day: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class SchoolCalendar:
    """With no terms entered every weekday is a school day (safer than none being one)."""

    terms: tuple[Term, ...] = ()
    closures: frozenset[date] = field(default_factory=frozenset)  # INSET days, snow days
    bank_holidays: frozenset[date] = field(default_factory=frozenset)
    day_start: time = DEFAULT_DAY_START

    def is_school_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.closures or day in self.bank_holidays:
            return False
        return not self.terms or any(day in term for term in self.terms)

    def is_working_day(self, day: date) -> bool:
        """Agencies such as children's social care work through school holidays."""
        return day.weekday() < 5 and day not in self.bank_holidays

    def next_school_day(self, after: date) -> date:
        return _next(after, self.is_school_day)

    def next_working_day(self, after: date) -> date:
        return _next(after, self.is_working_day)

    def start_of_next_school_day(self, moment: datetime) -> datetime:
        """The first school-day start strictly after ``moment`` (local, aware)."""
        local = moment.astimezone()
        today_start = _at(local.date(), self.day_start)
        if self.is_school_day(local.date()) and local < today_start:
            return today_start
        return _at(self.next_school_day(local.date()), self.day_start)

    def add_school_days(self, moment: datetime, days: int) -> datetime:
        """The same time of day, ``days`` school days later."""
        local = moment.astimezone()
        day = local.date()
        for _ in range(days):
            day = self.next_school_day(day)
        return _at(day, local.time())

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        local = moment.astimezone()
        day = local.date()
        for _ in range(days):
            day = self.next_working_day(day)
        return _at(day, local.time())


def _next(after: date, accept: object) -> date:
    day = after
    for _ in range(400):  # a year of closures is the longest gap worth looking across
        day += timedelta(days=1)
        if accept(day):  # type: ignore[operator]
            return day
    raise ValueError("no school day within a year: check the term dates")


def _at(day: date, clock: time) -> datetime:
    # Build a naive local time, then let the OS apply that day's offset (GMT or BST).
    return datetime.combine(day, clock).astimezone()


def calendar_from(
    terms: Iterable[tuple[date, date]], closures: Iterable[date], bank_holidays: Iterable[date]
) -> SchoolCalendar:
    return SchoolCalendar(
        tuple(Term(a, b) for a, b in sorted(terms)), frozenset(closures), frozenset(bank_holidays)
    )
