"""Allegations about staff and low-level concerns: recorded by the head (or, about the head,
the chair of governors), append-only, with the LADO's one-working-day target in the queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import sqlcipher3

from safedesk.domain.allegations import Outcome
from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.services import allegations, membership, queue
from safedesk.services.session import Session
from safedesk.store import keyfile
from tests.conftest import SchoolStore, add_account
from tests.factories import earlier

CHAIR = "cleo.chair"
CHAIR_PASSWORD = "cleo's own long password"


def _allegation(**changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "subject_name": "Mr Peter Quill",
        "subject_role": "Year 4 teacher",
        "happened_at": earlier(3),
        "alleged": "Grabbed a pupil by the arm in the corridor",
        "raised_by": "A parent, by phone to the office",
    }
    payload.update(changes)
    return payload


def _low_level(**changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "subject_name": "Mr Peter Quill",
        "subject_role": "Year 4 teacher",
        "happened_at": earlier(2),
        "what": "Shared his personal phone number with a Year 6 pupil",
        "raised_by": "Teaching assistant",
    }
    payload.update(changes)
    return payload


def test_the_head_holds_the_allegations_file_from_set_up_and_the_recovery_key_does_not(
    school: SchoolStore, head_session: Session
) -> None:
    assert head_session.member_of(Compartment.ALLEGATIONS)
    assert not head_session.member_of(Compartment.ALLEGATIONS_HEAD)
    key_file = keyfile.load(school.paths.keys)
    sealed = [s for s in key_file.sealed if s.compartment == Compartment.ALLEGATIONS.value]
    assert len(sealed) == 1  # the head alone: no recovery key


def test_an_allegation_with_the_lado_outcome_actions_and_a_correction(
    head_session: Session,
) -> None:
    number = allegations.record_allegation(head_session, _allegation())
    allegations.record_action(head_session, number, "Strategy meeting booked with the LADO")
    allegations.record_lado_contact(
        head_session, number, {"contacted_at": earlier(1), "lado_name": "Ms Gamora Titan"}
    )
    allegations.amend_allegation(
        head_session, number, "raised_by", "A parent, in person", "The office note was wrong"
    )
    today = head_session.clock.now().date().isoformat()
    allegations.record_outcome(head_session, number, {"outcome": "unfounded", "decided_on": today})
    with pytest.raises(ValidationError, match="already"):
        allegations.record_outcome(head_session, number, {"outcome": "false", "decided_on": today})
    (found,) = allegations.list_allegations(head_session)
    assert found.current("raised_by") == "A parent, in person"
    assert found.raised_by == "A parent, by phone to the office"  # as first recorded
    assert found.lado_contacted is not None and found.lado_contacted.lado_name == "Ms Gamora Titan"
    assert found.outcome is not None and found.outcome.outcome is Outcome.UNFOUNDED
    assert [e.kind for e in found.events] == ["action", "lado_contacted", "amendment", "outcome"]


def test_missing_fields_are_named(head_session: Session) -> None:
    with pytest.raises(ValidationError) as raised:
        allegations.record_allegation(
            head_session, {"subject_name": " ", "happened_at": earlier(1)}
        )
    assert set(raised.value.problems) == {"subject_name", "subject_role", "alleged", "raised_by"}
    with pytest.raises(ValidationError) as raised:
        allegations.record_outcome(
            head_session,
            allegations.record_allegation(head_session, _allegation()),
            {"outcome": "proven"},
        )
    assert set(raised.value.problems) == {"outcome", "decided_on"}


def test_the_file_refuses_changes_to_what_was_recorded(head_session: Session) -> None:
    allegations.record_allegation(head_session, _allegation())
    allegations.record_low_level(head_session, _low_level())
    store = head_session.compartments[Compartment.ALLEGATIONS]
    for sql in (
        "UPDATE allegation SET alleged = 'nothing'",
        "DELETE FROM allegation",
        "UPDATE low_level_concern SET what = 'nothing'",
        "DELETE FROM low_level_concern",
    ):
        with (
            pytest.raises(sqlcipher3.DatabaseError, match="append-only"),
            store.write() as conn,
        ):
            conn.execute(sql)


def test_the_lado_target_is_in_the_heads_queue_until_contact_is_recorded(
    head_session: Session,
) -> None:
    number = allegations.record_allegation(head_session, _allegation())
    items = [i for i in queue.load_queue(head_session).items if i.kind is ItemKind.LADO]
    assert [i.item_id for i in items] == [number]
    assert "Quill" not in items[0].what  # the queue names no one
    assert items[0].due_at > items[0].started_at
    later = head_session.clock.now() + timedelta(days=5)
    assert items[0].status(later).value == "overdue"
    allegations.record_lado_contact(
        head_session, number, {"contacted_at": earlier(0), "lado_name": "Ms Gamora Titan"}
    )
    assert not [i for i in queue.load_queue(head_session).items if i.kind is ItemKind.LADO]


def test_low_level_concerns_are_counted_per_person_and_month(head_session: Session) -> None:
    allegations.record_low_level(head_session, _low_level())
    allegations.record_low_level(head_session, _low_level(what="Again, messages to a pupil"))
    allegations.record_low_level(
        head_session, _low_level(subject_name="Mrs Nebula Jones", subject_role="Midday")
    )
    found = allegations.low_level_patterns(head_session)
    assert [(p.subject.name, p.total) for p in found] == [
        ("Mr Peter Quill", 2),
        ("Mrs Nebula Jones", 1),
    ]
    assert sum(n for _month, n in found[0].by_month) == 2


def test_the_head_cannot_record_about_a_headteacher_or_themselves(
    head_session: Session,
) -> None:
    add_account(head_session, "deputy.head", {Role.HEAD})
    for name in ("deputy.head", head_session.user.username):
        with pytest.raises(ValidationError):
            allegations.record_allegation(head_session, _allegation(subject_username=name))


@pytest.mark.parametrize("role", [Role.STAFF, Role.DSL, Role.BEHAVIOUR_LEAD, Role.ADMIN])
def test_other_roles_are_refused(session_as: object, role: Role) -> None:
    session = session_as(role)  # type: ignore[operator]
    with pytest.raises(PermissionDenied):
        allegations.record_allegation(session, _allegation())
    with pytest.raises(PermissionDenied):
        allegations.list_low_level(session)
    with pytest.raises(PermissionDenied):
        allegations.list_allegations(session, about_head=True)


def test_the_chair_keeps_allegations_about_the_head_which_the_head_cannot_open(
    school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, CHAIR, {Role.CHAIR_OF_GOVERNORS}, CHAIR_PASSWORD)
    chair = school.sign_in(CHAIR, CHAIR_PASSWORD)
    try:
        assert chair.member_of(Compartment.ALLEGATIONS_HEAD)
        assert not chair.member_of(Compartment.ALLEGATIONS)
        number = allegations.record_allegation(
            chair,
            _allegation(subject_username=head_session.user.username, subject_role="Headteacher"),
            about_head=True,
        )
        assert [a.id for a in allegations.list_allegations(chair, about_head=True)] == [number]
        assert [d.allegation_id for d in allegations.lado_due(chair, about_head=True)] == [number]
        # An account that is not a headteacher does not belong in the chair's file (the head
        # would never see an allegation about one of their own staff).
        add_account(head_session, "t.class", {Role.STAFF})
        with pytest.raises(ValidationError) as refused:
            allegations.record_allegation(
                chair,
                _allegation(subject_username="t.class", subject_role="Class teacher"),
                about_head=True,
            )
        assert "not a headteacher" in str(refused.value.problems["subject_username"])
        with pytest.raises(PermissionDenied):
            allegations.list_allegations(chair)
    finally:
        chair.lock()
    with pytest.raises(PermissionDenied):
        allegations.list_allegations(head_session, about_head=True)
    key_file = keyfile.load(school.paths.keys)
    sealed = [s for s in key_file.sealed if s.compartment == Compartment.ALLEGATIONS_HEAD.value]
    assert len(sealed) == 1  # the chair alone


def test_a_head_granted_by_a_dsl_gets_the_pupils_files_but_never_the_allegations(
    school: SchoolStore, head_session: Session
) -> None:
    """A DSL may grant the head's role (after a password reset, say): they hold safeguarding and
    behaviour, not the allegations file, so they give only what they hold."""
    add_account(head_session, "dee.dsl", {Role.DSL}, "dee's own long password")
    add_account(head_session, "new.head", {Role.STAFF}, "given to the new head")
    dsl = school.sign_in("dee.dsl", "dee's own long password")
    try:
        membership.grant(
            dsl,
            "new.head",
            Role.HEAD,
            "given to the new head",
            new_password="new head's own password",
        )
    finally:
        dsl.lock()
    new_head = school.sign_in("new.head", "new head's own password")
    try:
        assert new_head.member_of(Compartment.SAFEGUARDING)
        assert not new_head.member_of(Compartment.ALLEGATIONS)
        with pytest.raises(PermissionDenied):
            allegations.list_allegations(new_head)
    finally:
        new_head.lock()


def test_an_outcome_decided_today_is_taken_just_after_midnight_in_summer(
    head_session: Session,
) -> None:
    """At 00:30 on 1 June in London it is still 31 May in UTC: the school's today is 1 June."""
    head_session.clock = FixedClock(datetime.fromisoformat("2026-05-31T12:00+00:00"))
    number = allegations.record_allegation(
        head_session, _allegation(happened_at="2026-05-30T10:00")
    )
    head_session.clock = FixedClock(datetime.fromisoformat("2026-05-31T23:30+00:00"))
    allegations.record_outcome(
        head_session, number, {"outcome": "unfounded", "decided_on": "2026-06-01"}
    )
    [found] = allegations.list_allegations(head_session)
    assert found.outcome is not None and found.outcome.outcome is Outcome.UNFOUNDED


def test_the_page_names_who_recorded_by_their_names_for_members_only(
    head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    assert allegations.names(head_session)[head_session.user.username] == "Ms Ada Ngozi"
    with pytest.raises(PermissionDenied):
        allegations.names(session_as(Role.DSL))


@pytest.mark.parametrize("role", [Role.DSL, Role.STAFF, Role.ADMIN])
def test_a_refusal_names_who_keeps_them_never_the_dsl(
    role: Role, session_as: Callable[[Role], Session]
) -> None:
    """A DSL told to "ask your DSL", or staff sent to the DSL with a concern about an adult,
    is sent to the very people kept out of these records (new-user pass)."""
    with pytest.raises(PermissionDenied) as refused:
        allegations.list_allegations(session_as(role))
    said = str(refused.value)
    assert "Only the headteacher keeps allegations about staff" in said
    assert "chair of governors" in said
    assert "Designated Safeguarding Lead or administrator" not in said


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("happened_at", "2099-01-01T10:00", "cannot be in the future"),
        ("happened_at", "later", "new value"),
        ("raised_by", "A parent, by phone to the office", "is the same as it is now"),
        ("raised_by", " \u200b ", "is required"),
    ],
)
def test_a_correction_that_changes_nothing_or_is_in_the_future_is_refused(
    head_session: Session, field: str, value: str, says: str
) -> None:
    number = allegations.record_allegation(head_session, _allegation())
    with pytest.raises(ValidationError) as raised:
        allegations.amend_allegation(head_session, number, field, value, "Checked the notes")
    assert "new value" in raised.value.problems
    assert says in str(raised.value.problems)
    (found,) = allegations.list_allegations(head_session)
    assert [e.kind for e in found.events] == []


def test_the_time_cannot_be_corrected_to_after_it_was_recorded_nor_to_itself(
    head_session: Session,
) -> None:
    number = allegations.record_allegation(head_session, _allegation())
    (found,) = allegations.list_allegations(head_session)
    after = (found.recorded_at + timedelta(minutes=1)).isoformat()
    head_session.clock = FixedClock(found.recorded_at + timedelta(days=1))
    with pytest.raises(ValidationError, match="after the allegation was recorded"):
        allegations.amend_allegation(head_session, number, "happened_at", after, "Checked")
    same = found.happened_at.isoformat()
    with pytest.raises(ValidationError, match="the same as it is now"):
        allegations.amend_allegation(head_session, number, "happened_at", same, "Checked")
    earlier_still = (found.happened_at - timedelta(hours=2)).isoformat()
    allegations.amend_allegation(head_session, number, "happened_at", earlier_still, "Checked")
    (found,) = allegations.list_allegations(head_session)
    assert datetime.fromisoformat(found.current("happened_at")) == found.happened_at - timedelta(
        hours=2
    )
