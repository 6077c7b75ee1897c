"""Key work shared by set-up, sign-in, grants and rotation: slots, sealed keys, compartments.

Nothing here checks permissions: callers are the services that do (and the key material
itself is the real check — a compartment's keys open only for those they were sealed to).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlcipher3

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import AuthenticationError, PermissionDenied, SafedeskError
from safedesk.paths import DataPaths
from safedesk.services.session import Session
from safedesk.store import audit, crypto, evidence, key_chain, keyfile, ledger, members, migrate
from safedesk.store.crypto import KdfParams
from safedesk.store.db import Attachment, Connection, Gate, Store, StoreDamaged, connect
from safedesk.store.identity import Cert, issue
from safedesk.store.key_material import (
    AccountSecrets,
    CompartmentKeys,
    Pin,
    UnlockedAccount,
    make_slot,
    open_keys,
    open_slot,
    rewrap,
    seal_keys,
    with_new_keys,
)
from safedesk.store.keyfile import ACTIVE, PENDING, Epochs, KeyFile


def open_account(key_file: KeyFile, username: str, password: str) -> UnlockedAccount:
    return open_slot(key_file, key_file.account(username), password)


def save_account(paths: DataPaths, unlocked: UnlockedAccount) -> UnlockedAccount:
    """Rewrap the account's secrets as they are now (pins, sequence numbers) and save."""
    holder: list[UnlockedAccount] = []

    def change(current: KeyFile) -> KeyFile:
        slot = current.account(unlocked.secrets.username)
        if slot is None or slot.slot_id != unlocked.slot.slot_id or slot.state != ACTIVE:
            raise AuthenticationError(
                "This account's key slot has changed since you signed in (disabled, or its "
                "password reset). Sign in again."
            )
        fresh = rewrap(current, unlocked)
        holder.append(fresh)
        return current.with_account(fresh.slot)

    keyfile.update(paths.keys, change)
    return holder[0]


@dataclass(frozen=True)
class Issuer:
    """Who vouches for a key it makes: an administrator (their chain and signing key), or
    the recovery key."""

    name: str
    sign: crypto.SignKeys
    chain: tuple[Cert, ...] = ()
    pins: dict[str, Pin] | None = None

    @classmethod
    def of(cls, account: UnlockedAccount) -> Issuer:
        secrets = account.secrets
        return cls(secrets.username, secrets.sign, tuple(secrets.identity), dict(secrets.pins))


def new_pending_account(
    key_file: KeyFile,
    username: str,
    password: str,
    kdf: KdfParams,
    *,
    origin: str,
    issuer: Issuer,
) -> UnlockedAccount:
    """A slot an administrator makes: its key pair is replaced at the holder's first sign-in,
    so the administrator never holds the keys the account will read with. The administrator
    vouches for the key it made (``created``, or ``reset``); the holder's first key pair is
    vouched for by that one (``activated``). Pins come from the administrator: a new account
    trusts the compartment keys its creator trusts, never what `school` says."""
    secrets = AccountSecrets.new(username, origin, issuer.pins)
    kind = "reset" if origin == "reset" else "created"
    cert = issue(key_file.store_id, kind, issuer.name, issuer.sign, username, secrets.sign.public)
    secrets.identity = [*issuer.chain, cert]
    return make_slot(key_file, secrets, password, kdf, state=PENDING)


def activate(paths: DataPaths, unlocked: UnlockedAccount) -> UnlockedAccount:
    """First sign-in (or the first after a reset): a key pair only the holder has made.

    Whatever was sealed to the administrator-made pair is resealed to the new one."""
    old = unlocked.secrets
    key_file = keyfile.load(paths.keys)
    # A pending slot is an administrator's making, whatever it says about itself (whoever
    # knows its password can rewrite it): its holder is asked to choose their own.
    origin = old.origin if old.origin in ("created", "reset") else "created"
    fresh_secrets = with_new_keys(old, key_file.store_id, origin, kind="activated")
    fresh_secrets.old_box = []  # the administrator made that pair: nothing is sealed to it
    fresh = UnlockedAccount(unlocked.slot, fresh_secrets, unlocked.kek)
    holder: list[UnlockedAccount] = []

    def change(current: KeyFile) -> KeyFile:
        slot = current.account(old.username)
        if slot is None or slot.slot_id != unlocked.slot.slot_id or slot.state != PENDING:
            raise AuthenticationError("This account changed while signing in. Try again.")
        was = crypto.fingerprint(old.box.public)
        resealed = []
        for item in current.sealed:
            if item.to != was:
                continue
            keys = open_keys(current, item.compartment, item.epoch, [old.box.private])
            if keys is not None:
                resealed.append(seal_keys(current, keys, fresh_secrets.box.public))
        updated = current.without_sealed(to=was).with_sealed(*resealed)
        done = rewrap(updated, fresh, state=ACTIVE)
        holder.append(done)
        return updated.with_account(done.slot)

    keyfile.update(paths.keys, change)
    return holder[0]


@dataclass(frozen=True)
class OpenedKeys:
    current: CompartmentKeys
    next: CompartmentKeys | None


def compartment_keys(
    key_file: KeyFile, compartment: Compartment, privates: list[bytes]
) -> OpenedKeys | None:
    """The compartment's keys sealed to one of ``privates`` (current, and next in a rotation)."""
    epochs = key_file.epochs.get(compartment.value)
    if epochs is None:
        return None
    current = open_keys(key_file, compartment.value, epochs.current, privates)
    nxt = open_keys(key_file, compartment.value, epochs.next, privates) if epochs.next else None
    if current is None and nxt is None:
        return None
    if current is None:
        assert nxt is not None
        return OpenedKeys(nxt, None)  # sealed only the next epoch: fine once it is in place
    return OpenedKeys(current, nxt)


def open_file(
    paths: DataPaths,
    compartment: Compartment,
    opened: OpenedKeys,
    *,
    gate: Gate,
    attachments: tuple[Attachment, ...] = (),
) -> tuple[Store, CompartmentKeys]:
    """Open with the current key, else the next (a rotation stopped after its rekey)."""
    path = paths.database(compartment.value)
    if not path.exists() or path.stat().st_size == 0:
        raise StoreDamaged(
            f"The {compartment.label} file ({path.name}) is missing or empty in {paths.root}. "
            "Nothing has been changed. Restore the folder from a backup."
        )
    candidates = [opened.current] + ([opened.next] if opened.next else [])
    for keys in candidates:
        try:
            store = Store(path, keys.file_key, attachments=attachments, gate=gate)
        except StoreDamaged:
            continue
        return store, keys
    raise StoreDamaged(
        f"The {compartment.label} file ({path.name}) cannot be opened with its keys: it is "
        "damaged, or belongs to another safedesk. Nothing has been changed. Restore the "
        "folder from a backup."
    )


def migrate_file(store: Store, paths: DataPaths, compartment: Compartment) -> None:
    """Bring the file to the latest schema; notes on the Store that the program changed it,
    so the new schema's hash is recorded (``record_schema_if_changed``) as the program's own.

    A row's hash includes the schema version, so an upgrade would leave every row looking
    changed. The rows that match the ledger before the upgrade are noted and hashed again
    at the new version in the same event, with the rows the migrations wrote; a row changed
    behind the program's back before the upgrade is not, and `verify` still finds it. A
    schema changed behind its back (a dropped trigger) is not recorded as the program's own
    either."""
    conn = store.connection()
    start = migrate.current_version(conn)
    latest = migrate.latest_version(compartment.value)
    if _redo_unrecorded_upgrade(store, paths, start):
        conn = store.connection()
        start = migrate.current_version(conn)
    sound: list[tuple[str, list[object]]] = []
    schema_sound = True
    before: set[tuple[str, str]] = set()
    if 0 < start < latest:
        sound, schema_sound = _sound_before_upgrade(conn)
        before = set(ledger.current_rows(conn))
    migrate.migrate(conn, store.path, paths.migration_backups, compartment.value)
    if start < latest:
        # Rows the migrations themselves wrote (a new list's values, when a field became
        # required) are the program's own, like the rows that were sound before.
        added = [
            (table, json.loads(pk))
            for table, pk in ledger.current_rows(conn)
            if (table, pk) not in before
        ]
        store.schema_changed = schema_sound
        store.rows_to_rehash = sound
        store.rows_migrated = added


def _redo_unrecorded_upgrade(store: Store, paths: DataPaths, version: int) -> bool:
    """An upgrade that stopped between its migration and the event that hashes its rows
    again (a crash, a power cut) is done again from the copy set aside before it: otherwise
    every row would look changed behind the program's back for ever. Only when the copy holds
    exactly what the file held (no audit event written since), so nothing is lost; returns
    whether the file was put back."""
    if version == 0:
        return False  # a new file: nothing to redo
    conn = store.connection()
    try:
        recorded = _recorded_schema_version(conn)
    except (sqlcipher3.DatabaseError, ValueError):  # ValueError: an event's text unreadable
        return False  # a damaged file: its own checks say so, in the words they have
    if recorded is None or recorded >= version:
        return False
    aside = migrate.copy_aside_of(paths.migration_backups, store.path, recorded)
    if aside is None:
        return False
    try:
        newest = conn.execute("SELECT max(seq) FROM main.audit_log").fetchone()[0]
    except sqlcipher3.DatabaseError:
        return False
    try:
        copy = connect(aside, store.key)
    except StoreDamaged:
        return False  # another key (the file has been rekeyed since): not the same file
    try:
        copy_version = migrate.current_version(copy)
        copy_newest = copy.execute("SELECT max(seq) FROM main.audit_log").fetchone()[0]
    except sqlcipher3.DatabaseError:
        return False  # a damaged copy is never put back
    finally:
        copy.close()
    if copy_version != recorded or copy_newest != newest:
        return False
    store.put_back(aside)
    return True


def _recorded_schema_version(conn: Connection) -> int | None:
    """The schema version the program last recorded as its own in this file's audit log."""
    row = conn.execute(
        "SELECT detail FROM main.audit_log WHERE action IN ('schema.recorded', "
        "'schema.upgraded') ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    version = json.loads(row[0]).get("version")
    return version if isinstance(version, int) else None


def _sound_before_upgrade(conn: Connection) -> tuple[list[tuple[str, list[object]]], bool]:
    """The ledger rows that hash as the program last wrote them, and whether the schema is
    the one the program last recorded."""
    details = [json.loads(r[0]) for r in conn.execute("SELECT detail FROM main.audit_log")]
    expected, _names = ledger.replay(details)
    sound = [
        (table, json.loads(pk))
        for (table, pk), digest in ledger.current_rows(conn).items()
        if expected.get((table, pk)) == digest
    ]
    last = conn.execute(
        "SELECT detail FROM main.audit_log WHERE action = 'schema.recorded' "
        "ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    schema_sound = last is not None and json.loads(last[0]).get("hash") == evidence.schema_hash(
        conn
    )
    return sound, schema_sound


def school_attachment(school: Store) -> Attachment:
    return Attachment("school", school.path, school.fresh_key)


def seal_to_all(key_file: KeyFile, keys: CompartmentKeys, publics: list[bytes]) -> KeyFile:
    return key_file.with_sealed(*(seal_keys(key_file, keys, pub) for pub in publics))


def create_compartment(
    paths: DataPaths,
    compartment: Compartment,
    creator: UnlockedAccount,
    recovery_public: bytes | None,
    school: Store,
    at: datetime,
    prepare: Callable[[Store], None],
) -> tuple[Store, CompartmentKeys]:
    """A compartment's first keys, sealed to its creator (the head, or the chair of governors)
    and the recovery key (None for the allegations compartments, which it never opens); its
    file, members and key history; its public keys published in `school`."""
    path = paths.database(compartment.value)
    key_file = keyfile.load(paths.keys)
    if compartment.value in key_file.epochs:
        raise SafedeskError(f"The {compartment.label} already exist. Nothing has been changed.")
    if path.exists() and path.stat().st_size > 0:
        raise SafedeskError(
            f"{path.name} already exists in {paths.root} but no key opens it. Nothing has "
            "been changed."
        )
    keys = CompartmentKeys.generate(compartment.value, 1)
    link = key_chain.make_link(key_file.store_id, keys, None)

    def change(current: KeyFile) -> KeyFile:
        publics = [creator.secrets.box.public]
        if recovery_public is not None:
            publics.append(recovery_public)
        sealed = seal_to_all(current, keys, publics)
        return sealed.with_epochs(compartment.value, Epochs(1))

    keyfile.update(paths.keys, change)
    store = Store(path, keys.file_key, attachments=(school_attachment(school),), gate=school.gate)
    try:
        prepare(store)  # evidence from its very first commit
        migrate_file(store, paths, compartment)
        with store.write() as conn:
            key_chain.record_epoch(conn, keys, link, at, creator.secrets.username)
            members.put(
                conn,
                creator.secrets.username,
                creator.secrets.box.public,
                creator.secrets.sign.public,
                creator.secrets.username,
                at,
            )
            audit.append(
                conn,
                at=at,
                actor=creator.secrets.username,
                action="compartment.created",
                object_type="compartment",
                object_id=compartment.value,
            )
        with school.write() as conn:
            key_chain.publish(conn, link, at)
    except BaseException:
        store.close()
        raise
    creator.secrets.pins[compartment.value] = keys.pin
    return store, keys


class AccessEnded(PermissionDenied):
    """This account no longer holds the keys of a file it had open."""


def follow_rotation(
    paths: DataPaths, compartment: Compartment, account: UnlockedAccount
) -> CompartmentKeys:
    """After another session rotated ``compartment``: its keys as the key file now seals them
    to this account (current, or next while that rotation finishes), if they open the file."""
    key_file = keyfile.load(paths.keys)
    opened = compartment_keys(key_file, compartment, account.secrets.box_privates)
    if opened is not None:
        for keys in [opened.current] + ([opened.next] if opened.next else []):
            try:
                connect(paths.database(compartment.value), keys.file_key).close()
            except StoreDamaged:
                continue
            return keys
    raise AccessEnded(
        f"Your access to the {compartment.label} has ended, or your keys changed in another "
        "window. Sign in again."
    )


def follow(session: Session, compartment: Compartment, store: Store) -> None:
    """Let ``store`` follow key rotations made by other sessions (another window, the CLI)."""

    def refreshed() -> bytes:
        assert session.account is not None
        keys = follow_rotation(session.paths, compartment, session.account)
        session.keys[compartment] = keys
        return keys.file_key

    store.refresh_key = refreshed


def attach_evidence(session: Session, compartment: Compartment, store: Store) -> None:
    """Every commit of ``store`` keeps the ledger, and its head is signed by this account."""

    def signer() -> tuple[str, crypto.SignKeys, list[Cert]] | None:
        if session.account is None:
            return None
        secrets = session.account.secrets
        return session.user.username, secrets.sign, secrets.identity

    evidence.CommitHooks(
        session.store_id,
        compartment.value,
        signer,
        session.clock.now,
        None if compartment is Compartment.SCHOOL else session.store,
        signed=session.remember_head,
    ).attach(store)


def open_for_session(session: Session, compartment: Compartment, store: Store) -> None:
    """What a session does with each file it opens: follow rotations, keep evidence."""
    follow(session, compartment, store)
    attach_evidence(session, compartment, store)
    record_schema_if_changed(session, store)


def record_schema_if_changed(session: Session, store: Store) -> None:
    """The schema's hash, recorded when this program has just made or changed it (only then:
    a trigger dropped behind its back must not be recorded as if it were the program's), with
    the rows that were sound before an upgrade hashed again at the new version."""
    if store.schema_changed or store.rows_to_rehash or store.rows_migrated:
        with store.write() as conn:
            for table, pk in store.rows_to_rehash:
                ledger.touched(conn, table, pk, ledger.UPDATE)
            for table, pk in store.rows_migrated:
                ledger.touched(conn, table, pk)
            session.audit(
                conn,
                "schema.recorded" if store.schema_changed else "schema.upgraded",
                detail={
                    "hash": evidence.schema_hash(conn),
                    "version": migrate.current_version(conn),
                },
            )
        store.schema_changed = False
        store.rows_to_rehash = []
        store.rows_migrated = []
