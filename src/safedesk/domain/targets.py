"""Behaviour targets: what is measured and where, the baseline, each week's figure against the
straight line from the baseline to the goal, school holidays left out of the reckoning.

Weeks start on Monday (ISO weeks) in the school's local time. A week with no school day (a
half-term, Christmas) is a holiday: it is shown, but has no line and is never judged. The line
moves only over school weeks, so a fortnight's holiday does not eat the progress asked for.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from safedesk.domain.calendar import SchoolCalendar
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.local_time import to_local
from safedesk.domain.text import is_blank, text_problem

BASELINE_WEEKS = 6  # school weeks before the target was set
GOAL_LIMIT = 1000.0  # a weekly number no school reaches: a typing slip
NOTE_LIMIT = 2000
LONGEST_YEARS = 5  # a goal further away than this is a typing slip
_LOOK_BACK = 60  # weeks searched for the baseline's school weeks (a long closure)


class Measure(StrEnum):
    INTERVENTIONS = "interventions_per_week"
    INCIDENTS = "incidents_per_week"
    INCIDENTS_OF_TYPE = "incidents_of_type_per_week"
    BULLYING = "bullying_per_week"

    @property
    def label(self) -> str:
        return _MEASURE_LABELS[self]


_MEASURE_LABELS = {
    Measure.INTERVENTIONS: "Physical interventions a week",
    Measure.INCIDENTS: "Behaviour incidents a week",
    Measure.INCIDENTS_OF_TYPE: "Incidents of one type a week",
    Measure.BULLYING: "Bullying incidents a week",
}


class ScopeKind(StrEnum):
    SCHOOL = "school"
    YEAR_GROUP = "year_group"
    PUPIL = "pupil"

    @property
    def label(self) -> str:
        return _SCOPE_LABELS[self]


_SCOPE_LABELS = {
    ScopeKind.SCHOOL: "Whole school",
    ScopeKind.YEAR_GROUP: "A year group",
    ScopeKind.PUPIL: "A pupil",
}

# The form's labels, by which every message names a field.
LABELS = {
    "scope": "Applies to",
    "year_group": "Year group",
    "pupil": "Pupil",
    "measure": "Measure",
    "behaviour_type": "Type of behaviour",
    "goal": "Goal a week",
    "goal_on": "Goal date",
    "note": "Note",
    "reason": "Why it is retired",
}


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    value: str | None = None  # the year group, or the pupil's UPN

    @property
    def text(self) -> str:
        """As stored: "school", "year_group:3" or "pupil:<UPN>"."""
        return self.kind.value if self.value is None else f"{self.kind.value}:{self.value}"

    @classmethod
    def parse(cls, text: str) -> Scope:
        kind, _, value = text.partition(":")
        return cls(ScopeKind(kind), value or None)


@dataclass(frozen=True)
class NewTarget:
    scope: Scope
    measure: Measure
    behaviour_type: str | None
    goal: float
    goal_on: date
    note: str | None


@dataclass(frozen=True)
class StoredTarget:
    """The current version of a target."""

    number: int
    version: int
    target: NewTarget
    baseline: float
    author: str
    author_name: str
    set_at: datetime  # this version
    first_set_at: datetime  # the first version: where the line starts

    @property
    def start_week(self) -> date:
        return week_start(local_day(self.first_set_at))


@dataclass(frozen=True)
class Week:
    monday: date
    school_week: bool  # has at least one school day
    figure: int | None  # None: the week has not begun
    line: float | None  # None in a holiday week
    complete: bool  # the week is over

    @property
    def on_track(self) -> bool | None:
        """At or under the line; None when not judged (a holiday, a week not yet over)."""
        if not self.complete or self.line is None or self.figure is None:
            return None
        return self.figure <= self.line + 1e-9

    @property
    def iso_week(self) -> str:
        year, number, _ = self.monday.isocalendar()
        return f"{year}-W{number:02d}"


@dataclass(frozen=True)
class Progress:
    target: StoredTarget
    weeks: tuple[Week, ...]

    @property
    def last_complete(self) -> Week | None:
        """The last school week that is over (holidays are not counted against the line)."""
        return next((w for w in reversed(self.weeks) if w.complete and w.school_week), None)

    @property
    def on_track(self) -> bool | None:
        last = self.last_complete
        return None if last is None else last.on_track

    def to_json(self) -> dict[str, Any]:
        """The target and its weeks as a script reads them (ISO weeks, "2026-W47")."""
        stored = self.target
        return {
            "number": stored.number,
            "version": stored.version,
            "scope": stored.target.scope.text,
            "measure": stored.target.measure.value,
            "behaviour_type": stored.target.behaviour_type,
            "baseline": stored.baseline,
            "goal": stored.target.goal,
            "goal_on": stored.target.goal_on.isoformat(),
            "note": stored.target.note,
            "set_by": stored.author,
            "set_at": stored.set_at.isoformat(),
            "first_set_at": stored.first_set_at.isoformat(),
            "on_track": self.on_track,
            "weeks": [
                {
                    "week": w.iso_week,
                    "school_week": w.school_week,
                    "figure": w.figure,
                    "line": w.line,
                    "complete": w.complete,
                    "on_track": w.on_track,
                }
                for w in self.weeks
            ],
        }


def local_day(moment: datetime) -> date:
    """The school-local calendar day of a stored (aware) moment."""
    return to_local(moment).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def is_school_week(monday: date, calendar: SchoolCalendar) -> bool:
    return any(calendar.is_school_day(monday + timedelta(days=d)) for d in range(5))


def weekly_counts(days: Iterable[date]) -> dict[date, int]:
    counts: dict[date, int] = {}
    for day in days:
        monday = week_start(day)
        counts[monday] = counts.get(monday, 0) + 1
    return counts


def baseline_weeks(set_day: date, calendar: SchoolCalendar) -> list[date]:
    """The Mondays of the 6 school weeks before the week ``set_day`` falls in (fewer only when
    the calendar has no more within a long look back)."""
    found: list[date] = []
    monday = week_start(set_day)
    for _ in range(_LOOK_BACK):
        monday -= timedelta(days=7)
        if is_school_week(monday, calendar):
            found.append(monday)
            if len(found) == BASELINE_WEEKS:
                break
    return sorted(found)


def baseline(days: Iterable[date], set_day: date, calendar: SchoolCalendar) -> float:
    """The weekly average over the 6 school weeks before the target was set (2 decimals)."""
    weeks = baseline_weeks(set_day, calendar)
    if not weeks:
        return 0.0
    counts = weekly_counts(days)
    return round(sum(counts.get(w, 0) for w in weeks) / len(weeks), 2)


def progress(
    target: StoredTarget, days: Iterable[date], calendar: SchoolCalendar, today: date
) -> Progress:
    """Each week from the one the target was first set in to this week (or to the goal's week,
    when that is later): its figure, the line, whether it is over."""
    start = target.start_week
    goal_week = week_start(target.target.goal_on)
    this_week = week_start(today)
    last = max(this_week, goal_week, start)
    counts = weekly_counts(d for d in days if d >= start)
    mondays = [start + timedelta(days=7 * n) for n in range((last - start).days // 7 + 1)]
    school = {m: is_school_week(m, calendar) for m in mondays}
    # How far along the line each school week is: school weeks since the start week.
    steps_to_goal = sum(1 for m in mondays if start < m <= goal_week and school[m])
    weeks: list[Week] = []
    step = 0
    for monday in mondays:
        if monday > start and school[monday]:
            step += 1
        line = None
        if school[monday]:
            share = 1.0 if steps_to_goal == 0 else min(step / steps_to_goal, 1.0)
            if monday == start and steps_to_goal:
                share = 0.0
            line = round(target.baseline + (target.target.goal - target.baseline) * share, 2)
        begun = monday <= today
        weeks.append(
            Week(
                monday,
                school[monday],
                counts.get(monday, 0) if begun else None,
                line,
                monday + timedelta(days=7) <= today,
            )
        )
    return Progress(target, tuple(weeks))


def _number(value: object) -> float | str:
    if isinstance(value, bool):
        return "must be a number, such as 2 or 0.5"
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return "must be a number, such as 2 or 0.5"
    else:
        return "must be a number, such as 2 or 0.5"
    if not math.isfinite(number) or number < 0:
        return "must be 0 or more"
    if number > GOAL_LIMIT:
        return f"must be at most {GOAL_LIMIT:,.0f} a week"
    return round(number, 2)


def _day(value: object) -> date | str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    return "must be a date, such as 17/07/2027"


def validate_goal(
    payload: Mapping[str, Any], today: date, problems: dict[str, str]
) -> tuple[float | None, date | None, str | None]:
    """The goal, its date and the note, as a new target and a new version both take them."""
    goal: float | None = None
    if is_blank(payload.get("goal")):
        problems[LABELS["goal"]] = "is required"
    else:
        found = _number(payload.get("goal"))
        if isinstance(found, str):
            problems[LABELS["goal"]] = found
        else:
            goal = found
    goal_on: date | None = None
    if is_blank(payload.get("goal_on")):
        problems[LABELS["goal_on"]] = "is required"
    else:
        day = _day(payload.get("goal_on"))
        if isinstance(day, str):
            problems[LABELS["goal_on"]] = day
        elif day <= today:
            problems[LABELS["goal_on"]] = f"must be after today ({date_text(today)})"
        elif day.year > today.year + LONGEST_YEARS:
            problems[LABELS["goal_on"]] = f"must be within {LONGEST_YEARS} years"
        else:
            goal_on = day
    note = payload.get("note")
    clean_note: str | None = None
    if not is_blank(note):
        if not isinstance(note, str):
            problems[LABELS["note"]] = "must be text"
        elif problem := text_problem(note, limit=NOTE_LIMIT):
            problems[LABELS["note"]] = problem
        else:
            clean_note = note.strip()
    return goal, goal_on, clean_note


def validate_target(
    payload: Mapping[str, Any],
    *,
    today: date,
    behaviour_types: Iterable[str],
    year_groups: Iterable[str],
    pupils: Iterable[str],
) -> NewTarget:
    """A target as the form or a script gives it: ``scope`` (school, year_group, pupil) with
    ``year_group`` or ``pupil`` (a UPN), ``measure``, ``behaviour_type`` for incidents of a
    type, ``goal`` (a weekly number), ``goal_on`` (a date) and an optional ``note``."""
    if not isinstance(payload, Mapping):
        raise ValidationError({"Target": "must be a set of fields"})
    problems: dict[str, str] = {}
    scope: Scope | None = None
    try:
        kind = ScopeKind(str(payload.get("scope") or "school").strip().lower())
    except ValueError:
        problems[LABELS["scope"]] = "must be the whole school, a year group or a pupil"
    else:
        if kind is ScopeKind.SCHOOL:
            scope = Scope(kind)
        elif kind is ScopeKind.YEAR_GROUP:
            group = str(payload.get("year_group") or "").strip()
            if not group:
                problems[LABELS["year_group"]] = "is required for a year group's target"
            elif group not in set(year_groups):
                problems[LABELS["year_group"]] = f"{group} has no pupil on roll"
            else:
                scope = Scope(kind, group)
        else:
            upn = str(payload.get("pupil") or "").strip().upper()
            if not upn:
                problems[LABELS["pupil"]] = "is required for a pupil's target"
            elif upn not in set(pupils):
                problems[LABELS["pupil"]] = f"is not on the school's roll: {upn}"
            else:
                scope = Scope(kind, upn)
    measure: Measure | None = None
    behaviour_type: str | None = None
    try:
        measure = Measure(str(payload.get("measure") or "").strip())
    except ValueError:
        problems[LABELS["measure"]] = (
            "is required" if is_blank(payload.get("measure")) else "is not one of the measures"
        )
    if measure is Measure.INCIDENTS_OF_TYPE:
        chosen = str(payload.get("behaviour_type") or "").strip()
        if not chosen:
            problems[LABELS["behaviour_type"]] = "is required for incidents of one type"
        elif chosen not in set(behaviour_types):
            problems[LABELS["behaviour_type"]] = "is not one of the school's behaviour types"
        else:
            behaviour_type = chosen
    goal, goal_on, note = validate_goal(payload, today, problems)
    if problems:
        raise ValidationError(problems)
    assert scope is not None
    assert measure is not None
    assert goal is not None
    assert goal_on is not None
    return NewTarget(scope, measure, behaviour_type, goal, goal_on, note)


def number_text(value: float | None) -> str:
    """A weekly figure or line value as people read it: 2, 1.5, 0.33."""
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")
