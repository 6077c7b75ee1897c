"""Policies staff read and confirm: a published version (title, version label, date, what
changed, optionally the policy as a PDF), its validation, and who has confirmed it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from safedesk.domain.entry_validation import parse_day
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.text import LONG_TEXT_LIMIT, SHORT_TEXT_LIMIT, is_blank, text_problem

PURPOSE = "policy.confirm"  # what a confirmation's signature is for
VERSION_LIMIT = 40
PDF_MAGIC = b"%PDF-"

# What the form calls each field: every problem names the field by the label people see.
LABELS = {
    "title": "Policy title",
    "version": "Version",
    "published_on": "Published on",
    "note": "What changed, and where to read it",
    "pdf": "Policy document (PDF)",
}

# The policies a school in England is expected to have every member of staff read.
USUAL_TITLES = (
    "Child protection and safeguarding policy",
    "Keeping children safe in education, Part 1",
    "Behaviour policy",
)


@dataclass(frozen=True)
class NewPolicy:
    title: str
    version: str
    published_on: date
    note: str | None
    pdf: bytes | None = None

    @property
    def pdf_sha256(self) -> str | None:
        return None if self.pdf is None else hashlib.sha256(self.pdf).hexdigest()


@dataclass(frozen=True)
class StoredPolicy:
    """One published version (without its PDF's bytes, which are read on demand)."""

    id: int
    title: str
    version: str
    published_on: date
    note: str | None
    pdf_size: int | None  # bytes; None when no PDF was given
    author: str
    author_name: str
    published_at: datetime

    @property
    def has_pdf(self) -> bool:
        return self.pdf_size is not None

    @property
    def label(self) -> str:
        """ "Behaviour policy (version 3, 01/09/2026)" """
        return f"{self.title} (version {self.version}, {date_text(self.published_on)})"


@dataclass(frozen=True)
class StoredConfirmation:
    """A confirmation row as the file holds it: counted only when its signature holds."""

    id: int
    policy_id: int
    username: str
    confirmed_at: datetime
    signature: bytes


@dataclass(frozen=True)
class Confirmed:
    username: str
    name: str
    at: datetime
    # who reset this person's password, when the confirming key descends from that reset (an
    # administrator who resets a password can act as that person until they choose their own)
    reset_by: str | None = None


@dataclass(frozen=True)
class Standing:
    """A current version and who (among active accounts) has and has not confirmed it."""

    policy: StoredPolicy
    confirmed: tuple[Confirmed, ...]
    not_confirmed: tuple[tuple[str, str], ...]  # (username, name)

    @property
    def staff(self) -> int:
        return len(self.confirmed) + len(self.not_confirmed)

    @property
    def figure(self) -> str:
        """ "12 of 15" """
        return f"{len(self.confirmed):,} of {self.staff:,}"


def title_key(title: str) -> str:
    """How two titles are compared: versions of one policy share it."""
    return " ".join(title.split()).casefold()


def signed_payload(policy: StoredPolicy) -> dict[str, Any]:
    """What a member of staff signs when they confirm: the version's id, label and title."""
    return {"policy": policy.id, "version": policy.version, "title": policy.title}


def _text(
    payload: Mapping[str, Any], name: str, limit: int, problems: dict[str, str]
) -> str | None:
    value = payload.get(name)
    if is_blank(value):
        return None
    problem = text_problem(value, limit=limit)
    if problem:
        problems[LABELS[name]] = problem
        return None
    assert isinstance(value, str)
    return value.strip() if name != "note" else value


def validate_policy(
    payload: Mapping[str, Any], *, today: date, limit_bytes: int, pdf: bytes | None = None
) -> NewPolicy:
    """A version to publish, or ValidationError naming each field by its label."""
    if not isinstance(payload, Mapping):
        raise ValidationError({"Policy": "must be a set of fields"})
    problems: dict[str, str] = {}
    title = _text(payload, "title", SHORT_TEXT_LIMIT, problems)
    if title is None and LABELS["title"] not in problems:
        problems[LABELS["title"]] = "is required"
    version = _text(payload, "version", VERSION_LIMIT, problems)
    if version is None and LABELS["version"] not in problems:
        problems[LABELS["version"]] = "is required"
    published_on: date | None = None
    if is_blank(payload.get("published_on")):
        problems[LABELS["published_on"]] = "is required"
    else:
        day = parse_day(payload.get("published_on"))
        if isinstance(day, str):
            problems[LABELS["published_on"]] = day
        elif day > today:
            problems[LABELS["published_on"]] = f"cannot be after today ({date_text(today)})"
        else:
            published_on = day
    note = _text(payload, "note", LONG_TEXT_LIMIT, problems)
    if pdf is not None:
        if len(pdf) > limit_bytes:
            size = len(pdf) / (1024 * 1024)
            problems[LABELS["pdf"]] = (
                f"is {size:.1f} MB; the largest the school allows is "
                f"{limit_bytes // (1024 * 1024)} MB"
            )
        elif not pdf.startswith(PDF_MAGIC):
            problems[LABELS["pdf"]] = "is not a PDF file: choose the policy saved as a PDF"
    if note is None and pdf is None and LABELS["note"] not in problems:
        problems[LABELS["note"]] = (
            "is required when no policy document is attached: say what changed and where "
            "staff can read it"
        )
    if problems:
        raise ValidationError(problems)
    assert title is not None
    assert version is not None
    assert published_on is not None
    return NewPolicy(" ".join(title.split()), version, published_on, note, pdf)
