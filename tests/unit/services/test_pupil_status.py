"""Pupils' safeguarding status: set by a DSL or the head with dates, refused (and audited) for
everyone else, append-only in the service and the schema, every row in the ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
import sqlcipher3

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.pupil_status import StatusKind
from safedesk.domain.roles import Role
from safedesk.services import integrity, pupil_status
from safedesk.services.session import Session
from safedesk.store import audit, ledger
from safedesk.store.db import Connection
from tests import factories
from tests.factories import PUPIL_A, PUPIL_B

NOW = datetime.fromisoformat("2026-03-10T10:00").astimezone()
PLAN = StatusKind.CHILD_PROTECTION_PLAN


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    session = session_as(Role.DSL)
    session.clock = FixedClock(NOW)
    return session


def actions(conn: Connection) -> list[str]:
    return [e.action for e in audit.events(conn)]


def test_a_dsl_starts_and_ends_a_status_with_its_dates(dsl: Session) -> None:
    made = pupil_status.start_status(dsl, PUPIL_A, PLAN, date(2026, 2, 3), "Conference on 3 Feb")
    assert (made.kind, made.started_on, made.current) == (PLAN, date(2026, 2, 3), True)
    assert made.started_by == "Test dsl0"
    assert made.note == "Conference on 3 Feb"
    pupil_status.start_status(dsl, PUPIL_A, StatusKind.YOUNG_CARER, "2025-09-01")
    now = pupil_status.current_statuses(dsl, [PUPIL_A, PUPIL_B])
    assert set(now) == {PUPIL_A}
    assert {p.kind for p in now[PUPIL_A]} == {PLAN, StatusKind.YOUNG_CARER}

    ended = pupil_status.end_status(dsl, made.id, date(2026, 3, 9), "Stepped down to CIN")
    assert (ended.ended_on, ended.ended_by, ended.end_note) == (
        date(2026, 3, 9),
        "Test dsl0",
        "Stepped down to CIN",
    )
    assert [p.kind for p in pupil_status.current_statuses(dsl, [PUPIL_A])[PUPIL_A]] == [
        StatusKind.YOUNG_CARER
    ]
    history = pupil_status.pupil_statuses(dsl, PUPIL_A)
    assert [(p.kind, p.current) for p in history] == [
        (StatusKind.YOUNG_CARER, True),
        (PLAN, False),
    ]
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        done = actions(conn)
        expected, actual = ledger.written_and_actual(conn, frozenset({"pupil_status"}))
    assert done.count("pupil.status_started") == 2
    assert "pupil.status_ended" in done
    assert "pupil.status_viewed" in done
    assert len(actual) == 3  # two starts, one end: every row is in the ledger
    assert expected == actual


def test_the_head_may_set_a_status(head_session: Session) -> None:
    factories.add_pupils(head_session)
    head_session.clock = FixedClock(NOW)
    pupil_status.start_status(head_session, PUPIL_B, StatusKind.LOOKED_AFTER, date(2026, 1, 5))
    assert PUPIL_B in pupil_status.current_statuses(head_session, [PUPIL_B])


@pytest.mark.parametrize("role", [Role.STAFF, Role.BEHAVIOUR_LEAD, Role.ADMIN])
def test_everyone_else_is_refused_and_the_refusal_audited(
    dsl: Session, session_as: Callable[[Role], Session], role: Role
) -> None:
    made = pupil_status.start_status(dsl, PUPIL_A, PLAN, date(2026, 2, 3))
    other = session_as(role)
    assert not pupil_status.may_see(other.user)
    assert pupil_status.statuses_for_chronology(other, PUPIL_A) is None
    calls: list[Callable[[], object]] = [
        lambda: pupil_status.current_statuses(other, [PUPIL_A]),
        lambda: pupil_status.pupil_statuses(other, PUPIL_A),
        lambda: pupil_status.start_status(other, PUPIL_A, StatusKind.EARLY_HELP, date(2026, 1, 1)),
        lambda: pupil_status.end_status(other, made.id, date(2026, 3, 1)),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    with other.store.read() as conn:
        assert actions(conn).count("permission.refused") >= len(calls)
    assert [p.kind for p in pupil_status.current_statuses(dsl, [PUPIL_A])[PUPIL_A]] == [PLAN]


def test_fields_are_named_as_the_form_labels_them(dsl: Session) -> None:
    with pytest.raises(ValidationError) as missing:
        pupil_status.start_status(dsl, PUPIL_A, None, None)
    assert set(missing.value.problems) == {"Status", "Starts on"}
    future = NOW.date() + timedelta(days=1)
    with pytest.raises(ValidationError) as ahead:
        pupil_status.start_status(dsl, PUPIL_A, PLAN, future)
    assert "future" in ahead.value.problems["Starts on"]
    made = pupil_status.start_status(dsl, PUPIL_A, PLAN, date(2026, 2, 3))
    with pytest.raises(ValidationError) as twice:
        pupil_status.start_status(dsl, PUPIL_A, PLAN, date(2026, 2, 4))
    assert "end it before" in twice.value.problems["Status"]
    with pytest.raises(ValidationError) as early:
        pupil_status.end_status(dsl, made.id, date(2026, 2, 2))
    assert "on or after" in early.value.problems["Ends on"]
    with pytest.raises(ValidationError) as no_day:
        pupil_status.end_status(dsl, made.id, None)
    assert set(no_day.value.problems) == {"Ends on"}
    pupil_status.end_status(dsl, made.id, date(2026, 3, 1))
    with pytest.raises(ValidationError) as again:
        pupil_status.end_status(dsl, made.id, date(2026, 3, 2))
    assert "already ended" in again.value.problems["Status"]
    with pytest.raises(ValidationError) as overlap:
        pupil_status.start_status(dsl, PUPIL_A, PLAN, date(2026, 2, 20))
    assert "Starts on" in overlap.value.problems
    pupil_status.start_status(dsl, PUPIL_A, PLAN, date(2026, 3, 1))  # again, from its end


def _raw(dsl: Session, sql: str, params: tuple[object, ...] = ()) -> None:
    with dsl.compartment(Compartment.SAFEGUARDING).write() as conn:
        conn.execute(sql, params)


def test_the_schema_refuses_changes_and_ends_that_end_nothing(dsl: Session) -> None:
    made = pupil_status.start_status(dsl, PUPIL_A, PLAN, date(2026, 2, 3))
    refused = [
        ("UPDATE pupil_status SET on_day = '2026-01-01'", ()),
        ("DELETE FROM pupil_status", ()),
        # A second start of a status that holds.
        (
            "INSERT INTO pupil_status (pupil_id, status, change, on_day, author, at) "
            "SELECT pupil_id, status, 'started', '2026-02-05', 'x', 'now' FROM pupil_status",
            (),
        ),
        # An end before its start, of another status, or naming no start.
        (
            "INSERT INTO pupil_status (pupil_id, status, change, on_day, ends, author, at) "
            "SELECT pupil_id, status, 'ended', '2026-02-01', id, 'x', 'now' FROM pupil_status",
            (),
        ),
        (
            "INSERT INTO pupil_status (pupil_id, status, change, on_day, ends, author, at) "
            "SELECT pupil_id, 'early_help', 'ended', '2026-03-01', id, 'x', 'now' "
            "FROM pupil_status",
            (),
        ),
        (
            "INSERT INTO pupil_status (pupil_id, status, change, on_day, author, at) "
            "SELECT pupil_id, status, 'ended', '2026-03-01', 'x', 'now' FROM pupil_status",
            (),
        ),
        # Blank or impossible values.
        (
            "INSERT INTO pupil_status (pupil_id, status, change, on_day, author, at) "
            "SELECT pupil_id, 'early_help', 'started', '2026-02-30', 'x', 'now' "
            "FROM pupil_status",
            (),
        ),
        (
            "INSERT INTO pupil_status (pupil_id, status, change, on_day, author, at) "
            "SELECT pupil_id, 'nothing', 'started', '2026-02-03', 'x', 'now' FROM pupil_status",
            (),
        ),
        (
            "INSERT INTO pupil_status (pupil_id, status, change, on_day, note, author, at) "
            "SELECT pupil_id, 'early_help', 'started', '2026-02-03', ' ', 'x', 'now' "
            "FROM pupil_status",
            (),
        ),
    ]
    for sql, params in refused:
        with pytest.raises(sqlcipher3.IntegrityError):
            _raw(dsl, sql, params)
    assert pupil_status.pupil_statuses(dsl, PUPIL_A)[0].id == made.id


def test_verify_finds_the_statuses_as_written_and_a_row_changed_behind_its_back(
    dsl: Session,
) -> None:
    made = pupil_status.start_status(dsl, PUPIL_A, PLAN, date(2026, 2, 3))
    pupil_status.end_status(dsl, made.id, date(2026, 3, 1))
    report = integrity.verify(dsl)
    assert report.ok, report.problems
    with dsl.compartment(Compartment.SAFEGUARDING).write() as conn:
        conn.execute("DROP TRIGGER pupil_status_no_update")
        conn.execute("UPDATE pupil_status SET on_day = '2026-01-01' WHERE id = ?", (made.id,))
    problems = " ".join(integrity.verify(dsl).problems)
    assert "pupil_status" in problems
