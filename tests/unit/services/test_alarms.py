"""Alarms in the queue: marked as dealt with, with a note, by casework roles only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.services import alarms, queue
from safedesk.services.session import Session
from safedesk.store import audit, members

TEXT = "A gap in t.jones's numbering: record 3 never arrived."


def _raise(session: Session, compartment: Compartment, text: str = TEXT) -> str:
    """An alarm as the intake raises one; returns its reference in the queue."""
    with session.compartment(compartment).write() as conn:
        members.raise_alarm(conn, "sequence_gap", text, datetime.now().astimezone())
    [item] = [
        i
        for i in queue.load_queue(session).items
        if i.kind is ItemKind.ALARM and i.what == text and i.case_ref[6] == compartment[0].upper()
    ]
    return item.case_ref


def _open_alarms(session: Session, compartment: Compartment) -> list[members.Alarm]:
    with session.compartment(compartment).read() as conn:
        return members.open_alarms(conn)


@pytest.mark.parametrize("compartment", [Compartment.SAFEGUARDING, Compartment.BEHAVIOUR])
def test_a_resolved_alarm_leaves_the_queue_and_is_audited_in_its_file(
    head_session: Session, compartment: Compartment
) -> None:
    ref = _raise(head_session, compartment)
    found, alarm_id = alarms.alarm_from_ref(ref)
    assert found is compartment

    alarms.resolve_alarm(head_session, found, alarm_id, "  Spoke to t.jones: a draft. ")

    assert _open_alarms(head_session, compartment) == []
    assert not [i for i in queue.load_queue(head_session).items if i.case_ref == ref]
    with head_session.compartment(compartment).read() as conn:
        row = conn.execute(
            "SELECT resolved_by, resolution FROM alarm WHERE id = ?", (alarm_id,)
        ).fetchone()
        [event] = audit.events_with_action(conn, "alarm.resolved")
    assert tuple(row) == ("head", "Spoke to t.jones: a draft.")
    assert (event.actor, event.object_id) == ("head", str(alarm_id))
    assert "t.jones" not in str(event.detail)  # the note stays in the alarm, not the log
    with head_session.store.read() as conn:
        assert audit.events_with_action(conn, "alarm.resolved") == []


def test_a_note_is_required_and_checked(head_session: Session) -> None:
    _compartment, alarm_id = alarms.alarm_from_ref(_raise(head_session, Compartment.SAFEGUARDING))
    with pytest.raises(ValidationError) as blank:
        alarms.resolve_alarm(head_session, Compartment.SAFEGUARDING, alarm_id, "   ")
    assert "note" in blank.value.problems
    with pytest.raises(ValidationError) as control:
        alarms.resolve_alarm(head_session, Compartment.SAFEGUARDING, alarm_id, "ok\x00")
    assert "control character" in control.value.problems["note"]
    assert len(_open_alarms(head_session, Compartment.SAFEGUARDING)) == 1


def test_an_alarm_is_dealt_with_once(head_session: Session) -> None:
    _compartment, alarm_id = alarms.alarm_from_ref(_raise(head_session, Compartment.SAFEGUARDING))
    alarms.resolve_alarm(head_session, Compartment.SAFEGUARDING, alarm_id, "Checked.")
    with pytest.raises(NotFound, match="already marked"):
        alarms.resolve_alarm(head_session, Compartment.SAFEGUARDING, alarm_id, "Again.")
    with pytest.raises(NotFound):
        alarms.resolve_alarm(head_session, Compartment.SAFEGUARDING, 999, "No such alarm.")
    with pytest.raises(NotFound):
        alarms.resolve_alarm(head_session, Compartment.SCHOOL, alarm_id, "Wrong file.")


@pytest.mark.parametrize("role", [Role.STAFF, Role.BEHAVIOUR_LEAD, Role.ADMIN])
def test_only_casework_roles_deal_with_alarms(
    head_session: Session, session_as: Callable[[Role], Session], role: Role
) -> None:
    _compartment, alarm_id = alarms.alarm_from_ref(_raise(head_session, Compartment.BEHAVIOUR))
    other = session_as(role)
    with pytest.raises(PermissionDenied):
        alarms.resolve_alarm(other, Compartment.BEHAVIOUR, alarm_id, "Not mine to close.")
    assert len(_open_alarms(head_session, Compartment.BEHAVIOUR)) == 1
    with other.store.read() as conn:
        assert audit.events_with_action(conn, "permission.refused")


@pytest.mark.parametrize("ref", ["ALARM-X1", "ALARM-S", "C-2026-0001", "ALARM-S1a", ""])
def test_other_references_are_not_alarms(ref: str) -> None:
    with pytest.raises(NotFound):
        alarms.alarm_from_ref(ref)


def test_references_read_either_case() -> None:
    assert alarms.alarm_from_ref("alarm-b12") == (Compartment.BEHAVIOUR, 12)


@pytest.mark.parametrize(
    ("compartment", "ref"),
    [
        (Compartment.SAFEGUARDING, "ALARM-S7"),
        (Compartment.BEHAVIOUR, "ALARM-B7"),
        (Compartment.ALLEGATIONS, "ALARM-A7"),
        (Compartment.ALLEGATIONS_HEAD, "ALARM-H7"),
    ],
)
def test_each_file_has_its_own_letter(compartment: Compartment, ref: str) -> None:
    assert alarms.alarm_ref(compartment, 7) == ref
    assert alarms.alarm_from_ref(ref) == (compartment, 7)


def test_the_head_deals_with_the_allegations_files_alarms_and_a_dsl_never_sees_them(
    head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    with head_session.compartment(Compartment.ALLEGATIONS).write() as conn:
        members.raise_alarm(conn, "sequence_gap", TEXT, datetime.now().astimezone())
    [listed] = alarms.open_alarms(head_session)
    assert (listed.compartment, listed.alarm.detail) == (Compartment.ALLEGATIONS, TEXT)
    dsl = session_as(Role.DSL)
    assert alarms.alarm_files(dsl) == [Compartment.SAFEGUARDING, Compartment.BEHAVIOUR]
    assert alarms.open_alarms(dsl) == []
    _where, alarm_id = alarms.alarm_from_ref(listed.ref)
    with pytest.raises(PermissionDenied):
        alarms.resolve_alarm(dsl, Compartment.ALLEGATIONS, alarm_id, "Not the DSL's.")
    alarms.resolve_alarm(head_session, Compartment.ALLEGATIONS, alarm_id, "Looked into it.")
    assert alarms.open_alarms(head_session) == []
    with head_session.compartment(Compartment.ALLEGATIONS).read() as conn:
        [event] = audit.events_with_action(conn, "alarm.resolved")
    assert event.object_id == str(alarm_id)
