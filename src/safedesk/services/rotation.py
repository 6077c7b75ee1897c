"""Key rotation: after which an old key file, with an old password, opens nothing.

A compartment's keys are rotated when someone loses access to it (an account disabled, a
role removed, a password reset) and when a member changes their own password. The steps,
each safe to repeat after a crash:

1. the next epoch's keys are sealed to the members who remain and to the recovery key, and
   saved in the key file as "next" (the current keys of those removed are dropped now);
2. members and key history are updated inside the compartment; the new public keys are
   published, signed by the old, for staff who write to it;
3. every connection is closed and the file is re-encrypted (``PRAGMA rekey``);
4. a checkpoint that must complete folds the WAL into the main file (until then the main
   file is still under the old key), and only then is the old epoch retired.

Opening tries the current key, then the next, so a crash anywhere loses nothing; a session
that opens a file with its next key finishes step 4 (``finish``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import PermissionDenied, SafedeskError
from safedesk.services.session import Session
from safedesk.store import (
    access,
    audit,
    crypto,
    key_chain,
    keyfile,
    kill_points,
    members,
    migrate,
    users,
    writer_lock,
)
from safedesk.store.db import Store, rekey_file
from safedesk.store.key_material import CompartmentKeys, open_keys, seal_keys
from safedesk.store.keyfile import ACTIVE, DISABLED, Epochs, KeyFile

RECOVERY_MEMBER = "@recovery"  # the recovery key, as a member of each reading compartment

Progress = Callable[[str], None]


def _store_of(session: Session, compartment: Compartment) -> Store:
    if compartment is Compartment.SCHOOL:
        return session.store
    store = session.compartments.get(compartment)
    if store is None:
        raise PermissionDenied(f"Only a member of the {compartment.label} can change its keys.")
    return store


def _recipients(
    session: Session, compartment: Compartment, key_file: KeyFile, removing: set[str]
) -> list[bytes]:
    """Public keys the next epoch is sealed to: who remains, and the recovery key."""
    if compartment is Compartment.SCHOOL:
        with session.store.read() as conn:
            active = {u.username for u in users.all_users(conn) if u.active} - removing
        publics = [
            slot.box_public
            for name in sorted(active)
            if (slot := key_file.account(name)) is not None and slot.state != DISABLED
        ]
        recovery = session.account.secrets.pins.get("recovery") if session.account else None
        if recovery is not None:
            publics.append(recovery.box_public)
        return publics
    with _store_of(session, compartment).read() as conn:
        return [m.box_public for m in members.all_members(conn) if m.username not in removing]


def rotate(
    session: Session,
    compartment: Compartment,
    *,
    removing: Iterable[str] = (),
    reason: str,
    progress: Progress | None = None,
) -> int:
    """Give ``compartment`` new keys that those in ``removing`` never hold; returns the epoch."""
    tell = progress or (lambda _text: None)
    store = _store_of(session, compartment)
    if session.account is None:
        raise SafedeskError("Keys can only be changed by someone signed in.")
    # Never reseal to anyone whose access has ended, whoever asked for this rotation.
    removed = set(removing) | _no_longer_allowed(
        session, compartment, _listed(session, compartment)
    )
    current = session.keys[compartment]
    tell("Preparing new keys")
    next_keys = _prepare_next(session, compartment, current, removed)
    kill_points.reached("rotation.next_saved")
    now = session.clock.now()
    link = None
    if compartment is not Compartment.SCHOOL:
        with store.write() as conn:
            for name in sorted(removed):
                members.remove(conn, name, now)
            link = key_chain.make_link(_store_id(session), next_keys, current)
            key_chain.record_epoch(conn, next_keys, link, now, session.user.username)
            session.audit(
                conn,
                "keys.rotation_started",
                object_type="compartment",
                object_id=compartment.value,
                detail={"epoch": next_keys.epoch, "removing": sorted(removed), "why": reason},
            )
        kill_points.reached("rotation.history_recorded")
        with session.store.write() as conn:
            key_chain.publish(conn, link, now)
        kill_points.reached("rotation.published")
    tell("Re-encrypting the file")
    _rekey(session, compartment, store, current, next_keys)
    kill_points.reached("rotation.rekeyed")
    tell("Retiring the old keys")
    finish(session, compartment, next_keys, reason=reason)
    return next_keys.epoch


def _store_id(session: Session) -> str:
    return keyfile.load(session.paths.keys).store_id


def _prepare_next(
    session: Session, compartment: Compartment, current: CompartmentKeys, removed: set[str]
) -> CompartmentKeys:
    """The next epoch's keys, made and sealed now, or the ones a crashed rotation left."""
    assert session.account is not None
    privates = session.account.secrets.box_privates
    holder: list[CompartmentKeys] = []

    def change(key_file: KeyFile) -> KeyFile:
        epochs = key_file.epochs[compartment.value]
        if epochs.current != current.epoch:
            raise SafedeskError(
                f"The {compartment.label} keys changed while this was being done. Sign in "
                "again and repeat it."
            )
        if epochs.next is not None:
            found = open_keys(key_file, compartment.value, epochs.next, privates)
            if found is not None:
                holder.append(found)
                return key_file
            key_file = key_file.without_sealed(compartment=compartment.value, epoch=epochs.next)
        fresh = CompartmentKeys.generate(compartment.value, epochs.current + 1)
        holder.append(fresh)
        publics = _recipients(session, compartment, key_file, removed)
        sealed = key_file.with_sealed(*(seal_keys(key_file, fresh, pub) for pub in publics))
        # Those removed lose the current keys from the live key file at once.
        for name in removed:
            slot = key_file.account(name)
            if slot is not None and slot.box_public:
                sealed = sealed.without_sealed(
                    compartment=compartment.value,
                    epoch=epochs.current,
                    to=crypto.fingerprint(slot.box_public),
                )
        return sealed.with_epochs(compartment.value, Epochs(epochs.current, fresh.epoch))

    keyfile.update(session.paths.keys, change)
    return holder[0]


def _rekey(
    session: Session,
    compartment: Compartment,
    store: Store,
    current: CompartmentKeys,
    next_keys: CompartmentKeys,
) -> None:
    # This session's work first (the gate), then every other writer to the folder, in any
    # process (the writers' lock): none writes while the file changes key under it.
    writers = writer_lock.for_folder(session.paths.root)
    with session.gate.exclusive(), writers.exclusive(f"change the {compartment.label} keys"):
        for each in session.all_stores():
            each.reset_connections()  # compartments read `school` through an attachment
        rekey_file(store.path, current.file_key, next_keys.file_key)
        store.replace_key(next_keys.file_key)
        session.keys[compartment] = next_keys


def finish(
    session: Session, compartment: Compartment, next_keys: CompartmentKeys, *, reason: str
) -> None:
    """Retire the old epoch once the file is wholly under the next key (also after a crash)."""
    store = _store_of(session, compartment)
    store.checkpoint_fully()
    kill_points.reached("rotation.checkpointed")

    def change(key_file: KeyFile) -> KeyFile:
        epochs = key_file.epochs[compartment.value]
        if epochs.current == next_keys.epoch:
            return key_file
        retired = key_file.without_sealed(compartment=compartment.value, epoch=epochs.current)
        return retired.with_epochs(compartment.value, Epochs(next_keys.epoch))

    keyfile.update(session.paths.keys, change)
    kill_points.reached("rotation.retired")
    # Copies set aside before an upgrade are under the retired key: they go with it.
    migrate.remove_copies_aside(session.paths.migration_backups, store.path)
    session.keys[compartment] = next_keys
    if session.account is not None and compartment is not Compartment.SCHOOL:
        session.account.secrets.pins[compartment.value] = next_keys.pin
    with store.write() as conn:
        audit.append(
            conn,
            at=session.clock.now(),
            actor=session.user.username,
            action="keys.rotated",
            object_type="compartment",
            object_id=compartment.value,
            detail={"epoch": next_keys.epoch, "why": reason},
        )
    with session.store.write() as conn:
        access.rotation_done(conn, compartment.value)
        if compartment is not Compartment.SCHOOL:
            session.audit(
                conn,
                "keys.rotated",
                object_type="compartment",
                object_id=compartment.value,
                detail={"epoch": next_keys.epoch},
            )


def run_pending(session: Session, progress: Progress | None = None) -> list[Compartment]:
    """Rotations an administrator asked for, done by a member before any other write."""
    with session.store.read() as conn:
        pending = access.pending_rotations(conn)
    done = []
    by_compartment: dict[str, set[str]] = {}
    for item in pending:
        by_compartment.setdefault(item.compartment, set()).add(item.username)
    for name, removing in by_compartment.items():
        compartment = Compartment(name)
        if compartment is not Compartment.SCHOOL and compartment not in session.compartments:
            continue
        ending = _no_longer_allowed(session, compartment, removing)
        if session.user.username in ending:
            continue  # the one losing access does not hold the pen
        reasons = sorted({i.reason for i in pending if i.compartment == name})
        rotate(session, compartment, removing=ending, reason="; ".join(reasons), progress=progress)
        done.append(compartment)
    return done


def _listed(session: Session, compartment: Compartment) -> set[str]:
    if compartment is Compartment.SCHOOL:
        with session.store.read() as conn:
            return {u.username for u in users.all_users(conn)}
    with _store_of(session, compartment).read() as conn:
        return {m.username for m in members.all_members(conn)}


def _no_longer_allowed(session: Session, compartment: Compartment, named: set[str]) -> set[str]:
    """Of the accounts a request names, those whose access must really end: checked against
    the key file and the accounts, so a forged request cannot remove a rightful member."""
    from safedesk.domain.compartments import compartments_for
    from safedesk.services.genuine_accounts import as_written
    from safedesk.services.integrity import school_report

    key_file = keyfile.load(session.paths.keys)
    vouched = school_report(session).vouched
    with session.store.read() as conn:
        # Roles and states as the program wrote them, signed by someone who may: one written
        # back into `school` by hand (to keep a reading file's keys) counts for nothing.
        found = {u.username: u for u in as_written(conn, vouched)[0]}
    if compartment is Compartment.SCHOOL:
        return {n for n in named if n not in found or not found[n].active}
    with _store_of(session, compartment).read() as conn:
        listed = {m.username: m for m in members.all_members(conn)}
    ending = set()
    for name in named:
        member = listed.get(name)
        if member is None or name == RECOVERY_MEMBER:
            continue
        user = found.get(name)
        slot = key_file.account(name)
        # An active slot under other keys may be the member's own password change that a
        # crash stopped before it reached this file: they keep access (the new keys are sealed
        # to the key listed here) and put the list right at their next sign-in. A reset
        # (pending slot) or a disabled one ends it.
        if (
            user is None
            or not user.active
            or compartment not in compartments_for(user.roles)
            or slot is None
            or slot.state != ACTIVE
        ):
            ending.add(name)
    return ending


def members_whose_access_ended(session: Session, compartment: Compartment) -> set[str]:
    """Members still listed in ``compartment`` whose access has ended (disabled, role gone,
    key slot replaced), whether or not anyone asked for a rotation: a request kept in the
    shared `school` file can be deleted by the very person it concerns."""
    return _no_longer_allowed(session, compartment, _listed(session, compartment))
