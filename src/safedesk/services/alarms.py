"""Alarms (a gap in an author's numbering, a changed key, a file that failed verify…): listed
for whoever deals with them, and marked as dealt with.

An alarm lives in the compartment where it was found and is never deleted; dealing with it
records who, when and the note they wrote, and an audit event in that compartment. The
pupils' files' alarms are the DSL's (casework); an allegations file's are its own members':
the headteacher's for allegations about staff, the chair of governors' for those about the
headteacher, so nobody else learns even that such a file raised one.
"""

from __future__ import annotations

from dataclasses import dataclass

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.roles import Permission
from safedesk.domain.text import LONG_TEXT_LIMIT, is_blank, text_problem
from safedesk.services.session import Session
from safedesk.store import members

_DOING = "deal with alarms in the queue"
# Who deals with each file's alarms.
PERMISSION = {
    Compartment.SAFEGUARDING: Permission.CASEWORK,
    Compartment.BEHAVIOUR: Permission.CASEWORK,
    Compartment.ALLEGATIONS: Permission.ALLEGATIONS,
    Compartment.ALLEGATIONS_HEAD: Permission.ALLEGATIONS_ABOUT_HEAD,
}
# The queue names an alarm ALARM-<its file's letter><id>, as in ALARM-S12.
LETTER = {
    Compartment.SAFEGUARDING: "S",
    Compartment.BEHAVIOUR: "B",
    Compartment.ALLEGATIONS: "A",
    Compartment.ALLEGATIONS_HEAD: "H",
}
_BY_LETTER = {letter: c for c, letter in LETTER.items()}
_PREFIX = "ALARM-"


@dataclass(frozen=True)
class Listed:
    """One open alarm, with the reference people use for it."""

    ref: str
    compartment: Compartment
    alarm: members.Alarm


def alarm_ref(compartment: Compartment, alarm_id: int) -> str:
    """The reference of an alarm in ``compartment`` (ALARM-S12, ALARM-A3)."""
    return f"{_PREFIX}{LETTER[compartment]}{alarm_id}"


def alarm_from_ref(ref: str) -> tuple[Compartment, int]:
    """The compartment and id of the alarm the queue calls ``ref`` (ALARM-S12, ALARM-B3)."""
    text = ref.strip().upper()
    rest = text.removeprefix(_PREFIX)
    compartment = _BY_LETTER.get(rest[:1]) if text.startswith(_PREFIX) else None
    if compartment is None or not rest[1:].isdigit():
        raise NotFound(f"{ref!r} is not an alarm's reference (they look like ALARM-S12).")
    return compartment, int(rest[1:])


def alarm_files(session: Session) -> list[Compartment]:
    """The files whose alarms this session deals with: those it opens and its roles allow
    (nothing refused or audited: a session simply has no others)."""
    return [
        c
        for c, permission in PERMISSION.items()
        if session.user.can(permission) and session.member_of(c)
    ]


def open_alarms(session: Session, only: Compartment | None = None) -> list[Listed]:
    """Every open alarm in the files this session deals with (or in ``only`` of them),
    oldest first in each file."""
    found = []
    for compartment in alarm_files(session):
        if only is not None and compartment is not only:
            continue
        with session.compartments[compartment].read() as conn:
            here = members.open_alarms(conn)
        found += [Listed(alarm_ref(compartment, a.id), compartment, a) for a in here]
    return found


def resolve_alarm(session: Session, compartment: Compartment, alarm_id: int, note: str) -> None:
    """Mark the alarm as dealt with, saying what was done (``note`` is required)."""
    session.require(PERMISSION.get(compartment, Permission.CASEWORK), _DOING)
    if compartment not in PERMISSION:
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
