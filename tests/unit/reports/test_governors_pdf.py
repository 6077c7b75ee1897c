"""The governors' report is anonymised: its whole text holds no pupil's name, UPN or date of
birth in any format, no staff name from the records and no word of their free text; small
numbers by pupil group are "fewer than 3"."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from itertools import product
from pathlib import Path

import pytest

from safedesk.domain.analysis import (
    Analysis,
    BehaviourFigures,
    Filters,
    InterventionFigures,
    PupilGroup,
    RepeatPupil,
)
from safedesk.domain.roles import Role
from safedesk.reports import suppression
from safedesk.reports.governors_pdf import governors_content, render_governors
from safedesk.reports.inspection_pdf import Cover
from safedesk.services import leader_reports
from safedesk.services.session import Session
from tests.unit.services.test_leader_reports import (
    FIRST,
    FREE_TEXT_WORDS,
    LAST,
    PUPILS,
    STAFF_ON_RECORDS,
    LeadersSchool,
    build_leaders_school,
    pdf_text,
)


@pytest.fixture
def leaders(head_session: Session, session_as: Callable[[Role], Session]) -> LeadersSchool:
    return build_leaders_school(head_session, session_as(Role.DSL))


def _birth_formats(born: date) -> list[str]:
    return [
        born.strftime("%d/%m/%Y"),
        born.isoformat(),
        f"{born.day} {born.strftime('%B %Y')}",
        born.strftime("%d %B %Y"),
        born.strftime("%d/%m/%y"),
        born.strftime("%d.%m.%Y"),
        f"{born.day}/{born.month}/{born.year}",
    ]


def _forbidden() -> list[str]:
    words: list[str] = []
    for upn, surname, forename, preferred, born, *_ in PUPILS:
        words += [upn, surname, forename, *_birth_formats(born)]
        words += surname.replace("-", " ").split() + forename.split()
        if preferred:
            words.append(preferred)
    words += FREE_TEXT_WORDS + STAFF_ON_RECORDS
    words += [name.split()[-1] for name in STAFF_ON_RECORDS]
    # Short particles of names ("Ní") are words of English too: search the distinctive ones.
    return [w for w in dict.fromkeys(words) if len(w) >= 4]


def test_the_governors_report_names_no_pupil_and_quotes_no_record(
    leaders: LeadersSchool, tmp_path: Path
) -> None:
    target = tmp_path / "governors.pdf"
    result = leader_reports.write_governors_report(leaders.head, FIRST, LAST, target)
    data = target.read_bytes()
    text = pdf_text(data)
    squeezed = re.sub(r"\s+", "", text)  # a name broken over two lines is found too
    assert f"Page 1 of {result.pages}" in text
    assert "Governors' report" in text and "01/11/2026 to 30/11/2026" in text
    found = [
        w
        for w in _forbidden()
        if w.casefold() in text.casefold()
        or re.sub(r"\s+", "", w).casefold() in squeezed.casefold()
    ]
    assert found == []
    # Nor the referral's reference, nor any record's reference.
    assert not re.search(r"\b(C|B|PI)-2026-\d{4}\b", text)
    # The figures are there: 8 incidents, 3 interventions, and how small numbers are shown.
    assert "Incidents recorded 8" in text
    assert "Physical interventions 3" in text
    assert "Pupils held fewer than 3" in text
    assert "How small numbers are shown" in text
    assert "Training and policy sign-off" in text
    assert "Whole-staff safeguarding update in date" in text
    assert "No policy has been published in safedesk." in text


def test_a_behaviour_lead_is_refused_in_plain_words(
    session_as: Callable[[Role], Session], tmp_path: Path
) -> None:
    from safedesk.domain.errors import PermissionDenied

    lead = session_as(Role.BEHAVIOUR_LEAD)
    with pytest.raises(PermissionDenied) as caught:
        leader_reports.write_governors_report(lead, FIRST, LAST, tmp_path / "g.pdf")
    assert "governors' report" in str(caught.value)
    assert "Behaviour lead" in str(caught.value)


def _cover() -> Cover:
    at = datetime.fromisoformat("2026-12-18T15:00").astimezone()
    return Cover("Little School", date(2026, 9, 1), date(2026, 12, 18), "Ms Head", at)


def test_small_groups_are_fewer_than_3_and_one_hidden_cell_hides_another() -> None:
    """One pupil's records in Year 2 of a small school: the year-group table and the pupil
    counts must not let anyone work out which child."""
    behaviour = BehaviourFigures(
        total=14,
        previous_total=9,
        by_type={"verbal_abuse": 14},
        by_year_group={"2": 1, "4": 6, "5": 7},
        repeat_pupils=[RepeatPupil("X", "Named Child", "5", 4)],
    )
    interventions = InterventionFigures(total=4, pupils=2, pupils_with_sen=1)
    whole = Analysis(
        Filters(date(2026, 9, 1), date(2026, 12, 18)),
        behaviour=behaviour,
        interventions=interventions,
        labels={"behaviour_types": {"verbal_abuse": "Verbal abuse"}},
    )
    groups = {
        g: Analysis(whole.filters, behaviour=BehaviourFigures(total=n))
        for g, n in zip(PupilGroup, (5, 2, 0), strict=True)
    }
    report = governors_content(_cover(), whole, groups, ["1", "2", "3", "4", "5", "6"], ())
    parts = {p.title: p for p in report.parts}
    years = next(t for t in parts["Behaviour"].tables if t.title == "Incidents by year group")
    assert dict(years.rows) == {
        "Year 1": "fewer than 3",
        "Year 2": "fewer than 3",
        "Year 3": "fewer than 3",
        "Year 4": "6",
        "Year 5": "7",
        "Year 6": "fewer than 3",
    }
    assert years.chart is None  # never drawn
    figures = dict(parts["Behaviour"].figures)
    assert figures["Pupils with 3 or more incidents"] == "fewer than 3"
    held = dict(parts["Physical interventions"].figures)
    assert held["Pupils held"] == "fewer than 3"
    assert held["Of them, pupils with SEN or an EHCP"] == "not shown"
    (incidents, *_) = parts["Pupil groups"].tables
    assert dict(incidents.rows) == {
        "Pupils with SEN": "5",
        "Pupil premium / free school meals": "fewer than 3",
        "Looked-after children": "fewer than 3",
    }
    text = pdf_text(render_governors(report))
    assert "Named Child" not in text and "fewer than 3" in text


def test_the_suppression_rules() -> None:
    assert suppression.breakdown({"a": 2, "b": 5, "c": 7}) == {
        "a": "fewer than 3",
        "b": "not shown",
        "c": "7",
    }
    assert suppression.breakdown({"a": 1, "b": 1, "c": 9}) == {
        "a": "fewer than 3",
        "b": "fewer than 3",
        "c": "9",
    }
    assert suppression.breakdown({"a": 4, "b": 5}) == {"a": "4", "b": "5"}
    assert suppression.pupils(0) == "0" and suppression.pupils(2) == "fewer than 3"
    assert suppression.part_of(5, 4) == "not shown"  # the 1 without would be known
    assert suppression.part_of(5, 1) == "not shown"
    assert suppression.part_of(8, 4) == "4"


def test_the_testers_year_groups_cannot_be_worked_out() -> None:
    """Incidents 7; Year 3: 3; Years 5 and 6 "fewer than 3": 7 - 3 = 4 made each exactly 2."""
    shown = suppression.breakdown({"Year 3": 3, "Year 5": 2, "Year 6": 2})
    assert shown == {"Year 3": "not shown", "Year 5": "fewer than 3", "Year 6": "fewer than 3"}
    every_two = suppression.breakdown({"Year 5": 2, "Year 6": 2})
    assert every_two == {"Year 5": "not shown", "Year 6": "not shown"}


def _consistent(printed: dict[str, str], total: int) -> dict[str, set[int]]:
    """What a reader who knows the rules and the total can tell of each hidden cell, worked
    out by trying every assignment (not the module's own reckoning)."""
    exact = {k: int(v) for k, v in printed.items() if v.isdigit()}
    hidden = [k for k in printed if k not in exact]
    withheld = not exact and all(v == suppression.NOT_SHOWN for v in printed.values())
    top = min(exact.values(), default=total)

    def values(key: str) -> range:
        if withheld:
            return range(total + 1)
        return range(3) if printed[key] == suppression.FEWER else range(3, top + 1)

    found: dict[str, set[int]] = {k: set() for k in hidden}
    for choice in product(*(values(k) for k in hidden)):
        if sum(choice) + sum(exact.values()) == total:
            for key, value in zip(hidden, choice, strict=True):
                found[key].add(value)
    return found


def test_no_hidden_cell_of_any_small_breakdown_can_be_worked_out() -> None:
    """Every breakdown of 1 to 4 groups with counts 0 to 6 (and a sample of 5): each hidden
    cell could be at least two values, its own among them."""
    cases = [c for n in range(1, 5) for c in product(range(7), repeat=n)]
    cases += [c for c in product(range(7), repeat=5) if sum(c) % 7 == 0]
    for counts in cases:
        given = {f"Year {n}": count for n, count in enumerate(counts, 1)}
        printed = suppression.breakdown(given)
        for key, could_be in _consistent(printed, sum(counts)).items():
            assert given[key] in could_be and len(could_be) >= 2, (given, printed, key)


def test_one_rule_for_the_same_figure_everywhere() -> None:
    """No pupil with SEN was held: page 3 printed 0 where the pupil groups' table hid it."""
    interventions = InterventionFigures(total=6, pupils=4, pupils_with_sen=0)
    whole = Analysis(Filters(date(2026, 9, 1), date(2026, 12, 18)), interventions=interventions)
    groups = {
        g: Analysis(whole.filters, interventions=InterventionFigures(total=n))
        for g, n in zip(PupilGroup, (0, 5, 0), strict=True)
    }
    report = governors_content(_cover(), whole, groups, [], ())
    parts = {p.title: p for p in report.parts}
    held = dict(parts["Physical interventions"].figures)
    assert held["Of them, pupils with SEN or an EHCP"] == "not shown"
    by_group = next(t for t in parts["Pupil groups"].tables if t.title.startswith("Interv"))
    assert dict(by_group.rows)["Pupils with SEN"] == "fewer than 3"
    none = Analysis(whole.filters, interventions=InterventionFigures())
    empty = governors_content(_cover(), none, dict.fromkeys(PupilGroup, none), [], ())
    parts = {p.title: p for p in empty.parts}
    assert (
        dict(parts["Physical interventions"].figures)["Of them, pupils with SEN or an EHCP"] == "0"
    )
    by_group = next(t for t in parts["Pupil groups"].tables if t.title.startswith("Interv"))
    assert set(dict(by_group.rows).values()) == {"0"}


def test_the_trend_is_against_the_same_dates_last_year() -> None:
    behaviour = BehaviourFigures(total=12, previous_total=35)
    whole = Analysis(Filters(date(2026, 9, 1), date(2026, 12, 18)), behaviour=behaviour)
    report = governors_content(_cover(), whole, {}, [], ())
    figures = dict(report.parts[0].figures)
    assert figures["Incidents recorded"] == "12: down from 35 incidents in the same dates last year"


def test_each_chart_draws_the_figures_of_its_table(leaders: LeadersSchool) -> None:
    report = leader_reports.governors_report(leaders.head, FIRST, LAST)
    drawn = [t for p in report.parts for t in p.tables if t.chart is not None]
    assert {t.title for t in drawn} >= {"Incidents week by week", "Interventions week by week"}
    for table in drawn:
        assert table.chart is not None
        assert [(label, f"{n:,}") for label, n in table.chart] == list(table.rows)
    suppressed = [t for p in report.parts for t in p.tables if p.title == "Pupil groups"]
    suppressed += [t for p in report.parts for t in p.tables if "year group" in t.title]
    assert suppressed and all(t.chart is None for t in suppressed)


def test_two_years_are_month_by_month(leaders: LeadersSchool, tmp_path: Path) -> None:
    """Two years of weeks would not fit on a page beside their chart: incidents are listed
    by month, interventions only in the weeks that had any, and long tables run on."""
    target = tmp_path / "two-years.pdf"
    leader_reports.write_governors_report(leaders.head, date(2024, 12, 1), LAST, target)
    text = pdf_text(target.read_bytes())
    assert "Incidents month by month" in text
    assert "Dec 2024 0" in text and "Nov 2026 8" in text
    assert "Interventions week by week" in text
    assert "the table leaves out the weeks with none" in text
    assert "02/11/2026 1 09/11/2026 1 16/11/2026 1" in text
    assert "30/11/2026 0" not in text


def test_a_list_of_many_values_is_a_table_without_a_chart() -> None:
    """Forty-five types of behaviour: a chart of them all would be taller than a page."""
    types = {f"type_{n}": n + 1 for n in range(45)}
    whole = Analysis(
        Filters(date(2026, 9, 1), date(2026, 12, 18)),
        behaviour=BehaviourFigures(total=1035, by_type=types),
    )
    report = governors_content(_cover(), whole, {}, [], ())
    (by_type,) = [t for p in report.parts for t in p.tables if t.title == "Incidents by type"]
    assert by_type.chart is None and len(by_type.rows) == 45
    text = pdf_text(render_governors(report))
    assert "Type 44 45" in text
