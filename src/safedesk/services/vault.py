"""Creating a school's store and unlocking it: the only code that handles the data key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from safedesk.domain.clock import Clock, SystemClock
from safedesk.domain.errors import (
    AccountDisabled,
    AuthenticationError,
    SafedeskError,
    SignInBackoff,
    ValidationError,
)
from safedesk.domain.people import validate_password, validate_username
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import signin_backoff
from safedesk.services.session import Session
from safedesk.store import audit, keyring, migrate, school, users
from safedesk.store.db import Connection, Store, StoreDamaged, damaged_message
from safedesk.store.keyring import KdfParams, Keyring

DISABLED = "disabled"


@dataclass(frozen=True)
class NewSchool:
    recovery_key: str
    paths: DataPaths


def validate_new_user(username: str, display_name: str, password: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if reason := validate_username(username):
        problems["username"] = reason
    if not display_name.strip():
        problems["display name"] = "is required"
    elif len(display_name) > 120:
        problems["display name"] = "must be at most 120 characters"
    if reason := validate_password(password):
        problems["password"] = reason
    return problems


def create_school(
    paths: DataPaths,
    *,
    school_name: str,
    username: str,
    display_name: str,
    password: str,
    kdf: KdfParams | None = None,
    clock: Clock | None = None,
) -> NewSchool:
    """Make a new encrypted store with its first user (head and admin) and a recovery key."""
    kdf = kdf or KdfParams()
    clock = clock or SystemClock()
    problems = validate_new_user(username, display_name, password)
    if not school_name.strip():
        problems["school"] = "the school's name is required"
    if problems:
        raise ValidationError(problems)
    if paths.database.exists() or paths.keyring.exists():
        raise SafedeskError(
            f"There is already a safedesk store in {paths.root}. Nothing has been changed."
        )
    paths.root.mkdir(parents=True, exist_ok=True)
    store_id = uuid.uuid4().hex
    data_key = keyring.new_data_key()
    recovery_key = keyring.new_recovery_key()
    ring = keyring.new_keyring(store_id)
    ring = keyring.add_user(ring, username, password, data_key, kdf)
    ring = keyring.add_recovery(ring, recovery_key, data_key, kdf)
    now = clock.now()
    with Store(paths.database, data_key) as store:
        migrate.migrate(store.connection(), paths.database, paths.migration_backups)
        with store.write() as conn:
            school.insert(conn, school_name.strip(), store_id, now)
            users.insert(
                conn,
                username=username,
                display_name=display_name.strip(),
                roles={Role.HEAD, Role.ADMIN},
                at=now,
                created_by=None,
            )
            audit.append(conn, at=now, actor=username, action="store.created")
            audit.append(
                conn,
                at=now,
                actor=username,
                action="user.added",
                object_type="user",
                object_id=username,
                detail={"roles": [Role.HEAD.value, Role.ADMIN.value]},
            )
            keyring.save(ring, paths.keyring)
    return NewSchool(recovery_key, paths)


def open_store(paths: DataPaths, data_key: bytes, ring: Keyring) -> Store:
    """Open, migrate if needed, and check the key file belongs to this database."""
    if paths.database.stat().st_size == 0:
        # SQLite takes an empty file for a new database: it would build a store in it.
        raise StoreDamaged(damaged_message(paths.database))
    try:
        store = Store(paths.database, data_key)
    except StoreDamaged:
        # The password was right for the key file, so the pair does not fit together.
        raise StoreDamaged(
            f"The database in {paths.root} cannot be opened with its key file: the database "
            "is damaged, or the key file belongs to another safedesk store. Nothing has been "
            "changed. Restore the folder from a backup."
        ) from None
    try:
        migrate.migrate(store.connection(), paths.database, paths.migration_backups)
        with store.read() as conn:
            found = school.get(conn)
        if found.store_id != ring.store_id:
            raise StoreDamaged(
                f"The key file in {paths.root} belongs to a different safedesk database. "
                "Nothing has been changed."
            )
    except BaseException:
        store.close()
        raise
    return store


def _require_store(paths: DataPaths) -> Keyring:
    if not paths.database.exists() or not paths.keyring.exists():
        raise SafedeskError(
            f"There is no safedesk store in {paths.root}. Set one up first "
            "(the set-up wizard, or 'safedesk-admin init')."
        )
    return keyring.load(paths.keyring)


def sign_in(
    paths: DataPaths, username: str, password: str, *, clock: Clock | None = None
) -> Session:
    """Unlock the store as ``username``; slow on purpose (Argon2id), never on the UI thread."""
    clock = clock or SystemClock()
    ring = _require_store(paths)
    failures = signin_backoff.load(paths.signin_failures)
    wait = failures.wait_seconds(clock.now())
    if wait > 0:
        raise SignInBackoff(wait)
    slot_id = ring.user_slot_id(username)
    slot = ring.find(slot_id)
    try:
        if slot is not None and slot.kind == DISABLED:
            raise AccountDisabled(
                "This account has been disabled. Ask the school's administrator if you "
                "need it back."
            )
        data_key = keyring.unwrap_user(ring, username, password)
    except AuthenticationError:
        failures.record_failure(slot_id if slot else "unknown", clock.now())
        signin_backoff.save(failures, paths.signin_failures)
        raise
    store = open_store(paths, data_key, ring)
    try:
        with store.write() as conn:
            user = users.by_username(conn, keyring.normalise_username(username))
            if user is None or not user.active:
                raise AccountDisabled(
                    "This account has been disabled. Ask the school's administrator if you "
                    "need it back."
                )
            _flush_failures(conn, ring, failures, clock)
            audit.append(conn, at=clock.now(), actor=user.username, action="signin")
    except BaseException:
        store.close()
        raise
    signin_backoff.clear(paths.signin_failures)
    return Session(paths, store, user, clock)


def _flush_failures(
    conn: Connection, ring: Keyring, failures: signin_backoff.FailureLog, clock: Clock
) -> None:
    if not failures.pending:
        return
    names = {ring.user_slot_id(u.username): u.username for u in users.all_users(conn)}
    for item in failures.pending:
        audit.append(
            conn,
            at=clock.now(),
            actor=None,
            action="signin.failed",
            detail={
                "account": names.get(item.get("slot", ""), "unknown"),
                "failed_at": item.get("at"),
            },
        )


def unlock_with_recovery_key(paths: DataPaths, recovery_key: str) -> tuple[Store, Keyring]:
    ring = _require_store(paths)
    try:
        data_key = keyring.unwrap_recovery(ring, recovery_key)
    except AuthenticationError:
        raise AuthenticationError("That recovery key is not right. Check each group.") from None
    return open_store(paths, data_key, ring), ring


def reset_with_recovery_key(
    paths: DataPaths,
    recovery_key: str,
    username: str,
    new_password: str,
    kdf: KdfParams | None = None,
    clock: Clock | None = None,
) -> None:
    """Set a new password for any active user, proving authority with the recovery key."""
    clock = clock or SystemClock()
    if reason := validate_password(new_password):
        raise ValidationError({"password": reason})
    store, ring = unlock_with_recovery_key(paths, recovery_key)
    with store:
        name = keyring.normalise_username(username)
        with store.write() as conn:
            user = users.by_username(conn, name)
            if user is None or not user.active:
                raise SafedeskError(f"There is no active account called {name!r}.")
            audit.append(
                conn,
                at=clock.now(),
                actor=None,
                action="password.reset_with_recovery_key",
                object_type="user",
                object_id=name,
            )
            ring = keyring.add_user(ring, name, new_password, store.key, kdf or KdfParams())
            keyring.save(ring, paths.keyring)
    signin_backoff.clear(paths.signin_failures)
