"""School days and working days: weekends, terms, closures and bank holidays (Europe/London)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from safedesk.domain.calendar import SchoolCalendar, Term, calendar_from

AUTUMN = Term(date(2026, 9, 3), date(2026, 10, 23))  # Thursday to Friday
AFTER_HALF_TERM = Term(date(2026, 11, 2), date(2026, 12, 18))
CALENDAR = SchoolCalendar(
    terms=(AUTUMN, AFTER_HALF_TERM),
    closures=frozenset({date(2026, 11, 27)}),  # an INSET day (a Friday)
    bank_holidays=frozenset({date(2026, 12, 25)}),
)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


def test_the_first_and_last_days_of_term_are_school_days() -> None:
    assert CALENDAR.is_school_day(date(2026, 9, 3))
    assert CALENDAR.is_school_day(date(2026, 10, 23))  # the last day of term
    assert CALENDAR.is_school_day(date(2026, 12, 18))


def test_the_days_either_side_of_a_term_are_not() -> None:
    assert not CALENDAR.is_school_day(date(2026, 9, 2))  # the day before term starts
    assert not CALENDAR.is_school_day(date(2026, 10, 26))  # Monday of half term
    assert not CALENDAR.is_school_day(date(2026, 12, 21))  # first weekday of the holiday


def test_term_holds_its_first_and_last_days_and_nothing_that_is_not_a_date() -> None:
    assert date(2026, 9, 3) in AUTUMN
    assert date(2026, 10, 23) in AUTUMN
    assert date(2026, 10, 24) not in AUTUMN
    assert date(2026, 9, 2) not in AUTUMN
    assert "2026-10-01" not in AUTUMN


def test_weekends_closures_and_bank_holidays_are_not_school_days() -> None:
    assert not CALENDAR.is_school_day(date(2026, 11, 21))  # Saturday
    assert not CALENDAR.is_school_day(date(2026, 11, 22))  # Sunday
    assert not CALENDAR.is_school_day(date(2026, 11, 27))  # INSET day
    no_terms = SchoolCalendar(bank_holidays=frozenset({date(2026, 8, 31)}))
    assert not no_terms.is_school_day(date(2026, 8, 31))  # summer bank holiday
    assert no_terms.is_school_day(date(2026, 9, 1))


def test_without_terms_every_weekday_is_a_school_day() -> None:
    cal = SchoolCalendar()
    assert all(cal.is_school_day(date(2026, 8, d)) for d in (10, 11, 12, 13, 14))
    assert not cal.is_school_day(date(2026, 8, 15))
    assert not cal.is_school_day(date(2026, 8, 16))


def test_working_days_go_on_through_school_holidays_but_not_weekends_or_bank_holidays() -> None:
    assert CALENDAR.is_working_day(date(2026, 10, 26))  # half term
    assert CALENDAR.is_working_day(date(2026, 11, 27))  # a school closure is not the agency's
    assert not CALENDAR.is_working_day(date(2026, 10, 24))  # Saturday
    assert not CALENDAR.is_working_day(date(2026, 10, 25))  # Sunday
    assert not CALENDAR.is_working_day(date(2026, 12, 25))


def test_next_school_day_after_the_last_day_of_term_is_the_first_day_back() -> None:
    assert CALENDAR.next_school_day(date(2026, 10, 23)) == date(2026, 11, 2)
    assert CALENDAR.next_school_day(date(2026, 11, 26)) == date(2026, 11, 30)  # over INSET


def test_next_working_day_skips_the_weekend_only() -> None:
    assert CALENDAR.next_working_day(date(2026, 10, 23)) == date(2026, 10, 26)
    assert CALENDAR.next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)


@pytest.mark.parametrize(
    ("moment", "start"),
    [
        ("2026-11-20T08:29", "2026-11-20T08:30"),  # a minute before school: today
        ("2026-11-20T08:30", "2026-11-23T08:30"),  # at the start exactly: strictly after
        ("2026-11-19T08:30", "2026-11-20T08:30"),
        ("2026-11-21T06:00", "2026-11-23T08:30"),  # early on a Saturday: Monday
        ("2026-10-23T07:00", "2026-10-23T08:30"),  # morning of the last day of term
        ("2026-10-23T16:00", "2026-11-02T08:30"),  # after it: the first day back
    ],
)
def test_start_of_next_school_day(moment: str, start: str) -> None:
    assert CALENDAR.start_of_next_school_day(local(moment)) == local(start)


def test_the_school_day_start_can_be_set() -> None:
    cal = SchoolCalendar(day_start=time(8, 45))
    assert cal.start_of_next_school_day(local("2026-11-20T08:40")) == local("2026-11-20T08:45")


def test_a_moment_in_another_offset_is_read_as_local_time() -> None:
    # 07:45 UTC on 1 June is 08:45 BST: after the 08:30 start, so the next day's start.
    moment = datetime.fromisoformat("2026-06-01T07:45:00+00:00")
    assert SchoolCalendar().start_of_next_school_day(moment) == local("2026-06-02T08:30")


def test_adding_school_days_keeps_the_time_of_day() -> None:
    assert CALENDAR.add_school_days(local("2026-10-22T10:15"), 2) == local("2026-11-02T10:15")
    assert CALENDAR.add_school_days(local("2026-11-24T10:15"), 0) == local("2026-11-24T10:15")


def test_adding_working_days_across_the_clocks_going_back_keeps_wall_clock_time() -> None:
    added = CALENDAR.add_working_days(local("2026-10-23T14:00"), 2)  # Friday, in BST
    assert added == local("2026-10-27T14:00")  # Tuesday, in GMT
    assert added.utcoffset() == timedelta(0)


def test_a_school_day_four_hundred_days_on_is_still_found() -> None:
    far = SchoolCalendar(terms=(Term(date(2027, 2, 5), date(2027, 2, 5)),))  # a Friday
    assert far.next_school_day(date(2026, 1, 1)) == date(2027, 2, 5)  # 400 days later


def test_no_school_day_within_four_hundred_days_is_a_mistake_in_the_term_dates() -> None:
    far = SchoolCalendar(terms=(Term(date(2027, 2, 5), date(2027, 2, 5)),))
    with pytest.raises(ValueError, match=r"^no school day within a year: check the term dates$"):
        far.next_school_day(date(2025, 12, 31))  # 401 days before


def test_a_calendar_from_stored_dates_orders_its_terms() -> None:
    cal = calendar_from(
        [(date(2026, 11, 2), date(2026, 12, 18)), (date(2026, 9, 3), date(2026, 10, 23))],
        [date(2026, 11, 27)],
        [date(2026, 12, 25)],
    )
    assert cal.terms == (AUTUMN, AFTER_HALF_TERM)
    assert cal.closures == frozenset({date(2026, 11, 27)})
    assert cal.bank_holidays == frozenset({date(2026, 12, 25)})
    assert cal == CALENDAR
