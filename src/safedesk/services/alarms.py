"""Alarms in the queue (a gap in an author's numbering, a changed key…): marked as dealt with.

An alarm lives in the compartment where it was found and is never deleted; dealing with it
records who, when and the note they wrote, and an audit event in that compartment.
"""

from __future__ import annotations

from safedesk.domain.compartments import READING, Compartment
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.roles import Permission
from safedesk.domain.text import LONG_TEXT_LIMIT, is_blank, text_problem
from safedesk.services.session import Session
from safedesk.store import members

_DOING = "deal with alarms in the queue"
# The queue names an alarm ALARM-<first letter of its compartment><id>, as in ALARM-S12.
_BY_LETTER = {c.value[0].upper(): c for c in READING}
_PREFIX = "ALARM-"


def alarm_from_ref(ref: str) -> tuple[Compartment, int]:
    """The compartment and id of the alarm the queue calls ``ref`` (ALARM-S12, ALARM-B3)."""
    text = ref.strip().upper()
    rest = text.removeprefix(_PREFIX)
    compartment = _BY_LETTER.get(rest[:1]) if text.startswith(_PREFIX) else None
    if compartment is None or not rest[1:].isdigit():
        raise NotFound(f"{ref!r} is not an alarm's reference (they look like ALARM-S12).")
    return compartment, int(rest[1:])


def resolve_alarm(session: Session, compartment: Compartment, alarm_id: int, note: str) -> None:
    """Mark the alarm as dealt with, saying what was done (``note`` is required)."""
    session.require(Permission.CASEWORK, _DOING)
    if compartment not in READING:
        raise NotFound(f"There are no alarms in the {compartment.label} file.")
    if is_blank(note):
        raise ValidationError({"note": "say what was done about it"})
    if problem := text_problem(note, limit=LONG_TEXT_LIMIT):
        raise ValidationError({"note": problem})
    store = session.compartment(compartment, _DOING)
    with store.write() as conn:
        if not members.resolve_alarm(
            conn, alarm_id, session.user.username, note.strip(), session.clock.now()
        ):
            raise NotFound(
                "That alarm was not found, or someone has already marked it as dealt with."
            )
        session.audit(conn, "alarm.resolved", object_type="alarm", object_id=str(alarm_id))
