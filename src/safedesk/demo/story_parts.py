"""The words the demo's stories are told in: when a step comes, what each step and record
is, and how its words are filled in. The stories themselves are in safedesk.demo.stories and
safedesk.demo.pupil_story; safedesk.demo.casework plays them through the real services.

A story is a record and then its steps, each some time after the one before (in minutes,
hours or days, fixed or drawn at random) and done by the DSL unless it says who. Words in
braces are filled in when a step is played: {name} (the pupil), {parent}, {teacher}, {other}
(another pupil) and {refs[key]} (another of the story's records).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from safedesk.domain.entries import Kind

Payload = dict[str, Any]


# --- when ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class After:
    """Some time after the step before: exactly ``low``, or between ``low`` and ``high``
    (minutes; with ``days``, whole days give or take an hour and a half)."""

    low: int
    high: int | None = None
    days: bool = False


@dataclass(frozen=True)
class NextMorning:
    """Early on the school day after the step before."""


@dataclass(frozen=True)
class OnDay:
    """At ``at`` on the weekday ``days_back`` days before today (or just after the step
    before, if that is later)."""

    days_back: int
    at: time


When = After | NextMorning | OnDay
NOW = After(0)


def minutes(low: int, high: int | None = None) -> After:
    return After(low, high)


def hours(low: float, high: float | None = None) -> After:
    return After(int(low * 60), None if high is None else int(high * 60))


def days(low: int, high: int | None = None) -> After:
    return After(low, high, days=True)


# --- filling in words ----------------------------------------------------------------------


@dataclass(frozen=True)
class Fill:
    """What a step's words and dates are made from when it is played."""

    words: Mapping[str, object]  # name, parent, teacher, refs
    ids: Mapping[str, int]  # the case's actions and referral by key, as they are made
    today: date
    number: int | None = None  # drawn for a reference when the step was planned

    def __call__(self, template: str, **more: object) -> str:
        return template.format_map({**self.words, **more})


def _day(moment: datetime, later: int = 0) -> str:
    return (moment.astimezone().date() + timedelta(days=later)).isoformat()


# --- the DSL's steps -----------------------------------------------------------------------


@dataclass(frozen=True)
class Acknowledge:
    after: When

    def payload(self, at: datetime, fill: Fill) -> Payload:
        return {"type": "acknowledge"}


@dataclass(frozen=True)
class Triage:
    after: When
    decision: str
    rationale: str
    review_days: int | None = None

    def payload(self, at: datetime, fill: Fill) -> Payload:
        made: Payload = {"type": "triage", "decision": self.decision}
        made["rationale"] = fill(self.rationale)
        if self.review_days is not None:
            made["review_on"] = _day(at, self.review_days)
        return made


@dataclass(frozen=True)
class Action:
    """An action due ``due_days`` after it is set (after today, with ``from_today``); its
    ``key`` lets a later Done mark it done."""

    after: When
    key: str | None
    description: str
    owner: str
    due_days: int
    from_today: bool = False

    def payload(self, at: datetime, fill: Fill) -> Payload:
        due = fill.today + timedelta(days=self.due_days) if self.from_today else None
        return {
            "type": "action",
            "description": fill(self.description),
            "owner": fill(self.owner),
            "due_on": due.isoformat() if due else _day(at, self.due_days),
        }


@dataclass(frozen=True)
class Done:
    after: When
    key: str
    note: str

    def payload(self, at: datetime, fill: Fill) -> Payload:
        return {"type": "action_done", "action_id": fill.ids[self.key], "note": fill(self.note)}


@dataclass(frozen=True)
class Referral:
    """A referral, decision due ``decision_days`` after it (after today, with
    ``from_today``); {yy} in the reference is the year, {serial} a number drawn from
    ``serial`` (randrange's bounds)."""

    after: When
    agency: str
    method: str
    spoken_to: str
    reference: str
    decision_days: int
    serial: tuple[int, int] | None = None
    from_today: bool = False

    def payload(self, at: datetime, fill: Fill) -> Payload:
        due = fill.today + timedelta(days=self.decision_days) if self.from_today else None
        return {
            "type": "referral",
            "agency": self.agency,
            "made_at": (at - timedelta(minutes=5)).isoformat(),
            "method": self.method,
            "spoken_to": fill(self.spoken_to),
            "reference": fill(self.reference, yy=f"{at.year % 100:02d}", serial=fill.number),
            "decision_due": due.isoformat() if due else _day(at, self.decision_days),
        }


@dataclass(frozen=True)
class Decision:
    """The agency's decision on the case's referral."""

    after: When
    decision: str
    feedback: str

    def payload(self, at: datetime, fill: Fill) -> Payload:
        return {
            "type": "referral_decision",
            "referral_id": fill.ids["referral"],
            "decision": fill(self.decision),
            "decided_on": _day(at),
            "feedback_to_referrer": fill(self.feedback),
        }


@dataclass(frozen=True)
class Contact:
    after: When
    with_whom: str
    method: str
    said: str
    next_step: str

    def payload(self, at: datetime, fill: Fill) -> Payload:
        return {
            "type": "contact",
            "with_whom": fill(self.with_whom),
            "contact_at": (at - timedelta(minutes=10)).isoformat(),
            "method": self.method,
            "what_was_said": fill(self.said),
            "next_step": fill(self.next_step),
        }


@dataclass(frozen=True)
class Closure:
    after: When
    outcome: str
    rationale: str
    shared: str

    def payload(self, at: datetime, fill: Fill) -> Payload:
        return {
            "type": "closure",
            "outcome": fill(self.outcome),
            "rationale": fill(self.rationale),
            "shared_outcome": fill(self.shared),
        }


@dataclass(frozen=True)
class Later:
    """The recorded moment of the field, moved later."""

    by: timedelta


@dataclass(frozen=True)
class Amend:
    """A correction of the story's record by ``by`` (its author, or the DSL)."""

    after: When
    field: str
    value: str | Later
    reason: str
    by: str = "dsl"


@dataclass(frozen=True)
class Chance:
    """``then`` with this chance, else ``otherwise``."""

    chance: float
    then: Steps
    otherwise: Steps = ()


@dataclass(frozen=True)
class OneOf:
    """One of these, at random."""

    options: tuple[Steps, ...]


Act = Acknowledge | Triage | Action | Done | Referral | Decision | Contact | Closure
Step = Act | Amend | Chance | OneOf
Steps = tuple[Step, ...]


# --- the records a story starts from -------------------------------------------------------


@dataclass(frozen=True)
class Concern:
    key: str
    category: str
    urgency: str
    description: str
    words: str
    kind: ClassVar[Kind | None] = Kind.CONCERN

    def payload(self, at: datetime, upns: tuple[str, str], fill: Fill) -> Payload:
        return {
            "pupils": [upns[0]],
            "occurred_at": (at - timedelta(minutes=25)).isoformat(),
            "category": self.category,
            "urgency": self.urgency,
            "description": fill(self.description),
            "child_words": f"“{self.words}”",
            "action_taken": "Listened, did not ask leading questions, told the DSL.",
            "others_told": "Class teacher",
        }


@dataclass(frozen=True)
class Behaviour:
    """A behaviour incident: the story's pupil the instigator, another pupil the target."""

    key: str
    location: str
    behaviour_type: str
    severity: str
    antecedent: str
    escalation: str
    description: str
    action_taken: str
    trigger: str = "peer_conflict"
    kind: ClassVar[Kind | None] = Kind.BEHAVIOUR

    def payload(self, at: datetime, upns: tuple[str, str], fill: Fill) -> Payload:
        return {
            "pupils": [
                {"upn": upns[0], "role": "instigator"},
                {"upn": upns[1], "role": "target"},
            ],
            "occurred_at": (at - timedelta(minutes=30)).isoformat(),
            "location": self.location,
            "behaviour_type": self.behaviour_type,
            "severity": self.severity,
            "trigger": self.trigger,
            "antecedent": self.antecedent,
            "escalation": self.escalation,
            "description": fill(self.description),
            "action_taken": self.action_taken,
            "parents_informed": True,
        }


@dataclass(frozen=True)
class Intervention:
    """A physical intervention that started ``started_before`` it was recorded."""

    key: str
    started_before: timedelta
    lasted: timedelta
    texts: Mapping[str, str]  # the form's text fields
    parent_told_after: timedelta
    lists: Mapping[str, object] = field(default_factory=dict)  # further holds, body map
    kind: ClassVar[Kind | None] = Kind.INTERVENTION

    def payload(self, at: datetime, upns: tuple[str, str], fill: Fill) -> Payload:
        started = at - self.started_before
        ended = started + self.lasted
        return {
            "pupil": upns[0],
            "started_at": started.isoformat(),
            "ended_at": ended.isoformat(),
            **{name: fill(text) for name, text in self.texts.items()},
            **self.lists,
            "parent_informed_at": (ended + self.parent_told_after).isoformat(),
        }


@dataclass(frozen=True)
class Notification:
    """A police notification (Operation Encompass), recorded by the DSL."""

    key: str
    received_before: timedelta
    received_from: str
    reference: str  # {year}
    incident_before: timedelta  # before it was received
    summary: str
    kind: ClassVar[Kind | None] = None  # recorded through casework, not records

    def payload(self, at: datetime, upns: tuple[str, str], fill: Fill) -> Payload:
        received = at - self.received_before
        return {
            "pupils": [upns[0]],
            "received_at": received.isoformat(),
            "received_from": self.received_from,
            "police_reference": fill(self.reference, year=at.year),
            "incident_at": (received - self.incident_before).isoformat(),
            "summary": fill(self.summary),
        }


@dataclass(frozen=True)
class Scene:
    """One record of the story, made by ``by`` on the weekday ``days_back`` days before
    today, at ``at``, and what followed it."""

    days_back: int
    at: time
    by: str
    record: Concern | Behaviour | Intervention | Notification
    steps: Steps = field(default=())


@dataclass(frozen=True)
class Notice:
    """What the police said, and what the DSL did after telling the class teacher."""

    summary: str
    steps: Steps


@dataclass(frozen=True)
class Waiting:
    """A concern recorded by the class teacher ``before`` now, not yet reached."""

    before: timedelta
    category: str
    urgency: str
    description: str
    words: str

    def payload(self, recorded: datetime, upn: str, name: str) -> Payload:
        return {
            "pupils": [upn],
            "occurred_at": (recorded - timedelta(minutes=15)).isoformat(),
            "category": self.category,
            "urgency": self.urgency,
            "description": self.description.format(name=name),
            "child_words": f"“{self.words}”",
            "action_taken": "Listened; told the child I would pass it on to Mr Hughes.",
            "others_told": "Nobody yet",
        }
