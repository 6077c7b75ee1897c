"""The training log: who may record it, what it must hold, corrections that replace, and
confirmation by the member of staff alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from safedesk.domain.clock import FixedClock
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.domain.training import Course
from safedesk.services import settings, training
from safedesk.services.session import Session
from safedesk.store import audit
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
STAFF = "amy.ta"


@pytest.fixture
def head(head_session: Session) -> Session:
    head_session.clock = FixedClock(NOW)
    return head_session


@pytest.fixture
def staff(school: SchoolStore, head: Session):
    password = factories.account_with_own_password(head, STAFF)
    session = school.sign_in(STAFF, password)
    session.clock = FixedClock(NOW)
    yield session
    session.close()


def entry(**changes: object) -> dict[str, object]:
    return {"who": STAFF, "course": "Whole-staff safeguarding update", "on": "2026-09-02"} | (
        changes
    )


def test_a_manager_records_training_and_its_expiry_follows_the_settings(
    head: Session, staff: Session
) -> None:
    update = training.add_entry(head, entry(provider="Local authority"))
    dsl = training.add_entry(head, entry(who="head", course="dsl training", on="2025-03-31"))
    other = training.add_entry(head, entry(course="Paediatric first aid", on="2026-01-10"))
    typed = training.add_entry(head, entry(course="prevent", expires="2029-01-01"))
    found = {v.entry.id: v.entry for v in training.list_entries(head, with_replaced=True)}
    assert found[update].course is Course.STAFF_UPDATE
    assert found[update].provider == "Local authority"
    assert found[update].expires_on == date(2027, 9, 2)  # 12 months
    assert found[dsl].course is Course.DSL
    assert found[dsl].expires_on == date(2027, 3, 31)  # 24 months
    assert (found[other].course, found[other].course_name) == (Course.OTHER, "Paediatric first aid")
    assert found[other].expires_on is None
    assert (found[typed].course, found[typed].expires_on) == (Course.PREVENT, date(2029, 1, 1))
    assert found[update].added_by == "head"
    assert found[update].added_at == NOW


def test_the_intervals_are_the_schools_settings(head: Session, staff: Session) -> None:
    settings.update_settings(head, dsl_training_months=12, staff_update_months=6)
    one = training.add_entry(head, entry(on="2026-08-31"))
    (view,) = [v for v in training.list_entries(head) if v.entry.id == one]
    assert view.entry.expires_on == date(2027, 2, 28)  # six months on, the month's last day


@pytest.mark.parametrize(
    ("changes", "label"),
    [
        ({"who": ""}, "Member of staff"),
        ({"who": "nobody.here"}, "Member of staff"),
        ({"course": ""}, "Course"),
        ({"course": "other"}, "Course name"),
        ({"on": ""}, "Date taken"),
        ({"on": "31/02/2026"}, "Date taken"),
        ({"on": "2026-11-21"}, "Date taken"),  # the day after today: not taken yet
        ({"expires": "2026-09-02"}, "Expires"),  # not after the date taken
        ({"expires": "next year"}, "Expires"),
        ({"provider": "x" * 5000}, "Provider"),
    ],
)
def test_a_wrong_entry_is_refused_naming_the_field(
    head: Session, staff: Session, changes: dict[str, object], label: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        training.add_entry(head, entry(**changes))
    assert label in caught.value.problems
    assert training.list_entries(head) == []


def test_training_for_a_disabled_account_is_refused(head: Session, staff: Session) -> None:
    from safedesk.services import users

    users.disable_user(head, STAFF)
    with pytest.raises(ValidationError) as caught:
        training.add_entry(head, entry())
    assert caught.value.problems == {"Member of staff": "is an account that has been disabled"}


@pytest.mark.parametrize("role", [Role.STAFF, Role.BEHAVIOUR_LEAD])
def test_only_dsls_the_head_and_the_administrator_record_training(
    session_as, head: Session, role: Role
) -> None:
    other = session_as(role)
    with pytest.raises(PermissionDenied):
        training.add_entry(other, entry(who=other.user.username))
    with other.store.read() as conn:
        refused = audit.events_with_action(conn, "permission.refused")
    assert refused[-1].actor == other.user.username
    assert training.list_entries(head) == []


@pytest.mark.parametrize("role", [Role.DSL, Role.ADMIN])
def test_a_dsl_and_an_administrator_record_training(
    session_as, head: Session, staff: Session, role: Role
) -> None:
    manager = session_as(role)
    number = training.add_entry(manager, entry())
    assert [v.entry.id for v in training.list_entries(staff)] == [number]


def test_staff_see_only_their_own_entries(head: Session, staff: Session) -> None:
    mine = training.add_entry(head, entry())
    training.add_entry(head, entry(who="head", course="DSL training"))
    assert [v.entry.id for v in training.list_entries(staff)] == [mine]
    with pytest.raises(PermissionDenied):
        training.list_entries(staff, "head")
    with pytest.raises(PermissionDenied):
        training.standings(staff)
    assert len(training.list_entries(head)) == 2


def test_the_member_of_staff_confirms_their_own_entry(head: Session, staff: Session) -> None:
    number = training.add_entry(head, entry())
    assert training.waiting_for_me(staff) == 1
    assert training.waiting_for_me(head) == 0
    (before,) = training.list_entries(staff)
    assert (before.confirmed, before.confirmed_at, before.confirmation_fails) == (
        False,
        None,
        False,
    )
    at = training.confirm(staff, number)
    assert at == NOW
    (after,) = training.list_entries(staff)
    assert after.confirmed_at == NOW
    assert training.waiting_for_me(staff) == 0
    (seen_by_head,) = training.list_entries(head)
    assert seen_by_head.confirmed
    assert training.waiting_for_me(head) == 0  # the entry is not the head's to confirm
    with pytest.raises(ValidationError):
        training.confirm(staff, number)  # once is enough
    with staff.store.read() as conn:
        (event,) = audit.events_with_action(conn, "training.confirmed")
    assert (event.actor, event.object_id) == (STAFF, str(number))


def test_nobody_else_confirms_it_not_even_the_head(head: Session, staff: Session) -> None:
    number = training.add_entry(head, entry())
    with pytest.raises(PermissionDenied):
        training.confirm(head, number)
    (view,) = training.list_entries(head)
    assert not view.confirmed
    with pytest.raises(NotFound):
        training.confirm(staff, 999)


def test_a_password_an_administrator_set_cannot_confirm(school: SchoolStore, head: Session) -> None:
    add_account(head, "new.starter", {Role.STAFF})
    number = training.add_entry(head, entry(who="new.starter"))
    newcomer = school.sign_in("new.starter", OTHER_PASSWORD)
    try:
        with pytest.raises(PermissionDenied) as caught:
            training.confirm(newcomer, number)
        assert "choose your own password" in str(caught.value)
        (view,) = training.list_entries(newcomer)
        assert not view.confirmed
    finally:
        newcomer.close()


def test_a_mistake_is_corrected_by_an_entry_that_replaces_it(head: Session, staff: Session) -> None:
    wrong = training.add_entry(head, entry(on="2026-09-01"))
    right = training.correct_entry(head, wrong, entry(on="2026-09-02"), "Typed the wrong day")
    assert [v.entry.id for v in training.list_entries(staff)] == [right]
    everything = {v.entry.id: v for v in training.list_entries(head, with_replaced=True)}
    assert everything[wrong].replaced_by == right
    assert everything[right].entry.replaces == wrong
    assert everything[right].entry.reason == "Typed the wrong day"
    assert everything[wrong].entry.taken_on == date(2026, 9, 1)  # kept as it was
    with pytest.raises(ValidationError):
        training.confirm(staff, wrong)
    with pytest.raises(ValidationError):
        training.correct_entry(head, wrong, entry(), "Again")
    with pytest.raises(ValidationError) as caught:
        training.correct_entry(head, right, entry(), "  ")
    assert "Reason for the correction" in caught.value.problems
    with pytest.raises(PermissionDenied):
        training.correct_entry(staff, right, entry(), "Mine")


def test_the_tables_refuse_changes_and_deletions(head: Session, staff: Session) -> None:
    number = training.add_entry(head, entry())
    training.confirm(staff, number)
    for sql in (
        "UPDATE training_entry SET taken_on = '2026-01-01'",
        "DELETE FROM training_entry",
        "UPDATE training_confirmation SET confirmed_at = '2026-01-01T00:00:00+00:00'",
        "DELETE FROM training_confirmation",
    ):
        with pytest.raises(Exception, match="append-only"), head.store.write() as conn:
            conn.execute(sql)


def test_the_head_and_a_dsl_confirm_their_own(school: SchoolStore, head: Session) -> None:
    password = factories.account_with_own_password(head, "dee.dsl", {Role.DSL})
    mine = training.add_entry(head, entry(who="head", course="DSL training"))
    theirs = training.add_entry(head, entry(who="dee.dsl", course="DSL training"))
    training.confirm(head, mine)
    dsl = school.sign_in("dee.dsl", password)
    try:
        with pytest.raises(PermissionDenied):
            training.confirm(dsl, mine)
        training.confirm(dsl, theirs)
        assert all(v.confirmed for v in training.list_entries(dsl))
    finally:
        dsl.close()
