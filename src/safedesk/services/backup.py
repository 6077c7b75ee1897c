"""Encrypted backups (consistent while the app is open) and checked restores."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from safedesk import __version__
from safedesk.domain.clock import Clock, SystemClock, to_stored
from safedesk.domain.errors import PermissionDenied, SafedeskError
from safedesk.domain.roles import Permission
from safedesk.paths import DataPaths
from safedesk.services.integrity import check_database
from safedesk.services.session import Session
from safedesk.services.settings import backup_folder, get_settings
from safedesk.store import audit, backup_file, keyring, migrate, users
from safedesk.store.backup_file import Manifest
from safedesk.store.db import Store, StoreDamaged, StoreError, connect
from safedesk.store.keyring import fsync_dir

PREFIX = "safedesk-backup-"


@dataclass(frozen=True)
class RestoreResult:
    head: audit.AuditHead
    set_aside: Path | None


def create_backup(session: Session, folder: Path | None = None, *, automatic: bool = False) -> Path:
    """Write one timestamped backup file and return its path; rotates old ones.

    ``automatic`` backups (daily, and on exit) run for whoever is signed in: keeping
    the school's records safe is not a privilege, choosing where they go is.
    """
    if not automatic:
        session.require(Permission.BACKUP, "make backups")
    folder = folder or backup_folder(session)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"safedesk cannot create the backup folder {folder}: {exc.strerror}."
        ) from None
    target = _unused_name(folder, session.clock.now())
    with session.store.write() as conn:
        session.audit(conn, "backup.created", detail={"file": target.name, "automatic": automatic})
    partial_db = folder / f".{target.stem}.db.partial"
    partial_zip = folder / f".{target.name}.partial"
    try:
        manifest = _snapshot(session, partial_db)
        backup_file.write(partial_zip, partial_db, session.paths.keyring, manifest)
        with open(partial_zip, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial_zip, target)
        fsync_dir(folder)
    except OSError as exc:
        raise StoreError(
            f"The backup could not be written to {folder} ({exc.strerror or exc}). "
            "Check there is space and the folder can be written to; nothing else changed."
        ) from None
    finally:
        for leftover in (partial_db, partial_zip):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    _rotate(folder, get_settings(session).backups_kept)
    return target


def backup_if_due(session: Session) -> Path | None:
    """The daily automatic backup: made unless one was already made today (local date)."""
    folder = backup_folder(session)
    today = session.clock.now().astimezone().strftime("%Y%m%d")
    if any(p.name.startswith(f"{PREFIX}{today}") for p in folder.glob(f"{PREFIX}*")):
        return None
    return create_backup(session, folder, automatic=True)


def _unused_name(folder: Path, now: datetime) -> Path:
    # Fixed-width local time to the millisecond: names sort in the order they were made.
    local = now.astimezone()
    stamp = local.strftime("%Y%m%d-%H%M%S-") + f"{local.microsecond // 1000:03d}"
    candidate = folder / f"{PREFIX}{stamp}{backup_file.SUFFIX}"
    counter = 1
    while candidate.exists():
        candidate = folder / f"{PREFIX}{stamp}{counter:03d}{backup_file.SUFFIX}"
        counter += 1
    return candidate


def _snapshot(session: Session, partial_db: Path) -> Manifest:
    """Copy the live store page by page (SQLite's backup API), still encrypted."""
    key = session.store.key
    copy = connect(partial_db, key)
    try:
        with session.store.read() as source:
            source.backup(copy)
        copy.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        head = audit.head(copy)
        version = migrate.current_version(copy)
        store_id = copy.execute("SELECT store_id FROM school").fetchone()[0]
    finally:
        copy.close()
    return Manifest(
        store_id=store_id,
        created_at=to_stored(session.clock.now()),
        schema_version=version,
        app_version=__version__,
        audit_seq=head.seq,
        audit_hash=head.hash,
        db_sha256=backup_file.sha256_file(partial_db),
        keyring_sha256=backup_file.sha256_file(session.paths.keyring),
    ).sealed(key)


def _rotate(folder: Path, keep: int) -> None:
    ours = sorted(folder.glob(f"{PREFIX}*{backup_file.SUFFIX}"), key=lambda p: p.name)
    for old in ours[:-keep] if keep > 0 else []:
        with contextlib.suppress(OSError):
            old.unlink()


def restore_backup(
    paths: DataPaths,
    source: Path,
    username: str,
    password: str,
    *,
    clock: Clock | None = None,
) -> RestoreResult:
    """Replace the store with a backup, only after the backup opens and verifies.

    The caller holds the instance lock. The store it replaces is moved aside into
    ``replaced/``, never deleted. A backup of a different school is refused.
    """
    clock = clock or SystemClock()
    if not source.is_file():
        raise SafedeskError(f"There is no backup file at {source}.")
    paths.root.mkdir(parents=True, exist_ok=True)
    staging = paths.root / f".restore-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        manifest = backup_file.extract(source, staging)
        ring = keyring.load(staging / backup_file.KEYRING_NAME)
        if ring.store_id != manifest.store_id:
            raise StoreDamaged(f"{source.name} is damaged: its key file does not match it.")
        _refuse_other_school(paths, manifest)
        data_key = keyring.unwrap_user(ring, username, password)
        if not manifest.seal_ok(data_key):
            raise StoreDamaged(
                f"{source.name} has been altered since it was made. Nothing has been changed."
            )
        head = _verify_staged(staging, data_key, manifest, username, source, clock, paths)
        set_aside = _swap_in(paths, staging, clock)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(head, set_aside)


def _refuse_other_school(paths: DataPaths, manifest: Manifest) -> None:
    if not paths.keyring.exists():
        return
    current = keyring.load(paths.keyring)
    if current.store_id != manifest.store_id:
        raise SafedeskError(
            "This backup belongs to a different school's safedesk, not the one in "
            f"{paths.root}. Nothing has been changed. To look at it, restore it into an "
            "empty folder with --data-dir."
        )


def _verify_staged(
    staging: Path,
    data_key: bytes,
    manifest: Manifest,
    username: str,
    source: Path,
    clock: Clock,
    paths: DataPaths,
) -> audit.AuditHead:
    db_path = staging / backup_file.DB_NAME
    with Store(db_path, data_key) as store:
        with store.read() as conn:
            problems = check_database(conn)
            chain = audit.walk_chain(conn)
            user = users.by_username(conn, keyring.normalise_username(username))
        if problems or not chain.ok:
            detail = (problems or [chain.problem or "the audit chain is broken"])[0]
            raise StoreDamaged(
                f"{source.name} does not verify ({detail}). Nothing has been changed; "
                "try an older backup."
            )
        if chain.head != manifest.head:
            raise StoreDamaged(f"{source.name} does not match its manifest. Nothing changed.")
        if user is None or not user.active or not user.can(Permission.RESTORE):
            raise PermissionDenied(
                "Only an administrator of this school's safedesk can restore its backups."
            )
        superseded = _later_heads(paths, manifest)
        with store.write() as conn:
            restored = audit.append(
                conn,
                at=clock.now(),
                actor=user.username,
                action="backup.restored",
                detail={
                    "file": source.name,
                    "backup_head": [manifest.audit_seq, manifest.audit_hash],
                    "superseded": superseded,
                },
            )
        store.checkpoint()
    return restored


def _later_heads(paths: DataPaths, manifest: Manifest) -> list[list[object]]:
    """Heads of visible backups that restoring this one knowingly rolls back."""
    later: list[list[object]] = []
    for path in backup_file.find_backups([paths.backups]):
        with contextlib.suppress(StoreDamaged):
            other = backup_file.read_manifest(path)
            if other.store_id == manifest.store_id and other.audit_seq > manifest.audit_seq:
                later.append([other.audit_seq, other.audit_hash])
    return later


def _swap_in(paths: DataPaths, staging: Path, clock: Clock) -> Path | None:
    live = [paths.database, Path(f"{paths.database}-wal"), Path(f"{paths.database}-shm")]
    set_aside: Path | None = None
    if paths.database.exists() or paths.keyring.exists():
        set_aside = paths.replaced / clock.now().astimezone().strftime("%Y%m%d-%H%M%S-%f")
        set_aside.mkdir(parents=True)
        for item in [*live, paths.keyring]:
            if item.exists():
                os.replace(item, set_aside / item.name)
    for name in (backup_file.DB_NAME, backup_file.KEYRING_NAME):
        os.replace(staging / name, paths.root / name)
    fsync_dir(paths.root)
    return set_aside
