"""The privacy screen's password check: only the signed-in account's own password, the same
back-off as sign-in, and nothing once the account was disabled or reset behind the screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from safedesk.domain.errors import AuthenticationError, SignInBackoff
from safedesk.domain.roles import Role
from safedesk.services import signin_backoff, users
from safedesk.services.password_check import check_own_password
from safedesk.services.session import Session
from safedesk.store import audit, keyfile
from safedesk.store.crypto import FAST_KDF
from safedesk.store.key_material import make_slot, open_slot
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore


def test_the_own_password_passes_and_is_audited_without_it(head_session: Session) -> None:
    assert check_own_password(head_session, HEAD_PASSWORD) == 0
    with head_session.store.read() as conn:
        events = audit.events_with_action(conn, "screen.returned")
    assert [(e.actor, e.object_id) for e in events] == [("head", "head")]
    assert HEAD_PASSWORD not in repr(events)
    assert not head_session.locked  # nothing was closed


def test_another_accounts_password_does_not(
    session_as: Callable[[Role], Session], head_session: Session
) -> None:
    staff = session_as(Role.STAFF)  # signed in with OTHER_PASSWORD
    with pytest.raises(AuthenticationError, match="not the password of the person signed in"):
        check_own_password(head_session, OTHER_PASSWORD)
    with pytest.raises(AuthenticationError):
        check_own_password(staff, HEAD_PASSWORD)
    assert check_own_password(staff, OTHER_PASSWORD) == 1  # its own wrong one, said


def test_wrong_passwords_back_off_as_at_sign_in_and_count_for_sign_in(
    school: SchoolStore, head_session: Session
) -> None:
    for _ in range(signin_backoff.FREE_ATTEMPTS):
        with pytest.raises(AuthenticationError):
            check_own_password(head_session, "a guess")
    # Even the right password waits now: guessing is no faster here than at sign-in...
    with pytest.raises(SignInBackoff):
        check_own_password(head_session, HEAD_PASSWORD)
    # ...and the sign-in window counts the same guesses.
    with pytest.raises(SignInBackoff):
        school.sign_in()
    failures = signin_backoff.load(school.paths.signin_failures)
    assert [p["door"] for p in failures.pending] == ["privacy"] * signin_backoff.FREE_ATTEMPTS
    assert b"head" not in school.paths.signin_failures.read_bytes()
    assert HEAD_PASSWORD.encode() not in school.paths.signin_failures.read_bytes()


def test_the_count_of_wrong_ones_is_given_back_once(head_session: Session) -> None:
    with pytest.raises(AuthenticationError):
        check_own_password(head_session, "a guess")
    assert check_own_password(head_session, HEAD_PASSWORD) == 1
    assert check_own_password(head_session, HEAD_PASSWORD) == 0
    with head_session.store.read() as conn:
        details = [e.detail for e in audit.events_with_action(conn, "screen.returned")]
    assert details == [
        {"door": "privacy", "wrong_before": 1},
        {"door": "privacy", "wrong_before": 0},
    ]


def test_a_key_file_swapped_for_one_with_another_password_does_not_open_it(
    school: SchoolStore, head_session: Session, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Someone with write access to the folder puts in a key file where the head's slot opens
    with a password they chose: the screen checks the slot the session was opened with."""
    users.add_user(
        head_session,
        username="j.smith",
        display_name="Jo Smith",
        roles={Role.STAFF},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    current = keyfile.load(school.paths.keys)
    jo = open_slot(current, current.account("j.smith"), OTHER_PASSWORD)
    # A well-formed slot in the head's place, wrapped under a password the planter knows.
    planted = make_slot(current, replace(jo.secrets, username="head"), OTHER_PASSWORD, FAST_KDF)
    assert planted.slot.slot_id == current.slot_id("head")
    keyfile.save(current.with_account(planted.slot), school.paths.keys)
    with pytest.raises(AuthenticationError):
        check_own_password(head_session, OTHER_PASSWORD)


def test_a_disabled_or_reset_account_cannot_come_back_to_the_screen(
    school: SchoolStore, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    staff = session_as(Role.STAFF)
    users.reset_password(head_session, staff.user.username, "a new given password", FAST_KDF)
    with pytest.raises(AuthenticationError, match="Lock instead"):
        check_own_password(staff, OTHER_PASSWORD)
    with pytest.raises(AuthenticationError, match="Lock instead"):
        check_own_password(staff, "a new given password")


def test_a_locked_session_is_refused(head_session: Session) -> None:
    head_session.lock()
    with pytest.raises(AuthenticationError):
        check_own_password(head_session, HEAD_PASSWORD)
