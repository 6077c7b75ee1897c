"""Risk assessments for a pupil: the risks (what, what reduces it, who does it), who was
consulted and when it is reviewed. A safeguarding risk assessment lives in the safeguarding
file, a behaviour plan in the behaviour file. A change is a new version, never an overwrite.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.text import LONG_TEXT_LIMIT, is_blank, text_problem

RISK_TEXT_LIMIT = 4000  # one risk, or what is done about it
OWNER_LIMIT = 200
CONSULTED_LIMIT = LONG_TEXT_LIMIT
MOST_RISKS = 50
LONGEST_MONTHS = 12  # a review further away than this is a typing slip
REVIEW_NOTICE_DAYS = 14  # a review shows in the queue this long before its day
MISSING_SCHOOL_DAYS = 5  # a vulnerable pupil's assessment is due within this many school days


class AssessmentKind(StrEnum):
    SAFEGUARDING = "safeguarding"
    BEHAVIOUR_PLAN = "behaviour_plan"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def compartment(self) -> Compartment:
        return _KIND_FILES[self]

    @property
    def ref_prefix(self) -> str:
        return _KIND_PREFIXES[self]


_KIND_LABELS = {
    AssessmentKind.SAFEGUARDING: "Safeguarding risk assessment",
    AssessmentKind.BEHAVIOUR_PLAN: "Behaviour plan",
}
_KIND_FILES = {
    AssessmentKind.SAFEGUARDING: Compartment.SAFEGUARDING,
    AssessmentKind.BEHAVIOUR_PLAN: Compartment.BEHAVIOUR,
}
_KIND_PREFIXES = {AssessmentKind.SAFEGUARDING: "RA", AssessmentKind.BEHAVIOUR_PLAN: "BP"}

# The form's labels, by which every message names a field.
LABELS = {
    "kind": "Kind of assessment",
    "pupil": "Pupil",
    "risks": "Risks",
    "risk": "Risk",
    "measures": "What reduces it",
    "owner": "Who does it",
    "consulted": "Who was consulted",
    "review_on": "Review date",
}


@dataclass(frozen=True)
class Risk:
    risk: str
    measures: str
    owner: str

    def to_json(self) -> dict[str, str]:
        return {"risk": self.risk, "measures": self.measures, "owner": self.owner}


@dataclass(frozen=True)
class NewAssessment:
    risks: tuple[Risk, ...]
    consulted: str
    review_on: date


@dataclass(frozen=True)
class StoredAssessment:
    """One version of a pupil's assessment."""

    kind: AssessmentKind
    ref: str  # RA-2026-0007: the same for every version
    version: int
    upn: str
    pupil_name: str
    content: NewAssessment
    author: str
    author_name: str
    made_at: datetime

    @property
    def reference(self) -> str:
        """As people read it: "RA-2026-0007 version 2"."""
        return f"{self.ref} version {self.version}"

    def is_current_on(self, today: date) -> bool:
        """Its review date is today or later (the newest version's, that is)."""
        return self.content.review_on >= today

    def review_text(self, today: date) -> str:
        """ "Review by 01/03/2027", "Review overdue since 01/03/2027", "Review due today"."""
        day = self.content.review_on
        if day < today:
            return f"Review overdue since {date_text(day)}"
        if day == today:
            return "Review due today"
        return f"Review by {date_text(day)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "version": self.version,
            "kind": self.kind.value,
            "pupil": self.upn,
            "risks": [r.to_json() for r in self.content.risks],
            "consulted": self.content.consulted,
            "review_on": self.content.review_on.isoformat(),
            "author": self.author,
            "made_at": self.made_at.astimezone().isoformat(timespec="seconds"),
        }


def parse_kind(value: object) -> AssessmentKind:
    text = str(value or "").strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return AssessmentKind(text)
    except ValueError:
        raise ValidationError({LABELS["kind"]: "must be safeguarding or behaviour_plan"}) from None


def _text(value: object, label: str, limit: int, problems: dict[str, str]) -> str | None:
    if is_blank(value):
        problems[label] = "is required"
        return None
    if problem := text_problem(value, limit=limit):
        problems[label] = problem
        return None
    assert isinstance(value, str)
    return value.strip()


def _day(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    return None


def latest_review(today: date) -> date:
    """The furthest review date accepted: 12 months from today."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today + timedelta(days=365)


def _risks(value: object, problems: dict[str, str]) -> list[Risk]:
    if value is None or (isinstance(value, Sequence) and not isinstance(value, str) and not value):
        problems[LABELS["risks"]] = "at least one risk is required"
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        problems[LABELS["risks"]] = "must be a list of risks, each with risk, measures and owner"
        return []
    if len(value) > MOST_RISKS:
        problems[LABELS["risks"]] = f"has {len(value)} risks; the most one assessment takes is 50"
        return []
    found: list[Risk] = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, Mapping):
            problems[f"{LABELS['risks']} {number}"] = "must have a risk, measures and an owner"
            continue
        row = f"{LABELS['risks']} {number}: "
        risk = _text(item.get("risk"), row + LABELS["risk"], RISK_TEXT_LIMIT, problems)
        measures = _text(item.get("measures"), row + LABELS["measures"], RISK_TEXT_LIMIT, problems)
        owner = _text(item.get("owner"), row + LABELS["owner"], OWNER_LIMIT, problems)
        if risk and measures and owner:
            found.append(Risk(risk, measures, owner))
    return found


def validate(payload: object, *, today: date) -> NewAssessment:
    """An assessment as the form or a script gives it: ``risks`` (a list of ``risk``,
    ``measures``, ``owner``), ``consulted`` and ``review_on`` (after today, within 12 months).
    Every problem is named by the form's label."""
    if not isinstance(payload, Mapping):
        raise ValidationError({"Risk assessment": "must be a set of fields"})
    problems: dict[str, str] = {}
    risks = _risks(payload.get("risks"), problems)
    consulted = _text(payload.get("consulted"), LABELS["consulted"], CONSULTED_LIMIT, problems)
    review_on: date | None = None
    raw = payload.get("review_on")
    if is_blank(raw):
        problems[LABELS["review_on"]] = "is required"
    else:
        day = _day(raw)
        if day is None:
            problems[LABELS["review_on"]] = "must be a date, such as 17/07/2027"
        elif day <= today:
            problems[LABELS["review_on"]] = f"must be after today ({date_text(today)})"
        elif day > latest_review(today):
            problems[LABELS["review_on"]] = (
                f"must be within 12 months (by {date_text(latest_review(today))})"
            )
        else:
            review_on = day
    if problems:
        raise ValidationError(problems)
    assert consulted is not None
    assert review_on is not None
    return NewAssessment(tuple(risks), consulted, review_on)


@dataclass(frozen=True)
class Vulnerable:
    """A pupil who needs a current risk assessment and has none (of either kind)."""

    upn: str
    name: str
    reasons: tuple[str, ...]  # "Child protection plan", "3 physical interventions since …"
    since: date  # when the need began (or the last review date passed)
    last_review_on: date | None  # the newest assessment's review date, when it has passed

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)
