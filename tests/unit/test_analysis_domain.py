"""The analysis rules on plain rows (no store): ISO weeks across a year end, months, terms,
what counts as an injury or SEN, pupils the MIS no longer knows, and the JSON contract's keys."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from safedesk.domain.analysis import (
    NOT_RECORDED,
    Filters,
    IncidentRow,
    InterventionRow,
    PupilFacts,
    PupilGroup,
    compute,
    has_sen,
    is_injury,
    term_name,
    week_key,
    week_marks,
)
from safedesk.domain.calendar import SchoolCalendar, Term

ANNA = PupilFacts("A1", "Anna Adams", "3", "3S", sen=True)
BEN = PupilFacts("B2", "Ben Brown", None, None, fsm=True)
PUPILS = {p.upn: p for p in (ANNA, BEN)}


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


def incident(when: str, *pupils: tuple[str, str | None], **values: str | None) -> IncidentRow:
    fields: dict[str, str | None] = {
        "location": "playground",
        "behaviour_type": "disruption",
        "bullying_type": None,
        "prejudice_type": None,
        "severity": "low",
        "trigger": "sensory",
    } | values
    return IncidentRow(moment(when), pupils=tuple(pupils), **fields)


def intervention(start: str, end: str, upn: str = "A1", **values: object) -> InterventionRow:
    fields: dict[str, object] = {
        "trigger": "sensory",
        "intervention_kind": "restraint_contact",
        "restraint_type": "guide",
        "more_holds": None,
        "injuries_pupil": "none",
        "injuries_staff": "none",
        "parent_informed_at": None,
    } | values
    return InterventionRow(moment(start), moment(end), pupils=(upn,), **fields)  # type: ignore[arg-type]


def test_weeks_across_the_year_end_are_iso_weeks_every_one_present() -> None:
    # 2026 has 53 ISO weeks: Friday 1 January 2027 is in 2026-W53.
    rows = [incident("2027-01-01T10:00", ("A1", "instigator"))]
    found = compute(Filters(date(2026, 12, 21), date(2027, 1, 10)), PUPILS, incidents=rows)
    assert found.behaviour is not None
    assert found.behaviour.by_week == {"2026-W52": 0, "2026-W53": 1, "2027-W01": 0}
    assert found.behaviour.by_month == {"2026-12": 0, "2027-01": 1}
    assert week_key(date(2027, 1, 4)) == "2027-W01"
    assert week_key(date(2025, 12, 29)) == "2026-W01"


def test_terms_are_named_by_their_first_day_and_half_terms_share_a_name() -> None:
    assert term_name(date(2026, 9, 2)) == "Autumn 2026"
    assert term_name(date(2027, 1, 5)) == "Spring 2027"
    assert term_name(date(2027, 4, 19)) == "Summer 2027"
    terms = [
        (date(2026, 9, 2), date(2026, 10, 23)),
        (date(2026, 11, 2), date(2026, 12, 18)),
        (date(2027, 1, 5), date(2027, 2, 12)),
    ]
    rows = [
        incident("2026-10-05T10:00", ("A1", "instigator")),
        incident("2026-10-28T10:00", ("A1", "instigator")),  # half term: in no term
        incident("2026-11-03T10:00", ("A1", "instigator")),
    ]
    found = compute(Filters(date(2026, 9, 1), date(2026, 12, 31)), PUPILS, terms, incidents=rows)
    assert found.behaviour is not None
    assert found.behaviour.total == 3
    assert found.behaviour.by_term == {"Autumn 2026": 2}


def test_without_term_dates_the_usual_three_terms_count() -> None:
    rows = [
        incident("2026-12-18T10:00", ("A1", "instigator")),
        incident("2027-01-06T10:00", ("A1", "instigator")),
        incident("2027-04-12T10:00", ("A1", "instigator")),  # Easter holidays, in summer
    ]
    found = compute(Filters(date(2026, 11, 1), date(2027, 4, 30)), PUPILS, incidents=rows)
    assert found.behaviour is not None
    assert found.behaviour.by_term == {"Autumn 2026": 1, "Spring 2027": 1, "Summer 2027": 1}


@pytest.mark.parametrize(
    ("text", "injured"),
    [
        (None, False),
        ("", False),
        ("  None. ", False),
        ("no", False),
        ("NIL", False),
        ("n/a", False),
        ("No injuries.", False),
        ("Graze to the left knee", True),
        ("None visible, but complained of a sore arm", True),
    ],
)
def test_what_counts_as_an_injury(text: str | None, injured: bool) -> None:
    assert is_injury(text) is injured


def test_sen_is_any_mis_code_but_n() -> None:
    assert has_sen("K") and has_sen("E")
    assert not has_sen(None) and not has_sen("N") and not has_sen(" ")


def test_interventions_holds_and_same_day_parents() -> None:
    rows = [
        intervention(
            "2026-11-04T10:00",
            "2026-11-04T10:07",
            more_holds='[{"hold":"guide","minutes":2},{"hold":"seated_hold","minutes":3}]',
            parent_informed_at=moment("2026-11-04T23:30"),
        ),
        intervention(
            "2026-11-05T10:00",
            "2026-11-05T10:20",
            upn="B2",
            parent_informed_at=moment("2026-11-06T00:15"),
        ),
    ]
    found = compute(Filters(date(2026, 11, 2), date(2026, 11, 8)), PUPILS, interventions=rows)
    i = found.interventions
    assert i is not None
    assert i.by_hold == {"guide": 3, "seated_hold": 1}  # each use counts
    assert (i.minutes_total, i.minutes_median) == (27, 13.5)
    assert i.parent_informed_same_day == 1
    assert (i.pupils, i.pupils_with_sen) == (2, 1)


def test_no_records_gives_zeros_and_no_median() -> None:
    found = compute(
        Filters(date(2026, 11, 2), date(2026, 11, 8)), PUPILS, incidents=[], interventions=[]
    )
    assert found.interventions is not None and found.behaviour is not None
    assert found.interventions.minutes_median is None
    assert found.behaviour.total == 0
    assert set(found.behaviour.by_hour) == {str(h) for h in range(24)}
    assert found.concerns is None


def test_year_groups_count_instigators_and_unknown_year_groups_are_not_recorded() -> None:
    rows = [
        incident("2026-11-03T10:00", ("A1", "instigator"), ("B2", "instigator")),
        incident("2026-11-04T10:00", ("A1", "target"), ("B2", "witness")),  # no instigator
        incident("2026-11-05T10:00", ("A1", "instigator"), ("B2", "target")),
    ]
    found = compute(Filters(date(2026, 11, 2), date(2026, 11, 8)), PUPILS, incidents=rows)
    assert found.behaviour is not None
    assert found.behaviour.by_year_group == {"3": 3, NOT_RECORDED: 2}
    assert found.behaviour.by_class == {"3S": 3, NOT_RECORDED: 2}


def test_a_pupil_the_school_file_does_not_know_matches_no_filter() -> None:
    rows = [incident("2026-11-03T10:00", ("Z9", "instigator"))]
    everyone = compute(Filters(date(2026, 11, 2), date(2026, 11, 8)), PUPILS, incidents=rows)
    sen = compute(
        Filters(date(2026, 11, 2), date(2026, 11, 8), group=PupilGroup.SEN), PUPILS, incidents=rows
    )
    assert everyone.behaviour is not None and sen.behaviour is not None
    assert (everyone.behaviour.total, sen.behaviour.total) == (1, 0)


def test_the_json_contract_keys() -> None:
    found = compute(
        Filters(date(2026, 11, 2), date(2026, 11, 8)),
        PUPILS,
        incidents=[],
        interventions=[],
        concerns=[],
    ).to_json()
    assert set(found) == {"behaviour", "bullying", "interventions", "concerns"}
    assert {
        "total",
        "by_type",
        "by_location",
        "by_trigger",
        "by_weekday",
        "by_hour",
        "by_year_group",
        "by_week",
    } <= set(found["behaviour"])
    assert set(found["bullying"]) == {"total", "by_type", "by_prejudice"}
    assert {
        "total",
        "pupils",
        "minutes_total",
        "by_hold",
        "with_injury_pupil",
        "with_injury_staff",
        "parent_informed_same_day",
    } <= set(found["interventions"])
    assert {"total", "by_category", "by_urgency"} <= set(found["concerns"])
    assert list(found["behaviour"]["by_weekday"]) == [str(d) for d in range(1, 8)]
    assert list(found["behaviour"]["by_hour"]) == [str(h) for h in range(24)]


@pytest.mark.parametrize(
    ("first", "last", "base", "words"),
    [
        # A term: the same dates a year earlier, not the summer holiday just before it.
        ("2026-09-01", "2026-12-18", ("2025-09-01", "2025-12-18"), "the same dates last year"),
        # 29 February gives the 28th.
        ("2028-02-29", "2028-03-06", ("2027-02-28", "2027-03-06"), "the same dates last year"),
        # A whole year: the year just before, to the day before the range (29 Feb included).
        ("2024-03-01", "2025-02-28", ("2023-03-01", "2024-02-29"), "the same dates last year"),
        # Longer than a year: the same number of days just before.
        ("2025-01-01", "2026-02-04", ("2023-11-28", "2024-12-31"), "the 400 days before"),
    ],
)
def test_the_trend_is_against_the_same_dates_last_year(
    first: str, last: str, base: tuple[str, str], words: str
) -> None:
    filters = Filters(date.fromisoformat(first), date.fromisoformat(last))
    assert (filters.previous_first_day.isoformat(), filters.previous_last_day.isoformat()) == base
    assert filters.previous_words == words


def test_the_trend_counts_the_same_dates_last_year_not_the_days_before() -> None:
    rows = [
        incident("2026-09-10T10:00", ("A1", "instigator")),
        incident("2025-09-10T10:00", ("A1", "instigator")),  # the same dates last year
        incident("2025-12-18T15:00", ("A1", "instigator")),  # their last day
        incident("2026-08-20T10:00", ("A1", "instigator")),  # the summer holiday just before
    ]
    found = compute(Filters(date(2026, 9, 1), date(2026, 12, 18)), PUPILS, incidents=rows)
    assert found.behaviour is not None
    assert (found.behaviour.total, found.behaviour.previous_total) == (1, 2)
    shown = found.to_json()["behaviour"]
    assert (shown["previous_first_day"], shown["previous_last_day"]) == (
        "2025-09-01",
        "2025-12-18",
    )


def test_holiday_and_part_weeks_are_marked() -> None:
    """Autumn half-term (26 to 30 October 2026) has no school day; the range starts on a
    Wednesday and today is Tuesday 10 November: those weeks are not whole."""
    calendar = SchoolCalendar(
        terms=(
            Term(date(2026, 9, 2), date(2026, 10, 23)),
            Term(date(2026, 11, 2), date(2026, 12, 18)),
        )
    )
    rows = [incident("2026-10-21T10:00", ("A1", "instigator"))]
    found = compute(
        Filters(date(2026, 10, 14), date(2026, 11, 15)),
        PUPILS,
        incidents=rows,
        interventions=[],
        calendar=calendar,
        today=date(2026, 11, 10),
    )
    assert found.behaviour is not None and found.interventions is not None
    assert list(found.behaviour.by_week) == [
        "2026-W42",
        "2026-W43",
        "2026-W44",
        "2026-W45",
        "2026-W46",
    ]
    assert found.behaviour.holiday_weeks == ["2026-W44"]
    assert found.behaviour.part_weeks == ["2026-W42", "2026-W46"]
    assert found.interventions.holiday_weeks == ["2026-W44"]
    assert found.interventions.part_weeks == ["2026-W42", "2026-W46"]
    shown = found.to_json()["behaviour"]
    assert (shown["holiday_weeks"], shown["part_weeks"]) == (["2026-W44"], ["2026-W42", "2026-W46"])


def test_without_term_dates_only_bank_holidays_and_weekends_make_a_holiday() -> None:
    christmas = frozenset({date(2026, 12, 25), date(2026, 12, 28)})
    calendar = SchoolCalendar(
        closures=frozenset({date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)}),
        bank_holidays=christmas | {date(2027, 1, 1)},
    )
    marks = week_marks(date(2026, 12, 14), date(2027, 1, 10), calendar)
    assert marks.holiday == ["2026-W53"]  # 28 December to 1 January: nothing open
    assert marks.part == []  # the week of Christmas Day still has four school days, all in
