"""Casework: acts on a case are validated, append-only, audited and shown to the referrer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlcipher3

from safedesk.domain.casework import ACT_FIELDS, ActType
from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind, Status
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import casework, records
from safedesk.services.session import Session
from safedesk.store import audit
from tests import factories
from tests.factories import PUPIL_A, PUPIL_B

NOW = datetime.fromisoformat("2026-11-23T10:00").astimezone()  # a Monday


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    session = session_as(Role.DSL)
    session.clock = FixedClock(NOW)
    return session


@pytest.fixture
def raised(dsl: Session, session_as: Callable[[Role], Session]) -> tuple[Session, str]:
    """A concern raised by a member of staff; returns (staff session, ref)."""
    staff = session_as(Role.STAFF)
    staff.clock = FixedClock(NOW)
    payload = factories.concern() | {"occurred_at": "2026-11-23T09:15"}
    return staff, records.record(staff, Kind.CONCERN, payload)


def valid(act_type: ActType) -> dict[str, Any]:
    payloads: dict[ActType, dict[str, Any]] = {
        ActType.ACKNOWLEDGE: {},
        ActType.TRIAGE: {
            "decision": "social_care",
            "rationale": "Disclosure of harm at home; threshold met for a referral.",
        },
        ActType.ACTION: {"description": "Ring mum", "owner": "Mr Hughes", "due_on": "2026-11-25"},
        ActType.ACTION_DONE: {"action_id": 1, "note": "Spoke to mum."},
        ActType.REFERRAL: {
            "agency": "social_care",
            "made_at": "2026-11-23T09:50",
            "method": "phone",
            "spoken_to": "Jo Bloggs, MASH",
            "reference": "MASH/2026/1182",
        },
        ActType.REFERRAL_DECISION: {
            "referral_id": 1,
            "decision": "Strategy meeting; section 47 enquiry.",
            "decided_on": "2026-11-23",
            "feedback_to_referrer": "Told Miss Shah the referral was accepted.",
        },
        ActType.CONTACT: {
            "with_whom": "Mum (Mrs O'Connor)",
            "contact_at": "2026-11-23T09:40",
            "method": "phone",
            "what_was_said": "Mum says the bruise came from a fall; agreed to meet.",
            "next_step": "Meeting Wednesday 9am.",
        },
        ActType.CLOSURE: {
            "outcome": "Section 47 concluded; child in need plan in place.",
            "rationale": "Plan owned by social care; school monitoring via the plan.",
            "shared_outcome": "Action was taken and support is in place.",
        },
    }
    return {"type": act_type.value} | payloads[act_type]


MANDATORY = [
    (act_type, spec.name)
    for act_type, specs in ACT_FIELDS.items()
    for spec in specs
    if spec.required
]


@pytest.mark.parametrize(("act_type", "field"), MANDATORY)
@pytest.mark.parametrize("blank", [None, "", "  \t"])
def test_each_mandatory_field_is_named(
    dsl: Session, raised: tuple[Session, str], act_type: ActType, field: str, blank: object
) -> None:
    payload = valid(act_type)
    if blank is None:
        del payload[field]
    else:
        payload[field] = blank
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, raised[1], payload)
    assert "required" in caught.value.problems[field]


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("case_triage", "rationale"),
        ("case_action", "owner"),
        ("case_referral", "spoken_to"),
        ("case_contact", "what_was_said"),
        ("case_contact", "next_step"),
        ("case_closure", "rationale"),
    ],
)
def test_schema_refuses_blank_mandatory_columns(
    dsl: Session, raised: tuple[Session, str], table: str, column: str
) -> None:
    act_type = {
        "case_triage": ActType.TRIAGE,
        "case_action": ActType.ACTION,
        "case_referral": ActType.REFERRAL,
        "case_contact": ActType.CONTACT,
        "case_closure": ActType.CLOSURE,
    }[table]
    values = {k: v for k, v in valid(act_type).items() if k != "type"} | {column: "  "}
    columns = ["case_ref", *values, "author", "at"]
    factories.take_in_all(dsl)  # the case must be in the file, or that alone is refused
    file = dsl.compartment(Compartment.SAFEGUARDING)
    refused = pytest.raises(sqlcipher3.dbapi2.IntegrityError, match="CHECK constraint")
    with file.write() as conn, refused:
        conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [raised[1], *values.values(), dsl.user.username, NOW.isoformat()],
        )


def test_monitor_needs_a_review_date(dsl: Session, raised: tuple[Session, str]) -> None:
    payload = valid(ActType.TRIAGE) | {"decision": "monitor"}
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, raised[1], payload)
    assert "review_on" in caught.value.problems
    casework.act(dsl, raised[1], payload | {"review_on": "07/12/2026"})


def test_unknown_type_and_unknown_fields_are_named(
    dsl: Session, raised: tuple[Session, str]
) -> None:
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, raised[1], {"type": "escalate"})
    assert "type" in caught.value.problems
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, raised[1], valid(ActType.CONTACT) | {"mood": "calm"})
    assert "mood" in caught.value.problems


def test_times_in_the_future_are_refused(dsl: Session, raised: tuple[Session, str]) -> None:
    payload = valid(ActType.CONTACT) | {"contact_at": "2026-11-24T09:00"}
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, raised[1], payload)
    assert caught.value.problems == {"contact_at": "is in the future"}


@pytest.mark.parametrize("number", [2**63, 0, -1, "²", "1e3", True])
def test_act_numbers_out_of_range_are_refused_not_crashed(
    dsl: Session, raised: tuple[Session, str], number: object
) -> None:
    payload = {"type": "action_done", "action_id": number}
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, raised[1], payload)
    assert caught.value.problems == {"action_id": "must be a number from the case's timeline"}


def test_unknown_case_is_not_found(dsl: Session) -> None:
    with pytest.raises(NotFound):
        casework.act(dsl, "C-2026-9999", valid(ActType.ACKNOWLEDGE))


def test_behaviour_records_are_not_cases(dsl: Session) -> None:
    ref = records.record(
        dsl, Kind.BEHAVIOUR, factories.behaviour() | {"occurred_at": "2026-11-23T09:00"}
    )
    with pytest.raises(NotFound):
        casework.act(dsl, ref, valid(ActType.ACKNOWLEDGE))


def test_a_whole_case_and_the_referrer_sees_only_status_and_outcome(
    dsl: Session, raised: tuple[Session, str]
) -> None:
    staff, ref = raised
    assert records.my_records(staff)[0].status is Status.SENT  # not yet taken in
    casework.act(dsl, ref, valid(ActType.ACKNOWLEDGE))
    assert records.my_records(staff)[0].status is Status.IN_PROGRESS
    for minutes, act_type in enumerate(
        (
            ActType.TRIAGE,
            ActType.CONTACT,
            ActType.ACTION,
            ActType.ACTION_DONE,
            ActType.REFERRAL,
            ActType.REFERRAL_DECISION,
        ),
        start=1,
    ):
        dsl.clock = FixedClock(NOW + timedelta(minutes=minutes))
        casework.act(dsl, ref, valid(act_type))
    dsl.clock = FixedClock(NOW + timedelta(hours=2))
    casework.act(dsl, ref, valid(ActType.CLOSURE))

    mine = records.my_records(staff)[0]
    assert mine.status is Status.CLOSED
    assert mine.statuses[-1].outcome == "Action was taken and support is in place."
    with pytest.raises(PermissionDenied):
        casework.open_case(staff, ref)

    case = casework.open_case(dsl, ref)
    assert case.head.closed
    assert [e.type for e in case.events] == [
        ActType.ACKNOWLEDGE,
        ActType.TRIAGE,
        ActType.CONTACT,
        ActType.ACTION,
        ActType.ACTION_DONE,
        ActType.REFERRAL,
        ActType.REFERRAL_DECISION,
        ActType.CLOSURE,
    ]
    assert case.events[2].values["what_was_said"] == valid(ActType.CONTACT)["what_was_said"]
    assert case.pupils == ((PUPIL_A, "Shiv O'Connor-Nguyễn"),)


def test_acting_acknowledges_once_and_only_once(dsl: Session, raised: tuple[Session, str]) -> None:
    ref = raised[1]
    casework.act(dsl, ref, valid(ActType.CONTACT))
    case = casework.open_case(dsl, ref)
    assert [e.type for e in case.events] == [ActType.ACKNOWLEDGE, ActType.CONTACT]
    assert case.head.acknowledged_at == NOW
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, ref, valid(ActType.ACKNOWLEDGE))
    assert "already acknowledged" in caught.value.problems["type"]


def test_follow_ups_must_belong_to_the_case_and_finish_once(
    dsl: Session, raised: tuple[Session, str]
) -> None:
    ref = raised[1]
    other = records.record(
        dsl, Kind.CONCERN, factories.concern() | {"occurred_at": "2026-11-23T08:00"}
    )
    action_id = casework.act(dsl, other, valid(ActType.ACTION))
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, ref, valid(ActType.ACTION_DONE) | {"action_id": action_id})
    assert "has no action" in caught.value.problems["action_id"]
    casework.act(dsl, other, valid(ActType.ACTION_DONE) | {"action_id": action_id})
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, other, valid(ActType.ACTION_DONE) | {"action_id": action_id})
    assert "already done" in caught.value.problems["action_id"]


def test_nothing_is_added_to_a_closed_case(dsl: Session, raised: tuple[Session, str]) -> None:
    ref = raised[1]
    casework.act(dsl, ref, valid(ActType.CLOSURE))
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, ref, valid(ActType.CONTACT))
    assert "closed" in caught.value.problems["ref"]


@pytest.mark.parametrize(
    "table",
    ["case_acknowledgement", "case_triage", "case_contact", "case_closure", "notification"],
)
def test_casework_rows_cannot_be_changed_or_deleted(
    dsl: Session, raised: tuple[Session, str], table: str
) -> None:
    ref = raised[1]
    casework.act(dsl, ref, valid(ActType.TRIAGE))
    casework.act(dsl, ref, valid(ActType.CONTACT))
    casework.act(dsl, ref, valid(ActType.CLOSURE))
    casework.record_notification(dsl, notification())
    column = "ref" if table == "notification" else "case_ref"
    file = dsl.compartment(Compartment.SAFEGUARDING)
    with file.read() as conn:
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
    for sql in (f"UPDATE {table} SET {column} = {column}", f"DELETE FROM {table}"):
        with file.write() as conn, pytest.raises(sqlcipher3.dbapi2.IntegrityError):
            conn.execute(sql)
    nothing = pytest.raises(sqlcipher3.dbapi2.IntegrityError, match="must name a concern")
    with file.write() as conn, nothing:
        conn.execute(
            "INSERT INTO case_acknowledgement (case_ref, author, at) VALUES ('C-2026-0077', ?, ?)",
            (dsl.user.username, NOW.isoformat()),
        )


def test_every_act_and_view_is_audited(dsl: Session, raised: tuple[Session, str]) -> None:
    ref = raised[1]
    casework.act(dsl, ref, valid(ActType.TRIAGE))
    casework.open_case(dsl, ref)
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        rows = [(r.actor, r.action, r.object_id) for r in audit.events(conn)]
    user = dsl.user.username
    assert (user, "case.acknowledge", ref) in rows
    assert (user, "case.triage", ref) in rows
    assert (user, "case.viewed", ref) in rows


@pytest.mark.parametrize("role", [Role.STAFF, Role.BEHAVIOUR_LEAD, Role.ADMIN])
def test_roles_without_casework_are_refused_and_audited(
    dsl: Session, raised: tuple[Session, str], session_as: Callable[[Role], Session], role: Role
) -> None:
    other = session_as(role)
    for attempt in (
        lambda: casework.act(other, raised[1], valid(ActType.ACKNOWLEDGE)),
        lambda: casework.open_case(other, raised[1]),
        lambda: casework.record_notification(other, notification()),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    with other.store.read() as conn:
        refused = [r for r in audit.events(conn) if r.action == "permission.refused"]
    assert len([r for r in refused if r.actor == other.user.username]) == 3
    assert casework.open_case(dsl, raised[1]).events == ()


def notification(**changes: Any) -> dict[str, Any]:
    return {
        "pupils": [PUPIL_B],
        "received_at": "2026-11-23T07:45",
        "received_from": "PC 4471 Ahmed, Operation Encompass",
        "police_reference": "DA/26/88812",
        "incident_at": "2026-11-22T23:10",
        "summary": "Police attended a domestic incident at home; Zoë was present.",
    } | changes


def test_notification_is_recorded_and_is_a_case(dsl: Session) -> None:
    ref = casework.record_notification(dsl, notification())
    assert ref == "E-2026-0001"
    case = casework.open_case(dsl, ref)
    assert case.notification is not None
    assert case.notification.values["summary"] == notification()["summary"]
    assert case.pupils == ((PUPIL_B, "Zoë Wiśniewska"),)
    casework.act(dsl, ref, valid(ActType.TRIAGE) | {"decision": "no_further_action"})
    assert casework.open_case(dsl, ref).events[-1].type is ActType.TRIAGE


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pupils": []}, "pupils"),
        ({"pupils": ["A123"]}, "pupils[1]"),
        ({"summary": " "}, "summary"),
        ({"received_from": None}, "received_from"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": "2026-11-24T07:00"}, "received_at"),
        ({"summary": "nul\x00"}, "summary"),
    ],
)
def test_bad_notifications_name_the_field(
    dsl: Session, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        casework.record_notification(dsl, notification(**changes))
    assert field in caught.value.problems


def test_unknown_pupil_on_a_notification_writes_nothing(dsl: Session) -> None:
    unknown = factories.upn.make("801200009999")
    with pytest.raises(ValidationError) as caught:
        casework.record_notification(dsl, notification(pupils=[PUPIL_A, unknown]))
    assert "pupils[2]" in caught.value.problems
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        assert conn.execute("SELECT count(*) FROM notification").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM notification_pupil").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM pupil").fetchone()[0] == 0
