"""Staff accounts: add, list, disable, change and reset passwords."""

from __future__ import annotations

from collections.abc import Iterable

from safedesk.domain.errors import AuthenticationError, NotFound, SafedeskError, ValidationError
from safedesk.domain.people import User, validate_password
from safedesk.domain.roles import Permission, Role
from safedesk.services.session import Session
from safedesk.services.vault import DISABLED, validate_new_user
from safedesk.store import keyring, users
from safedesk.store.keyring import KdfParams, Slot


def list_users(session: Session) -> list[User]:
    session.require(Permission.USER_LIST, "see the list of staff accounts")
    with session.store.read() as conn:
        return users.all_users(conn)


def add_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    roles: Iterable[Role],
    password: str,
    kdf: KdfParams | None = None,
) -> User:
    session.require(Permission.USER_MANAGE, "add staff accounts")
    role_set = frozenset(roles)
    username = keyring.normalise_username(username)
    problems = validate_new_user(username, display_name, password)
    if not role_set:
        problems["role"] = "choose at least one role"
    if problems:
        raise ValidationError(problems)
    ring = keyring.load(session.paths.keyring)
    with session.store.write() as conn:
        if users.by_username(conn, username) is not None:
            raise ValidationError({"username": f"{username!r} is already taken"})
        users.insert(
            conn,
            username=username,
            display_name=display_name.strip(),
            roles=role_set,
            at=session.clock.now(),
            created_by=session.user.username,
        )
        session.audit(
            conn,
            "user.added",
            object_type="user",
            object_id=username,
            detail={"roles": sorted(r.value for r in role_set)},
        )
        ring = keyring.add_user(ring, username, password, session.store.key, kdf or KdfParams())
        # Saved inside the transaction: a failed save rolls the new user back.
        keyring.save(ring, session.paths.keyring)
        added = users.by_username(conn, username)
    assert added is not None
    return added


def disable_user(session: Session, username: str) -> None:
    """Disable an account and destroy its key slot, so the password no longer unlocks."""
    session.require(Permission.USER_MANAGE, "disable staff accounts")
    username = keyring.normalise_username(username)
    if username == session.user.username:
        raise SafedeskError("You cannot disable your own account while signed in with it.")
    ring = keyring.load(session.paths.keyring)
    with session.store.write() as conn:
        target = users.by_username(conn, username)
        if target is None:
            raise NotFound(f"There is no account called {username!r}.")
        if not target.active:
            return
        users.set_active(conn, target.id, False)
        session.audit(conn, "user.disabled", object_type="user", object_id=username)
        slot_id = ring.user_slot_id(username)
        # A marker with no key material: sign-in can say "disabled" but cannot unlock.
        marker = Slot(slot_id, DISABLED, KdfParams(), b"", b"", b"")
        keyring.save(ring.with_slot(marker), session.paths.keyring)


def enable_user(
    session: Session, username: str, new_password: str, kdf: KdfParams | None = None
) -> None:
    """Re-enable an account; it needs a new password because its old slot was destroyed."""
    session.require(Permission.USER_MANAGE, "re-enable staff accounts")
    _check_password(new_password)
    username = keyring.normalise_username(username)
    ring = keyring.load(session.paths.keyring)
    with session.store.write() as conn:
        target = users.by_username(conn, username)
        if target is None:
            raise NotFound(f"There is no account called {username!r}.")
        users.set_active(conn, target.id, True)
        session.audit(conn, "user.enabled", object_type="user", object_id=username)
        ring = keyring.add_user(ring, username, new_password, session.store.key, kdf or KdfParams())
        keyring.save(ring, session.paths.keyring)


def change_own_password(
    session: Session, old_password: str, new_password: str, kdf: KdfParams | None = None
) -> None:
    """Rewrap only this user's slot; the old password must still be right."""
    _check_password(new_password)
    ring = keyring.load(session.paths.keyring)
    try:
        keyring.unwrap_user(ring, session.user.username, old_password)
    except AuthenticationError:
        raise AuthenticationError("Your current password is not right.") from None
    _rewrap(session, ring, session.user.username, new_password, kdf, "password.changed")


def reset_password(
    session: Session, username: str, new_password: str, kdf: KdfParams | None = None
) -> None:
    """An administrator sets a new password for someone who has forgotten theirs."""
    session.require(Permission.USER_MANAGE, "reset other people's passwords")
    _check_password(new_password)
    username = keyring.normalise_username(username)
    with session.store.read() as conn:
        target = users.by_username(conn, username)
    if target is None:
        raise NotFound(f"There is no account called {username!r}.")
    if not target.active:
        raise SafedeskError(f"{username!r} is disabled; re-enable the account instead.")
    _rewrap(
        session, keyring.load(session.paths.keyring), username, new_password, kdf, "password.reset"
    )


def _rewrap(
    session: Session,
    ring: keyring.Keyring,
    username: str,
    new_password: str,
    kdf: KdfParams | None,
    action: str,
) -> None:
    with session.store.write() as conn:
        session.audit(conn, action, object_type="user", object_id=username)
        ring = keyring.add_user(ring, username, new_password, session.store.key, kdf or KdfParams())
        keyring.save(ring, session.paths.keyring)


def _check_password(password: str) -> None:
    if reason := validate_password(password):
        raise ValidationError({"password": reason})
