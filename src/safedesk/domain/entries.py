"""The three kinds of record and their fields: one declaration the form, service and CLI share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from safedesk.domain.text import LONG_TEXT_LIMIT, SHORT_TEXT_LIMIT


class Kind(StrEnum):
    CONCERN = "concern"
    BEHAVIOUR = "behaviour"
    INTERVENTION = "intervention"

    @property
    def label(self) -> str:
        return {
            Kind.CONCERN: "Safeguarding concern",
            Kind.BEHAVIOUR: "Behaviour incident",
            Kind.INTERVENTION: "Physical intervention",
        }[self]

    @property
    def ref_prefix(self) -> str:
        return {Kind.CONCERN: "C", Kind.BEHAVIOUR: "B", Kind.INTERVENTION: "PI"}[self]


class Urgency(StrEnum):
    IMMEDIATE = "immediate"
    URGENT = "urgent"
    ROUTINE = "routine"

    @property
    def label(self) -> str:
        return {
            Urgency.IMMEDIATE: "Immediate risk of harm",
            Urgency.URGENT: "Urgent",
            Urgency.ROUTINE: "Routine",
        }[self]


class PupilRole(StrEnum):
    INSTIGATOR = "instigator"
    TARGET = "target"
    WITNESS = "witness"


class Status(StrEnum):
    # Only in an author's own view: sealed into the inbox, not yet taken in by the DSL's
    # session (never stored in a compartment, whose records start at "received").
    SENT = "sent"
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            Status.SENT: "Sent, not yet received",
            Status.RECEIVED: "Received",
            Status.IN_PROGRESS: "Being acted on",
            Status.CLOSED: "Closed",
        }[self]


# "holds" and "body_map" are lists kept as canonical JSON text (domain.holds, domain.body_map).
FieldType = Literal[
    "text", "long_text", "choice", "datetime", "date", "bool", "id", "holds", "body_map"
]


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the JSON field name and the column name: a contract
    label: str
    type: FieldType
    required: bool = False
    list_name: str | None = None
    help: str = ""

    @property
    def limit(self) -> int:
        return LONG_TEXT_LIMIT if self.type == "long_text" else SHORT_TEXT_LIMIT


OCCURRED_AT = FieldSpec("occurred_at", "When it happened", "datetime", True)

# Fields added with analysis (behaviour schema 3, safeguarding schema 3). Records made before
# them have no value: they count as "not recorded", and a record sealed into the inbox by an
# older version is taken in without them.
ADDED_FIELDS = frozenset(
    {
        "trigger",
        "intervention_kind",
        "support_after",
        "pupil_account",
        "more_holds",
        "body_map",
        "parent_letter_sent_on",
        "la_reported_at",
        "la_reported_to",
    }
)

BODY_MAP = FieldSpec(
    "body_map",
    "Body map",
    "body_map",
    help="Mark where on the body each injury or mark is. Draw nothing if there are none.",
)
TRIGGER = FieldSpec(
    "trigger",
    "Trigger",
    "choice",
    True,
    "triggers",
    "What set it off, from the school's list; describe it in your own words below.",
)

CONCERN_FIELDS: tuple[FieldSpec, ...] = (
    OCCURRED_AT,
    FieldSpec("category", "Category", "choice", True, "categories"),
    FieldSpec(
        "urgency",
        "Urgency",
        "choice",
        True,
        "urgencies",
        "Immediate risk: tell the DSL in person now, as well as recording.",
    ),
    FieldSpec(
        "description",
        "What you saw or heard",
        "long_text",
        True,
        help="Facts: who, what, where, when. Not opinion.",
    ),
    FieldSpec(
        "child_words",
        "The child's own words",
        "long_text",
        help="Exactly as said, in quotation marks, even if ungrammatical.",
    ),
    FieldSpec("action_taken", "Action you have already taken", "long_text"),
    FieldSpec("others_told", "Who else you have told", "text"),
    BODY_MAP,
)

BEHAVIOUR_FIELDS: tuple[FieldSpec, ...] = (
    OCCURRED_AT,
    FieldSpec("location", "Location", "choice", True, "locations"),
    FieldSpec("activity", "Activity at the time", "text"),
    FieldSpec("behaviour_type", "Type of behaviour", "choice", True, "behaviour_types"),
    FieldSpec(
        "bullying_type",
        "Type of bullying",
        "choice",
        False,
        "bullying_types",
        "Required when the behaviour is bullying.",
    ),
    FieldSpec(
        "prejudice_type",
        "Prejudice",
        "choice",
        False,
        "prejudice_types",
        "Required when the bullying is prejudice-based.",
    ),
    FieldSpec("severity", "Severity", "choice", True, "severities"),
    TRIGGER,
    FieldSpec("antecedent", "What happened before (the cause)", "long_text", True),
    FieldSpec("escalation", "What escalated it", "long_text", True),
    FieldSpec("description", "What happened", "long_text", True),
    FieldSpec("action_taken", "What was done", "long_text", True),
    FieldSpec("parents_informed", "Parents informed", "bool", True),
)

INTERVENTION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("started_at", "Started", "datetime", True),
    FieldSpec("ended_at", "Ended", "datetime", True),
    FieldSpec("location", "Location", "choice", True, "locations"),
    FieldSpec("staff_involved", "Staff involved", "text", True),
    FieldSpec("witnesses", "Witnesses", "text"),
    TRIGGER,
    FieldSpec("cause", "What happened before (the cause)", "long_text", True),
    FieldSpec("escalation", "How it escalated", "long_text", True),
    FieldSpec("deescalation", "De-escalation tried first", "long_text", True),
    FieldSpec(
        "reason_for_force",
        "Why force was necessary",
        "long_text",
        True,
        help="Risk of injury to the pupil or others, serious damage, or serious disorder.",
    ),
    FieldSpec(
        "intervention_kind",
        "Kind of intervention",
        "choice",
        True,
        "intervention_kinds",
        "Restraint with or without contact, or seclusion.",
    ),
    FieldSpec(
        "restraint_type",
        "Type of hold",
        "choice",
        True,
        "restraint_types",
        "The main hold; add any other holds used below, each with its minutes.",
    ),
    FieldSpec(
        "more_holds",
        "Other holds used",
        "holds",
        help="Each further hold, with how many minutes it was used.",
    ),
    FieldSpec(
        "restraint_detail",
        "Description of the hold",
        "long_text",
        False,
        help="Required when the hold is 'Other'.",
    ),
    FieldSpec(
        "injuries_pupil",
        "Injuries to the pupil",
        "long_text",
        True,
        help="Write 'none' if there were none.",
    ),
    FieldSpec(
        "injuries_staff",
        "Injuries to staff",
        "long_text",
        True,
        help="Write 'none' if there were none.",
    ),
    BODY_MAP,
    FieldSpec(
        "support_after",
        "Support offered to the pupil afterwards",
        "long_text",
        True,
        help="For example time with a trusted adult, first aid, a quiet space, a check-in later.",
    ),
    FieldSpec(
        "pupil_account",
        "The pupil's own account",
        "long_text",
        help="In the pupil's own words, when they were able to give it.",
    ),
    FieldSpec("parent_informed_at", "Parent informed at", "datetime"),
    FieldSpec("parent_informed_by", "Parent informed by", "text"),
    FieldSpec("parent_informed_how", "How the parent was informed", "text"),
    FieldSpec(
        "parent_not_informed_reason",
        "Why the parent was not informed",
        "long_text",
        help=(
            "For example when telling a parent would put the pupil at risk of significant harm. "
            "When no parent can be told, record the report to the local authority below."
        ),
    ),
    FieldSpec(
        "parent_letter_sent_on",
        "Letter to the parent sent on",
        "date",
        help="The letter the program writes from this record (Parent letter).",
    ),
    FieldSpec(
        "la_reported_at",
        "Reported to the local authority at",
        "datetime",
        help="When no parent can be told, report the intervention to the local authority.",
    ),
    FieldSpec("la_reported_to", "Reported to (local authority team and person)", "text"),
    FieldSpec("debrief", "Debrief", "long_text"),
    FieldSpec("review", "Post-incident review and changes", "long_text"),
)

FIELDS: dict[Kind, tuple[FieldSpec, ...]] = {
    Kind.CONCERN: CONCERN_FIELDS,
    Kind.BEHAVIOUR: BEHAVIOUR_FIELDS,
    Kind.INTERVENTION: INTERVENTION_FIELDS,
}

# Lists fixed in code because the program's rules depend on them.
FIXED_LISTS: dict[str, list[tuple[str, str]]] = {
    "urgencies": [(u.value, u.label) for u in Urgency],
    "pupil_roles": [(r.value, r.value.capitalize()) for r in PupilRole],
}


def spec(kind: Kind, name: str) -> FieldSpec | None:
    return next((f for f in FIELDS[kind] if f.name == name), None)


def when_field(kind: Kind) -> str:
    """The field that says when it happened (an intervention's start)."""
    return "started_at" if kind is Kind.INTERVENTION else "occurred_at"


@dataclass(frozen=True)
class EntryPupil:
    upn: str
    role: PupilRole | None = None


@dataclass(frozen=True)
class NewEntry:
    """A validated record, ready to store. Field values are text, bool or datetime."""

    kind: Kind
    occurred_at: datetime
    pupils: tuple[EntryPupil, ...]
    values: dict[str, object]


@dataclass(frozen=True)
class Amendment:
    field: str
    old_value: str | None
    new_value: str | None
    reason: str
    author: str
    at: datetime


@dataclass(frozen=True)
class StatusEvent:
    status: Status
    outcome: str | None
    author: str
    at: datetime


@dataclass(frozen=True)
class StoredPupil:
    upn: str
    name: str
    role: PupilRole | None
    date_of_birth: str


@dataclass(frozen=True)
class StoredEntry:
    """A record as stored: original values (text forms), then its amendments in order."""

    id: int
    ref: str
    kind: Kind
    author: str
    recorded_at: datetime
    pupils: tuple[StoredPupil, ...]
    original: dict[str, str | None]
    amendments: tuple[Amendment, ...] = ()
    statuses: tuple[StatusEvent, ...] = ()
    author_name: str = ""  # the author's display name, for people to read

    @property
    def author_label(self) -> str:
        return self.author_name or self.author

    def current(self) -> dict[str, str | None]:
        values = dict(self.original)
        for amendment in self.amendments:
            values[amendment.field] = amendment.new_value
        return values

    @property
    def occurred_at(self) -> datetime:
        stored = self.current()[when_field(self.kind)]
        assert stored is not None
        return datetime.fromisoformat(stored)

    @property
    def status(self) -> Status:
        return self.statuses[-1].status if self.statuses else Status.RECEIVED

    @property
    def outcome(self) -> str | None:
        """The outcome line the DSL chose to share with whoever recorded it."""
        return next((s.outcome for s in reversed(self.statuses) if s.outcome), None)


def stored_text(value: object) -> str | None:
    """The text form a value has in the store and in amendments."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        from safedesk.domain.clock import to_stored

        return to_stored(value)
    return str(value)
