"""The Reports page's figures in the words people read: each breakdown of an ``Analysis`` as
labelled rows (the school's labels, never list values), the trend in words, and which chart
goes with it. Plain Python, no Qt: the page shows these, and the worker draws their charts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from safedesk.domain.analysis import (
    NOT_RECORDED,
    Analysis,
    BehaviourFigures,
    BullyingFigures,
    ConcernFigures,
    Filters,
    InterventionFigures,
    RepeatPupil,
)
from safedesk.domain.formatting import counted, date_text, minutes_text

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
NOT_RECORDED_WORDS = "Not recorded"


class Chart(StrEnum):
    """How a breakdown is drawn: bars by category, a line by week, bars in time order."""

    CATEGORY = "category"
    WEEKS = "weeks"
    PERIODS = "periods"
    NONE = "none"


class Tab(StrEnum):
    BEHAVIOUR = "behaviour"
    BULLYING = "bullying"
    INTERVENTIONS = "interventions"
    CONCERNS = "concerns"


@dataclass(frozen=True)
class Row:
    label: str  # as the table says it
    count: int
    short: str = ""  # under a chart's bar or point, where room is short
    note: str = ""  # a second column: a pupil's year group
    upn: str = ""  # a pupil's row: Enter opens their page
    gap: bool = False  # a holiday or a week so far: the line skips it (drawn, it misleads)


@dataclass(frozen=True)
class Breakdown:
    key: str  # "behaviour.by_type": unique on the page
    title: str  # "By type of behaviour"
    heading: str  # the first column's heading
    unit: str  # the count column's heading: "Incidents"
    rows: tuple[Row, ...]
    chart: Chart = Chart.CATEGORY
    share_of: int | None = None  # the total each row's share is of; None: no Share column
    note_heading: str = ""  # the second column's heading, when rows have a note

    def words(self) -> str:
        """The chart's figures in words, for a screen reader (the chart's description)."""
        shown = [r for r in self.rows if r.count or self.chart in (Chart.WEEKS, Chart.PERIODS)]
        if not shown:
            return f"{self.title}: none."
        said = (f"{r.label} {r.count:,}" + (f" ({r.note})" if r.gap else "") for r in shown)
        return f"{self.title}: " + "; ".join(said) + "."

    def plotted(self) -> list[float]:
        """The figures a chart draws, in order: NaN for a gap row (a holiday, a week so far),
        which a line skips."""
        return [math.nan if r.gap else float(r.count) for r in self.rows]

    def share(self, row: Row) -> str:
        if not self.share_of:
            return ""
        return f"{row.count / self.share_of:.0%}"


@dataclass(frozen=True)
class Section:
    tab: Tab
    summary: str  # the total and its trend, in a sentence
    facts: tuple[tuple[str, str], ...]  # key figures: (what, how many)
    breakdowns: tuple[Breakdown, ...]
    rule: str = ""  # which records a pupil filter counts, when one is set


def sections(analysis: Analysis) -> list[Section]:
    """The sections the reader may see, in the page's order."""
    found = []
    before = analysis.filters.previous_words
    if analysis.behaviour is not None:
        found.append(_behaviour(analysis, analysis.behaviour, before))
    if analysis.bullying is not None:
        found.append(_bullying(analysis, analysis.bullying))
    if analysis.interventions is not None:
        found.append(_interventions(analysis, analysis.interventions, before))
    if analysis.concerns is not None:
        found.append(_concerns(analysis, analysis.concerns, before))
    rule = filter_rule(analysis.filters)
    return [replace(section, rule=rule) for section in found] if rule else found


def filter_rule(filters: Filters) -> str:
    """The rule a pupil filter counts by, in a line (empty with none set)."""
    who = []
    if filters.year_group:
        who.append(year_label(filters.year_group))
    if filters.class_name:
        who.append(f"class {filters.class_name}")
    if filters.group is not None:
        who.append(filters.group.label.lower().replace("sen", "SEN"))
    if not who:
        return ""
    return (
        f"Counted: every record naming a pupil in {', '.join(who)}, whatever their part "
        "(instigator, target or witness). The tables by year group and class count each "
        "record under its instigator's."
    )


def trend_words(total: int, previous: int, before: str, singular: str, plural: str = "") -> str:
    """ "212 incidents, down 14% on the same dates last year (246)." (``before``: the trend's
    base in words, ``Filters.previous_words``)."""
    many = plural or f"{singular}s"
    now = counted(total, singular, many)
    if not previous:
        if not total:
            return f"No {many} in these dates, nor in {before}."
        return f"{now}; none in {before}."
    change = round((total - previous) / previous * 100)
    if total == previous:
        return f"{now}, the same number as in {before}."
    if change == 0:
        return f"{now}, about the same as in {before} ({previous:,})."
    way = "up" if change > 0 else "down"
    return f"{now}, {way} {abs(change)}% on {before} ({previous:,})."


# --- labels ----------------------------------------------------------------------------------


def list_label(analysis: Analysis, list_name: str, value: str) -> str:
    """The school's label for a list value (retired ones too); "Not recorded" for records made
    before the field existed."""
    if value == NOT_RECORDED:
        return NOT_RECORDED_WORDS
    return analysis.labels.get(list_name, {}).get(value, value)


def year_label(value: str) -> str:
    if value == NOT_RECORDED or not value:
        return NOT_RECORDED_WORDS
    if value.upper() == "R":
        return "Reception"
    return f"Year {value}" if value.isdigit() else value


def week_labels(key: str, *, with_year: bool = False) -> tuple[str, str]:
    """ "2026-W47" -> ("Week beginning 16/11/2026", "16 Nov"), or "16 Nov 2026" ``with_year``
    (a range over more than one calendar year)."""
    try:
        year, week = key.split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return key, key
    short = f"{monday.day} {MONTHS[monday.month - 1][:3]}"
    return f"Week beginning {date_text(monday)}", f"{short} {monday.year}" if with_year else short


def month_labels(key: str) -> tuple[str, str]:
    """ "2026-11" -> ("November 2026", "Nov 26")."""
    try:
        year, month = (int(part) for part in key.split("-"))
        name = MONTHS[month - 1]
    except (ValueError, IndexError):
        return key, key
    return f"{name} {year}", f"{name[:3]} {year % 100:02d}"


def _listed(
    analysis: Analysis, counts: Mapping[str, int], list_name: str, *, in_list_order: bool = False
) -> tuple[Row, ...]:
    """Most first; or, for a scale (severity, urgency), in the list's own order."""
    keys = list(counts)
    if in_list_order:
        order = {value: n for n, value in enumerate(analysis.labels.get(list_name, {}))}
        keys.sort(key=lambda k: order.get(k, len(order)))
    return tuple(Row(list_label(analysis, list_name, k), counts[k]) for k in keys)


HOLIDAY_WORDS = "holiday"
SO_FAR_WORDS = "so far"


def _weeks(
    counts: Mapping[str, int], filters: Filters, holiday: Sequence[str], part: Sequence[str]
) -> tuple[Row, ...]:
    """Each week, a holiday (no school day) or a part week (not whole, or still going) said
    beside it and left out of the line."""
    with_year = filters.first_day.year != filters.last_day.year
    off, partial = set(holiday), set(part)
    rows = []
    for key, count in counts.items():
        label, short = week_labels(key, with_year=with_year)
        note = HOLIDAY_WORDS if key in off else SO_FAR_WORDS if key in partial else ""
        rows.append(Row(label, count, short, note=note, gap=bool(note)))
    return tuple(rows)


def _by_week(
    key: str,
    unit: str,
    analysis: Analysis,
    counts: Mapping[str, int],
    holiday: Sequence[str],
    part: Sequence[str],
) -> Breakdown:
    rows = _weeks(counts, analysis.filters, holiday, part)
    noted = "School week" if any(r.gap for r in rows) else ""
    return Breakdown(key, "By week", "Week", unit, rows, Chart.WEEKS, note_heading=noted)


def _months(counts: Mapping[str, int]) -> tuple[Row, ...]:
    rows = []
    for key, count in counts.items():
        label, short = month_labels(key)
        rows.append(Row(label, count, short))
    return tuple(rows)


def _terms(counts: Mapping[str, int]) -> tuple[Row, ...]:
    return tuple(Row(k, n, k) for k, n in counts.items())


def _weekdays(counts: Mapping[str, int]) -> tuple[Row, ...]:
    rows = []
    for key, count in counts.items():
        number = int(key) if key.isdigit() else 0
        if not 1 <= number <= 7:
            continue
        if number >= 6 and not count:
            continue  # a weekend with nothing on it says nothing
        rows.append(Row(WEEKDAYS[number - 1], count, WEEKDAYS[number - 1][:3]))
    return tuple(rows)


def _hours(counts: Mapping[str, int]) -> tuple[Row, ...]:
    """The hours from the first with a record to the last, and at least 08:00 to 15:59."""
    found = {int(k): n for k, n in counts.items() if k.isdigit() and 0 <= int(k) <= 23}
    busy = [h for h, n in found.items() if n]
    first = min([8, *busy])
    last = max([15, *busy])
    return tuple(
        Row(f"{h:02d}:00 to {h:02d}:59", found.get(h, 0), f"{h:02d}")
        for h in range(first, last + 1)
    )


def _years(counts: Mapping[str, int]) -> tuple[Row, ...]:
    return tuple(Row(year_label(k), n) for k, n in counts.items())


def _classes(counts: Mapping[str, int]) -> tuple[Row, ...]:
    return tuple(Row(NOT_RECORDED_WORDS if k == NOT_RECORDED else k, n) for k, n in counts.items())


def _pupils(pupils: Sequence[RepeatPupil]) -> tuple[Row, ...]:
    return tuple(Row(p.name, p.count, note=year_label(p.year_group), upn=p.upn) for p in pupils)


# --- the sections ----------------------------------------------------------------------------


def _behaviour(analysis: Analysis, b: BehaviourFigures, before: str) -> Section:
    unit = "Incidents"
    total = b.total
    parts = (
        _by_week("behaviour.by_week", unit, analysis, b.by_week, b.holiday_weeks, b.part_weeks),
        Breakdown(
            "behaviour.by_type",
            "By type of behaviour",
            "Type of behaviour",
            unit,
            _listed(analysis, b.by_type, "behaviour_types"),
            share_of=total,
        ),
        Breakdown(
            "behaviour.by_trigger",
            "By trigger (what set it off)",
            "Trigger",
            unit,
            _listed(analysis, b.by_trigger, "triggers"),
            share_of=total,
        ),
        Breakdown(
            "behaviour.by_location",
            "By location",
            "Location",
            unit,
            _listed(analysis, b.by_location, "locations"),
            share_of=total,
        ),
        Breakdown(
            "behaviour.by_severity",
            "By severity",
            "Severity",
            unit,
            _listed(analysis, b.by_severity, "severities", in_list_order=True),
            share_of=total,
        ),
        Breakdown(
            "behaviour.by_hour",
            "By time of day",
            "Time",
            unit,
            _hours(b.by_hour),
            Chart.PERIODS,
            share_of=total,
        ),
        Breakdown(
            "behaviour.by_weekday",
            "By day of the week",
            "Day",
            unit,
            _weekdays(b.by_weekday),
            Chart.PERIODS,
            share_of=total,
        ),
        Breakdown(
            "behaviour.by_year_group",
            "By the instigator's year group",
            "Instigator's year group",
            unit,
            _years(b.by_year_group),
            share_of=total,
        ),
        Breakdown(
            "behaviour.by_class",
            "By the instigator's class",
            "Instigator's class",
            unit,
            _classes(b.by_class),
            share_of=total,
        ),
        Breakdown(
            "behaviour.by_month", "By month", "Month", unit, _months(b.by_month), Chart.PERIODS
        ),
        Breakdown("behaviour.by_term", "By term", "Term", unit, _terms(b.by_term), Chart.PERIODS),
        Breakdown(
            "behaviour.repeat_pupils",
            "Pupils named in 3 or more incidents",
            "Pupil",
            unit,
            _pupils(b.repeat_pupils),
            Chart.NONE,
            note_heading="Year group",
        ),
    )
    summary = trend_words(total, b.previous_total, before, "incident")
    return Section(Tab.BEHAVIOUR, summary, (), parts)


def _bullying(analysis: Analysis, b: BullyingFigures) -> Section:
    unit = "Incidents"
    parts = (
        Breakdown(
            "bullying.by_type",
            "By type of bullying",
            "Type of bullying",
            unit,
            _listed(analysis, b.by_type, "bullying_types"),
            share_of=b.total,
        ),
        Breakdown(
            "bullying.by_prejudice",
            "Prejudice-based bullying, by prejudice",
            "Prejudice",
            unit,
            _listed(analysis, b.by_prejudice, "prejudice_types"),
            share_of=sum(b.by_prejudice.values()),
        ),
    )
    summary = (
        f"{counted(b.total, 'incident')} of bullying in these dates."
        if b.total
        else "No incidents of bullying in these dates."
    )
    return Section(Tab.BULLYING, summary, (), parts)


def _interventions(analysis: Analysis, i: InterventionFigures, before: str) -> Section:
    unit = "Interventions"
    median = "—" if i.minutes_median is None else minutes_text(round(i.minutes_median))
    facts = (
        ("Physical interventions", f"{i.total:,}"),
        ("Pupils", f"{i.pupils:,}"),
        ("Pupils with SEN or an EHCP", f"{i.pupils_with_sen:,} of {i.pupils:,}"),
        ("Total time", minutes_text(i.minutes_total)),
        ("Median length", median),
        ("With an injury to the pupil", f"{i.with_injury_pupil:,} of {i.total:,}"),
        ("With an injury to staff", f"{i.with_injury_staff:,} of {i.total:,}"),
        ("Parent told the same day", f"{i.parent_informed_same_day:,} of {i.total:,}"),
    )
    parts = (
        _by_week("interventions.by_week", unit, analysis, i.by_week, i.holiday_weeks, i.part_weeks),
        Breakdown(
            "interventions.by_hold",
            "Holds used (the main hold and each further hold)",
            "Hold",
            "Times used",
            _listed(analysis, i.by_hold, "restraint_types"),
        ),
        Breakdown(
            "interventions.by_kind",
            "By kind of intervention",
            "Kind",
            unit,
            _listed(analysis, i.by_kind, "intervention_kinds"),
            share_of=i.total,
        ),
        Breakdown(
            "interventions.by_trigger",
            "By trigger (what set it off)",
            "Trigger",
            unit,
            _listed(analysis, i.by_trigger, "triggers"),
            share_of=i.total,
        ),
        Breakdown(
            "interventions.by_pupil",
            "By pupil",
            "Pupil",
            unit,
            _pupils(i.by_pupil),
            Chart.NONE,
            note_heading="Year group",
        ),
    )
    summary = trend_words(i.total, i.previous_total, before, "physical intervention")
    return Section(Tab.INTERVENTIONS, summary, facts, parts)


def _concerns(analysis: Analysis, c: ConcernFigures, before: str) -> Section:
    unit = "Concerns"
    parts = (
        Breakdown(
            "concerns.by_category",
            "By category",
            "Category",
            unit,
            _listed(analysis, c.by_category, "categories"),
            share_of=c.total,
        ),
        Breakdown(
            "concerns.by_urgency",
            "By urgency",
            "Urgency",
            unit,
            _listed(analysis, c.by_urgency, "urgencies", in_list_order=True),
            share_of=c.total,
        ),
        Breakdown("concerns.by_term", "By term", "Term", unit, _terms(c.by_term), Chart.PERIODS),
    )
    summary = trend_words(c.total, c.previous_total, before, "concern")
    return Section(Tab.CONCERNS, summary, (), parts)
