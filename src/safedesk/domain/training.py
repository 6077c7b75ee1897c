"""Staff training: the kinds of course, what an entry holds, when it runs out, and what a
confirmation signs. No Qt, no SQL."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from safedesk.domain.entry_validation import parse_day
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.text import SHORT_TEXT_LIMIT, is_blank, text_problem

PURPOSE = "training.confirm"  # what a confirmation's signature is for
DUE_SOON_DAYS = 30  # a DSL's refresher shows in the queue this long before it runs out
REASON_LIMIT = 500

# The labels people see on the form and in errors.
WHO = "Member of staff"
COURSE = "Course"
COURSE_TEXT = "Course name"
PROVIDER = "Provider"
TAKEN_ON = "Date taken"
EXPIRES_ON = "Expires"
REASON = "Reason for the correction"


class Course(StrEnum):
    DSL = "dsl"
    STAFF_UPDATE = "staff_update"
    PREVENT = "prevent"
    POSITIVE_HANDLING = "positive_handling"
    OTHER = "other"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Course.DSL: "DSL training",
    Course.STAFF_UPDATE: "Whole-staff safeguarding update",
    Course.PREVENT: "Prevent",
    Course.POSITIVE_HANDLING: "Positive handling / restraint",
    Course.OTHER: "Other",
}


def parse_course(text: str) -> tuple[Course, str | None]:
    """A kind from its label or value (any case); anything else is "other" with that text."""
    wanted = " ".join(text.split()).casefold()
    for course in Course:
        if course is not Course.OTHER and wanted in (course.value, course.label.casefold()):
            return course, None
    if wanted in ("other", ""):
        return Course.OTHER, None  # "other" alone names no course: the check says so
    return Course.OTHER, " ".join(text.split())


@dataclass(frozen=True)
class NewTraining:
    who: str  # an account's username
    course: Course
    course_text: str | None  # the course's name, for "other"
    provider: str | None
    taken_on: date
    expires_on: date | None  # as typed (None: worked out for DSL training and the update)


@dataclass(frozen=True)
class TrainingEntry:
    id: int
    who: str
    course: Course
    course_text: str | None
    provider: str | None
    taken_on: date
    expires_on: date | None
    added_by: str
    added_at: datetime
    replaces: int | None = None
    reason: str | None = None

    @property
    def course_name(self) -> str:
        return (
            self.course_text
            if self.course is Course.OTHER and self.course_text
            else (self.course.label)
        )

    def payload(self) -> dict[str, Any]:
        """What a confirmation signs: the entry's own words, never the settings of the day."""
        return {
            "id": self.id,
            "who": self.who,
            "course": self.course.value,
            "course_text": self.course_text,
            "provider": self.provider,
            "on": self.taken_on.isoformat(),
            "expires": self.expires_on.isoformat() if self.expires_on else None,
        }


@dataclass(frozen=True)
class Confirmation:
    entry_id: int
    username: str
    at: datetime
    signature: bytes
    id: int = 0  # the row's number (the ledger's key for it)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_expiry(
    course: Course, taken_on: date, *, dsl_months: int, update_months: int
) -> date | None:
    """When DSL training or the whole-staff update runs out if no date was typed."""
    if course is Course.DSL:
        return add_months(taken_on, dsl_months)
    if course is Course.STAFF_UPDATE:
        return add_months(taken_on, update_months)
    return None


def _day(raw: object, label: str, problems: dict[str, str]) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    found = parse_day(raw)
    if isinstance(found, str):
        problems[label] = found
        return None
    return found


def _optional_text(raw: object, label: str, problems: dict[str, str]) -> str | None:
    if raw is None or is_blank(raw):
        return None
    problem = text_problem(raw, limit=SHORT_TEXT_LIMIT)
    if problem:
        problems[label] = problem
        return None
    return " ".join(str(raw).split())


def validate_training(
    payload: Mapping[str, Any], *, today: date, accounts: Mapping[str, bool]
) -> NewTraining:
    """Check an entry (fields ``who``, ``course``, ``course_text``, ``provider``, ``on``,
    ``expires``); ``accounts`` maps each username to whether it is active. Raises
    ValidationError naming each field by its label."""
    problems: dict[str, str] = {}
    who = str(payload.get("who") or "").strip().lower()
    if not who:
        problems[WHO] = "is required"
    elif who not in accounts:
        problems[WHO] = "is not an account here"
    elif not accounts[who]:
        problems[WHO] = "is an account that has been disabled"
    raw_course = payload.get("course")
    course: Course | None = None
    course_text = _optional_text(payload.get("course_text"), COURSE_TEXT, problems)
    if isinstance(raw_course, Course):
        course = raw_course
    elif isinstance(raw_course, str) and raw_course.strip():
        course, named = parse_course(raw_course)
        course_text = course_text or named
    else:
        problems[COURSE] = "is required"
    if course is Course.OTHER and course_text is None and COURSE_TEXT not in problems:
        problems[COURSE_TEXT] = "is required for another course: say which"
    if course is not None and course is not Course.OTHER:
        course_text = None
    provider = _optional_text(payload.get("provider"), PROVIDER, problems)
    taken_on = _day(payload.get("on"), TAKEN_ON, problems)
    if taken_on is None and TAKEN_ON not in problems:
        problems[TAKEN_ON] = "is required"
    elif taken_on is not None and taken_on > today:
        problems[TAKEN_ON] = "is in the future: record training once it has been taken"
    expires_on = _day(payload.get("expires"), EXPIRES_ON, problems)
    if expires_on is not None and taken_on is not None and expires_on <= taken_on:
        problems[EXPIRES_ON] = "must be after the date taken"
    if problems:
        raise ValidationError(problems)
    assert course is not None
    assert taken_on is not None
    return NewTraining(who, course, course_text, provider, taken_on, expires_on)


def validate_reason(raw: object) -> str:
    if raw is None or is_blank(raw):
        raise ValidationError({REASON: "is required: say what was wrong"})
    problem = text_problem(raw, limit=REASON_LIMIT)
    if problem:
        raise ValidationError({REASON: problem})
    return str(raw).strip()


@dataclass(frozen=True)
class Standing:
    """Where one person stands for one kind of course, on a given day."""

    username: str
    display_name: str
    course: Course
    latest: TrainingEntry | None  # the current entry that runs out last
    today: date

    @property
    def expires_on(self) -> date | None:
        return self.latest.expires_on if self.latest else None

    @property
    def out_of_date(self) -> bool:
        return self.latest is None or (
            self.expires_on is not None and self.expires_on <= self.today
        )

    @property
    def due_soon(self) -> bool:
        if self.out_of_date or self.expires_on is None:
            return False
        return (self.expires_on - self.today).days <= DUE_SOON_DAYS

    @property
    def words(self) -> str:
        """ "DSL training ran out on 01/02/2026", "Whole-staff safeguarding update: none
        recorded" - for the Due or out of date view and the queue."""
        name = self.course.label
        if self.latest is None:
            return f"{name}: none recorded"
        if self.expires_on is None:
            return f"{name}: does not run out"
        if self.out_of_date:
            return f"{name} ran out on {date_text(self.expires_on)}"
        return f"{name} runs out on {date_text(self.expires_on)}"


def standing(
    username: str,
    display_name: str,
    course: Course,
    entries: list[TrainingEntry],
    today: date,
) -> Standing:
    """``entries``: the current (not replaced) entries."""
    mine = [e for e in entries if e.who == username and e.course is course]
    latest = max(
        mine,
        key=lambda e: (e.expires_on is None, e.expires_on or e.taken_on, e.taken_on, e.id),
        default=None,
    )
    return Standing(username, display_name, course, latest, today)


def current_only(entries: list[TrainingEntry]) -> list[TrainingEntry]:
    """The entries no later entry replaces."""
    replaced = {e.replaces for e in entries if e.replaces is not None}
    return [e for e in entries if e.id not in replaced]
