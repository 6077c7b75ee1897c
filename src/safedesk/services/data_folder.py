"""Moving a school's records from one Windows account's own folder to the machine's.

Before this version safedesk kept its files in the folder of the Windows account that set it
up, so staff signed in to another account on the same PC found no school. The default is now
the machine's folder (``paths.default_data_dir``); a store left in the old per-user folder is
found at start-up and, when the person agrees, moved:

1. both folders are taken whole: their one-instance locks (no other safedesk has either open)
   and their writers' locks (no safedesk-admin is writing);
2. every file is copied into a staging folder inside the new one, each flushed to disk and
   checked byte for byte against the original;
3. the copies are renamed into place, the key file last: until it is there, the new folder
   holds no store, so a move cut short is offered again and never opened half-done;
4. only then are the originals removed.

An interruption at any point leaves the old folder's files as they were.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path

from safedesk import paths as paths_module
from safedesk.domain.errors import SafedeskError
from safedesk.paths import DataPaths

log = logging.getLogger(__name__)

STAGING = ".safedesk-moving-in"
LOCK_SUFFIX = ".lock"  # lock files are the folder's own, made again when needed


class MoveFailed(SafedeskError):
    pass


@dataclass(frozen=True)
class FolderMove:
    old: DataPaths
    new: DataPaths


def holds_a_store(paths: DataPaths) -> bool:
    """A store (or the start of one: its key file) is in the folder."""
    return paths.keys.exists() or paths.legacy_database.exists()


def move_to_offer(data_dir: str | Path | None) -> FolderMove | None:
    """When no --data-dir is given, the default folder holds no store, and this account's
    own folder (the default before) does: the move to offer. Otherwise None."""
    if data_dir:
        return None
    new = DataPaths(paths_module.default_data_dir())
    old = DataPaths(paths_module.per_user_data_dir())
    return offer_between(old, new)


def offer_between(old: DataPaths, new: DataPaths) -> FolderMove | None:
    if _same(old.root, new.root) or not old.store_exists() or holds_a_store(new):
        return None
    return FolderMove(old, new)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def files_to_move(root: Path) -> list[Path]:
    """Every file under ``root`` (records, keys, backups, logs…) but lock files and the
    staging folder of an earlier move, relative to ``root``."""
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == STAGING or path.name.endswith(LOCK_SUFFIX):
            continue
        if path.is_file() and not path.is_symlink():
            found.append(relative)
    return found


def move_store(
    move: FolderMove,
    *,
    new_lock_held: bool = False,
    copy: Callable[[Path, Path], None] | None = None,
) -> int:
    """Move the store from ``move.old`` to ``move.new``; returns how many files moved.
    ``new_lock_held``: the caller (the app) already holds the new folder's one-instance lock.
    ``copy`` is the file copy (tests cut it short). Raises MoveFailed or StoreLocked with
    words for the person; the old folder is then as it was."""
    from safedesk.services import start_up
    from safedesk.store import writer_lock
    from safedesk.store.instance_lock import InstanceLock

    old, new = move.old, move.new
    new.root.mkdir(parents=True, exist_ok=True)
    with ExitStack() as held:
        held.enter_context(InstanceLock(old.lock))
        if not new_lock_held:
            held.enter_context(InstanceLock(new.lock))
        if holds_a_store(new) or not old.store_exists():
            raise MoveFailed(
                f"safedesk did not move the records: {new.root} already holds a store, or "
                f"{old.root} no longer does. Nothing has been changed."
            )
        # A restore a crash interrupted in the old folder is finished or undone first.
        start_up.on_start(old, instance_lock_held=True)
        held.enter_context(writer_lock.for_folder(old.root).exclusive("move the records"))
        held.enter_context(writer_lock.for_folder(new.root).exclusive("move the records"))
        files = files_to_move(old.root)
        log.info("moving the store: %d files", len(files))
        staging = new.root / STAGING
        try:
            shutil.rmtree(staging, ignore_errors=True)  # what a move cut short left
            _copy_all(old.root, staging, files, copy or _copy_file)
            _check_copies(old.root, staging, files)
            _put_in_place(staging, new.root, files, keys=new.keys.relative_to(new.root))
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            log.warning("the move of the store failed (%s)", type(error).__name__, exc_info=error)
            raise MoveFailed(
                f"safedesk could not copy the records to {new.root}, so it left them where "
                f"they are, in {old.root}. Check there is space on the disk and that this "
                "Windows account may write there, then try again."
            ) from None
        shutil.rmtree(staging, ignore_errors=True)
        _remove_originals(old.root, files)
        log.info("the store was moved: %d files", len(files))
        return len(files)


def _copy_file(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)


def _copy_all(
    source_root: Path, staging: Path, files: list[Path], copy: Callable[[Path, Path], None]
) -> None:
    for relative in files:
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        copy(source_root / relative, target)
        _fsync_file(target)
    for folder in {(staging / relative).parent for relative in files} | {staging}:
        _fsync_folder(folder)


def _check_copies(source_root: Path, staging: Path, files: list[Path]) -> None:
    for relative in files:
        original, copied = source_root / relative, staging / relative
        if original.stat().st_size != copied.stat().st_size or _digest(original) != _digest(copied):
            raise OSError(f"the copy of {relative} differs from the original")


def _put_in_place(staging: Path, root: Path, files: list[Path], *, keys: Path) -> None:
    """Renamed into the new folder (same disk: each one whole or not at all), the key file
    last: only with it is there a store in the new folder."""
    for relative in sorted(files, key=lambda r: r == keys):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative.parts[0] == "logs" and target.exists():
            target = target.with_name(f"before-the-move-{target.name}")  # this run's is there
        os.replace(staging / relative, target)
    for folder in {(root / relative).parent for relative in files} | {root}:
        _fsync_folder(folder)


def _remove_originals(root: Path, files: list[Path]) -> None:
    for relative in files:
        try:
            (root / relative).unlink()
        except OSError as error:  # copied and checked: a leftover is harmless
            log.warning("an original was not removed after the move (%s)", type(error).__name__)
    for folder in sorted(_folders(root, files), key=lambda p: len(p.parts), reverse=True):
        with suppress(OSError):  # not empty (a lock file), or in use
            folder.rmdir()


def _folders(root: Path, files: list[Path]) -> Iterator[Path]:
    seen: set[Path] = set()
    for relative in files:
        for parent in relative.parents:
            if parent != Path(".") and parent not in seen:
                seen.add(parent)
                yield root / parent


def _digest(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows flushes only writers
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder to flush it; its renames are journalled
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
