"""A leader's review of a behaviour incident or physical intervention: the decisions, the
fields with the labels people see, their validation, and when each review is due."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from safedesk.domain.calendar import SchoolCalendar
from safedesk.domain.entries import Kind
from safedesk.domain.errors import ValidationError
from safedesk.domain.text import LONG_TEXT_LIMIT, SHORT_TEXT_LIMIT, is_blank, text_problem
from safedesk.domain.time_to_action import Timeliness, describe, timeliness


class Decision(StrEnum):
    SIGNED_OFF = "signed_off"  # signed off, no further action
    FOLLOW_UP = "follow_up"
    TARGET = "target"
    PARENTS = "parents"

    @property
    def label(self) -> str:
        return {
            Decision.SIGNED_OFF: "Signed off: no further action",
            Decision.FOLLOW_UP: "Follow-up needed",
            Decision.TARGET: "Target set for the pupil",
            Decision.PARENTS: "Parents to be contacted",
        }[self]


# The labels the form shows: every message names a field by these.
LABELS = {
    "decision": "Decision",
    "note": "Note",
    "follow_up": "Follow-up",
    "follow_up_by": "Follow-up by",
    "target": "Target",
    "parents_who": "Who contacts the parents",
    "parents_by": "Contact parents by",
}
REVIEWED_KINDS = (Kind.INTERVENTION, Kind.BEHAVIOUR)
# The most serious severity on the school's list (a 'high' incident is reviewed as quickly as
# an intervention by default); any other severity, the school's own ones too, waits longer.
SERIOUS = "high"
_SEVERITY_RANK = {"high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class NewReview:
    decision: Decision
    note: str
    follow_up: str | None = None
    follow_up_by: date | None = None
    target: str | None = None
    parents_who: str | None = None
    parents_by: date | None = None


@dataclass(frozen=True)
class StoredReview:
    id: int
    entry_ref: str
    review: NewReview
    author: str
    author_name: str
    at: datetime


def _text(raw: Any, name: str, limit: int, problems: dict[str, str]) -> str | None:
    if raw is None or (isinstance(raw, str) and is_blank(raw)):
        return None
    if not isinstance(raw, str):
        problems[LABELS[name]] = "must be text"
        return None
    if problem := text_problem(raw, limit=limit):
        problems[LABELS[name]] = problem
        return None
    return raw.strip()


def _day(raw: Any, name: str, today: date, problems: dict[str, str]) -> date | None:
    if raw is None or (isinstance(raw, str) and is_blank(raw)):
        return None
    if isinstance(raw, date) and not isinstance(raw, datetime):
        day = raw
    else:
        try:
            day = date.fromisoformat(str(raw).strip())
        except ValueError:
            problems[LABELS[name]] = "must be a date, like 2026-03-14"
            return None
    if day < today:
        problems[LABELS[name]] = "must be today or later"
        return None
    return day


def validate_review(payload: Mapping[str, Any], *, today: date) -> NewReview:
    """A review as typed (JSON-like values), checked; ValidationError names fields by label."""
    problems: dict[str, str] = {}
    decision: Decision | None = None
    raw_decision = payload.get("decision")
    if raw_decision is None or (isinstance(raw_decision, str) and is_blank(raw_decision)):
        problems[LABELS["decision"]] = "is required: choose one"
    else:
        try:
            decision = Decision(str(raw_decision).strip())
        except ValueError:
            problems[LABELS["decision"]] = "must be one of " + ", ".join(d.label for d in Decision)
    note = _text(payload.get("note"), "note", LONG_TEXT_LIMIT, problems)
    if note is None and LABELS["note"] not in problems:
        problems[LABELS["note"]] = "is required: say what you decided and why"
    follow_up = _text(payload.get("follow_up"), "follow_up", LONG_TEXT_LIMIT, problems)
    follow_up_by = _day(payload.get("follow_up_by"), "follow_up_by", today, problems)
    target = _text(payload.get("target"), "target", LONG_TEXT_LIMIT, problems)
    parents_who = _text(payload.get("parents_who"), "parents_who", SHORT_TEXT_LIMIT, problems)
    parents_by = _day(payload.get("parents_by"), "parents_by", today, problems)
    needed = {
        Decision.FOLLOW_UP: (("follow_up", follow_up), ("follow_up_by", follow_up_by)),
        Decision.TARGET: (("target", target),),
        Decision.PARENTS: (("parents_who", parents_who), ("parents_by", parents_by)),
    }
    for name, value in needed.get(decision, ()) if decision is not None else ():
        if value is None and LABELS[name] not in problems:
            assert decision is not None
            problems[LABELS[name]] = f"is required for “{decision.label}”"
    if decision is not None:
        # What another decision asks for is not kept with this one: it would be read as
        # promised and never chased.
        used = {name for name, _ in needed.get(decision, ())}
        given = {
            "follow_up": follow_up,
            "follow_up_by": follow_up_by,
            "target": target,
            "parents_who": parents_who,
            "parents_by": parents_by,
        }
        for name, value in given.items():
            if value is not None and name not in used and LABELS[name] not in problems:
                problems[LABELS[name]] = f"is not part of “{decision.label}”: leave it empty"
    if problems:
        raise ValidationError(problems)
    assert decision is not None
    assert note is not None
    return NewReview(decision, note, follow_up, follow_up_by, target, parents_who, parents_by)


@dataclass(frozen=True)
class ReviewTargets:
    """School days allowed for a review (configurable; see Settings)."""

    intervention_school_days: int = 1
    serious_school_days: int = 1
    other_school_days: int = 3


def seriousness(kind: Kind, severity: str | None) -> int:
    """0 for an intervention, then incidents by severity: the smaller, the more serious."""
    if kind is Kind.INTERVENTION:
        return 0
    return _SEVERITY_RANK.get(severity or "", 2)


def review_due(
    kind: Kind,
    severity: str | None,
    recorded_at: datetime,
    targets: ReviewTargets,
    calendar: SchoolCalendar,
) -> datetime:
    """When the record must have been reviewed, counted in school days from its recording."""
    if kind is Kind.INTERVENTION:
        days = targets.intervention_school_days
    elif severity == SERIOUS:
        days = targets.serious_school_days
    else:
        days = targets.other_school_days
    return calendar.add_school_days(recorded_at, days)


@dataclass(frozen=True)
class ReviewItem:
    """A behaviour record in the inbox: waiting for review, or already reviewed."""

    ref: str
    kind: Kind
    severity: str | None
    what: str  # e.g. "Physical intervention: corridor", "Verbal abuse (High), playground"
    pupils: tuple[tuple[str, str], ...]  # (UPN, name)
    recorded_by: str
    recorded_at: datetime
    due_at: datetime
    review: StoredReview | None = None

    @property
    def reviewed(self) -> bool:
        return self.review is not None

    @property
    def rank(self) -> int:
        return seriousness(self.kind, self.severity)

    def status(self, now: datetime) -> Timeliness:
        if self.review is not None:
            return Timeliness.ON_TIME
        return timeliness(self.recorded_at, self.due_at, now)

    def time_left(self, now: datetime) -> str:
        return "reviewed" if self.review is not None else describe(self.due_at, now)

    def sort_key(self) -> tuple[bool, int, datetime, str]:
        """Waiting before reviewed; interventions, then by severity; then the oldest."""
        return (self.reviewed, self.rank, self.recorded_at, self.ref)
