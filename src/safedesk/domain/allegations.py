"""Allegations about staff and low-level concerns: what is recorded, checked, and counted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from safedesk.domain.entry_validation import FUTURE_TOLERANCE, parse_day, parse_moment
from safedesk.domain.errors import ValidationError
from safedesk.domain.text import (
    LONG_TEXT_LIMIT,
    SHORT_TEXT_LIMIT,
    is_blank,
    text_problem,
    visible,
)


class Outcome(StrEnum):
    """The outcomes Keeping Children Safe in Education names for an allegation."""

    SUBSTANTIATED = "substantiated"
    FALSE = "false"
    MALICIOUS = "malicious"
    UNSUBSTANTIATED = "unsubstantiated"
    UNFOUNDED = "unfounded"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Fields of an allegation a correction may change (never who recorded it, nor when).
AMENDABLE = {
    "subject_name": "name of the person it is about",
    "subject_role": "their role",
    "happened_at": "when it happened",
    "alleged": "what is alleged",
    "raised_by": "who raised it",
}
# Fields of a low-level concern a correction may change (never who recorded it, nor when).
LOW_LEVEL_AMENDABLE = {
    "subject_name": "name of the person it is about",
    "subject_role": "their role",
    "happened_at": "when it happened",
    "what": "what happened",
    "raised_by": "who raised it",
}


@dataclass(frozen=True)
class Subject:
    """Whom an allegation or concern is about: an account, or a name and role."""

    username: str | None
    name: str
    role: str


@dataclass(frozen=True)
class NewAllegation:
    subject: Subject
    happened_at: datetime
    alleged: str
    raised_by: str


@dataclass(frozen=True)
class NewLowLevelConcern:
    subject: Subject
    happened_at: datetime
    what: str
    raised_by: str


@dataclass(frozen=True)
class AllegationEvent:
    id: int
    kind: str  # lado_contacted, action, outcome, amendment
    at: datetime
    lado_name: str | None
    outcome: Outcome | None
    field: str | None
    old_value: str | None
    new_value: str | None
    text: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class OutcomeCorrection:
    """An outcome corrected: as it should be, as it was before, why, who and when."""

    id: int
    outcome: Outcome
    decided_on: date
    old_outcome: Outcome
    old_decided_on: date
    reason: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class Decision:
    """An allegation's outcome now: as recorded, or as last corrected."""

    outcome: Outcome
    decided_on: date
    corrected: bool


@dataclass(frozen=True)
class Allegation:
    id: int
    subject: Subject
    happened_at: datetime
    alleged: str
    raised_by: str
    recorded_by: str
    recorded_at: datetime
    events: tuple[AllegationEvent, ...] = ()
    outcome_corrections: tuple[OutcomeCorrection, ...] = ()

    def current(self, field: str) -> str:
        """A field's value now: as recorded, or its latest correction."""
        value = {
            "subject_name": self.subject.name,
            "subject_role": self.subject.role,
            "happened_at": self.happened_at.isoformat(),
            "alleged": self.alleged,
            "raised_by": self.raised_by,
        }[field]
        for event in self.events:
            if event.kind == "amendment" and event.field == field and event.new_value:
                value = event.new_value
        return value

    @property
    def lado_contacted(self) -> AllegationEvent | None:
        return next((e for e in self.events if e.kind == "lado_contacted"), None)

    @property
    def outcome(self) -> AllegationEvent | None:
        """The outcome as first recorded (``decision`` is the outcome now)."""
        return next((e for e in self.events if e.kind == "outcome"), None)

    @property
    def decision(self) -> Decision | None:
        """The outcome now: its latest correction, else as recorded; None until recorded."""
        if self.outcome_corrections:
            last = max(self.outcome_corrections, key=lambda c: c.id)
            return Decision(last.outcome, last.decided_on, True)
        first = self.outcome
        if first is None or first.outcome is None:
            return None
        return Decision(first.outcome, first.at.date(), False)


@dataclass(frozen=True)
class LowLevelAmendment:
    """A correction to one field of a low-level concern, with its old value and why."""

    id: int
    field: str
    old_value: str
    new_value: str
    reason: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class LowLevelConcern:
    id: int
    subject: Subject
    happened_at: datetime
    what: str
    raised_by: str
    recorded_by: str
    recorded_at: datetime
    amendments: tuple[LowLevelAmendment, ...] = ()

    def current(self, field: str) -> str:
        """A field's value now: as recorded, or its latest correction."""
        value = {
            "subject_name": self.subject.name,
            "subject_role": self.subject.role,
            "happened_at": self.happened_at.isoformat(),
            "what": self.what,
            "raised_by": self.raised_by,
        }[field]
        for amendment in sorted(self.amendments, key=lambda a: a.id):
            if amendment.field == field:
                value = amendment.new_value
        return value

    @property
    def current_subject(self) -> Subject:
        """Whom it is about now, as corrected. A corrected name is another person, so the
        account it was recorded against no longer counts for it (its pattern is the new
        name's); the file still never gives that account its key (store.is_subject)."""
        renamed = any(a.field == "subject_name" for a in self.amendments)
        return Subject(
            None if renamed else self.subject.username,
            self.current("subject_name"),
            self.current("subject_role"),
        )

    @property
    def current_happened_at(self) -> datetime:
        return datetime.fromisoformat(self.current("happened_at"))


@dataclass(frozen=True)
class Pattern:
    """Low-level concerns about one person, counted by month (the log's purpose: a pattern)."""

    subject: Subject
    total: int
    by_month: tuple[tuple[str, int], ...]  # ("2026-11", 2), oldest first
    last: datetime


def _text(payload: Mapping[str, Any], name: str, limit: int, problems: dict[str, str]) -> str:
    value = payload.get(name)
    if is_blank(value):
        problems[name] = "is required"
        return ""
    if problem := text_problem(value, limit=limit):
        problems[name] = problem
        return ""
    return str(value).strip()


def _when(
    payload: Mapping[str, Any], name: str, now: datetime, problems: dict[str, str]
) -> datetime:
    value = payload.get(name)
    if is_blank(value):
        problems[name] = "is required"
        return now
    moment = parse_moment(value)
    if isinstance(moment, str):
        problems[name] = moment
        return now
    if moment > now + FUTURE_TOLERANCE:
        problems[name] = "cannot be in the future"
    return moment


def subject_from(payload: Mapping[str, Any], problems: dict[str, str]) -> Subject:
    """``subject_username`` (an account), and always ``subject_name`` and ``subject_role``
    as written now (a supply teacher or volunteer has no account)."""
    username = payload.get("subject_username")
    if not is_blank(username) and (problem := text_problem(username, limit=SHORT_TEXT_LIMIT)):
        problems["subject_username"] = problem
    name = _text(payload, "subject_name", SHORT_TEXT_LIMIT, problems)
    role = _text(payload, "subject_role", SHORT_TEXT_LIMIT, problems)
    return Subject(None if is_blank(username) else str(username).strip(), name, role)


def validate_allegation(payload: Mapping[str, Any], now: datetime) -> NewAllegation:
    problems: dict[str, str] = {}
    subject = subject_from(payload, problems)
    happened = _when(payload, "happened_at", now, problems)
    alleged = _text(payload, "alleged", LONG_TEXT_LIMIT, problems)
    raised_by = _text(payload, "raised_by", SHORT_TEXT_LIMIT, problems)
    if problems:
        raise ValidationError(problems)
    return NewAllegation(subject, happened, alleged, raised_by)


def validate_low_level(payload: Mapping[str, Any], now: datetime) -> NewLowLevelConcern:
    problems: dict[str, str] = {}
    subject = subject_from(payload, problems)
    happened = _when(payload, "happened_at", now, problems)
    what = _text(payload, "what", LONG_TEXT_LIMIT, problems)
    raised_by = _text(payload, "raised_by", SHORT_TEXT_LIMIT, problems)
    if problems:
        raise ValidationError(problems)
    return NewLowLevelConcern(subject, happened, what, raised_by)


def validate_lado(payload: Mapping[str, Any], now: datetime) -> tuple[datetime, str]:
    problems: dict[str, str] = {}
    at = _when(payload, "contacted_at", now, problems)
    name = _text(payload, "lado_name", SHORT_TEXT_LIMIT, problems)
    if problems:
        raise ValidationError(problems)
    return at, name


def validate_outcome(
    payload: Mapping[str, Any], today: date, happened_on: date | None = None
) -> tuple[Outcome, date]:
    """The outcome and the day it was decided: not in the future, nor before what is alleged
    happened (``happened_on``)."""
    problems: dict[str, str] = {}
    outcome = Outcome.SUBSTANTIATED
    raw = payload.get("outcome")
    if is_blank(raw):
        problems["outcome"] = "is required"
    else:
        try:
            outcome = Outcome(str(raw).strip().lower())
        except ValueError:
            problems["outcome"] = "must be one of " + ", ".join(o.value for o in Outcome)
    decided = today
    value = payload.get("decided_on")
    if is_blank(value):
        problems["decided_on"] = "is required"
    else:
        day = parse_day(value)
        if isinstance(day, str):
            problems["decided_on"] = day
        elif day > today:
            problems["decided_on"] = "cannot be in the future"
        elif happened_on is not None and day < happened_on:
            problems["decided_on"] = (
                f"cannot be before what is alleged happened ({happened_on.strftime('%d/%m/%Y')})"
            )
        else:
            decided = day
    if problems:
        raise ValidationError(problems)
    return outcome, decided


def _reason(reason: object, problems: dict[str, str]) -> str:
    if is_blank(reason):
        problems["reason"] = "is required: say why it is corrected"
        return ""
    if problem := text_problem(reason, limit=LONG_TEXT_LIMIT):
        problems["reason"] = problem
        return ""
    return str(reason).strip()


def validate_low_level_correction(
    concern: LowLevelConcern, field: str, new_value: object, reason: object, now: datetime
) -> tuple[str, str, str]:
    """A correction to a low-level concern: (its old value, the new value as kept, the
    reason). Problems are named ``field``, ``new value`` and ``reason``."""
    problems: dict[str, str] = {}
    if field not in LOW_LEVEL_AMENDABLE:
        problems["field"] = "must be one of " + ", ".join(LOW_LEVEL_AMENDABLE)
    limit = LONG_TEXT_LIMIT if field == "what" else SHORT_TEXT_LIMIT
    value = ""
    if is_blank(new_value):
        problems["new value"] = "is required"
    elif problem := text_problem(new_value, limit=limit):
        problems["new value"] = problem
    else:
        value = str(new_value).strip()
    why = _reason(reason, problems)
    if "field" in problems or "new value" in problems:
        raise ValidationError(problems)
    old = concern.current(field)
    if field == "happened_at":
        moment = parse_moment(value)
        if isinstance(moment, str):
            problems["new value"] = moment
        elif moment > now + FUTURE_TOLERANCE:
            problems["new value"] = "cannot be in the future"
        elif moment > concern.recorded_at:
            problems["new value"] = "cannot be after the concern was recorded"
        elif moment == datetime.fromisoformat(old):
            problems["new value"] = "is the same as it is now: give the time it should be"
        else:
            value = moment.isoformat()
    elif visible(value).strip() == visible(old).strip():
        problems["new value"] = "is the same as it is now: give the value it should be"
    if problems:
        raise ValidationError(problems)
    return old, value, why


def validate_outcome_correction(
    now: Decision,
    payload: Mapping[str, Any],
    reason: object,
    today: date,
    happened_on: date | None = None,
) -> tuple[Outcome, date, str]:
    """A corrected outcome (``outcome``, ``decided_on``) and the reason, checked against the
    outcome as it stands: it must say something different."""
    problems: dict[str, str] = {}
    outcome, decided = now.outcome, now.decided_on
    try:
        outcome, decided = validate_outcome(payload, today, happened_on)
    except ValidationError as exc:
        problems.update(exc.problems)
    why = _reason(reason, problems)
    if not problems and (outcome, decided) == (now.outcome, now.decided_on):
        problems["outcome"] = (
            "is already recorded as this, decided on that date: choose what it should be"
        )
    if problems:
        raise ValidationError(problems)
    return outcome, decided, why


def pattern_key(concern: LowLevelConcern) -> tuple[str, ...]:
    """Whose pattern a concern counts in: their account, else their name and role as
    corrected."""
    s = concern.current_subject
    return ("account", s.username) if s.username else ("name", s.name.casefold(), s.role)


def patterns(concerns: list[LowLevelConcern]) -> list[Pattern]:
    """Per person (their account, else their name and role), most concerns first; by the
    names and times as corrected."""
    grouped: dict[tuple[str, ...], list[LowLevelConcern]] = {}
    for concern in concerns:
        grouped.setdefault(pattern_key(concern), []).append(concern)
    found = []
    for items in grouped.values():
        months: dict[str, int] = {}
        for item in sorted(items, key=lambda c: c.current_happened_at):
            month = item.current_happened_at.strftime("%Y-%m")
            months[month] = months.get(month, 0) + 1
        latest = max(items, key=lambda c: c.current_happened_at)
        found.append(
            Pattern(
                latest.current_subject,
                len(items),
                tuple(months.items()),
                latest.current_happened_at,
            )
        )
    found.sort(key=lambda p: (-p.total, p.subject.name.casefold()))
    return found


# A concern about an adult raised by any member of staff (sealed to the head's or the chair's
# file): the kinds of item, and the fields its sealed body carries.
ADULT_CONCERN_KINDS = ("allegation", "low_level_concern")
ADULT_CONCERN_FIELDS = ("subject_username", "subject_name", "subject_role", "happened_at", "what")


def adult_concern_from(
    kind: str, body: Mapping[str, Any], *, raised_by: str, now: datetime
) -> NewAllegation | NewLowLevelConcern:
    """The allegation (or low-level concern) a member of staff's concern about an adult is
    filed as; problems are named by the fields the member of staff filled in."""
    fields = {name: body.get(name) for name in ADULT_CONCERN_FIELDS}
    if kind == "allegation":
        payload = {**fields, "alleged": fields.pop("what"), "raised_by": raised_by}
        try:
            return validate_allegation(payload, now)
        except ValidationError as exc:
            problems = {("what" if k == "alleged" else k): v for k, v in exc.problems.items()}
            raise ValidationError(problems) from None
    if kind == "low_level_concern":
        return validate_low_level({**fields, "raised_by": raised_by}, now)
    raise ValidationError({"kind": f"{kind!r} is not a concern about an adult"})
