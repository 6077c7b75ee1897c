"""The behaviour lead's inbox: incidents and interventions waiting for a leader's review, most
serious first, with the same amber/red timing as the DSL queue; and the review itself
(append-only, audited; for those who read behaviour records and hold the behaviour file's key).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from safedesk.domain.behaviour_review import (
    Decision,
    ReviewItem,
    ReviewTargets,
    StoredReview,
    review_due,
    validate_review,
)
from safedesk.domain.calendar import SchoolCalendar
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind, Status, StoredEntry
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.formatting import moment_text
from safedesk.domain.roles import Permission
from safedesk.domain.settings import Settings
from safedesk.services import intake, lists, records
from safedesk.services.school_calendar import calendar_for
from safedesk.services.session import Session
from safedesk.services.settings import get_settings
from safedesk.store import behaviour_review, entries, members
from safedesk.store.behaviour_review import BehaviourHead

BEHAVIOUR = Compartment.BEHAVIOUR
_DOING = "review behaviour records"
# The status the record's author sees once it is reviewed: signed off, or being followed up.
_STATUS = {
    True: (Status.CLOSED, "Reviewed and signed off by a leader."),
    False: (Status.IN_PROGRESS, "Reviewed by a leader, who is following it up."),
}


def targets_from(settings: Settings) -> ReviewTargets:
    return ReviewTargets(
        intervention_school_days=settings.intervention_review_school_days,
        serious_school_days=settings.serious_behaviour_review_school_days,
        other_school_days=settings.behaviour_review_school_days,
    )


@dataclass(frozen=True)
class InboxAlarm:
    """Something found wrong in the behaviour file (a record that never arrived…)."""

    raised_at: datetime
    detail: str


@dataclass(frozen=True)
class Inbox:
    at: datetime
    items: tuple[ReviewItem, ...]
    alarms: tuple[InboxAlarm, ...] = ()

    @property
    def waiting(self) -> tuple[ReviewItem, ...]:
        return tuple(item for item in self.items if not item.reviewed)

    def count(self, status: str) -> int:
        return sum(1 for item in self.waiting if item.status(self.at).value == status)


def _allowed(session: Session) -> None:
    """READ_BEHAVIOUR and the behaviour file's key; each refusal is audited."""
    session.require(Permission.READ_BEHAVIOUR, _DOING)
    session.compartment(BEHAVIOUR, _DOING)


def _what(head: BehaviourHead, labels: dict[str, dict[str, str]]) -> str:
    def label(list_name: str, value: str | None) -> str:
        return labels.get(list_name, {}).get(value or "", value or "")

    place = label("locations", head.location)
    if head.kind is Kind.INTERVENTION:
        return f"Physical intervention, {place}" if place else "Physical intervention"
    kind = label("behaviour_types", head.behaviour_type) or "Behaviour incident"
    severity = label("severities", head.severity)
    words = f"{kind} ({severity})" if severity else kind
    return f"{words}, {place}" if place else words


def _item(
    head: BehaviourHead,
    review: StoredReview | None,
    labels: dict[str, dict[str, str]],
    targets: ReviewTargets,
    calendar: SchoolCalendar,
) -> ReviewItem:
    return ReviewItem(
        head.ref,
        head.kind,
        head.severity,
        _what(head, labels),
        head.pupils,
        head.author_name,
        head.recorded_at,
        review_due(head.kind, head.severity, head.recorded_at, targets, calendar),
        review,
    )


def review_items(
    session: Session, *, include_reviewed: bool = False, kinds: tuple[Kind, ...] | None = None
) -> list[ReviewItem]:
    """The records waiting for review (or every one), in no particular order. The caller has
    checked the session may read them and taken in what waits."""
    settings = get_settings(session)
    targets = targets_from(settings)
    labels = {
        name: dict(values) for name, values in lists.choices(session, include_retired=True).items()
    }
    with session.store.read() as conn:
        calendar = calendar_for(conn, settings, session.clock.now().date())
    with session.compartment(BEHAVIOUR, _DOING).read() as conn:
        heads = behaviour_review.heads(conn, include_reviewed=include_reviewed)
        if kinds is not None:
            heads = [h for h in heads if h.kind in kinds]
        found = behaviour_review.reviews(conn, [h.ref for h in heads if h.reviewed])
    return [_item(h, found.get(h.ref), labels, targets, calendar) for h in heads]


def load_inbox(
    session: Session, at: datetime | None = None, *, include_reviewed: bool = False
) -> Inbox:
    """What waits for review: interventions, then incidents by severity, then the oldest;
    with the behaviour file's open alarms. Sealed records waiting are taken in first."""
    _allowed(session)
    intake.take_in_waiting(session, BEHAVIOUR)
    intake.check_sequences(session, BEHAVIOUR)
    now = at or session.clock.now()
    items = review_items(session, include_reviewed=include_reviewed)
    with session.compartment(BEHAVIOUR, _DOING).read() as conn:
        alarms = tuple(
            InboxAlarm(a.raised_at.astimezone(), a.detail) for a in members.open_alarms(conn)
        )
    ordered = sorted(items, key=lambda item: item.sort_key())
    return Inbox(now, tuple(ordered), alarms)


@dataclass(frozen=True)
class ForReview:
    """A record opened for review: as it reads now, and its review if it has one."""

    entry: StoredEntry
    review: StoredReview | None
    labels: dict[str, dict[str, str]]  # list values' labels, to show the record


def open_for_review(session: Session, ref: str) -> ForReview:
    """The record (its viewing audited) and any review it has."""
    _allowed(session)
    entry = records.open_record(session, ref)
    if entry.kind not in (Kind.BEHAVIOUR, Kind.INTERVENTION):
        raise NotFound(f"{entry.ref} is not a behaviour incident or physical intervention.")
    with session.compartment(BEHAVIOUR, _DOING).read() as conn:
        found = behaviour_review.reviews(conn, [entry.ref]).get(entry.ref)
    labels = {
        name: dict(values) for name, values in lists.choices(session, include_retired=True).items()
    }
    return ForReview(entry, found, labels)


def _not_their_own_force(session: Session, entry_ref: str, kind: Kind, author: str) -> None:
    """A use of force is reviewed by a leader other than the one who recorded it; it stays in
    the headteacher's queue until then."""
    if kind is not Kind.INTERVENTION or author != session.user.username:
        return
    with session.store.write() as conn:
        session.audit(
            conn,
            "permission.refused",
            object_type="intervention",
            object_id=entry_ref,
            detail={"action": "review one's own intervention"},
        )
    raise PermissionDenied(
        f"You recorded {entry_ref}, so another leader reviews it (the headteacher, a DSL or "
        "the behaviour lead). It stays in the headteacher's queue until then."
    )


def record_review(session: Session, ref: str, payload: Mapping[str, Any]) -> int:
    """Review and sign off one record (once); returns the review's number."""
    _allowed(session)
    if not isinstance(payload, Mapping):
        raise ValidationError({"Review": "must be a set of fields"})
    now = session.clock.now()
    review = validate_review(payload, today=now.astimezone().date())
    entry_ref = ref.strip().upper()
    intake.take_in_waiting(session, BEHAVIOUR)  # a record staff made a moment ago
    store = session.compartment(BEHAVIOUR, _DOING)
    with store.read() as conn:  # a record never changes: read once, before the write
        found = behaviour_review.entry_of(conn, entry_ref)
    if found is None:
        raise NotFound(f"There is no behaviour incident or physical intervention {ref}.")
    entry_id, kind, author = found
    _not_their_own_force(session, entry_ref, kind, author)
    with store.write() as conn:
        earlier = behaviour_review.reviews(conn, [entry_ref]).get(entry_ref)
        if earlier is not None:
            raise ValidationError(
                {
                    "Record": f"{entry_ref} was already reviewed by {earlier.author_name} "
                    f"at {moment_text(earlier.at)}"
                }
            )
        review_id = behaviour_review.insert_review(
            conn, entry_ref, review, author=session.user.username, at=now
        )
        # Whoever recorded it hears that it was reviewed (never what was decided).
        status, outcome = _STATUS[review.decision is Decision.SIGNED_OFF]
        entries.add_status(conn, entry_id, status, outcome, session.user.username, now)
        session.audit(
            conn,
            "behaviour.reviewed",
            object_type=kind.value,
            object_id=entry_ref,
            detail={"review_id": review_id, "decision": review.decision.value},
        )
    intake.send_receipts(session, BEHAVIOUR)
    return review_id


DECISIONS = tuple((d.value, d.label) for d in Decision)
