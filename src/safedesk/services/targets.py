"""Behaviour targets: the behaviour lead and the headteacher set, change and retire them; those
who read behaviour records (the DSLs too) see each week's figure against the line to the goal.

A target counts the behaviour file's records with their values as they are now, after any
amendment. A pupil's target counts the records that name the pupil; a year group's, those
that name a pupil now in that year group (from the school file's current pupil data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from safedesk.domain.calendar import SchoolCalendar
from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.people import Pupil
from safedesk.domain.roles import Permission
from safedesk.domain.targets import (
    LABELS,
    Measure,
    NewTarget,
    Progress,
    ScopeKind,
    StoredTarget,
    baseline,
    local_day,
    progress,
    validate_goal,
    validate_target,
)
from safedesk.domain.text import SHORT_TEXT_LIMIT, is_blank, text_problem
from safedesk.services import intake, lists
from safedesk.services.school_calendar import calendar_for
from safedesk.services.session import Session
from safedesk.services.settings import get_settings
from safedesk.store import pupils, targets
from safedesk.store.targets import Occurrence

BEHAVIOUR = Compartment.BEHAVIOUR
_READING = "see behaviour targets"
_SETTING = "set behaviour targets"


@dataclass(frozen=True)
class TargetView:
    """A current target as people read it, with its weeks."""

    progress: Progress
    applies_to: str  # "Whole school", "Year 3", a pupil's name
    measure: str  # "Physical interventions a week", "Verbal abuse incidents a week"

    @property
    def target(self) -> StoredTarget:
        return self.progress.target


@dataclass(frozen=True)
class PupilChoice:
    upn: str
    name: str
    year_group: str | None


@dataclass(frozen=True)
class Choices:
    """What the form offers: year groups and pupils now on roll, the behaviour types."""

    year_groups: tuple[str, ...]
    pupils: tuple[PupilChoice, ...]
    behaviour_types: tuple[tuple[str, str], ...]


def may_set(session: Session) -> bool:
    """Whether this account sets targets (the behaviour lead or the headteacher)."""
    # A DSL who is neither reads them.
    return session.user.can(Permission.SET_TARGETS) and session.user.can(Permission.READ_BEHAVIOUR)


def _read_allowed(session: Session) -> None:
    session.require(Permission.READ_BEHAVIOUR, _READING)
    session.compartment(BEHAVIOUR, _READING)


def _set_allowed(session: Session) -> None:
    _read_allowed(session)
    if not may_set(session):
        session.refuse(_SETTING, permission=Permission.SET_TARGETS.value)


_YEAR_NAMES = {"R": "Reception", "N": "Nursery", "N1": "Nursery", "N2": "Nursery"}


def year_group_label(group: str) -> str:
    """ "Year 3", "Reception": a year group as a school says it."""
    if group.isdigit():
        return f"Year {group}"
    return _YEAR_NAMES.get(group.strip().upper(), group)


def _school_pupils(session: Session) -> list[Pupil]:
    with session.store.read() as conn:
        return pupils.all_pupils(conn)


def choices(session: Session) -> Choices:
    _read_allowed(session)
    on_roll = _school_pupils(session)
    groups = sorted(
        {p.details.year_group for p in on_roll if p.details.year_group},
        key=lambda g: (not g[:1].isdigit(), int(g) if g.isdigit() else 0, g),
    )
    found = sorted(
        (PupilChoice(p.upn, p.display_name, p.details.year_group) for p in on_roll),
        key=lambda c: c.name.casefold(),
    )
    types = tuple(lists.choices(session).get("behaviour_types", []))
    return Choices(tuple(groups), tuple(found), types)


def _calendar(session: Session, today: date) -> SchoolCalendar:
    settings = get_settings(session)
    with session.store.read() as conn:
        return calendar_for(conn, settings, today)


def _counted(
    target: NewTarget, found: Iterable[Occurrence], year_groups: Mapping[str, str | None]
) -> list[date]:
    """The local days of the records ``target`` counts."""
    days: list[date] = []
    for item in found:
        if target.measure is Measure.INCIDENTS_OF_TYPE and item.behaviour_type != (
            target.behaviour_type
        ):
            continue
        if target.measure is Measure.BULLYING and item.behaviour_type != "bullying":
            continue
        scope = target.scope
        if scope.kind is ScopeKind.PUPIL and scope.value not in item.upns:
            continue
        if scope.kind is ScopeKind.YEAR_GROUP and not any(
            year_groups.get(upn) == scope.value for upn in item.upns
        ):
            continue
        days.append(local_day(item.at))
    return days


class _Counter:
    """Reads the behaviour file's records once for any number of targets."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.year_groups = {p.upn: p.details.year_group for p in _school_pupils(session)}
        self._found: dict[bool, list[Occurrence]] = {}

    def days(self, target: NewTarget) -> list[date]:
        interventions = target.measure is Measure.INTERVENTIONS
        if interventions not in self._found:
            with self.session.compartment(BEHAVIOUR, _READING).read() as conn:
                self._found[interventions] = targets.occurrences(conn, interventions=interventions)
        return _counted(target, self._found[interventions], self.year_groups)


def set_target(session: Session, payload: Mapping[str, Any]) -> int:
    """Set a new target; its baseline is worked out now. Returns the target's number."""
    _set_allowed(session)
    now = session.clock.now()
    today = local_day(now)
    found = choices(session)
    target = validate_target(
        payload,
        today=today,
        behaviour_types=[value for value, _ in found.behaviour_types],
        year_groups=found.year_groups,
        pupils=[p.upn for p in found.pupils],
    )
    intake.take_in_waiting(session, BEHAVIOUR)  # what staff recorded a moment ago counts
    base = baseline(_Counter(session).days(target), today, _calendar(session, today))
    with session.compartment(BEHAVIOUR, _SETTING).write() as conn:
        number = targets.next_number(conn)
        row_id = targets.insert_version(
            conn, number, 1, target, baseline=base, author=session.user.username, at=now
        )
        session.audit(
            conn,
            "target.set",
            object_type="target",
            object_id=str(number),
            detail={"row": row_id, "version": 1, "measure": target.measure.value},
        )
    return number


def _current_one(session: Session, number: int) -> StoredTarget:
    with session.compartment(BEHAVIOUR, _READING).read() as conn:
        found = targets.current(conn, number)
        retired = targets.is_retired(conn, number)
    if retired:
        raise ValidationError({"Target": f"target {number} was retired; set a new one instead"})
    if not found:
        raise NotFound(f"There is no target {number}.")
    return found[0]


def revise_target(session: Session, number: int, payload: Mapping[str, Any]) -> int:
    """A new version of target ``number``: a new goal, goal date or note (what it measures,
    where, and its baseline stay). Returns the new version's number."""
    _set_allowed(session)
    now = session.clock.now()
    if not isinstance(payload, Mapping):
        raise ValidationError({"Target": "must be a set of fields"})
    problems: dict[str, str] = {}
    goal, goal_on, note = validate_goal(payload, local_day(now), problems)
    if problems:
        raise ValidationError(problems)
    assert goal is not None
    assert goal_on is not None
    before = _current_one(session, number)
    old = before.target
    new = NewTarget(old.scope, old.measure, old.behaviour_type, goal, goal_on, note)
    if new == old:
        raise ValidationError({LABELS["goal"]: "and the goal date and note are as they were"})
    version = before.version + 1
    with session.compartment(BEHAVIOUR, _SETTING).write() as conn:
        row_id = targets.insert_version(
            conn,
            number,
            version,
            new,
            baseline=before.baseline,
            author=session.user.username,
            at=now,
        )
        session.audit(
            conn,
            "target.revised",
            object_type="target",
            object_id=str(number),
            detail={"row": row_id, "version": version},
        )
    return version


def retire_target(session: Session, number: int, reason: object) -> None:
    """Stop following target ``number`` (it is kept, with why)."""
    _set_allowed(session)
    if is_blank(reason):
        raise ValidationError({LABELS["reason"]: "is required"})
    if not isinstance(reason, str):
        raise ValidationError({LABELS["reason"]: "must be text"})
    if problem := text_problem(reason, limit=SHORT_TEXT_LIMIT * 5):
        raise ValidationError({LABELS["reason"]: problem})
    _current_one(session, number)
    with session.compartment(BEHAVIOUR, _SETTING).write() as conn:
        row_id = targets.retire(
            conn, number, reason.strip(), author=session.user.username, at=session.clock.now()
        )
        session.audit(
            conn,
            "target.retired",
            object_type="target",
            object_id=str(number),
            detail={"row": row_id},
        )


def measure_text(target: NewTarget, type_labels: Mapping[str, str]) -> str:
    if target.measure is Measure.INCIDENTS_OF_TYPE and target.behaviour_type:
        kind = type_labels.get(target.behaviour_type, target.behaviour_type)
        return f"{kind} incidents a week"
    return target.measure.label


def current_targets(session: Session) -> list[TargetView]:
    """Every target being followed, with each week from when it was set against its line."""
    _read_allowed(session)
    intake.take_in_waiting(session, BEHAVIOUR)
    with session.compartment(BEHAVIOUR, _READING).read() as conn:
        found = targets.current(conn)
    with session.store.write() as conn:  # one event a look, as for analysis: no names in it
        session.audit(conn, "targets.viewed", detail={"targets": [t.number for t in found]})
    if not found:
        return []
    now = session.clock.now()
    today = local_day(now)
    calendar = _calendar(session, today)
    counter = _Counter(session)
    names = {p.upn: p.display_name for p in _school_pupils(session)}
    type_labels = dict(lists.choices(session, include_retired=True).get("behaviour_types", []))
    views = []
    for stored in found:
        scope = stored.target.scope
        if scope.kind is ScopeKind.SCHOOL or scope.value is None:
            applies = ScopeKind.SCHOOL.label
        elif scope.kind is ScopeKind.YEAR_GROUP:
            applies = year_group_label(scope.value)
        else:
            applies = names.get(scope.value, scope.value)
        weeks = progress(stored, counter.days(stored.target), calendar, today)
        views.append(TargetView(weeks, applies, measure_text(stored.target, type_labels)))
    return views
