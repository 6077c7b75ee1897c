"""Signing in: the account's own slot, then only the files its keys open."""

from __future__ import annotations

import logging

from safedesk.domain.clock import Clock, SystemClock, from_stored
from safedesk.domain.compartments import RESTRICTED, Compartment, compartments_for
from safedesk.domain.errors import (
    AccountDisabled,
    AuthenticationError,
    SafedeskError,
    SignInBackoff,
)
from safedesk.domain.formatting import date_text, time_text
from safedesk.domain.local_time import to_local
from safedesk.paths import DataPaths
from safedesk.services import keys as key_ops
from safedesk.services import rotation, signin_backoff
from safedesk.services.session import Session
from safedesk.store import access, audit, keyfile, members, school, users
from safedesk.store.crypto import KdfParams
from safedesk.store.db import Connection, Gate, Store, StoreDamaged, StoreError
from safedesk.store.key_material import WRONG_PASSWORD, AccountSecrets, UnlockedAccount
from safedesk.store.keyfile import PENDING, KeyFile

log = logging.getLogger(__name__)


def require_store(paths: DataPaths) -> KeyFile:
    """The key file of the store in ``paths``, or a plain message why there is none."""
    if paths.legacy_database.exists() and not paths.keys.exists():
        raise SafedeskError(
            f"The data folder {paths.root} holds a store made by safedesk 0.1, which kept "
            "everything in one file (safedesk.db). This version keeps safeguarding and "
            "behaviour records in separate encrypted files that only their readers can open, "
            "and cannot use it. Nothing has been changed. Set up this version in a new folder "
            "(--data-dir), or keep using safedesk 0.1 for that store."
        )
    if not paths.database("school").exists() or not paths.keys.exists():
        raise SafedeskError(
            f"There is no safedesk store in {paths.root}. Set one up first "
            "(the set-up wizard, or 'safedesk-admin init')."
        )
    return keyfile.load(paths.keys)


def sign_in(
    paths: DataPaths,
    username: str,
    password: str,
    *,
    clock: Clock | None = None,
    kdf: KdfParams | None = None,
) -> Session:
    """Unlock the store as ``username``; slow on purpose (Argon2id), never on the UI thread.

    Opens `school`, then each reading compartment whose keys were sealed to this account
    and that its granted roles need. A headteacher's first sign-in makes the reading
    compartments and the recovery key (``session.new_recovery_code``).
    """
    clock = clock or SystemClock()
    key_file = require_store(paths)
    slot_id = key_file.slot_id(username)
    earlier = signin_backoff.load(paths.signin_failures)
    # Failures since this account last got in, less attempts under way now (its own, in
    # another window or process, that have not failed).
    tried = earlier.count(slot_id).consecutive - signin_backoff.trying(earlier, slot_id)
    last_tried = earlier.count(slot_id).last_at
    # Counted as a failure before the slow derivation, so guesses started together all count.
    wait, attempt = signin_backoff.begin_attempt(paths.signin_failures, slot_id, clock.now())
    if wait > 0:
        raise SignInBackoff(wait)
    # A disabled account and an unknown name take as long, and get the same answer, as a
    # wrong password: nobody learns which names exist or were disabled.
    try:
        unlocked = key_ops.open_account(key_file, username, password)
    except AuthenticationError:
        signin_backoff.failed(paths.signin_failures, attempt)
        raise
    signin_backoff.succeeded(paths.signin_failures, slot_id, attempt)
    failures = signin_backoff.load(paths.signin_failures)
    if unlocked.slot.state == PENDING:
        unlocked = key_ops.activate(paths, unlocked)
        key_file = keyfile.load(paths.keys)
    session = _open(paths, key_file, unlocked, clock, kdf, failures)
    signin_backoff.flushed(paths.signin_failures, failures)
    _forget_disposed(session)
    if tried > 0 and last_tried:
        tried_at = to_local(from_stored(last_tried))
        when = f"{time_text(tried_at)} on {date_text(tried_at.date())}"
        times = "once" if tried == 1 else f"{tried} times"
        session.warning = (
            f"Someone typed a wrong password for your account {times} since you last signed "
            f"in (the last at {when}). If that was not you, tell the headteacher or your "
            "administrator, and change your password."
        )
    return session


def _forget_disposed(session: Session) -> None:
    """This account's own sealed copies of records the head has disposed of go now. A busy
    or full store only postpones it to the next sign-in."""
    from safedesk.services import retention  # it imports the record services

    try:
        retention.forget_disposed_copies(session)
    except StoreError:
        log.warning("removing copies of disposed records waits for the next sign-in")


def _open(
    paths: DataPaths,
    key_file: KeyFile,
    unlocked: UnlockedAccount,
    clock: Clock,
    kdf: KdfParams | None,
    failures: signin_backoff.FailureLog,
) -> Session:
    name = unlocked.secrets.username
    opened = key_ops.compartment_keys(key_file, Compartment.SCHOOL, unlocked.secrets.box_privates)
    if opened is None:
        # The slot opened (a disabled one would not have), so the key file is damaged.
        unlocked.wipe()
        raise StoreDamaged(
            f"The key file in {paths.root} does not hold this account's keys to the school "
            "file: it is damaged or has been tampered with. Nothing has been changed. Restore "
            "the folder from a backup."
        )
    gate = Gate()
    school_store, school_keys = key_ops.open_file(paths, Compartment.SCHOOL, opened, gate=gate)
    session: Session | None = None
    try:
        key_ops.migrate_file(school_store, paths, Compartment.SCHOOL)
        with school_store.read() as conn:
            found = school.get(conn)
            user = users.by_username(conn, name)
        if found.store_id != key_file.store_id:
            raise StoreDamaged(
                f"The key file in {paths.root} belongs to a different safedesk store. "
                "Nothing has been changed."
            )
        if user is None or not user.active:
            # Same answer as a wrong password (the slot is cut off a moment after this).
            raise AccountDisabled(WRONG_PASSWORD)
        session = Session(
            paths,
            school_store,
            user,
            clock,
            account=unlocked,
            gate=gate,
            store_id=key_file.store_id,
        )
        session.keys[Compartment.SCHOOL] = school_keys
        key_ops.open_for_session(session, Compartment.SCHOOL, school_store)
        if opened.next is not None and school_keys.epoch == opened.next.epoch:
            rotation.finish(session, Compartment.SCHOOL, school_keys, reason="interrupted")
        # The reading files are made only when the head chooses their own password
        # (users.change_own_password), never at a sign-in: a slot cannot prove its password
        # was never an administrator's.
        _open_compartments(session, key_file)
        with session.store.write() as conn:
            _flush_failures(conn, key_file, failures, clock)
            audit.append(conn, at=clock.now(), actor=user.username, action="signin")
        with session.store.read() as conn:
            from safedesk.store import access

            pending = {p.compartment for p in access.pending_rotations(conn)}
        session.rotation_due = {
            c
            for c in Compartment
            if c.value in pending and (c is Compartment.SCHOOL or c in session.compartments)
        }
    except BaseException:
        if session is not None:
            session.close()
        else:
            school_store.close()
            unlocked.wipe()
        raise
    return session


def _open_compartments(session: Session, key_file: KeyFile) -> None:
    """Each reading compartment the account holds keys for, its roles need, and whose own
    member list names it with the public key it signed in with."""
    assert session.account is not None
    secrets = session.account.secrets
    for compartment in sorted(compartments_for(session.user.roles)):
        if compartment in session.compartments:
            continue
        opened = key_ops.compartment_keys(key_file, compartment, secrets.box_privates)
        if opened is None:
            continue
        if compartment in RESTRICTED and not session.paths.database(compartment.value).exists():
            # Moved or deleted: never made anew here (services.setup says so after sign-in).
            continue
        store, keys = key_ops.open_file(
            session.paths,
            compartment,
            opened,
            gate=session.gate,
            attachments=(key_ops.school_attachment(session.store),),
        )
        try:
            key_ops.migrate_file(store, session.paths, compartment)
            key_ops.open_for_session(session, compartment, store)
            with store.read() as conn:
                member = members.find(conn, secrets.username)
            if member is not None and member.box_public != secrets.box.public:
                member = _own_new_keys(session, store, member, secrets)
        except BaseException:
            store.close()
            raise
        if member is None:
            store.close()
            continue
        session.compartments[compartment] = store
        session.keys[compartment] = keys
        if opened.next is not None and keys.epoch == opened.next.epoch:
            rotation.finish(session, compartment, keys, reason="interrupted")


def _own_new_keys(
    session: Session, store: Store, member: members.Member, secrets: AccountSecrets
) -> members.Member | None:
    """A member listed under keys this account had before its own password change (a crash
    stopped the change reaching this file): its certificates lead from those to its keys now,
    so the list is put right. Anyone else listed under other keys is not this person."""
    from safedesk.services.users import put_own_keys
    from safedesk.store import identity

    changed = [c for c in secrets.identity if c.kind == "changed"]
    found = identity.vouched_keys(
        session.store_id, changed, {secrets.username: member.sign_public}
    ).get(secrets.username)
    if found is None or not found.leads(member.sign_public, secrets.sign.public):
        return None
    with store.write() as conn:
        put_own_keys(conn, session, secrets)
    compartment = next(c for c in Compartment if session.paths.database(c.value) == store.path)
    with session.store.write() as conn:  # the old keys must stop opening it: new ones now
        access.ask_rotation(
            conn,
            compartment.value,
            secrets.username,
            f"{secrets.username}'s password change, finished at sign-in",
            secrets.username,
            session.clock.now(),
        )
    session.rotation_due.add(compartment)
    with store.read() as conn:
        return members.find(conn, secrets.username)


def _flush_failures(
    conn: Connection, key_file: KeyFile, failures: signin_backoff.FailureLog, clock: Clock
) -> None:
    if not failures.pending:
        return
    names = {key_file.slot_id(u.username): u.username for u in users.all_users(conn)}
    failures.pending = [p for p in failures.pending if signin_backoff.TRYING not in p]
    names[signin_backoff.RECOVERY] = "recovery key"
    for item in failures.pending:
        audit.append(
            conn,
            at=clock.now(),
            actor=None,
            action="signin.failed",
            detail={
                "account": names.get(item.get("slot", ""), "unknown"),
                "failed_at": item.get("at"),
                "door": item.get("door", "signin"),
            },
        )


def open_school_with(paths: DataPaths, key_file: KeyFile, privates: list[bytes]) -> Store:
    """The `school` file opened with whichever of ``privates`` holds its keys (recovery)."""
    opened = key_ops.compartment_keys(key_file, Compartment.SCHOOL, privates)
    if opened is None:
        raise AuthenticationError("Those keys do not open this safedesk.")
    store, _keys = key_ops.open_file(paths, Compartment.SCHOOL, opened, gate=Gate())
    return store
