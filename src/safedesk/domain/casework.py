"""DSL work on a case: the acts (triage, action, referral, contact, closure…) and their fields.

One declaration that the service, the CLI's ``act --json`` and the case dialogs share. The
field names are a contract: scripts outside safedesk send them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from safedesk.domain.entries import FieldSpec
from safedesk.domain.entry_validation import field_value
from safedesk.domain.errors import ValidationError
from safedesk.domain.text import is_blank
from safedesk.domain.transfer import TRANSFER_METHODS


class ActType(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    TRIAGE = "triage"
    ACTION = "action"
    ACTION_DONE = "action_done"
    REFERRAL = "referral"
    REFERRAL_DECISION = "referral_decision"
    CONTACT = "contact"
    CLOSURE = "closure"

    @property
    def label(self) -> str:
        return _ACT_LABELS[self]


_ACT_LABELS = {
    ActType.ACKNOWLEDGE: "Acknowledged",
    ActType.TRIAGE: "Decision",
    ActType.ACTION: "Action",
    ActType.ACTION_DONE: "Action done",
    ActType.REFERRAL: "Referral",
    ActType.REFERRAL_DECISION: "Referral decision",
    ActType.CONTACT: "Contact",
    ActType.CLOSURE: "Closed",
}


class Decision(StrEnum):
    NO_FURTHER_ACTION = "no_further_action"
    MONITOR = "monitor"
    EARLY_HELP = "early_help"
    SOCIAL_CARE = "social_care"
    POLICE = "police"
    OTHER_AGENCY = "other_agency"

    @property
    def label(self) -> str:
        return dict(CASEWORK_LISTS["decisions"])[self.value]


# Fixed, because the queue's rules depend on them (a 'monitor' decision sets a review date).
CASEWORK_LISTS: dict[str, list[tuple[str, str]]] = {
    "decisions": [
        ("no_further_action", "No further action"),
        ("monitor", "Monitor (with a review date)"),
        ("early_help", "Early help"),
        ("social_care", "Referral to children's social care"),
        ("police", "Referral to the police"),
        ("other_agency", "Referral to another agency"),
    ],
    "agencies": [
        ("social_care", "Children's social care (MASH / front door)"),
        ("police", "Police"),
        ("early_help", "Early help"),
        ("camhs", "CAMHS / mental health"),
        ("health", "School nurse / health"),
        ("lado", "LADO"),
        ("prevent", "Prevent / Channel"),
        ("other", "Other agency"),
    ],
    "referral_methods": [
        ("phone", "Phone"),
        ("online_form", "Online form"),
        ("email", "E-mail"),
        ("in_person", "In person"),
        ("letter", "Letter"),
    ],
    "transfer_methods": TRANSFER_METHODS,
    "contact_methods": [
        ("phone", "Phone call"),
        ("meeting", "Meeting"),
        ("email", "E-mail"),
        ("video", "Video call"),
        ("letter", "Letter"),
        ("home_visit", "Home visit"),
        ("other", "Other"),
    ],
}

ACT_FIELDS: dict[ActType, tuple[FieldSpec, ...]] = {
    ActType.ACKNOWLEDGE: (),
    ActType.TRIAGE: (
        FieldSpec("decision", "Decision", "choice", True, "decisions"),
        FieldSpec(
            "rationale",
            "Rationale",
            "long_text",
            True,
            help="Why this decision: what you weighed, who you consulted.",
        ),
        FieldSpec(
            "review_on", "Review on", "date", help="Required when the decision is to monitor."
        ),
    ),
    ActType.ACTION: (
        FieldSpec("description", "What is to be done", "long_text", True),
        FieldSpec("owner", "Who will do it", "text", True),
        FieldSpec("due_on", "Due by", "date", True),
    ),
    ActType.ACTION_DONE: (
        FieldSpec("action_id", "Action number", "id", True),
        FieldSpec("note", "What was done", "long_text"),
    ),
    ActType.REFERRAL: (
        FieldSpec("agency", "Agency", "choice", True, "agencies"),
        FieldSpec("made_at", "When the referral was made", "datetime", True),
        FieldSpec("method", "How", "choice", True, "referral_methods"),
        FieldSpec("spoken_to", "Person spoken to", "text", True),
        FieldSpec("reference", "Agency's reference number", "text"),
        FieldSpec(
            "decision_due",
            "Decision due by",
            "date",
            help="When the agency said it would decide. Left blank, it is chased after one "
            "working day.",
        ),
    ),
    ActType.REFERRAL_DECISION: (
        FieldSpec("referral_id", "Referral number", "id", True),
        FieldSpec("decision", "The agency's decision", "long_text", True),
        FieldSpec("decided_on", "Decided on", "date", True),
        FieldSpec(
            "feedback_to_referrer",
            "Feedback given to the person who raised it",
            "long_text",
            True,
        ),
    ),
    ActType.CONTACT: (
        FieldSpec("with_whom", "Who with", "text", True),
        FieldSpec("contact_at", "When", "datetime", True),
        FieldSpec("method", "How", "choice", True, "contact_methods"),
        FieldSpec("what_was_said", "What was said", "long_text", True),
        FieldSpec("next_step", "Next step", "long_text", True),
    ),
    ActType.CLOSURE: (
        FieldSpec("outcome", "Outcome", "long_text", True),
        FieldSpec("rationale", "Why the case can close", "long_text", True),
        FieldSpec(
            "shared_outcome",
            "Outcome line for the person who raised it",
            "text",
            help="The only part of the follow-up they will see. Leave blank to show 'Closed'.",
        ),
    ),
}

NOTIFICATION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("received_at", "When the notification arrived", "datetime", True),
    FieldSpec("received_from", "From (officer, team)", "text", True),
    FieldSpec("police_reference", "Police reference", "text"),
    FieldSpec("incident_at", "When the incident happened", "datetime"),
    FieldSpec("summary", "What the police shared", "long_text", True),
)


@dataclass(frozen=True)
class Act:
    """A validated act on a case, ready to store."""

    type: ActType
    values: dict[str, object]


def parse_act_type(text: object) -> ActType:
    try:
        return ActType(str(text).strip().lower())
    except ValueError:
        types = ", ".join(t.value for t in ActType)
        raise ValidationError({"type": f"is required: one of {types}"}) from None


def validate_act(payload: Mapping[str, Any], *, now: datetime) -> Act:
    """An Act from a JSON object with a ``type``; every problem named at once."""
    if not isinstance(payload, Mapping):
        raise ValidationError({"act": "must be a JSON object"})
    act_type = parse_act_type(payload.get("type"))
    values = validate_fields(ACT_FIELDS[act_type], payload, now=now, extra={"type"})
    return Act(act_type, values)


def validate_fields(
    specs: tuple[FieldSpec, ...],
    payload: Mapping[str, Any],
    *,
    now: datetime,
    extra: set[str] | frozenset[str] = frozenset(),
) -> dict[str, object]:
    known = {s.name for s in specs} | set(extra)
    problems = {str(k): "is not a field of this" for k in payload if k not in known}
    lists = {name: {v for v, _ in items} for name, items in CASEWORK_LISTS.items()}
    values: dict[str, object] = {}
    for spec in specs:
        value, problem = field_value(spec, payload.get(spec.name), lists, now)
        if problem:
            problems[spec.name] = problem
        else:
            values[spec.name] = value
    if values.get("decision") == Decision.MONITOR and is_blank(values.get("review_on")):
        problems.setdefault("review_on", "is required when the decision is to monitor")
    if problems:
        raise ValidationError(problems)
    return values


@dataclass(frozen=True)
class CaseEvent:
    """One line of a case's timeline."""

    type: ActType
    id: int
    author: str
    at: datetime  # when it was recorded
    values: dict[str, str | None]

    @property
    def happened_at(self) -> datetime:
        """When it happened, where the act says so (a referral's or contact's own time)."""
        for name in ("made_at", "contact_at"):
            text = self.values.get(name)
            if text:
                return datetime.fromisoformat(text)
        return self.at

    def summary(self) -> str:
        v = self.values
        lists = {name: dict(items) for name, items in CASEWORK_LISTS.items()}
        match self.type:
            case ActType.ACKNOWLEDGE:
                return "Acknowledged"
            case ActType.TRIAGE:
                line = f"Decision: {lists['decisions'].get(v['decision'] or '', v['decision'])}"
                if v.get("review_on"):
                    line += f" (review {_day(v['review_on'])})"
                return line
            case ActType.ACTION:
                what = _short(v["description"])
                return f"Action {self.id}: {what} — {v['owner']}, due {_day(v['due_on'])}"
            case ActType.ACTION_DONE:
                return f"Action {v['action_id']} done"
            case ActType.REFERRAL:
                agency = lists["agencies"].get(v["agency"] or "", v["agency"])
                return f"Referral {self.id} to {agency}, spoke to {v['spoken_to']}"
            case ActType.REFERRAL_DECISION:
                return f"Referral {v['referral_id']} decided: {_short(v['decision'])}"
            case ActType.CONTACT:
                how = lists["contact_methods"].get(v["method"] or "", v["method"])
                return f"{how} with {v['with_whom']}"
            case ActType.CLOSURE:
                return f"Closed: {_short(v['outcome'])}"


def _short(text: str | None, limit: int = 80) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _day(text: str | None) -> str:
    if not text:
        return ""
    return datetime.fromisoformat(text).strftime("%d/%m/%Y")


_CLOSED_BY = {
    ActType.ACTION: (ActType.ACTION_DONE, "action_id"),
    ActType.REFERRAL: (ActType.REFERRAL_DECISION, "referral_id"),
}


def still_open(events: Iterable[CaseEvent], opened: ActType) -> list[CaseEvent]:
    """Actions not yet done, or referrals without the agency's decision, in timeline order."""
    closer, field = _CLOSED_BY[opened]
    events = list(events)
    closed = {e.values.get(field) for e in events if e.type is closer}
    return [e for e in events if e.type is opened and str(e.id) not in closed]
