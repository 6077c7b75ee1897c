"""The chair of governors is not a member of staff: neither counted nor asked for staff training
and policy confirmation (nor in the governors' figures); and, like the head, told at a password
change from one an administrator gave when the file for allegations about the head was made
from their account."""

from __future__ import annotations

from datetime import datetime

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.roles import Role, is_staff
from safedesk.services import leader_reports, policies, training, users
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account

CHAIR = "cleo.chair"
CHAIR_PASSWORD = "cleo's own long password"
NOW = datetime.fromisoformat("2026-11-20T10:00:00+00:00")


def test_only_governors_roles_are_not_staff() -> None:
    assert not is_staff(frozenset({Role.CHAIR_OF_GOVERNORS}))
    assert is_staff(frozenset({Role.CHAIR_OF_GOVERNORS, Role.STAFF}))
    assert is_staff(frozenset({Role.STAFF}))
    assert is_staff(frozenset({Role.ADMIN}))


def test_the_chair_is_neither_counted_nor_asked_as_staff(
    head_session: Session, school: SchoolStore
) -> None:
    head = head_session
    head.clock = FixedClock(NOW)
    add_account(head, "alice.teacher", {Role.STAFF})
    add_account(head, CHAIR, {Role.CHAIR_OF_GOVERNORS}, CHAIR_PASSWORD)
    policies.publish(
        head,
        {
            "title": "KCSIE Part 1",
            "version": "2026",
            "published_on": "2026-09-01",
            "note": "On the shared drive.",
        },
    )
    training.add_entry(head, {"who": "alice.teacher", "course": "staff_update", "on": "2026-09-02"})

    (standing,) = policies.standings(head)
    waiting = [u for u, _ in standing.not_confirmed]
    assert CHAIR not in waiting and "alice.teacher" in waiting
    assert standing.staff == 2  # the head and Alice
    assert [staff for *_, staff in policies.figures(head)] == [2]
    assert CHAIR not in {s.username for s in training.standings(head)}
    assert CHAIR not in {s.username for s in training.due(head)}
    sign_off = leader_reports.governors_sign_off(head)
    assert dict(sign_off.training)["Whole-staff safeguarding update in date"] == (
        "1 of 2 staff (0 confirmed by them)"
    )
    assert sign_off.policies[0][1] == "0 of 2 staff"

    chair = school.sign_in(CHAIR, CHAIR_PASSWORD)
    try:
        chair.clock = FixedClock(NOW)
        assert policies.outstanding(chair) == []  # not asked at sign-in
        assert training.waiting_for_me(chair) == 0
    finally:
        chair.lock()


def test_a_chair_leaving_a_given_password_is_told_when_their_file_was_made(
    head_session: Session, school: SchoolStore
) -> None:
    add_account(head_session, CHAIR, {Role.CHAIR_OF_GOVERNORS}, CHAIR_PASSWORD)
    chair = school.sign_in(CHAIR, CHAIR_PASSWORD)
    try:
        assert chair.member_of(Compartment.ALLEGATIONS_HEAD) and chair.warning is None
        users.change_own_password(chair, CHAIR_PASSWORD, "cleo's second password", FAST_KDF)
        assert chair.warning is None  # their own password before: nothing to check
    finally:
        chair.lock()
    # Whoever used the one-time password first made the file; an administrator resets it.
    users.reset_password(head_session, CHAIR, "another one time", FAST_KDF)
    chair = school.sign_in(CHAIR, "another one time")
    try:
        assert chair.password_from_administrator
        users.change_own_password(chair, "another one time", "cleo's third password", FAST_KDF)
        assert chair.warning is not None
        assert "file for allegations about the headteacher was made on" in chair.warning
        assert f"signed in as {CHAIR}" in chair.warning
    finally:
        chair.lock()


def test_other_staff_leaving_a_given_password_are_not_told_about_the_chairs_file(
    head_session: Session, school: SchoolStore
) -> None:
    add_account(head_session, CHAIR, {Role.CHAIR_OF_GOVERNORS}, CHAIR_PASSWORD)
    add_account(head_session, "alice.teacher", {Role.STAFF}, OTHER_PASSWORD)
    alice = school.sign_in("alice.teacher", OTHER_PASSWORD)
    try:
        if alice.password_from_administrator:
            users.change_own_password(alice, OTHER_PASSWORD, "alice's own password", FAST_KDF)
        assert alice.warning is None
    finally:
        alice.lock()
