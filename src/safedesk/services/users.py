"""Staff accounts: add, list, disable, enable, change and reset passwords.

An administrator manages accounts but never holds a reading key: reading roles asked for
when an account is made are only *requested* until a member grants them in person
(services.membership). Taking access away rotates the keys concerned (services.rotation):
now, where the one acting is a member; otherwise at a member's next sign-in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from safedesk.domain.clock import from_stored
from safedesk.domain.compartments import READING, Compartment, compartments_for, is_reading_role
from safedesk.domain.errors import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
    SafedeskError,
    ValidationError,
)
from safedesk.domain.formatting import date_text, time_text
from safedesk.domain.local_time import to_local
from safedesk.domain.people import User, validate_password
from safedesk.domain.roles import Permission, Role
from safedesk.services import keys as key_ops
from safedesk.services import rotation
from safedesk.services.session import Session
from safedesk.services.setup import validate_new_user
from safedesk.store import access, audit, crypto, keyfile, members, users
from safedesk.store.crypto import KdfParams
from safedesk.store.key_material import (
    AccountSecrets,
    UnlockedAccount,
    make_slot,
    open_slot,
    seal_keys,
    with_new_keys,
)
from safedesk.store.keyfile import DISABLED, AccountSlot, KeyFile


@dataclass(frozen=True)
class Account:
    """An account as the administrator sees it."""

    user: User
    requested: frozenset[Role]
    rotation_pending: tuple[str, ...]  # compartments whose keys must still change for it
    # Its password was set by an administrator (new, or reset) and its holder has not yet
    # chosen their own. From the key file's slot state: shown to help, never trusted.
    password_from_administrator: bool = False


def list_users(session: Session) -> list[User]:
    session.require(Permission.USER_LIST, "see the list of staff accounts")
    with session.store.read() as conn:
        return users.all_users(conn)


def list_accounts(session: Session) -> list[Account]:
    session.require(Permission.USER_LIST, "see the list of staff accounts")
    with session.store.read() as conn:
        found = users.all_users(conn)
        requested = users.requested_roles(conn)
        pending = access.pending_rotations(conn)
    key_file = keyfile.load(session.paths.keys)
    one_time = {
        user.username
        for user in found
        if (slot := key_file.account(user.username)) is not None and slot.state == keyfile.PENDING
    }
    return [
        Account(
            user,
            frozenset(requested.get(user.username, set())),
            tuple(sorted({p.compartment for p in pending if p.username == user.username})),
            password_from_administrator=user.username in one_time,
        )
        for user in found
    ]


def require_confirmed(session: Session) -> None:
    """Account changes need the keys that protect records to exist, and the acting account
    to know them (its pins): otherwise the accounts it makes or changes would know no keys
    to trust, or a rotation it makes would leave out the recovery key."""
    key_file = keyfile.load(session.paths.keys)
    if any(c.value not in key_file.epochs for c in READING):
        raise SafedeskError(
            "The headteacher has not signed in for the first time yet: that makes the keys "
            "that protect pupils' records. Add or change accounts after that."
        )
    secrets = session.account.secrets if session.account else None
    pins = secrets.pins if secrets else {}
    authority = secrets is not None and secrets.authority
    if any(c.value not in pins for c in READING) or "recovery" not in pins or not authority:
        raise PermissionDenied(
            "Your account has not been confirmed yet: ask the headteacher or a Designated "
            "Safeguarding Lead to confirm it with you present ('safedesk-admin user confirm "
            f"{session.user.username} --user THEM'), then add or change accounts."
        )


def _issuer(session: Session) -> key_ops.Issuer:
    if session.account is None:
        raise SafedeskError("Sign in again to change accounts.")
    return key_ops.Issuer.of(session.account)


def _name(username: str) -> str:
    return keyfile.normalise_username(username)


def _target(session: Session, username: str) -> User:
    with session.store.read() as conn:
        found = users.by_username(conn, username)
    if found is None:
        raise NotFound(f"There is no account called {username!r}.")
    return found


def add_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    roles: Iterable[Role],
    password: str,
    kdf: KdfParams | None = None,
) -> User:
    """A new account. Staff and administrator roles are given now; a reading role (DSL,
    behaviour lead, headteacher) is asked for, and the account is staff until it is granted."""
    session.require(Permission.USER_MANAGE, "add staff accounts")
    require_confirmed(session)
    role_set = frozenset(roles)
    username = _name(username)
    problems = validate_new_user(username, display_name, password)
    if not role_set:
        problems["role"] = "choose at least one role"
    if problems:
        raise ValidationError(problems)
    key_file = keyfile.load(session.paths.keys)
    # The first chair of governors is given the role: nobody holds the file for allegations
    # about the head yet to grant it, and it is made under the chair's own password at their
    # first change of it. Once it exists, a chair is granted in person by the chair.
    # Given to one account only, while no file exists (as the school file shows) and no
    # enabled account holds the role: a second chair is granted in person by the first.
    founding = (
        {Role.CHAIR_OF_GOVERNORS}
        if Role.CHAIR_OF_GOVERNORS in role_set and _chair_may_be_given(session)
        else set()
    )
    asked = {r for r in role_set if is_reading_role(r)} - founding
    given = (role_set - asked) | ({Role.STAFF} if asked else set())
    now = session.clock.now()
    pending = key_ops.new_pending_account(
        key_file,
        username,
        password,
        kdf or KdfParams(),
        origin="created",
        issuer=_issuer(session),
    )
    with session.store.write() as conn:
        if users.by_username(conn, username) is not None:
            raise ValidationError({"username": f"{username!r} is already taken"})
        user_id = users.insert(
            conn,
            username=username,
            display_name=display_name.strip(),
            at=now,
            created_by=session.user.username,
        )
        for role in given:
            access.grant_role(conn, user_id, role, session.user.username, now)
        for role in asked:
            access.request_role(conn, user_id, role, session.user.username, now, "new account")
        session.audit(
            conn,
            "user.added",
            object_type="user",
            object_id=username,
            detail={
                "roles": sorted(r.value for r in given),
                "requested": sorted(r.value for r in asked),
            },
        )
        # Saved inside the transaction: a failed save rolls the new account back.
        _add_slot(session, pending.slot, pending.secrets.box.public)
        added = users.by_username(conn, username)
    assert added is not None
    return added


def _chair_may_be_given(session: Session) -> bool:
    from safedesk.services import restricted_files

    chair_file = Compartment.ALLEGATIONS_HEAD
    if restricted_files.ever_made(session, chair_file) and not restricted_files.orphaned(
        session, chair_file
    ):
        return False
    with session.store.read() as conn:
        found = users.all_users(conn)
    return not any(u.active and Role.CHAIR_OF_GOVERNORS in u.roles for u in found)


def _add_slot(session: Session, slot: AccountSlot, box_public: bytes) -> None:
    school_keys = session.keys[Compartment.SCHOOL]

    def change(current: KeyFile) -> KeyFile:
        existing = current.account_by_id(slot.slot_id)
        if existing is not None and existing.state != DISABLED:
            raise ValidationError({"username": "is already taken"})
        return current.with_account(slot).with_sealed(seal_keys(current, school_keys, box_public))

    keyfile.update(session.paths.keys, change)


def _cut_off(session: Session, username: str) -> None:
    """The live key file stops giving this account anything (its slot becomes a marker)."""

    def change(current: KeyFile) -> KeyFile:
        slot = current.account(username)
        if slot is None:
            return current
        trimmed = current
        if slot.box_public:
            trimmed = current.without_sealed(to=crypto.fingerprint(slot.box_public))
        marker = AccountSlot(slot.slot_id, DISABLED, KdfParams(), b"", b"", b"", b"")
        return trimmed.with_account(marker)

    keyfile.update(session.paths.keys, change)


def _end_access(
    session: Session,
    username: str,
    compartments: Iterable[Compartment],
    reason: str,
    *,
    school: str | None,
    keeps_access: bool = False,
) -> None:
    """New keys that the old ones (and so an old copy of the key file) cannot reach: now for
    what the acting member holds, otherwise asked of a member's next sign-in.

    The request is written first, so a crash part-way leaves the rotation still asked for.
    ``school``: "remove" (the account leaves `school` too), "keep" (it stays, under a new
    key pair already in the key file) or None. ``keeps_access``: the account stays a member
    of ``compartments`` (its own password changed)."""
    wanted = sorted(set(compartments))
    removing = set() if keeps_access else {username}
    with session.store.write() as conn:
        _ask_rotations(session, conn, username, wanted, reason, bool(school))
    if school:
        rotation.rotate(
            session,
            Compartment.SCHOOL,
            removing={username} if school == "remove" else set(),
            reason=reason,
        )
    for compartment in wanted:
        if session.member_of(compartment):
            rotation.rotate(session, compartment, removing=removing, reason=reason)


def _ask_rotations(
    session: Session,
    conn: object,
    username: str,
    compartments: Iterable[Compartment],
    reason: str,
    school: bool,
) -> None:
    now = session.clock.now()
    for compartment in [*sorted(set(compartments)), *([Compartment.SCHOOL] if school else [])]:
        access.ask_rotation(conn, compartment.value, username, reason, session.user.username, now)


def disable_user(session: Session, username: str) -> None:
    """Disable an account: its slot is destroyed and the keys of every file it could open are
    rotated, so neither its password nor an old copy of the key file opens anything."""
    session.require(Permission.USER_MANAGE, "disable staff accounts")
    require_confirmed(session)
    username = _name(username)
    if username == session.user.username:
        raise SafedeskError("You cannot disable your own account while signed in with it.")
    target = _target(session, username)
    if not target.active:
        return
    why = f"{username} disabled by {session.user.username}"
    from safedesk.services import restricted_files

    losing = restricted_files.losing_last(session, username)
    # One `school` transaction marks the account and asks for every rotation, so a crash
    # after it leaves the rotations asked for (any member's next sign-in does them).
    with session.store.write() as conn:
        users.set_active(conn, target.id, False)
        session.audit(conn, "user.disabled", object_type="user", object_id=username)
        _ask_rotations(session, conn, username, compartments_for(target.roles), why, True)
    restricted_files.record_orphaned(session, losing, username)
    _cut_off(session, username)
    _end_access(
        session,
        username,
        compartments_for(target.roles),
        why,
        school="remove",
    )


def enable_user(
    session: Session, username: str, new_password: str, kdf: KdfParams | None = None
) -> None:
    """Re-enable an account with a new password (its old slot was destroyed). Reading roles
    it held are asked for again: a member grants them in person."""
    session.require(Permission.USER_MANAGE, "re-enable staff accounts")
    require_confirmed(session)
    _check_password(new_password)
    username = _name(username)
    target = _target(session, username)
    if target.active:
        raise SafedeskError(f"{username!r} is not disabled.")
    _new_pending_slot(session, username, new_password, kdf, origin="reset")
    now = session.clock.now()
    with session.store.write() as conn:
        users.set_active(conn, target.id, True)
        _suspend_reading_roles(session, conn, target, f"re-enabled by {session.user.username}")
        session.audit(conn, "user.enabled", object_type="user", object_id=username)
        del now


def _new_pending_slot(
    session: Session, username: str, password: str, kdf: KdfParams | None, *, origin: str
) -> None:
    """An administrator-made slot: school's keys only, a pair replaced at first sign-in."""
    key_file = keyfile.load(session.paths.keys)
    pending = key_ops.new_pending_account(
        key_file,
        username,
        password,
        kdf or KdfParams(),
        origin=origin,
        issuer=_issuer(session),
    )
    school_keys = session.keys[Compartment.SCHOOL]

    def change(current: KeyFile) -> KeyFile:
        old = current.account(username)
        trimmed = current
        if old is not None and old.box_public:
            trimmed = current.without_sealed(to=crypto.fingerprint(old.box_public))
        sealed = seal_keys(trimmed, school_keys, pending.secrets.box.public)
        return trimmed.with_account(pending.slot).with_sealed(sealed)

    keyfile.update(session.paths.keys, change)


def _suspend_reading_roles(session: Session, conn: object, target: User, why: str) -> None:
    now = session.clock.now()
    for role in sorted(target.roles):
        if is_reading_role(role):
            access.remove_role(conn, target.id, role)
            access.request_role(conn, target.id, role, session.user.username, now, why)


def change_own_password(
    session: Session, old_password: str, new_password: str, kdf: KdfParams | None = None
) -> None:
    """New key pairs under the new password, and new keys for every file this account opens,
    so the old password with an old copy of the key file opens nothing."""
    _check_password(new_password)
    if session.account is None:
        raise SafedeskError("Sign in again to change your password.")
    key_file = keyfile.load(session.paths.keys)
    try:
        open_slot(key_file, key_file.account(session.user.username), old_password)
    except AuthenticationError:
        raise AuthenticationError("Your current password is not right.") from None
    fresh = make_slot(
        key_file,
        with_new_keys(session.account.secrets, session.store_id),
        new_password,
        kdf or KdfParams(),
    )
    made_before = all(c.value in key_file.epochs for c in READING)
    # The file for allegations about the head, made before from this account's slot: by its
    # owner, or by whoever used a password an administrator gave it before they did.
    chair_file_before = session.password_from_administrator and (
        Compartment.ALLEGATIONS_HEAD.value in key_file.epochs
    )
    why = f"{session.user.username} changed their password"
    with session.store.write() as conn:  # asked first: a crash part-way leaves them asked for
        _ask_rotations(session, conn, session.user.username, session.compartments, why, True)
    _replace_own_slot(session, fresh)
    for compartment in session.compartments:
        with session.compartment(compartment).write() as conn:
            put_own_keys(conn, session, fresh.secrets)
    with session.store.write() as conn:
        from safedesk.services import inbox

        inbox.announce_keys(session, conn)
        session.audit(conn, "password.changed", object_type="user", object_id=session.user.username)
    if Role.HEAD in session.user.roles and any(
        c.value not in keyfile.load(session.paths.keys).epochs for c in READING
    ):
        from safedesk.services.setup import make_reading_compartments

        # Now the password is the head's own, the first keys can be made with it.
        make_reading_compartments(session, kdf or KdfParams())
    elif made_before:
        session.warning = _made_before_warning(session)
    if chair_file_before and (chair_warning := _chair_file_warning(session)):
        session.warning = (
            f"{session.warning}\n\n{chair_warning}" if session.warning else chair_warning
        )
    _end_access(
        session,
        session.user.username,
        list(session.compartments),
        why,
        school="keep",
        keeps_access=True,
    )
    if Role.CHAIR_OF_GOVERNORS in session.user.roles and not session.member_of(
        Compartment.ALLEGATIONS_HEAD
    ):
        from safedesk.services import restricted_files
        from safedesk.services.setup import make_missing_restricted, make_restricted_compartment

        # The chair's own password now: the file for allegations about the head is made
        # with it, sealed to the chair alone (first made only if the school file shows none
        # ever was; otherwise as at any sign-in: made anew only once nobody holds it).
        if not restricted_files.ever_made(session, Compartment.ALLEGATIONS_HEAD):
            if Compartment.ALLEGATIONS_HEAD.value not in keyfile.load(session.paths.keys).epochs:
                make_restricted_compartment(session, Compartment.ALLEGATIONS_HEAD)
        else:
            make_missing_restricted(session)


def _made_before_warning(session: Session) -> str | None:
    """The reading files were made from this account before: whoever signed in as it then
    was shown the recovery key. An administrator who set this account's password and used it
    before its owner did could have been that person, and nothing in the files can tell; the
    owner can, by whether they hold the printed key."""
    with session.store.read() as conn:
        made = audit.events_with_action(conn, "recovery_key.created")
    if not made or made[0].actor != session.user.username:
        return None
    shown_at = to_local(from_stored(made[0].at))
    when = f"{date_text(shown_at.date())} at {time_text(shown_at)}"
    return (
        f"Please check: the recovery key for the reading files was shown once, on {when}, "
        f"to whoever was then signed in as {session.user.username}. If you do not hold that "
        "printed recovery key (25 letters and digits), someone who knew a password an "
        "administrator gave this account saw it: record nothing more in safedesk, tell the "
        "Designated Safeguarding Lead and the school's data protection lead, and set "
        "safedesk up again."
    )


def _chair_file_warning(session: Session) -> str | None:
    """As ``_made_before_warning``, for the chair of governors: the file for allegations about
    the headteacher is made at the first chair's first own password. Leaving a password an
    administrator gave, its owner is told when the file was made from this account, so they
    know whether it was them."""
    with session.store.read() as conn:
        made = [
            e
            for e in audit.events_with_action(conn, "compartment.created")
            if e.object_id == Compartment.ALLEGATIONS_HEAD.value
        ]
    if not made or made[0].actor != session.user.username:
        return None
    made_at = to_local(from_stored(made[0].at))
    when = f"{date_text(made_at.date())} at {time_text(made_at)}"
    return (
        f"Please check: the file for allegations about the headteacher was made on {when}, "
        f"when someone signed in as {session.user.username} chose their own password. If that "
        "was not you, someone who knew a password an administrator gave this account made it "
        "and may hold its keys: record nothing more in it, and tell the vice-chair of "
        "governors and the school's data protection lead."
    )


def put_own_keys(conn: object, session: Session, secrets: AccountSecrets) -> None:
    """A member's new keys in a compartment's member list, vouched for by their old key (the
    certificates of their own password changes)."""
    changed = [c for c in secrets.identity if c.kind == "changed"]
    members.put(
        conn,
        secrets.username,
        secrets.box.public,
        secrets.sign.public,
        secrets.username,
        session.clock.now(),
        vouched_by=changed,
    )
    session.audit(conn, "member.keys_changed", object_id=secrets.username)


def _replace_own_slot(session: Session, fresh: UnlockedAccount) -> None:
    assert session.account is not None
    old_public = session.account.secrets.box.public
    held = list(session.keys.values())

    def change(current: KeyFile) -> KeyFile:
        trimmed = current.without_sealed(to=crypto.fingerprint(old_public))
        resealed = [seal_keys(trimmed, keys, fresh.secrets.box.public) for keys in held]
        return trimmed.with_account(fresh.slot).with_sealed(*resealed)

    keyfile.update(session.paths.keys, change)
    session.account.wipe()
    session.account = fresh


def reset_password(
    session: Session, username: str, new_password: str, kdf: KdfParams | None = None
) -> None:
    """An administrator sets a one-time password for someone who has forgotten theirs.

    The account gets a new key pair at its next sign-in; its reading roles are suspended
    (asked for again, naming who reset it) and the keys of what it could read rotated. A
    member re-grants them once the holder has set their own password."""
    session.require(Permission.USER_MANAGE, "reset other people's passwords")
    require_confirmed(session)
    _check_password(new_password)
    username = _name(username)
    if username == session.user.username:
        raise SafedeskError("Change your own password with your current one instead.")
    target = _target(session, username)
    if not target.active:
        raise SafedeskError(f"{username!r} is disabled; re-enable the account instead.")
    from safedesk.services import restricted_files

    losing = restricted_files.losing_last(session, username)
    _new_pending_slot(session, username, new_password, kdf, origin="reset")
    restricted_files.record_orphaned(session, losing, username)
    when = date_text(to_local(session.clock.now()).date())
    why = f"password reset by {session.user.username} on {when}"
    with session.store.write() as conn:
        _suspend_reading_roles(session, conn, target, why)
        session.audit(conn, "password.reset", object_type="user", object_id=username)
    _end_access(session, username, compartments_for(target.roles), why, school="keep")


def _check_password(password: str) -> None:
    if reason := validate_password(password):
        raise ValidationError({"password": reason})


def last_holder_warning(session: Session, username: str) -> str | None:
    """What to say, and ask to confirm, before resetting the password of (or disabling)
    ``username``: they are the last enabled account holding an allegations file."""
    session.require(Permission.USER_MANAGE, "change staff accounts")
    from safedesk.services import restricted_files

    return restricted_files.last_member_warning(session, _name(username))
