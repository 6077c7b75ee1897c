"""Amendments: who may correct what, the reason is mandatory, the original is kept; an author
who cannot open the file corrects their record through its inbox."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import amendments, intake, records
from safedesk.services.session import Session
from safedesk.store import audit, members
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
    # `school` learns only that something was sealed into an inbox: not who, nor what.
    with staff.store.read() as conn:
        event = list(audit.events(conn))[-1]
    assert (event.action, event.actor, event.object_id) == ("inbox.item_put", None, None)


def test_authors_correction_reaches_the_file_when_a_dsl_takes_it_in(
    staff_ref: tuple[Session, str], session_as: Callable[[Role], Session]
) -> None:
    staff, ref = staff_ref
    dsl = session_as(Role.DSL)
    factories.take_in_all(dsl)  # the record itself, as at the DSL's sign-in
    amendments.amend(staff, ref, "category", "emotional_abuse", "Chose the wrong category")
    file = dsl.compartment(Compartment.SAFEGUARDING)
    with file.read() as conn:
        assert records.load(conn, ref).amendments == ()  # still sealed in the inbox

    report = intake.take_in(dsl, Compartment.SAFEGUARDING)
    assert (report.taken_in, report.quarantined) == (1, 0)
    entry = records.open_record(dsl, ref)
    assert (entry.original["category"], entry.current()["category"]) == (
        "neglect",
        "emotional_abuse",
    )
    (made,) = entry.amendments
    assert (made.old_value, made.new_value, made.reason, made.author) == (
        "neglect",
        "emotional_abuse",
        "Chose the wrong category",
        staff.user.username,
    )
    with file.read() as conn:
        event = audit.events_with_action(conn, "record.received")[-1]
    assert (event.object_id, event.detail["op"], event.detail["author"]) == (
        ref,
        "amend",
        staff.user.username,
    )


def test_a_correction_the_file_cannot_take_is_kept_with_an_alarm(
    staff_ref: tuple[Session, str], session_as: Callable[[Role], Session]
) -> None:
    """The DSL corrected the record first; the author's copy still shows the old value."""
    staff, ref = staff_ref
    dsl = session_as(Role.DSL)
    amendments.amend(dsl, ref, "category", "emotional_abuse", "Fits the child's account")
    amendments.amend(staff, ref, "category", "emotional_abuse", "Chose the wrong category")
    assert intake.take_in(dsl, Compartment.SAFEGUARDING).quarantined == 1
    assert len(records.open_record(dsl, ref).amendments) == 1
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        (alarm,) = members.open_alarms(conn)
        kept = conn.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    assert (alarm.kind, alarm.subject, kept) == ("not_taken_in", ref, 1)
    assert f"correction to {ref} from {staff.user.username}" in alarm.detail


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
