"""Recording concerns, behaviour incidents and interventions; reading them by role."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from safedesk.domain.entries import Kind, NewEntry, StoredEntry, when_field
from safedesk.domain.entry_validation import validate_new_entry
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.people import User
from safedesk.domain.roles import Permission
from safedesk.services.lists import active_values
from safedesk.services.session import Session
from safedesk.store import drafts, entries, pupils
from safedesk.store.db import Connection

READ_PERMISSION = {
    Kind.CONCERN: Permission.READ_CONCERNS,
    Kind.BEHAVIOUR: Permission.READ_BEHAVIOUR,
    Kind.INTERVENTION: Permission.READ_BEHAVIOUR,
}


def readable_kinds(user: User) -> list[Kind]:
    return [k for k in Kind if user.can(READ_PERMISSION[k])]


def can_read(user: User, entry: StoredEntry) -> bool:
    return entry.author == user.username or user.can(READ_PERMISSION[entry.kind])


def parse_kind(text: str) -> Kind:
    try:
        return Kind(text)
    except ValueError:
        kinds = ", ".join(k.value for k in Kind)
        raise ValidationError({"kind": f"{text!r} is not one of: {kinds}"}) from None


def record(
    session: Session, kind: Kind, payload: Mapping[str, Any], *, draft_id: int | None = None
) -> str:
    """Validate and store one record; returns its reference (e.g. C-2026-0042)."""
    session.require(Permission.RECORD_CREATE, "record incidents or concerns")
    now = session.clock.now()
    with session.store.write() as conn:
        entry = validate_new_entry(kind, payload, lists=active_values(conn), now=now)
        pupil_ids = _resolve_pupils(conn, kind, entry)
        ref = entries.next_ref(conn, kind, now.astimezone().year)
        entries.insert(
            conn,
            entry,
            ref=ref,
            author=session.user.username,
            recorded_at=now,
            pupil_ids=pupil_ids,
        )
        session.audit(conn, "record.created", object_type=kind.value, object_id=ref)
        if draft_id is not None:
            drafts.discard(conn, session.user.username, draft_id)
    return ref


def _resolve_pupils(conn: Connection, kind: Kind, entry: NewEntry) -> dict[str, int]:
    found = pupils.by_upns(conn, [p.upn for p in entry.pupils])
    problems: dict[str, str] = {}
    field = "pupil" if kind is Kind.INTERVENTION else "pupils"
    for index, item in enumerate(entry.pupils, start=1):
        where = field if kind is Kind.INTERVENTION else f"pupils[{index}]"
        pupil = found.get(item.upn)
        if pupil is None:
            problems[where] = f"there is no pupil with UPN {item.upn}"
        elif entry.occurred_at.date() < pupil.details.date_of_birth:
            problems[when_field(kind)] = (
                f"is before {pupil.display_name}'s date of birth "
                f"({pupil.details.date_of_birth:%d/%m/%Y})"
            )
    if problems:
        raise ValidationError(problems)
    return {upn: p.id for upn, p in found.items()}


def check_not_before_birth(kind: Kind, moment_text: str, entry: StoredEntry) -> None:
    moment = datetime.fromisoformat(moment_text)
    for pupil in entry.pupils:
        if moment.date() < date.fromisoformat(pupil.date_of_birth):
            raise ValidationError({when_field(kind): f"is before {pupil.name}'s date of birth"})


def load(conn: Connection, ref: str) -> StoredEntry:
    entry = entries.by_ref(conn, ref.strip().upper())
    if entry is None:
        raise NotFound(f"There is no record {ref}.")
    return entry


def open_record(session: Session, ref: str) -> StoredEntry:
    """One record in full, for its author or a role that may read its kind (audited)."""
    with session.store.read() as conn:
        entry = load(conn, ref)
    if not can_read(session.user, entry):
        with session.store.write() as conn:
            session.audit(conn, "permission.refused", object_type="entry", object_id=entry.ref)
        raise PermissionDenied(
            f"Your account ({session.user.roles_label}) may not open {entry.ref}. "
            "Records are seen by the person who wrote them and by the leads responsible."
        )
    with session.store.write() as conn:
        session.audit(conn, "record.viewed", object_type=entry.kind.value, object_id=entry.ref)
    return entry


def my_records(session: Session) -> list[StoredEntry]:
    """What this user recorded, newest first, with its status (never the follow-up)."""
    with session.store.read() as conn:
        found = entries.by_author(conn, session.user.username)
    return sorted(found, key=lambda e: e.recorded_at, reverse=True)


def pupil_records(session: Session, upn: str) -> list[StoredEntry]:
    """A pupil's records of the kinds this user may read, in time order (audited)."""
    kinds = readable_kinds(session.user)
    if not kinds:
        session.require(Permission.READ_BEHAVIOUR, "read pupils' records")
    with session.store.read() as conn:
        found = pupils.by_upns(conn, [upn.strip().upper()])
        if not found:
            raise NotFound(f"There is no pupil with UPN {upn}.")
        pupil = next(iter(found.values()))
        listed = entries.for_pupil(conn, pupil.id, kinds)
    with session.store.write() as conn:
        session.audit(
            conn,
            "pupil.records_viewed",
            object_type="pupil",
            object_id=pupil.upn,
            detail={"kinds": [k.value for k in kinds]},
        )
    return sorted(listed, key=lambda e: (e.occurred_at, e.id))
