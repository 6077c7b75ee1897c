"""The Reports page's figures in words: the school's labels (never list values), "Not
recorded" for records made before a field, the trend in a sentence, weeks, months, hours and
days as people say them, scales in their own order, and only the sections the reader may
see."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from pytestqt.qtbot import QtBot

from safedesk.domain.analysis import (
    NOT_RECORDED,
    Analysis,
    BehaviourFigures,
    Filters,
    InterventionFigures,
    RepeatPupil,
)
from safedesk.ui.analysis_figures import Chart, Tab, sections, trend_words
from safedesk.ui.analysis_panel import AnalysisPanel, BreakdownModel

LABELS = {
    "behaviour_types": {"verbal_abuse": "Verbal abuse", "bullying": "Bullying"},
    "triggers": {"peer_conflict": "Conflict with another pupil", NOT_RECORDED: "Not recorded"},
    "severities": {"low": "Low", "medium": "Medium", "high": "High"},
    "restraint_types": {"double_elbow": "Double elbow"},
}


def test_the_trend_in_a_sentence() -> None:
    assert trend_words(212, 246, "the 91 days before", "incident") == (
        "212 incidents, down 14% on the 91 days before (246)."
    )
    assert (
        trend_words(12, 10, "the same dates last year", "incident")
        == "12 incidents, up 20% on the same dates last year (10)."
    )
    assert trend_words(1, 0, "the same dates last year", "concern") == (
        "1 concern; none in the same dates last year."
    )
    assert trend_words(0, 0, "the 30 days before", "concern") == (
        "No concerns in these dates, nor in the 30 days before."
    )
    assert trend_words(5, 5, "the 30 days before", "incident") == (
        "5 incidents, the same number as in the 30 days before."
    )
    assert trend_words(1001, 1000, "the 30 days before", "incident") == (
        "1,001 incidents, about the same as in the 30 days before (1,000)."
    )
    assert trend_words(3, 6, "the 30 days before", "physical intervention") == (
        "3 physical interventions, down 50% on the 30 days before (6)."
    )


def behaviour_only() -> Analysis:
    figures = BehaviourFigures(
        total=10,
        previous_total=8,
        by_type={"verbal_abuse": 7, "bullying": 3},
        by_trigger={"peer_conflict": 6, NOT_RECORDED: 4},
        by_severity={"high": 5, "low": 3, "medium": 2},  # most first, as the service gives
        by_weekday={"1": 4, "2": 0, "3": 3, "4": 0, "5": 3, "6": 0, "7": 0},
        by_hour={str(h): (2 if h in (7, 12) else 0) for h in range(24)} | {"13": 6},
        by_year_group={"R": 2, "3": 5, NOT_RECORDED: 3},
        by_class={"Oak": 4, NOT_RECORDED: 6},
        by_week={"2026-W46": 4, "2026-W47": 6},
        by_month={"2026-11": 10},
        by_term={"Autumn 2026": 10},
        repeat_pupils=[RepeatPupil("A123", "Shiv O'Connor", "3", 4)],
    )
    filters = Filters(date(2026, 11, 9), date(2026, 11, 22))
    return Analysis(filters, behaviour=figures, labels=LABELS)


def rows(analysis: Analysis, key: str) -> list[tuple[str, int]]:
    for section in sections(analysis):
        for breakdown in section.breakdowns:
            if breakdown.key == key:
                return [(r.label, r.count) for r in breakdown.rows]
    raise AssertionError(f"{key} is not shown")


def test_labels_never_codes_and_not_recorded_said_in_words() -> None:
    found = behaviour_only()
    assert rows(found, "behaviour.by_type") == [("Verbal abuse", 7), ("Bullying", 3)]
    assert rows(found, "behaviour.by_trigger") == [
        ("Conflict with another pupil", 6),
        ("Not recorded", 4),
    ]
    assert rows(found, "behaviour.by_year_group") == [
        ("Reception", 2),
        ("Year 3", 5),
        ("Not recorded", 3),
    ]
    assert rows(found, "behaviour.by_class") == [("Oak", 4), ("Not recorded", 6)]


def test_scales_keep_their_order_and_times_read_as_people_say_them() -> None:
    found = behaviour_only()
    assert rows(found, "behaviour.by_severity") == [("Low", 3), ("Medium", 2), ("High", 5)]
    # Weekdays with nothing at the weekend leave the weekend out; Tuesday's 0 stays.
    assert rows(found, "behaviour.by_weekday") == [
        ("Monday", 4),
        ("Tuesday", 0),
        ("Wednesday", 3),
        ("Thursday", 0),
        ("Friday", 3),
    ]
    hours = rows(found, "behaviour.by_hour")
    assert hours[0] == ("07:00 to 07:59", 2)  # from the first hour with a record
    assert hours[-1] == ("15:00 to 15:59", 0)  # and the school day at least
    assert ("13:00 to 13:59", 6) in hours
    assert rows(found, "behaviour.by_week") == [
        ("Week beginning 09/11/2026", 4),
        ("Week beginning 16/11/2026", 6),
    ]
    assert rows(found, "behaviour.by_month") == [("November 2026", 10)]
    assert rows(found, "behaviour.by_term") == [("Autumn 2026", 10)]


def test_sections_the_reader_may_not_see_are_not_there() -> None:
    found = behaviour_only()
    assert [s.tab for s in sections(found)] == [Tab.BEHAVIOUR]
    behaviour = sections(found)[0]
    assert behaviour.summary == "10 incidents, up 25% on the same dates last year (8)."
    repeat = next(b for b in behaviour.breakdowns if b.key == "behaviour.repeat_pupils")
    assert repeat.chart is Chart.NONE  # pupils are named in the table, not drawn
    assert [(r.label, r.note, r.upn) for r in repeat.rows] == [("Shiv O'Connor", "Year 3", "A123")]


def test_a_chart_is_described_with_its_figures() -> None:
    found = behaviour_only()
    by_type = next(b for b in sections(found)[0].breakdowns if b.key == "behaviour.by_type")
    assert by_type.words() == "By type of behaviour: Verbal abuse 7; Bullying 3."
    assert by_type.share(by_type.rows[0]) == "70%"


def test_interventions_key_figures() -> None:
    figures = InterventionFigures(
        total=4,
        previous_total=2,
        pupils=3,
        minutes_total=75,
        minutes_median=12.5,
        by_hold={"double_elbow": 5},
        with_injury_pupil=1,
        parent_informed_same_day=3,
        pupils_with_sen=2,
    )
    found = Analysis(Filters(date(2026, 11, 1), date(2026, 11, 30)), interventions=figures)
    found.labels = LABELS
    (section,) = sections(found)
    assert section.summary == "4 physical interventions, up 100% on the same dates last year (2)."
    assert dict(section.facts) == {
        "Physical interventions": "4",
        "Pupils": "3",
        "Pupils with SEN or an EHCP": "2 of 3",
        "Total time": "1 hour 15 minutes",
        "Median length": "12 minutes",
        "With an injury to the pupil": "1 of 4",
        "With an injury to staff": "0 of 4",
        "Parent told the same day": "3 of 4",
    }
    assert rows(found, "interventions.by_hold") == [("Double elbow", 5)]


def test_each_breakdown_table_is_a_sound_model(qtmodeltester: Any) -> None:
    found = behaviour_only()
    for section in sections(found):
        for breakdown in section.breakdowns:
            model = BreakdownModel(breakdown)
            qtmodeltester.check(model)
    repeat = next(b for b in sections(found)[0].breakdowns if b.key == "behaviour.repeat_pupils")
    model = BreakdownModel(repeat)
    assert model.headers == ("Pupil", "Year group", "Incidents")
    assert [model.data(model.index(0, c)) for c in range(3)] == ["Shiv O'Connor", "Year 3", "4"]


def test_holiday_and_part_weeks_are_said_and_left_out_of_the_line() -> None:
    figures = BehaviourFigures(
        total=5,
        by_week={"2026-W43": 3, "2026-W44": 0, "2026-W45": 2, "2026-W46": 0},
        holiday_weeks=["2026-W44"],
        part_weeks=["2026-W46"],
    )
    found = Analysis(Filters(date(2026, 10, 19), date(2026, 11, 11)), behaviour=figures)
    weeks = next(b for b in sections(found)[0].breakdowns if b.key == "behaviour.by_week")
    model = BreakdownModel(weeks)
    assert model.headers == ("Week", "School week", "Incidents")
    shown = [[model.data(model.index(r, c)) for c in range(3)] for r in range(4)]
    assert shown == [
        ["Week beginning 19/10/2026", "", "3"],
        ["Week beginning 26/10/2026", "holiday", "0"],
        ["Week beginning 02/11/2026", "", "2"],
        ["Week beginning 09/11/2026", "so far", "0"],
    ]
    plotted = weeks.plotted()
    assert plotted[0] == 3 and plotted[2] == 2
    assert math.isnan(plotted[1]) and math.isnan(plotted[3])  # gaps in the line, not falls
    assert "Week beginning 26/10/2026 0 (holiday)" in weeks.words()


def test_week_labels_carry_the_year_over_more_than_one_calendar_year() -> None:
    by_week = {"2026-W52": 1, "2026-W53": 0, "2027-W01": 2}
    within = Analysis(Filters(date(2026, 12, 21), date(2026, 12, 31)))
    across = Analysis(
        Filters(date(2026, 12, 21), date(2027, 1, 10)), behaviour=BehaviourFigures(by_week=by_week)
    )
    within.behaviour = BehaviourFigures(by_week={"2026-W52": 1, "2026-W53": 0})
    short = [r.short for r in sections(within)[0].breakdowns[0].rows]
    assert short == ["21 Dec", "28 Dec"]
    short = [r.short for r in sections(across)[0].breakdowns[0].rows]
    assert short == ["21 Dec 2026", "28 Dec 2026", "4 Jan 2027"]


def test_a_pupil_filter_says_its_rule_and_the_year_table_says_instigators() -> None:
    plain = behaviour_only()
    assert all(not s.rule for s in sections(plain))
    filtered = behaviour_only()
    filtered.filters = Filters(date(2026, 11, 2), date(2026, 11, 15), year_group="3")
    (section,) = sections(filtered)
    assert section.rule.startswith("Counted: every record naming a pupil in Year 3, whatever")
    assert "instigator's" in section.rule
    by_year = next(b for b in section.breakdowns if b.key == "behaviour.by_year_group")
    assert (by_year.title, by_year.heading) == (
        "By the instigator's year group",
        "Instigator's year group",
    )


def test_the_panel_shows_the_rule_under_the_trend(qtbot: QtBot) -> None:
    found = behaviour_only()
    found.filters = Filters(date(2026, 11, 2), date(2026, 11, 15), class_name="3S")
    panel = AnalysisPanel("Behaviour")
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    panel.show()
    with qtbot.waitSignal(panel.built):
        panel.show_section(sections(found)[0])
    assert panel.rule.isVisible()
    assert "class 3S" in panel.rule.text()
    assert panel.rule.geometry().top() > panel.summary.geometry().bottom()
    panel.working()
    assert not panel.rule.isVisible()
