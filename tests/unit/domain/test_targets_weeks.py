"""Targets' weeks, baseline and line: Monday weeks in local time, holidays shown but never
judged, across a half-term and Christmas."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from safedesk.domain.calendar import SchoolCalendar, calendar_from
from safedesk.domain.errors import ValidationError
from safedesk.domain.targets import (
    Measure,
    NewTarget,
    Scope,
    ScopeKind,
    StoredTarget,
    baseline,
    baseline_weeks,
    local_day,
    progress,
    validate_target,
)

# Autumn term with its half-term (26-30 October), then Christmas (21 December - 1 January).
CALENDAR: SchoolCalendar = calendar_from(
    [
        (date(2026, 9, 2), date(2026, 10, 23)),
        (date(2026, 11, 2), date(2026, 12, 18)),
        (date(2027, 1, 5), date(2027, 2, 12)),
    ],
    [],
    [],
)


def stored(set_on: date, base: float, goal: float, goal_on: date) -> StoredTarget:
    at = datetime(set_on.year, set_on.month, set_on.day, 10, tzinfo=UTC)
    target = NewTarget(Scope(ScopeKind.SCHOOL), Measure.INCIDENTS, None, goal, goal_on, None)
    return StoredTarget(1, 1, target, base, "lead", "Test lead", at, at)


def test_the_baseline_is_six_school_weeks_and_skips_half_term() -> None:
    set_on = date(2026, 11, 11)  # a Wednesday, the week after half-term's return
    weeks = baseline_weeks(set_on, CALENDAR)
    assert weeks == [
        date(2026, 9, 21),
        date(2026, 9, 28),
        date(2026, 10, 5),
        date(2026, 10, 12),
        date(2026, 10, 19),
        date(2026, 11, 2),  # half-term week (26 October) is not one of them
    ]
    days = [date(2026, 9, 22)] * 3 + [date(2026, 10, 27)] * 10 + [date(2026, 11, 3)] * 3
    days += [date(2026, 11, 9)] * 5  # the week it is set in is not before it
    days += [date(2026, 9, 15)] * 7  # the seventh school week back is not counted
    assert baseline(days, set_on, CALENDAR) == 1.0


def test_the_line_moves_over_school_weeks_only_across_christmas() -> None:
    target = stored(date(2026, 12, 8), 4.0, 1.0, date(2027, 1, 22))
    days = [date(2026, 12, 15)] * 3 + [date(2026, 12, 29)] * 9 + [date(2027, 1, 6)] * 2
    found = progress(target, days, CALENDAR, today=date(2027, 1, 13))
    rows = [(w.monday, w.school_week, w.figure, w.line, w.complete) for w in found.weeks]
    assert rows == [
        (date(2026, 12, 7), True, 0, 4.0, True),
        (date(2026, 12, 14), True, 3, 3.25, True),
        (date(2026, 12, 21), False, 0, None, True),  # Christmas: shown, no line
        (date(2026, 12, 28), False, 9, None, True),  # a holiday club's bad week is not judged
        (date(2027, 1, 4), True, 2, 2.5, True),
        (date(2027, 1, 11), True, 0, 1.75, False),  # this week: not over
        (date(2027, 1, 18), True, None, 1.0, False),  # the goal's week, not begun
    ]
    assert [w.on_track for w in found.weeks] == [True, True, None, None, True, None, None]
    assert found.last_complete is not None
    assert found.last_complete.monday == date(2027, 1, 4)
    assert found.on_track is True
    assert found.weeks[1].iso_week == "2026-W51"
    shown = found.to_json()
    assert shown["scope"] == "school"
    assert shown["measure"] == "incidents_per_week"
    assert (shown["baseline"], shown["goal"], shown["goal_on"]) == (4.0, 1.0, "2027-01-22")
    assert shown["on_track"] is True
    assert shown["weeks"][2] == {
        "week": "2026-W52",
        "school_week": False,
        "figure": 0,
        "line": None,
        "complete": True,
        "on_track": None,
    }


def test_in_the_holidays_the_last_school_week_is_what_counts() -> None:
    target = stored(date(2026, 12, 1), 2.0, 0.0, date(2027, 1, 15))
    days = [date(2026, 12, 16)] * 3  # 3 in the week of 14 December: over its line
    found = progress(target, days, CALENDAR, today=date(2027, 1, 2))  # Christmas holidays
    assert found.last_complete is not None
    assert found.last_complete.monday == date(2026, 12, 14)
    assert found.on_track is False
    # A week at its line exactly is on track ("at or under").
    at_line = progress(target, [date(2026, 12, 2)] * 2, CALENDAR, today=date(2026, 12, 7))
    assert at_line.on_track is True


def test_after_the_goal_date_the_line_stays_at_the_goal() -> None:
    target = stored(date(2026, 11, 2), 3.0, 1.0, date(2026, 11, 13))
    found = progress(target, [], CALENDAR, today=date(2026, 12, 2))
    assert [w.line for w in found.weeks] == [3.0, 1.0, 1.0, 1.0, 1.0]


def test_weeks_are_local_and_start_on_monday() -> None:
    # 23:30 on Sunday 28 March 2027 in London is 22:30 UTC (BST): still Sunday, week of 22nd.
    late_sunday = datetime(2027, 3, 28, 22, 30, tzinfo=UTC)
    assert local_day(late_sunday) == date(2027, 3, 28)
    # 23:30 on Sunday 25 October 2026 UTC is 23:30 GMT locally: Sunday as well.
    assert local_day(datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == date(2026, 10, 25)
    # 23:30 UTC on Sunday 27 September 2026 is 00:30 BST on Monday: the next week.
    monday = local_day(datetime(2026, 9, 27, 23, 30, tzinfo=UTC))
    assert monday == date(2026, 9, 28)
    target = stored(date(2026, 9, 21), 1.0, 0.0, date(2026, 10, 9))
    found = progress(target, [monday], CALENDAR, today=date(2026, 10, 1))
    assert [w.figure for w in found.weeks[:2]] == [0, 1]


def validate(**payload: object) -> NewTarget:
    return validate_target(
        payload,
        today=date(2026, 11, 30),
        behaviour_types=["bullying", "verbal_abuse"],
        year_groups=["3", "4"],
        pupils=["A801200005001"],
    )


def test_a_target_as_typed() -> None:
    target = validate(
        scope="year_group",
        year_group="3",
        measure="incidents_of_type_per_week",
        behaviour_type="verbal_abuse",
        goal="1.5",
        goal_on="17/07/2027",
        note="  Lunchtimes first. ",
    )
    assert target == NewTarget(
        Scope(ScopeKind.YEAR_GROUP, "3"),
        Measure.INCIDENTS_OF_TYPE,
        "verbal_abuse",
        1.5,
        date(2027, 7, 17),
        "Lunchtimes first.",
    )
    assert target.scope.text == "year_group:3"
    assert Scope.parse("pupil:A801200005001") == Scope(ScopeKind.PUPIL, "A801200005001")


def test_each_problem_is_named_by_the_label_on_the_form() -> None:
    with pytest.raises(ValidationError) as refused:
        validate(scope="pupil", pupil="A999999999999", measure="incidents_of_type_per_week")
    assert refused.value.problems == {
        "Pupil": "is not on the school's roll: A999999999999",
        "Type of behaviour": "is required for incidents of one type",
        "Goal a week": "is required",
        "Goal date": "is required",
    }
    with pytest.raises(ValidationError) as refused:
        validate(
            scope="year_group", year_group="6", measure="nope", goal="-1", goal_on="30/11/2026"
        )
    assert refused.value.problems == {
        "Year group": "6 has no pupil on roll",
        "Measure": "is not one of the measures",
        "Goal a week": "must be 0 or more",
        "Goal date": "must be after today (30/11/2026)",
    }
    with pytest.raises(ValidationError) as refused:
        validate(measure="bullying_per_week", goal="lots", goal_on=str(date(2040, 1, 1)))
    assert refused.value.problems == {
        "Goal a week": "must be a number, such as 2 or 0.5",
        "Goal date": "must be within 5 years",
    }


def test_a_week_not_over_is_never_judged() -> None:
    target = stored(date(2026, 11, 2), 1.0, 0.0, date(2026, 11, 27))
    found = progress(target, [date(2026, 11, 3)] * 5, CALENDAR, today=date(2026, 11, 4))
    assert found.weeks[0].figure == 5
    assert found.on_track is None
    assert found.weeks[-1].monday == date(2026, 11, 23)
    assert all(w.monday - found.weeks[0].monday < timedelta(days=30) for w in found.weeks)
