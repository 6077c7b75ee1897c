"""DSL work on a case: the acts (triage, action, referral, contact, closure…) and their fields.

One declaration that the service, the CLI's ``act --json`` and the case dialogs share. The
field names are a contract: scripts outside safedesk send them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from safedesk.domain.entries import FieldSpec
from safedesk.domain.entry_validation import field_value
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.local_time import to_local
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


class Outcome(StrEnum):
    """What became of an action or referral still open when its case closes."""

    DONE = "done"
    MONITORING = "monitoring"
    CLOSED = "closed"


# The words shown on the closing form and written at the start of the note that records it.
OUTCOME_WORDS: dict[ActType, dict[Outcome, str]] = {
    ActType.ACTION: {
        Outcome.DONE: "Done",
        Outcome.MONITORING: "Carried into monitoring",
        Outcome.CLOSED: "Closed without being done",
    },
    ActType.REFERRAL: {
        Outcome.DONE: "The agency decided",
        Outcome.MONITORING: "Carried into monitoring",
        Outcome.CLOSED: "Closed without the agency's decision",
    },
}


@dataclass(frozen=True)
class Settled:
    """One action or referral accounted for when its case closes."""

    opened: ActType  # ACTION or REFERRAL
    id: int
    outcome: Outcome
    note: str

    def needs_note(self) -> bool:
        """A reason is needed unless an action was simply done."""
        return not (self.opened is ActType.ACTION and self.outcome is Outcome.DONE)

    def written(self) -> str:
        """The note as recorded on the action's done row or the referral's decision row."""
        words = OUTCOME_WORDS[self.opened][self.outcome]
        note = " ".join(self.note.split()) if self.note.strip() else ""
        if not note:
            return f"{words} (recorded when the case was closed)."
        return f"{words} (recorded when the case was closed): {self.note.strip()}"


@dataclass(frozen=True)
class Act:
    """A validated act on a case, ready to store."""

    type: ActType
    values: dict[str, object]
    settled: tuple[Settled, ...] = ()  # a closure's account of what was still open


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
    if act_type is not ActType.CLOSURE:
        return Act(
            act_type, validate_fields(ACT_FIELDS[act_type], payload, now=now, extra={"type"})
        )
    problems: dict[str, str] = {}
    settled = _settled(payload.get("open_items"), problems)
    try:
        values = validate_fields(
            ACT_FIELDS[act_type], payload, now=now, extra={"type", "open_items"}
        )
    except ValidationError as exc:
        problems = exc.problems | problems
        values = {}
    if problems:
        raise ValidationError(problems)
    return Act(act_type, values, settled)


def _settled(raw: object, problems: dict[str, str]) -> tuple[Settled, ...]:
    """A closure's ``open_items``: [{"action_id" or "referral_id": n, "outcome", "note"}]."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems["open_items"] = "must be a list of the actions and referrals still open"
        return ()
    found: list[Settled] = []
    outcomes = ", ".join(o.value for o in Outcome)
    for index, item in enumerate(raw, start=1):
        where = f"open_items[{index}]"
        if not isinstance(item, Mapping):
            problems[where] = "must be an object with action_id or referral_id, outcome and note"
            continue
        keys = [k for k in ("action_id", "referral_id") if k in item]
        if len(keys) != 1:
            problems[where] = "needs either action_id or referral_id (one of them)"
            continue
        number = item[keys[0]]
        if (
            isinstance(number, bool)
            or not isinstance(number, int | str)
            or not str(number).strip().isdigit()
        ):
            problems[f"{where}.{keys[0]}"] = "must be a number from the case's timeline"
            continue
        try:
            outcome = Outcome(str(item.get("outcome", "")).strip().lower())
        except ValueError:
            problems[f"{where}.outcome"] = f"is required: one of {outcomes}"
            continue
        note = item.get("note")
        if note is not None and not isinstance(note, str):
            problems[f"{where}.note"] = "must be text"
            continue
        opened = ActType.ACTION if keys[0] == "action_id" else ActType.REFERRAL
        settled = Settled(opened, int(str(number).strip()), outcome, note or "")
        if settled.needs_note() and is_blank(settled.note):
            problems[f"{where}.note"] = (
                "is required: what the agency decided"
                if outcome is Outcome.DONE
                else "is required: the reason"
            )
            continue
        if any(s.opened is opened and s.id == settled.id for s in found):
            problems[where] = f"{opened.value} {settled.id} is listed twice"
            continue
        found.append(settled)
    return tuple(found)


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


def action_words(description: str | None, owner: str | None, due_on: date | None) -> str:
    """An action as the queue says it: "Action: home visit (Ms Patel), due 28/11/2026"."""
    line = f"Action: {_short(description, 60)} ({owner})"
    return f"{line}, due {date_text(due_on)}" if due_on else line


def referral_words(agency: str | None, made_at: datetime | None, decision_due: date | None) -> str:
    """A referral waiting for the agency's decision, as the queue says it."""
    name = dict(CASEWORK_LISTS["agencies"]).get(agency or "", agency or "an agency")
    line = f"Referral to {name}"
    if decision_due is not None:
        return f"{line}, decision due {date_text(decision_due)}"
    made = f" (made {date_text(to_local(made_at).date())})" if made_at is not None else ""
    return f"{line}: waiting for its decision{made}"


def review_words(review_on: date | None) -> str:
    """A monitoring decision's review date, as the queue says it."""
    return (
        f"Review of monitoring, due {date_text(review_on)}" if review_on else "Review of monitoring"
    )


def open_item_words(event: CaseEvent) -> str:
    """An action or referral still open, named for a person (not by its number)."""
    v = event.values
    if event.type is ActType.ACTION:
        due_on = v.get("due_on")
        return action_words(
            v.get("description"), v.get("owner"), date.fromisoformat(due_on) if due_on else None
        )
    made_at, decision_due = v.get("made_at"), v.get("decision_due")
    return referral_words(
        v.get("agency"),
        datetime.fromisoformat(made_at) if made_at else None,
        date.fromisoformat(decision_due) if decision_due else None,
    )


def event_words(event: CaseEvent, events: Iterable[CaseEvent]) -> str:
    """One line of a case's timeline for people: an action or referral by what it is, never
    by its number; an act on one names the one it was on (found among ``events``)."""
    v = event.values
    agencies = dict(CASEWORK_LISTS["agencies"])
    parent_field = {ActType.ACTION_DONE: "action_id", ActType.REFERRAL_DECISION: "referral_id"}
    match event.type:
        case ActType.ACTION:
            return open_item_words(event)
        case ActType.REFERRAL:
            agency = agencies.get(v.get("agency") or "", v.get("agency") or "an agency")
            return f"Referral to {agency}, spoke to {v.get('spoken_to')}"
        case ActType.ACTION_DONE | ActType.REFERRAL_DECISION:
            wanted = v.get(parent_field[event.type])
            opened = ActType.ACTION if event.type is ActType.ACTION_DONE else ActType.REFERRAL
            parent = next((e for e in events if e.type is opened and str(e.id) == wanted), None)
            if parent is None:
                return event.summary()
            if event.type is ActType.ACTION_DONE:
                pv = parent.values
                return f"Action done: {_short(pv.get('description'), 60)} ({pv.get('owner')})"
            code = parent.values.get("agency") or ""
            return f"Referral to {agencies.get(code, code)} decided: {_short(v.get('decision'))}"
        case _:
            return event.summary()


def _short(text: str | None, limit: int = 80) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _day(text: str | None) -> str:
    if not text:
        return ""
    return date_text(datetime.fromisoformat(text).date())


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


def unsettled(events: Iterable[CaseEvent], settled: Iterable[Settled]) -> list[CaseEvent]:
    """The open actions and referrals a closure has not accounted for, in timeline order."""
    events = list(events)
    told = {(s.opened, s.id) for s in settled}
    open_now = still_open(events, ActType.ACTION) + still_open(events, ActType.REFERRAL)
    return [e for e in sorted(open_now, key=lambda e: (e.at, e.id)) if (e.type, e.id) not in told]
