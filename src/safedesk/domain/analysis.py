"""The figures leaders read: behaviour, bullying, physical interventions and concerns for a
date range, each section present only when the reader's role may see it. Counts are keyed by
the stored list value (``peer_conflict``), never the label; ``NOT_RECORDED`` counts records
made before a field existed. ``to_json`` is the `safedesk-admin analysis --json` contract.

``compute`` works the figures out from plain rows (current values, amendments applied): days,
weekdays and hours in the school's local time; a record counts once, except by year group and
class (once per year group, or class, it names an instigator in; see ``_behaviour``); terms
from the school calendar (``usual_terms`` when none are entered); injuries by ``is_injury``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from safedesk.domain.calendar import SchoolCalendar
from safedesk.domain.holds import holds_used
from safedesk.domain.local_time import zone

NOT_RECORDED = "not_recorded"
# The sections, as the JSON names them.
BEHAVIOUR, BULLYING, INTERVENTIONS, CONCERNS = "behaviour", "bullying", "interventions", "concerns"


class PupilGroup(StrEnum):
    SEN = "sen"  # SEN support or an EHCP, from the MIS
    PP_FSM = "pp_fsm"  # pupil premium / free school meals
    CLA = "cla"  # looked after

    @property
    def label(self) -> str:
        return {
            PupilGroup.SEN: "Pupils with SEN",
            PupilGroup.PP_FSM: "Pupil premium / free school meals",
            PupilGroup.CLA: "Looked-after children",
        }[self]


@dataclass(frozen=True)
class Filters:
    """Which records count: those naming at least one pupil who matches every filter given."""

    first_day: date
    last_day: date  # inclusive
    year_group: str | None = None
    class_name: str | None = None
    group: PupilGroup | None = None

    def __post_init__(self) -> None:
        # A group given as its text (a combo box's data, JSON) is the group itself; an unknown
        # one is refused here, before anything is read.
        given: object = self.group
        if given is not None and not isinstance(given, PupilGroup):
            object.__setattr__(self, "group", PupilGroup(str(given)))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def same_dates_last_year(self) -> bool:
        """Whether the trend's base is the same dates a year earlier (a range of up to a
        year), not the same number of days just before (a longer range)."""
        return a_year_before(self.last_day) < self.first_day

    @property
    def previous_first_day(self) -> date:
        """The first day of the trend's base: the same dates a year earlier for a range of
        up to a year (a school's terms and holidays fall on the same dates each year; 29
        February is the 28th), else the same number of days just before."""
        if self.same_dates_last_year:
            return a_year_before(self.first_day)
        return self.first_day - timedelta(days=self.days)

    @property
    def previous_last_day(self) -> date:
        """The last day of the trend's base (inclusive). A whole year's base is the year
        just before, to the day before the range (29 February included)."""
        if not self.same_dates_last_year:
            return self.first_day - timedelta(days=1)
        if a_year_before(self.last_day + timedelta(days=1)) >= self.first_day - timedelta(days=1):
            return self.first_day - timedelta(days=1)
        return a_year_before(self.last_day)

    @property
    def previous_words(self) -> str:
        """The trend's base as a sentence says it: "the same dates last year" or "the 400
        days before"."""
        if self.same_dates_last_year:
            return "the same dates last year"
        return f"the {self.days:,} days before"

    @property
    def pupil_filtered(self) -> bool:
        return bool(self.year_group or self.class_name or self.group)


@dataclass(frozen=True)
class RepeatPupil:
    upn: str
    name: str
    year_group: str
    count: int


@dataclass
class BehaviourFigures:
    total: int = 0
    previous_total: int = 0  # the trend's base: Filters.previous_first_day to previous_last_day
    by_type: dict[str, int] = field(default_factory=dict)
    by_location: dict[str, int] = field(default_factory=dict)
    by_trigger: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_weekday: dict[str, int] = field(default_factory=dict)  # "1" (Monday) … "7", all present
    by_hour: dict[str, int] = field(default_factory=dict)  # "0" … "23", all present
    by_year_group: dict[str, int] = field(default_factory=dict)
    by_class: dict[str, int] = field(default_factory=dict)
    by_week: dict[str, int] = field(default_factory=dict)  # ISO week "2026-W47", all present
    holiday_weeks: list[str] = field(default_factory=list)  # by_week's weeks with no school day
    part_weeks: list[str] = field(default_factory=list)  # and those not whole, or still going
    by_month: dict[str, int] = field(default_factory=dict)  # "2026-11", all present
    by_term: dict[str, int] = field(default_factory=dict)  # "Autumn 2026", from the calendar
    repeat_pupils: list[RepeatPupil] = field(default_factory=list)  # 3 or more, most first


@dataclass
class BullyingFigures:
    total: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_prejudice: dict[str, int] = field(default_factory=dict)


@dataclass
class InterventionFigures:
    total: int = 0
    previous_total: int = 0
    pupils: int = 0  # distinct pupils
    minutes_total: int = 0
    minutes_median: float | None = None
    by_hold: dict[str, int] = field(default_factory=dict)  # restraint_type + each more_holds
    by_kind: dict[str, int] = field(default_factory=dict)  # intervention_kind
    by_trigger: dict[str, int] = field(default_factory=dict)
    with_injury_pupil: int = 0
    with_injury_staff: int = 0
    parent_informed_same_day: int = 0
    pupils_with_sen: int = 0  # distinct pupils with SEN support or an EHCP
    by_week: dict[str, int] = field(default_factory=dict)
    holiday_weeks: list[str] = field(default_factory=list)  # as BehaviourFigures'
    part_weeks: list[str] = field(default_factory=list)
    by_pupil: list[RepeatPupil] = field(default_factory=list)  # every pupil, most first


@dataclass
class ConcernFigures:
    total: int = 0
    previous_total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_urgency: dict[str, int] = field(default_factory=dict)
    by_term: dict[str, int] = field(default_factory=dict)


@dataclass
class Analysis:
    filters: Filters
    behaviour: BehaviourFigures | None = None
    bullying: BullyingFigures | None = None
    interventions: InterventionFigures | None = None
    concerns: ConcernFigures | None = None
    # list value -> label, per list name, for people to read (tables, charts, PDFs)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The contract's shape; sections the reader may not see are absent."""
        out: dict[str, Any] = {}
        # The trend's base: each section's previous_total counts these days.
        base = {
            "previous_first_day": self.filters.previous_first_day.isoformat(),
            "previous_last_day": self.filters.previous_last_day.isoformat(),
        }
        if self.behaviour is not None:
            b = self.behaviour
            out["behaviour"] = {
                "total": b.total,
                "previous_total": b.previous_total,
                **base,
                "by_type": b.by_type,
                "by_location": b.by_location,
                "by_trigger": b.by_trigger,
                "by_severity": b.by_severity,
                "by_weekday": b.by_weekday,
                "by_hour": b.by_hour,
                "by_year_group": b.by_year_group,
                "by_class": b.by_class,
                "by_week": b.by_week,
                "holiday_weeks": b.holiday_weeks,
                "part_weeks": b.part_weeks,
                "by_month": b.by_month,
                "by_term": b.by_term,
                "repeat_pupils": [
                    {"upn": p.upn, "name": p.name, "year_group": p.year_group, "count": p.count}
                    for p in b.repeat_pupils
                ],
            }
        if self.bullying is not None:
            out["bullying"] = {
                "total": self.bullying.total,
                "by_type": self.bullying.by_type,
                "by_prejudice": self.bullying.by_prejudice,
            }
        if self.interventions is not None:
            i = self.interventions
            out["interventions"] = {
                "total": i.total,
                "previous_total": i.previous_total,
                **base,
                "pupils": i.pupils,
                "minutes_total": i.minutes_total,
                "minutes_median": i.minutes_median,
                "by_hold": i.by_hold,
                "by_kind": i.by_kind,
                "by_trigger": i.by_trigger,
                "with_injury_pupil": i.with_injury_pupil,
                "with_injury_staff": i.with_injury_staff,
                "parent_informed_same_day": i.parent_informed_same_day,
                "pupils_with_sen": i.pupils_with_sen,
                "by_week": i.by_week,
                "holiday_weeks": i.holiday_weeks,
                "part_weeks": i.part_weeks,
                "by_pupil": [
                    {"upn": p.upn, "name": p.name, "year_group": p.year_group, "count": p.count}
                    for p in i.by_pupil
                ],
            }
        if self.concerns is not None:
            c = self.concerns
            out["concerns"] = {
                "total": c.total,
                "previous_total": c.previous_total,
                **base,
                "by_category": c.by_category,
                "by_urgency": c.by_urgency,
                "by_term": c.by_term,
            }
        return out


# --- The computation: plain rows in (current values, amendments applied), figures out. ---
# Rows are named tuples: a year of a big school is thousands of them, made in a few ms.

# What people write in an injuries box when there was no injury. The text, lower-cased, full
# stops dropped and spaces collapsed, is "no injury" when blank or one of these; anything else
# is an injury. The one rule, for every figure and report.
NO_INJURY = frozenset(
    {"", "none", "no", "nil", "n/a", "na", "no injury", "no injuries", "not injured", "none seen"}
)
# The MIS code for "no special educational need" (the import stores it as None already).
_NO_SEN = frozenset({"", "n", "no", "none"})
REPEAT_THRESHOLD = 3  # records as instigator in the range that make a pupil a repeat pupil


def is_injury(text: str | None) -> bool:
    """Whether an injuries box records an injury (see NO_INJURY)."""
    words = " ".join((text or "").lower().replace(".", " ").split())
    return words not in NO_INJURY


def has_sen(sen: str | None) -> bool:
    """SEN support or an EHCP in the MIS (its code N, "none", means no SEN)."""
    return (sen or "").strip().lower() not in _NO_SEN


class PupilFacts(NamedTuple):
    """A pupil as the school file has them now (the MIS's current year group and class)."""

    upn: str
    name: str
    year_group: str | None = None
    class_name: str | None = None
    sen: bool = False
    fsm: bool = False
    cla: bool = False


class IncidentRow(NamedTuple):
    """A behaviour incident's analysed fields, as they stand after amendments."""

    occurred_at: datetime  # aware
    location: str | None
    behaviour_type: str | None
    bullying_type: str | None
    prejudice_type: str | None
    severity: str | None
    trigger: str | None  # None: recorded before the field existed
    pupils: tuple[tuple[str, str | None], ...]  # (UPN, role)


class InterventionRow(NamedTuple):
    """A physical intervention's analysed fields, as they stand after amendments."""

    started_at: datetime  # aware
    ended_at: datetime
    trigger: str | None
    intervention_kind: str | None
    restraint_type: str | None
    more_holds: str | None  # canonical JSON text (domain.holds)
    injuries_pupil: str | None
    injuries_staff: str | None
    parent_informed_at: datetime | None
    pupils: tuple[str, ...]  # UPNs


class ConcernRow(NamedTuple):
    occurred_at: datetime  # aware
    category: str | None
    urgency: str | None
    pupils: tuple[str, ...]


def a_year_before(day: date) -> date:
    """The same date a year earlier; 29 February gives the 28th."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def term_name(first_day: date) -> str:
    """A term as schools name it, from its first day: "Autumn 2026", "Spring 2027" (terms
    starting August to December are autumn, January to March spring, April to July summer;
    half-terms entered separately share their term's name)."""
    if first_day.month >= 8:
        season = "Autumn"
    elif first_day.month <= 3:
        season = "Spring"
    else:
        season = "Summer"
    return f"{season} {first_day.year}"


def usual_terms(first: date, last: date) -> list[tuple[date, date]]:
    """For a school that has entered no term dates: the three terms as months, September to
    December (autumn), January to March (spring) and April to August (summer), holidays
    included, over the years from ``first`` to ``last``."""
    return [
        term
        for year in range(first.year, last.year + 1)
        for term in (
            (date(year, 1, 1), date(year, 3, 31)),
            (date(year, 4, 1), date(year, 8, 31)),
            (date(year, 9, 1), date(year, 12, 31)),
        )
    ]


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _week_keys(first: date, last: date) -> dict[str, int]:
    found: dict[str, int] = {}
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        found[week_key(monday)] = 0
        monday += timedelta(days=7)
    return found


class WeekMarks(NamedTuple):
    """The by-week series' weeks that are not a whole week of school: drawn as 0 or as a
    fall, they would mislead."""

    holiday: list[str]  # no school day of the week within the range (holidays, half-terms)
    part: list[str]  # some school day of the week outside the range, or after today


def week_marks(
    first: date, last: date, calendar: SchoolCalendar | None = None, today: date | None = None
) -> WeekMarks:
    """Which of the range's ISO weeks are holidays and which part weeks, by ``calendar``'s
    school days (with no term dates: weekdays but bank holidays and closures); ``today``'s
    week, and any later, is a part week (so far)."""
    calendar = calendar or SchoolCalendar()
    monday = first - timedelta(days=first.weekday())
    school = _school_days(calendar, monday, last + timedelta(days=6))
    holiday: list[str] = []
    part: list[str] = []
    while monday <= last:
        days = [d for d in (monday + timedelta(days=n) for n in range(7)) if d in school]
        key = week_key(monday)
        if not any(first <= d <= last for d in days):
            holiday.append(key)
        elif any(not first <= d <= last or (today is not None and d > today) for d in days):
            part.append(key)
        monday += timedelta(days=7)
    return WeekMarks(holiday, part)


def _school_days(calendar: SchoolCalendar, first: date, last: date) -> set[date]:
    """The school days from ``first`` to ``last`` (a term's days found once, not each day
    against every term: a range of 25 years is some 1,300 weeks)."""
    closed = calendar.closures | calendar.bank_holidays
    spans = [(t.first_day, t.last_day) for t in calendar.terms] or [(first, last)]
    found: set[date] = set()
    for a, b in spans:
        day, end = max(a, first), min(b, last)
        while day <= end:
            if day.weekday() < 5 and day not in closed:
                found.add(day)
            day += timedelta(days=1)
    return found


def _month_keys(first: date, last: date) -> dict[str, int]:
    found: dict[str, int] = {}
    day = first.replace(day=1)
    while day <= last:
        found[month_key(day)] = 0
        day = (day + timedelta(days=32)).replace(day=1)
    return found


@dataclass(frozen=True)
class _Terms:
    """The calendar's terms that meet the range, by name (a day in none counts in none)."""

    terms: tuple[tuple[date, date, str], ...]

    @classmethod
    def meeting(cls, terms: Iterable[tuple[date, date]], first: date, last: date) -> _Terms:
        """The terms entered that meet the range; with none entered, the usual three
        (``usual_terms``)."""
        known = sorted(terms) or usual_terms(first, last)
        return cls(tuple((a, b, term_name(a)) for a, b in known if a <= last and b >= first))

    def keys(self) -> dict[str, int]:
        return {name: 0 for _, _, name in self.terms}

    def name(self, day: date) -> str | None:
        return next((name for a, b, name in self.terms if a <= day <= b), None)


def _ordered(counts: Counter[str]) -> dict[str, int]:
    """Most first, then by value; "not recorded" last."""
    found = sorted(
        ((k, n) for k, n in counts.items() if k != NOT_RECORDED), key=lambda kn: (-kn[1], kn[0])
    )
    if NOT_RECORDED in counts:
        found.append((NOT_RECORDED, counts[NOT_RECORDED]))
    return dict(found)


def _year_order(key: str) -> tuple[int, int, str]:
    """Nursery and Reception first, then years 1, 2, … 13 in number order; unknown last."""
    if key == NOT_RECORDED:
        return (2, 0, key)
    digits = "".join(ch for ch in key if ch.isdigit())
    if key.isdigit() or (digits and key.lower().startswith("y")):
        return (1, int(digits), key)
    return (0, 0, key)


def _by_year(counts: Counter[str]) -> dict[str, int]:
    return {k: counts[k] for k in sorted(counts, key=_year_order)}


class _Pupils:
    """Which pupils match the filters, and what the MIS says of each."""

    def __init__(self, pupils: Mapping[str, PupilFacts], filters: Filters) -> None:
        self.facts = pupils
        self.filters = filters
        self.filtered = filters.pupil_filtered

    def matches(self, upn: str) -> bool:
        f = self.filters
        p = self.facts.get(upn)
        if p is None:
            return not f.pupil_filtered
        if f.year_group is not None and (p.year_group or "") != f.year_group:
            return False
        if f.class_name is not None and (p.class_name or "") != f.class_name:
            return False
        if f.group is PupilGroup.SEN and not p.sen:
            return False
        if f.group is PupilGroup.PP_FSM and not p.fsm:
            return False
        return not (f.group is PupilGroup.CLA and not p.cla)

    def any_match(self, upns: Iterable[str]) -> bool:
        return not self.filtered or any(self.matches(upn) for upn in upns)

    def repeat(self, upn: str, count: int) -> RepeatPupil:
        p = self.facts.get(upn)
        if p is None:
            return RepeatPupil(upn, upn, "", count)
        return RepeatPupil(upn, p.name, p.year_group or "", count)


def _counted(values: Iterable[str | None]) -> dict[str, int]:
    """Each value's count, most first; None (not recorded) last."""
    counts: Counter[str] = Counter()
    for value in values:
        counts[value or NOT_RECORDED] += 1
    return _ordered(counts)


def _ranked(counts: Counter[str], pupils: _Pupils, least: int) -> list[RepeatPupil]:
    found = [pupils.repeat(upn, n) for upn, n in counts.items() if n >= least]
    return sorted(found, key=lambda p: (-p.count, p.name, p.upn))


_WEEKDAYS = tuple(str(d) for d in range(1, 8))
_HOURS = tuple(str(h) for h in range(24))


class _Days:
    """Where a moment falls, in the school's local time: its day, and the keys of its
    weekday, week, month and term (worked out once per day)."""

    def __init__(self, filters: Filters, terms: _Terms, marks: WeekMarks | None = None) -> None:
        self.marks = marks or WeekMarks([], [])
        self.zone = zone()
        self.first, self.last = filters.first_day, filters.last_day
        self.previous_first = filters.previous_first_day
        self.previous_last = filters.previous_last_day
        self.terms = terms
        self._keys: dict[date, tuple[str, str, str, str | None]] = {}

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone) if self.zone is not None else moment.astimezone()

    def keys(self, day: date) -> tuple[str, str, str, str | None]:
        """(weekday "1"-"7", ISO week, month, term name or None)."""
        found = self._keys.get(day)
        if found is None:
            found = (_WEEKDAYS[day.weekday()], week_key(day), month_key(day), self.terms.name(day))
            self._keys[day] = found
        return found

    def split(self, moments: Iterable[tuple[datetime, _Row]]) -> tuple[int, list[_Dated[_Row]]]:
        """How many fall in the trend's base (``Filters.previous_first_day`` to
        ``previous_last_day``), and those in the range with their local time and day."""
        before, within = 0, []
        first, last = self.first, self.last
        previous_first, previous_last = self.previous_first, self.previous_last
        for moment, row in moments:
            local = self.local(moment)
            day = local.date()
            if first <= day <= last:
                within.append((local, day, row))
            elif previous_first <= day <= previous_last:
                before += 1
        return before, within


_Row = TypeVar("_Row")
_Dated = tuple[datetime, date, _Row]


_UNKNOWN = (NOT_RECORDED,)


def _places(
    upns: Sequence[str], facts: Mapping[str, PupilFacts]
) -> tuple[Iterable[str], Iterable[str]]:
    """The year groups and the classes these pupils are in, each once ("not recorded" when
    the MIS has none)."""
    if len(upns) == 1:
        p = facts.get(upns[0])
        if p is None:
            return _UNKNOWN, _UNKNOWN
        return (p.year_group or NOT_RECORDED,), (p.class_name or NOT_RECORDED,)
    found = [facts.get(upn) for upn in upns]
    years = {(p.year_group if p else None) or NOT_RECORDED for p in found}
    return years, {(p.class_name if p else None) or NOT_RECORDED for p in found}


def _behaviour(
    rows: Sequence[IncidentRow], pupils: _Pupils, days: _Days
) -> tuple[BehaviourFigures, BullyingFigures]:
    """Counted once per record, except by year group and class: a record counts once for each
    year group (class) in which it names an instigator, or, when it names none as instigator,
    in which it names any pupil; pupils the MIS gives no year group (class) count as "not
    recorded". Year group and class are the MIS's current ones."""
    matching = (
        (row.occurred_at, row) for row in rows if pupils.any_match(upn for upn, _ in row.pupils)
    )
    before, within = days.split(matching)
    figures = BehaviourFigures(
        total=len(within),
        previous_total=before,
        by_weekday=dict.fromkeys(_WEEKDAYS, 0),
        by_hour=dict.fromkeys(_HOURS, 0),
        by_week=_week_keys(days.first, days.last),
        holiday_weeks=list(days.marks.holiday),
        part_weeks=list(days.marks.part),
        by_month=_month_keys(days.first, days.last),
        by_term=days.terms.keys(),
    )
    bullying = BullyingFigures()
    years: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    instigated: Counter[str] = Counter()
    weekdays, hours, weeks = figures.by_weekday, figures.by_hour, figures.by_week
    months, terms = figures.by_month, figures.by_term
    facts = pupils.facts
    for local, day, row in within:
        weekday, week, month, term = days.keys(day)
        weekdays[weekday] += 1
        hours[_HOURS[local.hour]] += 1
        weeks[week] += 1
        months[month] += 1
        if term is not None:
            terms[term] += 1
        instigators = [upn for upn, role in row.pupils if role == "instigator"]
        for upn in instigators:
            instigated[upn] += 1
        in_years, in_classes = _places(instigators or [upn for upn, _ in row.pupils], facts)
        for year in in_years:
            years[year] += 1
        for class_name in in_classes:
            classes[class_name] += 1
    rows_within = [row for _, _, row in within]
    figures.by_type = _counted(row.behaviour_type for row in rows_within)
    figures.by_location = _counted(row.location for row in rows_within)
    figures.by_trigger = _counted(row.trigger for row in rows_within)
    figures.by_severity = _counted(row.severity for row in rows_within)
    figures.by_year_group = _by_year(years)
    figures.by_class = _ordered(classes)
    figures.repeat_pupils = _ranked(instigated, pupils, REPEAT_THRESHOLD)
    bullied = [row for row in rows_within if row.behaviour_type == "bullying"]
    bullying.total = len(bullied)
    bullying.by_type = _counted(row.bullying_type for row in bullied)
    bullying.by_prejudice = _counted(
        row.prejudice_type
        for row in bullied
        if row.bullying_type == "prejudice" or row.prejudice_type
    )
    return figures, bullying


def minutes_between(started: datetime, ended: datetime) -> int:
    """Whole minutes from start to end (stored in UTC: across a clock change too)."""
    return max(round((ended - started).total_seconds() / 60), 0)


def _interventions(
    rows: Sequence[InterventionRow], pupils: _Pupils, days: _Days
) -> InterventionFigures:
    """Minutes are end minus start, as amended. Holds count each use: the main hold
    (`restraint_type`) and each further hold, so a hold used twice on one record counts
    twice. Distinct pupils with SEN are those the MIS gives SEN support or an EHCP. Injuries:
    see ``is_injury``. Parents informed the same day: on the school-local day the
    intervention started."""
    before, within = days.split(
        (row.started_at, row) for row in rows if pupils.any_match(row.pupils)
    )
    figures = InterventionFigures(
        total=len(within),
        previous_total=before,
        by_week=_week_keys(days.first, days.last),
        holiday_weeks=list(days.marks.holiday),
        part_weeks=list(days.marks.part),
    )
    holds: Counter[str] = Counter()
    per_pupil: Counter[str] = Counter()
    minutes: list[int] = []
    for _, day, row in within:
        minutes.append(minutes_between(row.started_at, row.ended_at))
        for hold in holds_used(row.restraint_type, row.more_holds):
            holds[hold] += 1
        figures.with_injury_pupil += is_injury(row.injuries_pupil)
        figures.with_injury_staff += is_injury(row.injuries_staff)
        informed = row.parent_informed_at
        same_day = informed is not None and days.local(informed).date() == day
        figures.parent_informed_same_day += same_day
        figures.by_week[days.keys(day)[1]] += 1
        for upn in set(row.pupils):
            per_pupil[upn] += 1
    rows_within = [row for _, _, row in within]
    figures.pupils = len(per_pupil)
    figures.pupils_with_sen = sum(
        1 for upn in per_pupil if (p := pupils.facts.get(upn)) is not None and p.sen
    )
    figures.minutes_total = sum(minutes)
    figures.minutes_median = float(statistics.median(minutes)) if minutes else None
    figures.by_hold = _ordered(holds)
    figures.by_kind = _counted(row.intervention_kind for row in rows_within)
    figures.by_trigger = _counted(row.trigger for row in rows_within)
    figures.by_pupil = _ranked(per_pupil, pupils, 1)
    return figures


def _concerns(rows: Sequence[ConcernRow], pupils: _Pupils, days: _Days) -> ConcernFigures:
    before, within = days.split(
        (row.occurred_at, row) for row in rows if pupils.any_match(row.pupils)
    )
    figures = ConcernFigures(total=len(within), previous_total=before, by_term=days.terms.keys())
    for _, day, _row in within:
        if (term := days.keys(day)[3]) is not None:
            figures.by_term[term] += 1
    figures.by_category = _counted(row.category for _, _, row in within)
    figures.by_urgency = _counted(row.urgency for _, _, row in within)
    return figures


def compute(
    filters: Filters,
    pupils: Mapping[str, PupilFacts],
    terms: Iterable[tuple[date, date]] = (),
    *,
    incidents: Sequence[IncidentRow] | None = None,
    interventions: Sequence[InterventionRow] | None = None,
    concerns: Sequence[ConcernRow] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
    counted_before: Mapping[str, int] | None = None,
    calendar: SchoolCalendar | None = None,
    today: date | None = None,
) -> Analysis:
    """Every figure for ``filters``' range from rows covering it and the trend's base
    (``Filters.previous_first_day`` to ``previous_last_day``; rows outside both are ignored).
    A section whose rows are None is not for this reader. Days are the school's local days; a
    record counts when it names at least one pupil who matches every pupil filter given.
    ``counted_before``: records of the trend's base, by section, counted already and not among
    the rows (only without pupil filters). ``calendar`` and ``today`` mark the holiday and
    part weeks (``week_marks``)."""
    who = _Pupils(pupils, filters)
    marks = week_marks(filters.first_day, filters.last_day, calendar, today)
    days = _Days(filters, _Terms.meeting(terms, filters.first_day, filters.last_day), marks)
    analysis = Analysis(filters, labels={k: dict(v) for k, v in (labels or {}).items()})
    extra = counted_before or {}
    if incidents is not None:
        analysis.behaviour, analysis.bullying = _behaviour(incidents, who, days)
        analysis.behaviour.previous_total += extra.get(BEHAVIOUR, 0)
    if interventions is not None:
        analysis.interventions = _interventions(interventions, who, days)
        analysis.interventions.previous_total += extra.get(INTERVENTIONS, 0)
    if concerns is not None:
        analysis.concerns = _concerns(concerns, who, days)
        analysis.concerns.previous_total += extra.get(CONCERNS, 0)
    return analysis
