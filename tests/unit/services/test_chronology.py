"""A pupil's chronology: complete, in time order, filtered, permitted and audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from safedesk.domain.chronology import ItemGroup
from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import NotFound, PermissionDenied
from safedesk.domain.roles import Role
from safedesk.services import amendments, casework, chronology, records
from safedesk.services.session import Session
from safedesk.store import audit
from tests import factories
from tests.factories import PUPIL_A, PUPIL_B


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    """A DSL and a file for Shiv: a concern worked as a case, behaviour, an intervention."""
    factories.add_pupils(head_session)
    session = session_as(Role.DSL)
    session.clock = FixedClock(at("2026-11-02T10:00"))
    concern = records.record(
        session,
        Kind.CONCERN,
        factories.concern() | {"occurred_at": "2026-11-02T09:00", "urgency": "urgent"},
    )
    session.clock = FixedClock(at("2026-11-03T08:00"))  # recorded a day late
    records.record(
        session, Kind.BEHAVIOUR, factories.behaviour() | {"occurred_at": "2026-11-02T12:30"}
    )
    session.clock = FixedClock(at("2026-11-10T15:00"))
    records.record(
        session,
        Kind.INTERVENTION,
        factories.intervention()
        | {
            "started_at": "2026-11-10T14:00",
            "ended_at": "2026-11-10T14:06",
            "parent_informed_at": "2026-11-10T14:40",
        },
    )
    session.clock = FixedClock(at("2026-11-02T10:30"))
    casework.act(session, concern, {"type": "acknowledge"})
    session.clock = FixedClock(at("2026-11-02T11:00"))
    casework.act(
        session,
        concern,
        {"type": "triage", "decision": "social_care", "rationale": "Disclosure at home"},
    )
    casework.act(
        session,
        concern,
        {
            "type": "referral",
            "agency": "social_care",
            "made_at": "2026-11-02T10:50",
            "method": "phone",
            "spoken_to": "MASH duty worker",
        },
    )
    session.clock = FixedClock(at("2026-11-20T09:00"))
    amendments.amend(session, concern, "category", "emotional_abuse", "Better fits the account")
    casework.record_notification(
        session,
        {
            "pupils": [PUPIL_A, PUPIL_B],
            "received_at": "2026-11-20T07:30",
            "received_from": "Operation Encompass",
            "summary": "Police attended the home overnight.",
        },
    )
    return session


def test_everything_in_time_order_for_the_dsl(dsl: Session) -> None:
    found = chronology.open_chronology(dsl, PUPIL_A)
    lines = [(i.happened_at.astimezone().strftime("%d %H:%M"), i.title) for i in found.items]
    assert lines == [
        ("02 09:00", "Safeguarding concern"),
        ("02 10:30", "Acknowledged"),
        ("02 10:50", "Referral"),  # when it was made, though recorded at 11:00
        ("02 11:00", "Decision"),
        ("02 12:30", "Behaviour incident"),
        ("10 14:00", "Physical intervention"),
        ("20 07:30", "Police notification (Operation Encompass)"),
        ("20 09:00", "Amendment"),
    ]
    behaviour = found.items[4]
    assert behaviour.recorded_later  # recorded the next morning: both times are shown
    assert not found.items[1].recorded_later
    assert "Emotional abuse" in found.items[0].summary  # the amended value, by its label
    assert ("Reason", "Better fits the account") in found.items[-1].detail
    assert found.school_name
    assert found.pupil.upn == PUPIL_A


def test_filters_by_group_and_date(dsl: Session) -> None:
    only = chronology.open_chronology(
        dsl, PUPIL_A, groups={ItemGroup.CASEWORK}, first_day=date(2026, 11, 2)
    )
    assert {i.group for i in only.items} == {ItemGroup.CASEWORK}
    ranged = chronology.open_chronology(
        dsl, PUPIL_A, first_day=date(2026, 11, 3), last_day=date(2026, 11, 19)
    )
    assert [i.title for i in ranged.items] == ["Physical intervention"]


def test_behaviour_lead_gets_the_behaviour_only_chronology(
    dsl: Session, session_as: Callable[[Role], Session]
) -> None:
    lead = session_as(Role.BEHAVIOUR_LEAD)
    found = chronology.open_chronology(lead, PUPIL_A)
    assert [i.group for i in found.items] == [ItemGroup.BEHAVIOUR, ItemGroup.INTERVENTION]
    with pytest.raises(PermissionDenied):
        chronology.open_chronology(lead, PUPIL_A, groups={ItemGroup.CONCERN})


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_staff_and_admin_may_not_open_a_chronology(
    dsl: Session, session_as: Callable[[Role], Session], role: Role
) -> None:
    other = session_as(role)
    with pytest.raises(PermissionDenied):
        chronology.open_chronology(other, PUPIL_A)
    with other.store.read() as conn:
        refused = [e for e in audit.events(conn) if e.action == "permission.refused"]
    assert refused[-1].actor == other.user.username
    assert refused[-1].object_id == PUPIL_A


def test_opening_is_audited_and_the_head_returned(dsl: Session) -> None:
    found = chronology.open_chronology(dsl, PUPIL_A, first_day=date(2026, 11, 1))
    last = {}
    for compartment in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR):
        # Audited in every file it read from.
        with dsl.compartment(compartment).read() as conn:
            last[compartment] = list(audit.events(conn))[-1]
        assert (
            last[compartment].action,
            last[compartment].object_id,
            last[compartment].actor,
        ) == ("chronology.opened", PUPIL_A, dsl.user.username)
        assert last[compartment].detail["from"] == "2026-11-01"
    # The head returned (and printed on an export) is the safeguarding file's.
    head = last[Compartment.SAFEGUARDING]
    assert (found.audit_head.seq, found.audit_head.hash) == (head.seq, head.hash)


def test_behaviour_only_opening_touches_only_the_behaviour_file(
    dsl: Session, session_as: Callable[[Role], Session]
) -> None:
    lead = session_as(Role.BEHAVIOUR_LEAD)
    found = chronology.open_chronology(lead, PUPIL_A)
    with lead.compartment(Compartment.BEHAVIOUR).read() as conn:
        last = list(audit.events(conn))[-1]
    assert (last.action, last.actor) == ("chronology.opened", lead.user.username)
    assert (found.audit_head.seq, found.audit_head.hash) == (last.seq, last.hash)
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        actors = {e.actor for e in audit.events(conn)}
    assert lead.user.username not in actors


def test_unknown_pupil(dsl: Session) -> None:
    with pytest.raises(NotFound):
        chronology.open_chronology(dsl, factories.upn.make("801200009999"))


def test_other_pupils_records_stay_out(dsl: Session) -> None:
    found = chronology.open_chronology(dsl, PUPIL_B)
    # Zoë is the target in the behaviour incident and on the police notification only.
    assert [i.title for i in found.items] == [
        "Behaviour incident",
        "Police notification (Operation Encompass)",
    ]
    assert all(i.happened_at > at("2026-11-01T00:00") - timedelta(days=1) for i in found.items)
