"""Corrections: an amendment (field, old, new, reason, who, when); the original stays.

A member who may read the record amends it in its compartment. Its author, if not a member,
sends the correction sealed through the inbox (services.inbox); it is checked against their
own copy now and against the record itself when a member's session takes it in.
"""

from __future__ import annotations

from safedesk.domain.amendment_rules import validated_amendment
from safedesk.domain.compartments import KIND_COMPARTMENT
from safedesk.domain.entries import Amendment
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.roles import Permission
from safedesk.services import inbox, intake, records
from safedesk.services.lists import active_values
from safedesk.services.session import Session
from safedesk.store import entries

_ONLY = "Only the person who recorded {ref} or a Designated Safeguarding Lead may amend it."


def amend(session: Session, ref: str, field: str, value: object, reason: str) -> Amendment:
    """Correct one field of a record; only its author or a DSL may."""
    kind = records.kind_of_ref(ref)
    compartment = KIND_COMPARTMENT[kind]
    now = session.clock.now()
    if session.member_of(compartment) and session.user.can(records.READ_PERMISSION[kind]):
        store = session.compartment(compartment)
        intake.take_in_waiting(session, compartment)  # the record may still be in the inbox
        with store.write() as conn:
            entry = records.load(conn, ref)
            if entry.author != session.user.username and not session.user.can(Permission.AMEND_ANY):
                session.audit(conn, "permission.refused", object_type="entry", object_id=entry.ref)
                raise PermissionDenied(_ONLY.format(ref=entry.ref))
            new_text = validated_amendment(entry, field, value, reason, active_values(conn), now)
            amendment = Amendment(
                field, entry.current().get(field), new_text, reason, session.user.username, now
            )
            entries.add_amendment(conn, entry.id, amendment)
            session.audit(
                conn,
                "record.amended",
                object_type=entry.kind.value,
                object_id=entry.ref,
                detail={"field": field},
            )
        return amendment
    mine = {e.ref: e for e in records.my_records(session)}
    entry_view = mine.get(ref.strip().upper())
    if entry_view is None:
        with session.store.write() as conn:
            session.audit(conn, "permission.refused", object_type="entry", object_id=ref.upper())
        raise PermissionDenied(_ONLY.format(ref=ref.strip().upper()))
    with session.store.write() as conn:
        new_text = validated_amendment(entry_view, field, value, reason, active_values(conn), now)
        old = entry_view.current().get(field)
        inbox.put(
            session,
            compartment,
            op="amend",
            ref=entry_view.ref,
            kind=kind.value,
            body={"field": field, "value": new_text, "reason": reason, "old": old},
            conn=conn,
        )
        records.session_note_sealed(session, conn)
    return Amendment(field, old, new_text, reason, session.user.username, now)
