"""Recording: every mandatory field enforced by the service and by the schema; references per
compartment; who opens what, and what staff see of their own records."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlcipher3

from safedesk.domain.compartments import KIND_COMPARTMENT, Compartment
from safedesk.domain.entries import FIELDS, Kind, Status
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.services import casework, chronology, inbox, intake, queue, records
from safedesk.services.session import Session
from safedesk.store import access, audit, members
from tests import factories
from tests.factories import PAYLOADS, PUPIL_A, PUPIL_B


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    return session_as(Role.DSL)


MANDATORY = [(kind, field.name) for kind in Kind for field in FIELDS[kind] if field.required] + [
    (Kind.CONCERN, "pupils"),
    (Kind.BEHAVIOUR, "pupils"),
    (Kind.INTERVENTION, "pupil"),
]


@pytest.mark.parametrize(("kind", "field"), MANDATORY)
@pytest.mark.parametrize("blank", [None, "", "   \n"])
def test_service_names_each_missing_field(
    dsl: Session, kind: Kind, field: str, blank: object
) -> None:
    payload = PAYLOADS[kind]()
    if blank is None:
        payload.pop(field, None)
    else:
        payload[field] = blank if field not in ("pupils",) else []
    with pytest.raises(ValidationError) as caught:
        records.record(dsl, kind, payload)
    assert field in caught.value.problems
    assert "required" in caught.value.problems[field]


def test_service_names_every_missing_field_at_once(dsl: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        records.record(dsl, Kind.INTERVENTION, {"pupil": PUPIL_A})
    required = {f.name for f in FIELDS[Kind.INTERVENTION] if f.required}
    assert required <= set(caught.value.problems)


@pytest.mark.parametrize(
    ("kind", "table", "column"),
    [
        (
            kind,
            {
                "concern": "concern",
                "behaviour": "behaviour_incident",
                "intervention": "physical_intervention",
            }[kind.value],
            f.name,
        )
        for kind in Kind
        for f in FIELDS[kind]
        if f.required and f.name != "occurred_at"
    ],
)
def test_schema_refuses_blank_mandatory_columns(
    dsl: Session, kind: Kind, table: str, column: str
) -> None:
    ref = records.record(dsl, kind, PAYLOADS[kind]())
    file = factories.records_file(dsl, kind)
    with file.read() as conn:
        entry_id = conn.execute("SELECT id FROM entry WHERE ref = ?", (ref,)).fetchone()[0]
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        row = dict(
            zip(
                columns,
                conn.execute(f"SELECT * FROM {table} WHERE entry_id = ?", (entry_id,)).fetchone(),
                strict=True,
            )
        )
    for bad in (None, "  "):
        copy = {**row, "entry_id": entry_id + 1000, column: bad}
        # The blank itself is refused (the missing entry would only be caught after it).
        refused = pytest.raises(sqlcipher3.IntegrityError, match=r"NOT NULL|CHECK constraint")
        with refused, file.write() as conn:
            conn.execute(
                f"INSERT INTO {table} ({', '.join(copy)}) VALUES ({', '.join('?' * len(copy))})",
                list(copy.values()),
            )


def test_references_count_up_per_compartment(
    dsl: Session, session_as: Callable[[Role], Session]
) -> None:
    staff = session_as(Role.STAFF)
    refs = [records.record(dsl, Kind.CONCERN, factories.concern())]
    refs.append(records.record(staff, Kind.CONCERN, factories.concern()))  # one sequence for all
    refs.append(records.record(dsl, Kind.INTERVENTION, factories.intervention()))
    refs.append(records.record(staff, Kind.BEHAVIOUR, factories.behaviour()))
    year = dsl.clock.now().astimezone().year
    # Behaviour incidents and interventions share the behaviour file's sequence.
    assert refs == [f"C-{year}-0001", f"C-{year}-0002", f"PI-{year}-0001", f"B-{year}-0002"]


@pytest.mark.parametrize(
    ("kind", "change", "field", "message"),
    [
        (Kind.BEHAVIOUR, {"behaviour_type": "bullying"}, "bullying_type", "required"),
        (
            Kind.BEHAVIOUR,
            {"behaviour_type": "bullying", "bullying_type": "prejudice"},
            "prejudice_type",
            "required",
        ),
        (Kind.INTERVENTION, {"restraint_type": "other"}, "restraint_detail", "required"),
        (Kind.INTERVENTION, {"parent_informed_how": ""}, "parent_informed_how", "required"),
        (Kind.INTERVENTION, {"ended_at": factories.earlier(5)}, "ended_at", "before the start"),
        (Kind.CONCERN, {"occurred_at": "2099-01-01T09:00"}, "occurred_at", "future"),
        (Kind.CONCERN, {"occurred_at": "2010-01-01T09:00"}, "occurred_at", "date of birth"),
        (Kind.CONCERN, {"category": "made_up"}, "category", "not one of"),
        (Kind.CONCERN, {"urgency": "whenever"}, "urgency", "not one of"),
        (Kind.CONCERN, {"description": "bad\x00byte"}, "description", "control character"),
        (Kind.CONCERN, {"description": "x" * 20_001}, "description", "limit is 20,000"),
        (Kind.CONCERN, {"pupils": ["B801200005009"]}, "pupils[1]", "wrong check letter"),
        (Kind.CONCERN, {"pupils": ["A801200005008"]}, "pupils[1]", "no pupil"),
        (Kind.CONCERN, {"colour": "red"}, "colour", "not a field"),
        (Kind.BEHAVIOUR, {"pupils": [{"upn": PUPIL_A}]}, "pupils[1].role", "required"),
    ],
)
def test_bad_values_are_named(
    dsl: Session, kind: Kind, change: dict[str, object], field: str, message: str
) -> None:
    payload = {**PAYLOADS[kind](), **change}
    with pytest.raises(ValidationError) as caught:
        records.record(dsl, kind, payload)
    assert message in caught.value.problems.get(field, ""), caught.value.problems


def test_parent_not_informed_reason_is_an_alternative(dsl: Session) -> None:
    payload = factories.intervention()
    for name in ("parent_informed_at", "parent_informed_by", "parent_informed_how"):
        payload.pop(name)
    payload["parent_not_informed_reason"] = "Parent could not be reached; letter sent home."
    assert records.record(dsl, Kind.INTERVENTION, payload).startswith("PI-")


def test_unicode_round_trips_exactly(dsl: Session) -> None:
    text = "Zoë said: “ça va?” — 👧🏽 نعم 学校 \u200d e\u0301 \t tab\nnew line"
    payload = {**factories.concern(), "description": text, "child_words": text}
    ref = records.record(dsl, Kind.CONCERN, payload)
    entry = records.open_record(dsl, ref)
    assert entry.current()["description"] == text
    assert entry.current()["child_words"] == text
    assert entry.pupils[0].name == "Shiv O'Connor-Nguyễn"


@pytest.mark.parametrize(
    ("kind", "table", "column"),
    [
        (Kind.CONCERN, "concern", "description"),
        (Kind.BEHAVIOUR, "behaviour_incident", "description"),
        (Kind.INTERVENTION, "physical_intervention", "cause"),
    ],
)
def test_content_cannot_be_updated_or_deleted(
    dsl: Session, kind: Kind, table: str, column: str
) -> None:
    ref = records.record(dsl, kind, PAYLOADS[kind]())
    before = records.open_record(dsl, ref).current()[column]
    for statement in (
        f"UPDATE {table} SET {column} = 'changed'",
        f"DELETE FROM {table}",
        "UPDATE entry SET occurred_at = '2020-01-01'",
        "DELETE FROM entry",
        "DELETE FROM entry_pupil",
        "DELETE FROM entry_status",
        "INSERT OR REPLACE INTO entry SELECT * FROM entry",
    ):
        with (
            pytest.raises(sqlcipher3.IntegrityError),
            factories.records_file(dsl, kind).write() as conn,
        ):
            conn.execute(statement)
    assert records.open_record(dsl, ref).current()[column] == before


@pytest.mark.parametrize(
    ("role", "kind", "may_open"),
    [
        (Role.STAFF, Kind.CONCERN, False),
        (Role.STAFF, Kind.BEHAVIOUR, False),
        (Role.BEHAVIOUR_LEAD, Kind.CONCERN, False),
        (Role.BEHAVIOUR_LEAD, Kind.BEHAVIOUR, True),
        (Role.BEHAVIOUR_LEAD, Kind.INTERVENTION, True),
        (Role.DSL, Kind.CONCERN, True),
        (Role.HEAD, Kind.INTERVENTION, True),
        (Role.ADMIN, Kind.CONCERN, False),
        (Role.ADMIN, Kind.BEHAVIOUR, False),
    ],
)
def test_who_may_open_someone_elses_record(
    dsl: Session, session_as: Callable[[Role], Session], role: Role, kind: Kind, may_open: bool
) -> None:
    ref = records.record(dsl, kind, PAYLOADS[kind]())
    reader = session_as(role)
    if may_open:
        assert records.open_record(reader, ref).ref == ref
        # Audited in the file the record is in.
        with factories.records_file(reader, kind).read() as conn:
            assert audit.events_with_action(conn, "record.viewed")[-1].object_id == ref
    else:
        with pytest.raises(PermissionDenied):
            records.open_record(reader, ref)
        with reader.store.read() as conn:
            assert audit.events_with_action(conn, "permission.refused")[-1].object_id == ref
        assert KIND_COMPARTMENT[kind] not in reader.compartments  # nor does it hold the key


def test_staff_record_and_see_their_own(
    dsl: Session, session_as: Callable[[Role], Session]
) -> None:
    staff = session_as(Role.STAFF)
    mine = records.record(staff, Kind.CONCERN, factories.concern())
    records.record(dsl, Kind.CONCERN, factories.concern())
    assert [e.ref for e in records.my_records(staff)] == [mine]
    assert records.my_records(staff)[0].status.value == "received"
    assert records.open_record(staff, mine).ref == mine


def test_admin_cannot_record(head_session: Session, session_as: Callable[[Role], Session]) -> None:
    factories.add_pupils(head_session)
    admin = session_as(Role.ADMIN)
    with pytest.raises(PermissionDenied):
        records.record(admin, Kind.CONCERN, factories.concern())


def test_pupil_records_follow_the_readers_role(
    dsl: Session, session_as: Callable[[Role], Session]
) -> None:
    for kind in Kind:
        records.record(dsl, kind, PAYLOADS[kind]())
    lead = session_as(Role.BEHAVIOUR_LEAD)
    assert {e.kind for e in records.pupil_records(dsl, PUPIL_A)} == set(Kind)
    assert {e.kind for e in records.pupil_records(lead, PUPIL_A)} == {
        Kind.BEHAVIOUR,
        Kind.INTERVENTION,
    }
    assert [e.kind for e in records.pupil_records(lead, PUPIL_B)] == [Kind.BEHAVIOUR]
    with pytest.raises(PermissionDenied):
        records.pupil_records(session_as(Role.STAFF), PUPIL_A)
    with pytest.raises(NotFound):
        records.pupil_records(dsl, "A000000000000")


def test_staff_concern_follows_its_status_but_the_file_stays_shut(
    dsl: Session, session_as: Callable[[Role], Session]
) -> None:
    staff = session_as(Role.STAFF)
    ref = records.record(staff, Kind.CONCERN, factories.concern())
    (mine,) = records.my_records(staff)
    # Sealed into the inbox: "received" only once a DSL's session has taken it in.
    assert (mine.ref, mine.status, mine.author) == (ref, Status.SENT, staff.user.username)
    assert mine.current()["description"] == factories.concern()["description"]
    assert mine.pupils[0].name == "Shiv O'Connor-Nguyễn"
    intake.take_in(dsl, Compartment.SAFEGUARDING)
    assert records.my_records(staff)[0].status is Status.RECEIVED

    casework.act(dsl, ref, {"type": "acknowledge"})
    assert records.my_records(staff)[0].status is Status.IN_PROGRESS
    casework.act(
        dsl,
        ref,
        {
            "type": "closure",
            "outcome": "Section 47 enquiry; child in need plan agreed.",
            "rationale": "Social care lead the plan; school monitors through it.",
            "shared_outcome": "Action was taken and support is in place.",
        },
    )
    mine = records.open_record(staff, ref)  # their own copy, opened without the file's key
    assert mine.status is Status.CLOSED
    assert mine.outcome == "Action was taken and support is in place."
    assert [s.status for s in mine.statuses] == [
        Status.SENT,
        Status.RECEIVED,
        Status.IN_PROGRESS,
        Status.CLOSED,
    ]
    assert "Section 47" not in repr(mine)  # the DSL's own outcome stays in the file

    for attempt in (
        lambda: records.pupil_records(staff, PUPIL_A),
        lambda: chronology.open_chronology(staff, PUPIL_A),
        lambda: casework.open_case(staff, ref),
        lambda: staff.compartment(Compartment.SAFEGUARDING),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert [e.ref for e in records.my_records(dsl)] == []  # the DSL recorded none of it


def test_an_item_that_fails_validation_at_take_in_is_kept_with_an_alarm(
    dsl: Session, session_as: Callable[[Role], Session]
) -> None:
    """Someone with a staff account calls the inbox directly, around the program's checks."""
    staff = session_as(Role.STAFF)
    year = staff.clock.now().astimezone().year
    with staff.store.write() as conn:
        ref = access.next_ref(conn, "safeguarding", "C", year)
        body = factories.concern() | {"category": "made_up", "description": "  "}
        inbox.put(
            staff,
            Compartment.SAFEGUARDING,
            op="record",
            ref=ref,
            kind="concern",
            body=body,
            conn=conn,
        )
    good = records.record(staff, Kind.CONCERN, factories.concern())

    report = intake.take_in(dsl, Compartment.SAFEGUARDING)
    assert (report.taken_in, report.quarantined) == (1, 1)
    assert [e.ref for e in records.pupil_records(dsl, PUPIL_A)] == [good]
    with pytest.raises(NotFound):
        records.open_record(dsl, ref)
    file = dsl.compartment(Compartment.SAFEGUARDING)
    with file.read() as conn:
        kept = conn.execute("SELECT problem FROM quarantine").fetchall()
        (alarm,) = members.open_alarms(conn)
        quarantined = audit.events_with_action(conn, "record.quarantined")
    assert len(kept) == 1 and "'made_up' is not one of" in kept[0][0]
    assert (alarm.kind, alarm.subject) == ("not_taken_in", ref)
    assert staff.user.username in alarm.detail
    assert "category: 'made_up'" in alarm.detail and "description: is required" in alarm.detail
    assert [(e.object_id, e.detail["author"]) for e in quarantined] == [(ref, staff.user.username)]
    with dsl.store.read() as conn:
        assert conn.execute("SELECT count(*) FROM inbox_item").fetchone()[0] == 0
    # Taking in again neither loses nor doubles it; the DSL sees the alarm in the queue.
    assert intake.take_in(dsl, Compartment.SAFEGUARDING).quarantined == 0
    alarms = [i for i in queue.load_queue(dsl).items if i.kind is ItemKind.ALARM]
    assert [i.what for i in alarms] == [alarm.detail]
