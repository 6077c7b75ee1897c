"""Encrypted backups (consistent while the app is open) and checked restores.

A backup holds every compartment file, still encrypted, and the key file. The files the
person making it can open are copied page by page (SQLite's backup API); the others are
copied as they are. It is recorded in the audit log only once its file is in place.

A restore is allowed by the live store (an active administrator there), keeps its disabled
accounts disabled, holds every writer off while it runs (the writers' lock, exclusively),
swaps the files with a journal that a crash rolls forward or back (``store/restore_journal``),
and is followed by a key rotation (asked for in the restored store before the swap, so a
restore finished after a crash still gets one).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from safedesk import __version__
from safedesk.domain import backup_rotation
from safedesk.domain.backup_rotation import Policy
from safedesk.domain.clock import Clock, SystemClock, from_stored, to_stored
from safedesk.domain.compartments import (
    READING,
    RESTRICTED,
    Compartment,
    compartments_for,
    is_reading_role,
)
from safedesk.domain.errors import PermissionDenied, SafedeskError
from safedesk.domain.local_time import to_local
from safedesk.domain.roles import Permission, Role
from safedesk.paths import DataPaths
from safedesk.services import backup_status, cleanup, rotation, signin
from safedesk.services import keys as key_ops
from safedesk.services.integrity import check_database
from safedesk.services.session import Session
from safedesk.services.settings import backup_folder, backup_policy
from safedesk.store import (
    access,
    audit,
    backup_file,
    crypto,
    evidence,
    keyfile,
    kill_points,
    migrate,
    restore_journal,
    school,
    sealed,
    users,
    writer_lock,
)
from safedesk.store import pupils as pupils_store
from safedesk.store.backup_file import Manifest
from safedesk.store.crypto import KdfParams
from safedesk.store.db import Connection, Gate, Store, StoreDamaged, StoreError, connect
from safedesk.store.key_material import UnlockedAccount, open_slot
from safedesk.store.keyfile import DISABLED, AccountSlot, KeyFile, fsync_dir

PREFIX = cleanup.BACKUP_PREFIX
RESTORED = "restored from a backup"
RESTORER = "@restore"  # who asks for the rotations that follow a restore
# Every file, the allegations files too (copied as they are by anyone but their member).
ORDER = (Compartment.SCHOOL, *READING, *RESTRICTED)


@dataclass(frozen=True)
class RestoreResult:
    head: audit.AuditHead  # the school file's, after the restore was recorded
    set_aside: Path | None
    rotated: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()  # rotations a member does at their next sign-in
    not_in_backup: tuple[str, ...] = ()  # references handed out since the backup was made


class BackupNotVerified(StoreError):
    """A backup was written but did not read back whole: it is removed and not counted."""


def create_backup(session: Session, folder: Path | None = None, *, automatic: bool = False) -> Path:
    """Write one timestamped backup file, read it back and check it, and return its path;
    then lets old ones go (grandfather-father-son, ``domain.backup_rotation``).

    ``automatic`` backups (daily, at sign-out and on exit) run for whoever is signed in:
    keeping the school's records safe is not a privilege, choosing where they go is.
    Without ``folder``, backups go to the school's chosen folder: made there if it is missing
    but the place it would be made in is there, refused when that is gone too (a USB disk
    that is not plugged in), so a backup never lands on the PC's own disk by mistake.
    """
    if not automatic:
        session.require(Permission.BACKUP, "make backups")
    chosen = folder is None
    folder = folder or backup_folder(session)
    _prepare(folder, may_create=not chosen or folder.parent.is_dir())
    writers = writer_lock.for_folder(session.paths.root)
    with writers.try_exclusive() as alone:
        if alone:  # no backup of this store is being written anywhere: none of these is live
            cleanup.remove_backup_leftovers(folder)
    target = _unused_name(folder, session.clock.now())
    parts = cleanup.parts_path(target)
    partial_zip = cleanup.partial_path(target)
    # Shared for the whole backup: no restore or change of keys runs while it is made, and
    # the clean-up above (which needs it alone) never removes a backup being written.
    with session.gate.shared(), writers.shared():
        try:
            parts.mkdir(mode=0o700, exist_ok=True)
            files, manifest = _snapshot(session, parts)
            kill_points.reached("backup.copied")
            backup_file.write(partial_zip, files, manifest)
            with open(partial_zip, "rb+") as handle:
                os.fsync(handle.fileno())
            kill_points.reached("backup.written")
            problem = _read_back(session, partial_zip, manifest, parts / "read-back")
            if problem is None:
                os.replace(partial_zip, target)
                fsync_dir(folder)
        except OSError as exc:
            raise StoreError(
                f"The backup could not be written to {folder} ({exc.strerror or exc}). "
                "Check there is space and the folder can be written to; nothing else changed."
            ) from None
        finally:
            shutil.rmtree(parts, ignore_errors=True)
            with contextlib.suppress(OSError):
                partial_zip.unlink(missing_ok=True)
        if problem is not None:
            with session.store.write() as conn:
                session.audit(
                    conn,
                    backup_status.FAILED,
                    detail={"folder": str(folder), "automatic": automatic, "why": problem},
                )
            raise BackupNotVerified(
                f"A backup was written to {folder}, but reading it back found that {problem}, "
                "so it was removed and does not count. Your earlier backups are untouched. "
                "Try again; if it happens again, the backup disk may be failing: use another "
                "one, or choose another folder on the Admin page."
            )
        # Only now: the audit log never records a backup that was not written and checked.
        # Its size lets the status see a backup removed or replaced since.
        with session.store.write() as conn:
            session.audit(
                conn,
                backup_status.CREATED,
                detail={
                    "file": target.name,
                    "automatic": automatic,
                    "folder": str(folder),
                    "verified": True,
                    "size": target.stat().st_size,
                },
            )
    _rotate(folder, backup_policy(session), _recorded_names(session), keep=target)
    return target


def _recorded_names(session: Session) -> set[str]:
    """The backups this school's audit log records as written and checked: the only ones
    rotation may remove (a name alone proves nothing; anyone can name a file)."""
    return {b.file for b in backup_status.recorded_backups(session, limit=_ROTATION_LOOK_BACK)}


# Far more than any policy keeps (7 + 4 + 12), with every sign-out's backup in between.
_ROTATION_LOOK_BACK = 5000


def _prepare(folder: Path, *, may_create: bool) -> None:
    if not folder.is_dir() and not may_create:
        raise StoreError(
            f"The backup folder {folder} cannot be found, so nothing was backed up: the backup "
            "disk may be unplugged, or the network drive not connected. Plug the backup disk "
            "back in, or choose another folder on the Admin page."
        )
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"safedesk cannot create the backup folder {folder}: {exc.strerror}."
        ) from None


def _file_words(compartment: Compartment) -> str:
    return "the school file" if compartment is Compartment.SCHOOL else f"the {compartment.label}"


def _read_back(session: Session, path: Path, manifest: Manifest, into: Path) -> str | None:
    """Re-open the written file and check it as a restore would before trusting it: the
    manifest and its seal, every file's digest, and each file this account opens (its pages,
    their encryption, the audit head it had). Returns what is wrong, in plain words."""
    try:
        written = backup_file.read_manifest(path)
    except StoreDamaged:
        return "it is not readable as a safedesk backup"
    if written != manifest or not written.seal_ok(session.store.key):
        return "its list of contents is not the one that was written"
    into.mkdir(mode=0o700)
    try:
        backup_file.extract(path, into)
    except StoreDamaged:
        return "its contents are not what was written"
    opened = {Compartment.SCHOOL: session.store} | dict(session.compartments)
    for compartment, store in opened.items():
        expected = manifest.head(compartment.value)
        if expected is None:
            continue
        try:
            conn = connect(into / session.paths.database(compartment.value).name, store.key)
        except StoreError:
            return f"{_file_words(compartment)} in it does not open"
        try:
            problems = check_database(conn)
            found = audit.head(conn)
        except StoreError:
            return f"{_file_words(compartment)} in it cannot be read"
        finally:
            conn.close()
        if problems:
            return f"{_file_words(compartment)} in it is damaged"
        if found != expected:
            return f"{_file_words(compartment)} in it is not the one copied"
    return None


def backup_if_due(session: Session) -> Path | None:
    """The daily automatic backup: made unless one made today (local date) and recorded as
    checked is still in the backup folder. A file merely named like one does not count."""
    folder = backup_folder(session)
    today = to_local(session.clock.now()).date()
    for made in backup_status.recorded_backups(session, limit=50):
        if to_local(made.at).date() != today:
            break
        path = made.path
        if path is not None and path.parent == folder and path.is_file() and not made.gone():
            return None
    return create_backup(session, automatic=True)


def _unused_name(folder: Path, now: datetime) -> Path:
    # Fixed-width local time to the millisecond: names sort in the order they were made.
    local = to_local(now)
    stamp = local.strftime("%Y%m%d-%H%M%S-") + f"{local.microsecond // 1000:03d}"
    candidate = folder / f"{PREFIX}{stamp}{backup_file.SUFFIX}"
    counter = 1
    while candidate.exists():
        candidate = folder / f"{PREFIX}{stamp}{counter:03d}{backup_file.SUFFIX}"
        counter += 1
    return candidate


def _snapshot(session: Session, parts: Path) -> tuple[dict[str, Path], Manifest]:
    """Every compartment file and the key file, as one consistent set (no key rotation can
    run meanwhile: it needs the gate this holds)."""
    files: dict[str, Path] = {}
    heads: dict[str, list[object]] = {}
    schema: dict[str, int] = {}
    opened = {Compartment.SCHOOL: session.store} | dict(session.compartments)
    with session.gate.shared():
        for compartment in ORDER:
            name = session.paths.database(compartment.value).name
            store = opened.get(compartment)
            if store is not None:
                head, version = _copy_open(store, parts / name)
                heads[compartment.value] = [head.seq, head.hash]
                schema[compartment.value] = version
                files[name] = parts / name
            else:
                files.update(_copy_closed(session.paths, compartment, parts))
        with keyfile.locked(session.paths.keys):
            shutil.copyfile(session.paths.keys, parts / backup_file.KEYS_NAME)
        files[backup_file.KEYS_NAME] = parts / backup_file.KEYS_NAME
        school_key = session.store.key
    manifest = Manifest(
        store_id=session.store_id,
        created_at=to_stored(session.clock.now()),
        app_version=__version__,
        files={name: backup_file.sha256_file(path) for name, path in files.items()},
        heads=heads,
        schema=schema,
    )
    return files, manifest.sealed(school_key)


def _copy_open(store: Store, target: Path) -> tuple[audit.AuditHead, int]:
    """Copy the live file page by page (SQLite's backup API), still encrypted."""
    copy = connect(target, store.key)
    try:
        with store.read() as source:
            source.backup(copy)
        copy.execute("PRAGMA main.wal_checkpoint(TRUNCATE)").fetchone()
        copy.execute("PRAGMA journal_mode = DELETE").fetchone()
        return audit.head(copy), migrate.current_version(copy)
    finally:
        copy.close()


def _copy_closed(paths: DataPaths, compartment: Compartment, parts: Path) -> dict[str, Path]:
    """A file this account cannot open: copied as it is, with its WAL."""
    found: dict[str, Path] = {}
    source = paths.database(compartment.value)
    for item in (source, Path(f"{source}-wal")):
        if item.exists():
            shutil.copyfile(item, parts / item.name)
            found[item.name] = parts / item.name
    return found


def _rotate(folder: Path, policy: Policy, recorded: set[str], *, keep: Path) -> list[Path]:
    """Remove the backups the policy lets go. Only backups this school's audit log records as
    made and checked are considered: not a file another program put there, not another
    school's backups in a shared folder, not a file planted with a backup's name (a planted
    name dated in the future would otherwise push the real backups out). The backup just
    made is never removed."""
    ours: dict[str, Path] = {}
    for path in folder.glob(f"{PREFIX}*{backup_file.SUFFIX}"):
        if path.name not in recorded or backup_rotation.made_at(path.name) is None:
            continue
        if not path.is_file() or path.is_symlink():
            continue
        ours[path.name] = path
    removed: list[Path] = []
    for name in backup_rotation.to_remove(ours, policy):
        if name == keep.name:
            continue
        with contextlib.suppress(OSError):
            ours[name].unlink()
            removed.append(ours[name])
    return removed


# --- restore ------------------------------------------------------------------------------


def restore_backup(
    paths: DataPaths,
    source: Path,
    username: str,
    password: str,
    *,
    backup_password: str | None = None,
    clock: Clock | None = None,
    kdf: KdfParams | None = None,
) -> RestoreResult:
    """Replace the store with a backup, only after the backup opens and verifies.

    Who may restore is asked of the live store when there is one (an active administrator
    there; ``password`` is theirs there, ``backup_password`` theirs in the backup if it has
    changed since). The caller holds the instance lock. Every writer, in any process, is
    held off from the first look at the live store until the files are swapped. The store
    it replaces is moved aside into ``replaced/``, never deleted. A backup of a different
    school is refused.
    """
    clock = clock or SystemClock()
    if not source.is_file():
        raise SafedeskError(f"There is no backup file at {source}.")
    paths.root.mkdir(parents=True, exist_ok=True)
    if restore_journal.exists(paths.root):
        raise SafedeskError(
            "An earlier restore in this data folder was interrupted and has not been finished "
            "or undone yet. Start safedesk (or any safedesk-admin command) once to do that, "
            "then restore again. Nothing has been changed."
        )
    with writer_lock.for_folder(paths.root).exclusive("restore the backup"):
        live_store_id, live = _allowed_by_live_store(paths, username, password, clock)
        staging = paths.root / f"{cleanup.STAGING_PREFIX}{secrets.token_hex(4)}"
        staging.mkdir(mode=0o700)
        try:
            manifest = backup_file.extract(source, staging)
            if live_store_id is not None and live_store_id != manifest.store_id:
                raise SafedeskError(
                    "This backup belongs to a different school's safedesk, not the one in "
                    f"{paths.root}. Nothing has been changed. To look at it, restore it into "
                    "an empty folder with --data-dir."
                )
            _require_every_live_file(paths, DataPaths(staging), source)
            superseded = _later_heads(paths, manifest)
            not_in_backup = _check_staged(
                DataPaths(staging),
                manifest,
                source,
                username,
                backup_password or password,
                live,
                superseded,
                clock,
                must_be_admin=live_store_id is None,
            )
            kill_points.reached("restore.checked")
            set_aside = _swap_in(paths, staging, manifest, clock)
            kill_points.reached("restore.swap_done")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    done = _rotate_after_restore(paths, username, backup_password or password, set_aside, clock)
    return replace(done, not_in_backup=tuple(not_in_backup))


def _require_every_live_file(live: DataPaths, staged: DataPaths, source: Path) -> None:
    """A backup missing a file the school has now would lose those records at a restore."""
    for compartment in ORDER:
        if (
            live.database(compartment.value).exists()
            and not staged.database(compartment.value).is_file()
        ):
            raise StoreDamaged(
                f"{source.name} has no copy of {_file_words(compartment)}, which this school "
                "has now: restoring it would lose those records. Nothing has been changed; "
                "choose another backup."
            )


# --- looking inside a backup, and a trial restore ------------------------------------------

# Audit events that change nothing a restore would put back: not "changes" to the records.
_NOT_CHANGES = (
    "signin",
    "signin.failed",
    "signout",
    "backup.created",
    "backup.failed",
    "backup.restore_started",
    "backup.tested",
    "store.verified",
    "permission.refused",
    "search.performed",
    "record.viewed",
    "case.viewed",
)


@dataclass(frozen=True)
class BackupInfo:
    """What a backup says of itself, read without a password."""

    path: Path
    made_at: datetime
    app_version: str
    this_school: bool


@dataclass(frozen=True)
class TrialRestore:
    """A backup checked as a restore would check it, in a folder that was then removed."""

    path: Path
    made_at: datetime
    pupils: int
    accounts: int
    records: dict[str, int]  # file label -> records in it (files this account opens)
    not_opened: tuple[str, ...]  # labels of files checked by their digest only


def newest_backup(folder: Path, recorded: set[str] | None = None) -> Path | None:
    """The newest backup in ``folder`` by the time in its name (None: none there); with
    ``recorded``, only among those names (the backups the audit log records as checked)."""
    if not folder.is_dir():
        return None
    dated = [
        (at, p.name, p)
        for p in folder.glob(f"{PREFIX}*{backup_file.SUFFIX}")
        if (at := backup_rotation.made_at(p.name)) is not None
        and p.is_file()
        and (recorded is None or p.name in recorded)
    ]
    return max(dated)[2] if dated else None


def newest_recorded_backup(session: Session, folder: Path) -> Path | None:
    """The newest backup in ``folder`` that this school's audit log records as checked."""
    return newest_backup(folder, _recorded_names(session))


def inspect_backup(session: Session, source: Path) -> BackupInfo:
    """Read a backup's list of contents and check every file in it against its digest."""
    if not source.is_file():
        raise SafedeskError(f"There is no backup file at {source}.")
    manifest = backup_file.read_manifest(source)
    try:
        with zipfile.ZipFile(source) as archive:
            for name, digest in manifest.files.items():
                hashed = hashlib.sha256()
                with archive.open(name) as member:
                    for block in iter(lambda: member.read(1 << 20), b""):
                        hashed.update(block)
                if hashed.hexdigest() != digest:
                    raise StoreDamaged(
                        f"{source.name} is damaged: its contents do not match what was written. "
                        "Nothing has been changed; try an older backup."
                    )
    except (zipfile.BadZipFile, KeyError, OSError):
        raise StoreDamaged(
            f"{source.name} is not a safedesk backup, or it is damaged. Nothing has been changed."
        ) from None
    return BackupInfo(
        source,
        from_stored(manifest.created_at),
        manifest.app_version,
        manifest.store_id == session.store_id,
    )


def last_changed(session: Session) -> datetime | None:
    """When the records this account can open were last changed (what a restore replaces)."""
    newest: datetime | None = None
    marks = ",".join("?" for _ in _NOT_CHANGES)
    for store in session.all_stores():
        with store.read() as conn:
            row = conn.execute(
                f"SELECT at FROM audit_log WHERE action NOT IN ({marks}) ORDER BY seq DESC LIMIT 1",
                _NOT_CHANGES,
            ).fetchone()
        if row is not None:
            at = from_stored(str(row[0]))
            newest = at if newest is None or at > newest else newest
    return newest


def trial_restore(
    session: Session, source: Path, password: str, *, check_only: bool = False
) -> TrialRestore:
    """Unpack a backup into a temporary folder and check it fully, as a restore would (the
    signed-in administrator's password in the backup opens it), then say what it holds.
    Nothing live is touched; the temporary folder is removed. ``check_only``: the check a
    restore from the app makes first (not audited as a trial)."""
    session.require(Permission.RESTORE, "test a restore")
    if not source.is_file():
        raise SafedeskError(f"There is no backup file at {source}.")
    staging = Path(tempfile.mkdtemp(prefix=cleanup.STAGING_PREFIX, dir=session.paths.root))
    try:
        manifest = backup_file.extract(source, staging)
        if manifest.store_id != session.store_id:
            raise SafedeskError(
                f"{source.name} is a backup of a different school's safedesk, not this one. "
                "Nothing has been changed."
            )
        _require_every_live_file(session.paths, DataPaths(staging), source)
        opened = _open_checked(
            DataPaths(staging), manifest, source, session.user.username, password
        )
        try:
            _require_restorer(
                opened.stores[Compartment.SCHOOL], session.user.username, must_be_admin=False
            )
            with opened.stores[Compartment.SCHOOL].read() as conn:
                pupil_count = pupils_store.count(conn)
                accounts = len(users.all_users(conn))
            counts: dict[str, int] = {}
            for compartment in READING:
                store = opened.stores.get(compartment)
                if store is None:
                    continue
                with store.read() as conn:
                    counts[compartment.label] = int(
                        conn.execute("SELECT count(*) FROM entry").fetchone()[0]
                    )
            not_opened = tuple(c.label for c in READING if c not in opened.stores)
        finally:
            opened.close()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not check_only:
        with session.store.write() as conn:
            session.audit(conn, "backup.tested", detail={"file": source.name})
    made = from_stored(manifest.created_at)
    return TrialRestore(source, made, pupil_count, accounts, counts, not_opened)


@dataclass(frozen=True)
class LiveAccess:
    """What the live store says of each account: a restore never gives back more."""

    disabled: frozenset[str] = frozenset()
    reading_roles: dict[str, frozenset[Role]] | None = None  # None: no live store
    # Numbers handed out in the live store: never handed out again after the restore, so a
    # reference on a paper note or an email never names two records.
    references: dict[tuple[str, int], int] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)


def _allowed_by_live_store(
    paths: DataPaths, username: str, password: str, clock: Clock
) -> tuple[str | None, LiveAccess]:
    """(the live store's id, its accounts' access), once it agrees this user may restore."""
    leftovers = [p.name for p in paths.data_files() if p.suffix == ".db"]
    if not paths.keys.exists():
        if leftovers:
            # Not a new PC: a store whose key file is gone. Asking only the backup who may
            # restore would let back in someone the live store had shut out.
            raise SafedeskError(
                f"{paths.root} holds safedesk files ({', '.join(sorted(leftovers))}) but no key "
                "file (keys.json), so it cannot say who may restore. Nothing has been changed. "
                "Put keys.json back, or restore into an empty folder with --data-dir."
            )
        return None, LiveAccess()
    session = signin.sign_in(paths, username, password, clock=clock)
    try:
        if not session.user.can(Permission.RESTORE):
            session.refuse("restore backups", permission=Permission.RESTORE.value)
        from safedesk.services.integrity import school_file_problems

        # Which accounts stay disabled and which roles stay removed is read from this file:
        # rewritten behind the program's back, it would hand access back through the restore.
        problems = school_file_problems(session)
        if not problems:
            _require_own_keys(session)
        if problems:
            raise SafedeskError(
                "The school file in this data folder has been changed outside safedesk "
                f"({problems[0]}), so it cannot say which accounts must stay disabled after a "
                "restore. Nothing has been changed. Restore into a new, empty folder instead "
                "(--data-dir), check the accounts there, and tell the headteacher."
            )
        with session.store.read() as conn:
            found = users.all_users(conn)
            store_id = school.get(conn).store_id
            references = access.ref_counters(conn)
            sequences = sealed.all_sequences(conn)
        with session.store.write() as conn:
            session.audit(conn, "backup.restore_started")
    finally:
        session.lock()
    return store_id, LiveAccess(
        frozenset(u.username for u in found if not u.active),
        {u.username: frozenset(r for r in u.roles if is_reading_role(r)) for u in found},
        references,
        sequences,
    )


def _require_own_keys(session: Session) -> None:
    """The restorer's signing key must follow from the keys that signed as them before in this
    store: a key slot planted in `keys.json` under their name (by anyone who can write the
    folder) opens, but its keys come from nowhere."""
    from safedesk.services.evidence_check import RECOVERY_SIGNER
    from safedesk.store import evidence, identity

    assert session.account is not None
    secrets = session.account.secrets
    signers: dict[str, set[bytes]] = {}
    with session.store.read() as conn:
        for head in evidence.signed_heads(conn, evidence.SCHOOL):
            if head.valid(session.store_id):
                signers.setdefault(head.signer, set()).add(head.sign_public)
    name = session.user.username
    earlier = signers.get(name, set()) - {secrets.sign.public}
    # Only an administrator (the school file has passed its evidence check) or the recovery
    # key vouches for keys it made: any account's key signs heads, and could vouch for a slot
    # planted under an administrator's name.
    with session.store.read() as conn:
        admins = {u.username for u in users.all_users(conn) if Role.ADMIN in u.roles}
    vouchers = {k: v for k, v in signers.items() if k in admins or k == RECOVERY_SIGNER}
    if not identity.follows_from(
        session.store_id, secrets.identity, name, secrets.sign.public, earlier, vouchers
    ):
        raise PermissionDenied(
            f"The keys in {name}'s key slot are not the ones that signed {name}'s earlier work "
            "in this store, so the key file may have been tampered with. Nothing has been "
            "changed. Run 'safedesk-admin verify' and tell the headteacher."
        )


@dataclass
class _OpenedBackup:
    account: UnlockedAccount
    key_file: KeyFile
    stores: dict[Compartment, Store]

    def close(self) -> None:
        for store in self.stores.values():
            store.close()
        self.account.wipe()


def _open_checked(
    staged: DataPaths, manifest: Manifest, source: Path, username: str, password: str
) -> _OpenedBackup:
    """Open a staged backup with the account's password in it, and check every file it opens:
    the manifest's seal, the pages and their encryption, the audit chain and its head. The
    caller closes what is returned."""
    key_file = keyfile.load(staged.keys)
    if key_file.store_id != manifest.store_id:
        raise StoreDamaged(f"{source.name} is damaged: its key file does not match it.")
    account = open_slot(key_file, key_file.account(username), password)
    privates = account.secrets.box_privates
    gate = Gate()
    stores: dict[Compartment, Store] = {}
    result = _OpenedBackup(account, key_file, stores)
    try:
        opened = key_ops.compartment_keys(key_file, Compartment.SCHOOL, privates)
        if opened is None:
            raise PermissionDenied("Your account cannot open this backup.")
        school_store, school_keys = key_ops.open_file(staged, Compartment.SCHOOL, opened, gate=gate)
        stores[Compartment.SCHOOL] = school_store
        if not manifest.seal_ok(school_keys.file_key):
            raise StoreDamaged(
                f"{source.name} has been altered since it was made. Nothing has been changed."
            )
        for compartment in READING:
            found = key_ops.compartment_keys(key_file, compartment, privates)
            if found is None:
                continue
            store, _keys = key_ops.open_file(
                staged,
                compartment,
                found,
                gate=gate,
                attachments=(key_ops.school_attachment(school_store),),
            )
            stores[compartment] = store
        for compartment, store in stores.items():
            with store.read() as conn:
                problems = check_database(conn)
                chain = audit.walk_chain(conn)
            if problems or not chain.ok:
                detail = (problems or [chain.problem or "the audit chain is broken"])[0]
                raise StoreDamaged(
                    f"{source.name} does not verify ({compartment.value}: {detail}). Nothing "
                    "has been changed; try an older backup."
                )
            expected = manifest.head(compartment.value)
            if expected is not None and chain.head != expected:
                raise StoreDamaged(f"{source.name} does not match its manifest. Nothing changed.")
    except BaseException:
        result.close()
        raise
    return result


def _require_restorer(school_store: Store, username: str, *, must_be_admin: bool) -> None:
    with school_store.read() as conn:
        user = users.by_username(conn, keyfile.normalise_username(username))
    if user is None or not user.active or not user.can(Permission.RESTORE):
        # Also with a live store: what the restore writes into the backup's files is
        # signed by the restorer, and `verify` accepts changes to accounts only from
        # someone who then held a role that may make them.
        raise PermissionDenied(
            "Only an administrator of this school's safedesk can restore its backups"
            + (
                "."
                if must_be_admin
                else ", and your account was not one when this backup "
                "was made. Ask an administrator of that time to restore it."
            )
        )


def _check_staged(
    staged: DataPaths,
    manifest: Manifest,
    source: Path,
    username: str,
    password: str,
    live: LiveAccess,
    superseded: dict[str, list[list[object]]],
    clock: Clock,
    *,
    must_be_admin: bool,
) -> list[str]:
    """Check the backup opens and verifies, and make it ready to go in; returns the
    references handed out since the backup whose records it does not hold."""
    opened = _open_checked(staged, manifest, source, username, password)
    account, stores = opened.account, opened.stores
    school_store = stores[Compartment.SCHOOL]
    try:
        _require_restorer(school_store, username, must_be_admin=must_be_admin)
        actor = keyfile.normalise_username(username)
        # What the restore writes in the store it puts back is signed by the restorer, as
        # every session's commits are (store/evidence.py).
        secrets = account.secrets
        evidence.CommitHooks(
            manifest.store_id,
            Compartment.SCHOOL.value,
            lambda: (actor, secrets.sign, secrets.identity),
            clock.now,
        ).attach(school_store)
        _keep_live_access(staged, school_store, live, clock)
        with school_store.write() as conn:
            rolled_back = _carry_numbers_over(conn, live)
            audit.append(
                conn,
                at=clock.now(),
                actor=actor,
                action="backup.restored",
                detail={
                    "file": source.name,
                    "backup_heads": manifest.heads,
                    "superseded": superseded,
                    "not_in_backup": rolled_back,
                },
            )
            # New keys for every file follow the restore; asked for here, before the swap,
            # so that a restore a crash left to be finished at the next start gets them too
            # (a member's next sign-in). The restorer does them at once where it can.
            for compartment in ORDER:
                epochs = opened.key_file.epochs
                if compartment is Compartment.SCHOOL or compartment.value in epochs:
                    access.ask_rotation(
                        conn, compartment.value, RESTORER, RESTORED, actor, clock.now()
                    )
        school_store.checkpoint()
    finally:
        opened.close()
    return rolled_back


def _carry_numbers_over(conn: Connection, live: LiveAccess) -> list[str]:
    """References and authors' sequence numbers the live store handed out since the backup
    are not handed out again (two records would share one). Returns the references whose
    records the backup does not hold, per file and year ("safeguarding 2026: 0005–0006")."""
    missing: list[str] = []
    had = access.ref_counters(conn)
    for (compartment, year), last in sorted(live.references.items()):
        before = had.get((compartment, year), 0)
        if last > before:
            numbers = f"{last:04d}" if last == before + 1 else f"{before + 1:04d}–{last:04d}"
            missing.append(f"{compartment} {year}: {numbers}")
            access.raise_ref_counter(conn, compartment, year, last)
    for owner, last in sorted(live.sequences.items()):
        sealed.raise_sequence(conn, owner, last)
    return missing


def _keep_live_access(
    staged: DataPaths, school_store: Store, live: LiveAccess, clock: Clock
) -> None:
    """Accounts disabled in the live store stay disabled in what is put back, and reading
    roles removed there since the backup stay removed (the keys follow at the rotation)."""
    with school_store.read() as conn:
        found = users.all_users(conn)
    to_disable = [u for u in found if u.active and u.username in live.disabled]
    now = clock.now()
    if to_disable:

        def change(current: KeyFile) -> KeyFile:
            for user in to_disable:
                slot = current.account(user.username)
                if slot is None:
                    continue
                if slot.box_public:
                    current = current.without_sealed(to=crypto.fingerprint(slot.box_public))
                current = current.with_account(
                    AccountSlot(slot.slot_id, DISABLED, KdfParams(), b"", b"", b"", b"")
                )
            return current

        keyfile.update(staged.keys, change)
    why = "no longer held in the store a restore replaced"
    with school_store.write() as conn:
        for user in to_disable:
            users.set_active(conn, user.id, False)
            audit.append(
                conn,
                at=now,
                actor=None,
                action="user.disabled",
                object_type="user",
                object_id=user.username,
                detail={"why": "disabled in the store a restore replaced"},
            )
            for compartment in compartments_for(user.roles):
                access.ask_rotation(conn, compartment.value, user.username, why, "restore", now)
        if live.reading_roles is None:
            return
        for user in found:
            if user in to_disable:
                continue
            lost = {
                r
                for r in user.roles
                if is_reading_role(r) and r not in live.reading_roles.get(user.username, set())
            }
            for role in sorted(lost):
                access.remove_role(conn, user.id, role)
                audit.append(
                    conn,
                    at=now,
                    actor=None,
                    action="role.removed",
                    object_type="user",
                    object_id=user.username,
                    detail={"role": role.value, "why": why},
                )
            remaining = user.roles - lost
            for compartment in compartments_for(user.roles) - compartments_for(remaining):
                access.ask_rotation(conn, compartment.value, user.username, why, "restore", now)


def _later_heads(paths: DataPaths, manifest: Manifest) -> dict[str, list[list[object]]]:
    """Heads of visible backups that restoring this one knowingly rolls back."""
    later: dict[str, list[list[object]]] = {}
    for path in backup_file.find_backups([paths.backups]):
        with contextlib.suppress(StoreDamaged):
            other = backup_file.read_manifest(path)
            if other.store_id != manifest.store_id:
                continue
            for compartment, head in other.heads.items():
                mine = manifest.head(compartment)
                if mine is None or int(head[0]) > mine.seq:
                    later.setdefault(compartment, []).append([int(head[0]), str(head[1])])
    return later


def _swap_in(paths: DataPaths, staging: Path, manifest: Manifest, clock: Clock) -> Path | None:
    """The live files into ``replaced/``, the staged ones into their place, with a journal
    (``store/restore_journal``): a crash anywhere in it is rolled forward or back."""
    # A file the check opened may have folded its WAL in: then there is none to move.
    names = [name for name in manifest.files if (staging / name).exists()]
    for name in manifest.files:
        if name not in names and not name.endswith("-wal"):
            raise StoreDamaged(f"{name} went missing while the backup was being put back.")
    aside = paths.replaced / clock.now().astimezone().strftime("%Y%m%d-%H%M%S-%f")
    return restore_journal.swap(paths.root, staging, names, aside)


def _rotate_after_restore(
    paths: DataPaths, username: str, password: str, set_aside: Path | None, clock: Clock
) -> RestoreResult:
    """Every restore is followed by a rotation: what the restorer is a member of now, the
    rest at a member's next sign-in."""
    session = signin.sign_in(paths, username, password, clock=clock)
    try:
        why = RESTORED
        rotation.rotate(session, Compartment.SCHOOL, reason=why)
        rotated = [Compartment.SCHOOL.value]
        pending = []
        for compartment in (*READING, *RESTRICTED):
            if session.member_of(compartment):
                rotation.rotate(session, compartment, reason=why)
                rotated.append(compartment.value)
            elif compartment.value in keyfile.load(paths.keys).epochs:
                with session.store.write() as conn:
                    access.ask_rotation(
                        conn,
                        compartment.value,
                        RESTORER,
                        why,
                        session.user.username,
                        clock.now(),
                    )
                pending.append(compartment.value)
        with session.store.read() as conn:
            head = audit.head(conn)
    finally:
        session.lock()
    return RestoreResult(head, set_aside, tuple(rotated), tuple(pending))


__all__ = [
    "BackupInfo",
    "BackupNotVerified",
    "RestoreResult",
    "TrialRestore",
    "backup_if_due",
    "create_backup",
    "inspect_backup",
    "last_changed",
    "newest_backup",
    "newest_recorded_backup",
    "restore_backup",
    "trial_restore",
]
