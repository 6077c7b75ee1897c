"""Staff accounts and the permission checks around them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safedesk.domain.errors import AuthenticationError, PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import users, vault
from safedesk.services.session import Session
from safedesk.store import audit
from safedesk.store.crypto import FAST_KDF
from tests.conftest import OTHER_PASSWORD, SchoolStore


def _add(session: Session, username: str, role: Role = Role.STAFF) -> None:
    users.add_user(
        session,
        username=username,
        display_name=f"Name {username}",
        roles={role},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )


def test_added_user_can_sign_in_with_their_role(school: SchoolStore, head_session: Session) -> None:
    _add(head_session, "t.jones", Role.ADMIN)
    session = school.sign_in("t.jones", OTHER_PASSWORD)
    assert session.user.roles == {Role.ADMIN}
    session.close()
    with head_session.store.read() as conn:
        added = audit.events_with_action(conn, "user.added")
    assert [e.object_id for e in added] == ["head", "t.jones"]


@pytest.mark.parametrize("role", [Role.DSL, Role.BEHAVIOUR_LEAD, Role.HEAD])
def test_a_reading_role_is_only_asked_for_until_granted(
    school: SchoolStore, head_session: Session, role: Role
) -> None:
    _add(head_session, "t.jones", role)
    session = school.sign_in("t.jones", OTHER_PASSWORD)
    try:
        assert session.user.roles == {Role.STAFF}  # may record meanwhile, read nothing
        assert session.compartments == {}
    finally:
        session.close()
    account = next(a for a in users.list_accounts(head_session) if a.user.username == "t.jones")
    assert account.requested == {role}
    assert account.rotation_pending == ()


def test_duplicate_username_is_refused(head_session: Session) -> None:
    _add(head_session, "t.jones")
    with pytest.raises(ValidationError, match="already taken"):
        _add(head_session, "T.Jones")


@pytest.mark.parametrize("role", [Role.STAFF, Role.DSL, Role.BEHAVIOUR_LEAD, Role.HEAD])
def test_only_admins_manage_accounts(session_as: Callable[[Role], Session], role: Role) -> None:
    session = session_as(role)
    with pytest.raises(PermissionDenied, match="not allowed to add staff accounts"):
        _add(session, "sneaky")
    with session.store.read() as conn:
        refused = audit.events_with_action(conn, "permission.refused")
    assert refused[-1].actor == session.user.username


def test_change_own_password_needs_the_old_one(school: SchoolStore, head_session: Session) -> None:
    _add(head_session, "t.jones")
    session = school.sign_in("t.jones", OTHER_PASSWORD)
    with pytest.raises(AuthenticationError, match="current password"):
        users.change_own_password(session, "wrong old one", "my new password!", FAST_KDF)
    users.change_own_password(session, OTHER_PASSWORD, "my new password!", FAST_KDF)
    session.close()
    school.sign_in("t.jones", "my new password!").close()
    with pytest.raises(AuthenticationError):
        vault.sign_in(school.paths, "t.jones", OTHER_PASSWORD)


def test_admin_resets_a_password(school: SchoolStore, head_session: Session) -> None:
    _add(head_session, "t.jones")
    users.reset_password(head_session, "t.jones", "reset by the admin", FAST_KDF)
    school.sign_in("t.jones", "reset by the admin").close()
    with pytest.raises(AuthenticationError):
        vault.sign_in(school.paths, "t.jones", OTHER_PASSWORD)


def test_disabled_then_enabled_needs_the_new_password(
    school: SchoolStore, head_session: Session
) -> None:
    _add(head_session, "t.jones")
    users.disable_user(head_session, "t.jones")
    with pytest.raises(AuthenticationError):
        vault.sign_in(school.paths, "t.jones", OTHER_PASSWORD)
    users.enable_user(head_session, "t.jones", "welcome back password", FAST_KDF)
    school.sign_in("t.jones", "welcome back password").close()


def test_cannot_disable_yourself(head_session: Session) -> None:
    with pytest.raises(Exception, match="your own account"):
        users.disable_user(head_session, "head")
