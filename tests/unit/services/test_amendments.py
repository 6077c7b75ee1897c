"""Amendments: who may correct what, the reason is mandatory, the original is kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import amendments, records
from safedesk.services.session import Session
from safedesk.store import audit
from tests import factories


@pytest.fixture
def staff_ref(head_session: Session, session_as: Callable[[Role], Session]) -> tuple[Session, str]:
    factories.add_pupils(head_session)
    staff = session_as(Role.STAFF)
    return staff, records.record(staff, Kind.CONCERN, factories.concern())


def test_author_amends_with_a_reason(staff_ref: tuple[Session, str]) -> None:
    staff, ref = staff_ref
    made = amendments.amend(staff, ref, "category", "emotional_abuse", "Chose the wrong category")
    entry = records.open_record(staff, ref)
    assert entry.original["category"] == "neglect"
    assert entry.current()["category"] == "emotional_abuse"
    assert (made.old_value, made.new_value, made.author) == (
        "neglect",
        "emotional_abuse",
        staff.user.username,
    )
    with staff.store.read() as conn:
        event = audit.events_with_action(conn, "record.amended")[-1]
    assert (event.object_id, event.detail) == (ref, {"field": "category"})


def test_dsl_may_amend_anyones_record(
    staff_ref: tuple[Session, str], session_as: Callable[[Role], Session]
) -> None:
    _, ref = staff_ref
    dsl = session_as(Role.DSL)
    amendments.amend(dsl, ref, "urgency", "immediate", "Spoke to the child: risk is immediate")
    assert records.open_record(dsl, ref).current()["urgency"] == "immediate"


@pytest.mark.parametrize("role", [Role.STAFF, Role.BEHAVIOUR_LEAD, Role.ADMIN])
def test_others_may_not_amend(
    staff_ref: tuple[Session, str], session_as: Callable[[Role], Session], role: Role
) -> None:
    _, ref = staff_ref
    with pytest.raises(PermissionDenied):
        amendments.amend(session_as(role), ref, "category", "other", "because")


@pytest.mark.parametrize(
    ("field", "value", "reason", "problem_field"),
    [
        ("category", "other", "", "reason"),
        ("category", "other", "   ", "reason"),
        ("description", "", "clearing it", "description"),
        ("category", "nonsense", "typo", "category"),
        ("occurred_at", "2099-01-01T10:00", "wrong day", "occurred_at"),
        ("occurred_at", "2001-01-01T10:00", "wrong day", "occurred_at"),
        ("colour", "red", "why not", "field"),
        ("category", "neglect", "no change", "category"),
    ],
)
def test_bad_amendments_are_refused(
    staff_ref: tuple[Session, str], field: str, value: str, reason: str, problem_field: str
) -> None:
    staff, ref = staff_ref
    with pytest.raises(ValidationError) as caught:
        amendments.amend(staff, ref, field, value, reason)
    assert problem_field in caught.value.problems
    assert records.open_record(staff, ref).amendments == ()


def test_amendment_keeps_cross_field_rules(
    head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    lead = session_as(Role.BEHAVIOUR_LEAD)
    ref = records.record(lead, Kind.BEHAVIOUR, factories.behaviour())
    with pytest.raises(ValidationError) as caught:
        amendments.amend(lead, ref, "behaviour_type", "bullying", "it was bullying")
    assert "bullying_type" in caught.value.problems


def test_amendments_are_listed_in_order(staff_ref: tuple[Session, str]) -> None:
    staff, ref = staff_ref
    amendments.amend(staff, ref, "others_told", "Class teacher", "forgot to say")
    amendments.amend(staff, ref, "others_told", "Class teacher and TA", "and the TA")
    entry = records.open_record(staff, ref)
    assert [(a.old_value, a.new_value) for a in entry.amendments] == [
        (None, "Class teacher"),
        ("Class teacher", "Class teacher and TA"),
    ]
