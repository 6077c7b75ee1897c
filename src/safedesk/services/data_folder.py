"""Moving a school's records from one Windows account's own folder to the machine's.

Before this version safedesk kept its files in the folder of the Windows account that set it
up, so staff signed in to another account on the same PC found no school. The default is now
the machine's folder (``paths.default_data_dir``); a store left in the old per-user folder is
found at start-up and, when the person agrees, moved:

1. both folders are taken whole: their one-instance locks (no other safedesk has either open)
   and their writers' locks (no safedesk-admin is writing);
2. nothing is moved when a file or folder in the old folder is a link to somewhere else (a
   symlink, junction or other reparse point: copying it would copy what it points to, or
   leave the records behind), nor when the new folder already holds records' files of its
   own (they would be overwritten); only its log folder is merged;
3. every file is copied into a staging folder inside the new one, each flushed to disk and
   checked byte for byte against the original;
4. the copies are renamed into place, the key file last: until it is there, the new folder
   holds no store, so a move cut short is offered again and never opened half-done;
5. the new folder is checked to hold every records file and the key file, byte for byte as
   in the old folder (else the copies are taken out again, the key file first);
6. only then are the originals removed.

An interruption at any point leaves the old folder's files as they were.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path

from safedesk import paths as paths_module
from safedesk.domain.errors import SafedeskError
from safedesk.paths import DataPaths
from safedesk.store.keyfile import fsync_dir

log = logging.getLogger(__name__)

STAGING = ".safedesk-moving-in"
LOCK_SUFFIX = ".lock"  # lock files are the folder's own, made again when needed
LOGS = "logs"  # safedesk's own log folder: merged into the new folder's
# Files of a store (records, their write-ahead and shared-memory files, the keys): the new
# folder must hold none of them before the move, and holds every one after it.
STORE_FILE_PATTERNS = ("*.db", "*-wal", "*-shm", "keys.json")


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


def _left_alone(relative: Path) -> bool:
    """Not moved: the staging folder of an earlier move and lock files."""
    return relative.parts[0] == STAGING or relative.name.endswith(LOCK_SUFFIX)


def files_to_move(root: Path) -> list[Path]:
    """Every file under ``root`` (records, keys, backups, logs…) but lock files and the
    staging folder of an earlier move, relative to ``root``. Links are not followed (and
    ``links_in`` refuses a move while there are any)."""
    found = []
    for folder, folders, names in os.walk(root, followlinks=False):
        here = Path(folder)
        folders[:] = [f for f in folders if not _is_link(here / f)]
        for name in names:
            path = here / name
            relative = path.relative_to(root)
            if not _left_alone(relative) and not _is_link(path) and path.is_file():
                found.append(relative)
    return sorted(found)


def links_in(root: Path) -> list[Path]:
    """Every file or folder under ``root`` that would be moved but is a link to somewhere
    else: a symlink, or on Windows a junction or any other reparse point."""
    found = []
    for folder, folders, names in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in [*folders, *names]:
            path = here / name
            if not _left_alone(path.relative_to(root)) and _is_link(path):
                found.append(path.relative_to(root))
        folders[:] = [f for f in folders if not _is_link(here / f)]
    return sorted(found)


def _is_link(path: Path) -> bool:
    if os.path.islink(path):
        return True
    is_junction = getattr(path, "is_junction", None)  # Python 3.12 on
    if is_junction is not None and is_junction():
        return True
    try:
        attributes = getattr(os.lstat(path), "st_file_attributes", 0)  # Windows only
    except OSError:
        return False
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0))


def store_files_in(root: Path) -> list[Path]:
    """The store's own files directly in ``root`` (records, their WAL and shared-memory
    files, the key file), relative to it; links included."""
    found = {
        path.relative_to(root)
        for pattern in STORE_FILE_PATTERNS
        for path in root.glob(pattern)
        if os.path.lexists(path) and LOCK_SUFFIX not in path.name  # a lock's own files
    }
    return sorted(found)


def _files_in_the_way(new_root: Path, files: list[Path]) -> list[Path]:
    """What the new folder already holds that the move would overwrite (its log folder is
    merged, so not counted), or that belongs to a store."""
    clashing = {
        relative
        for relative in files
        if relative.parts[0] != LOGS and os.path.lexists(new_root / relative)
    }
    return sorted(clashing | set(store_files_in(new_root)))


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
        _refuse_links(old.root)
        # A restore a crash interrupted in the old folder is finished or undone first.
        start_up.on_start(old, instance_lock_held=True)
        held.enter_context(writer_lock.for_folder(old.root).exclusive("move the records"))
        held.enter_context(writer_lock.for_folder(new.root).exclusive("move the records"))
        _refuse_links(old.root)  # again: the restore finished above may have changed files
        files = files_to_move(old.root)
        needed = sorted({old.keys.relative_to(old.root), *store_files_in(old.root)})
        if missing := [n for n in needed if n not in files]:  # never: links were refused
            log.warning(
                "the move was refused: %d store files not among those to move", len(missing)
            )
            raise MoveFailed(_not_moved(old.root))
        if in_the_way := _files_in_the_way(new.root, files):
            log.warning(
                "the move was refused: the new folder already holds %d files", len(in_the_way)
            )
            raise MoveFailed(
                f"safedesk did not move the records: the folder {new.root} already holds "
                f"files of its own ({_some(in_the_way)}), which the move would overwrite. "
                "Nothing has been changed. Ask whoever looks after this PC to check that "
                "folder and move those files out of it (they may be another copy of the "
                "school's records), then try again."
            )
        log.info("moving the store: %d files", len(files))
        staging = new.root / STAGING
        placed: list[Path] = []
        try:
            shutil.rmtree(staging, ignore_errors=True)  # what a move cut short left
            _copy_all(old.root, staging, files, copy or _copy_file)
            _check_copies(old.root, staging, files)
            _put_in_place(
                staging, new.root, files, keys=new.keys.relative_to(new.root), placed=placed
            )
            _check_arrived(old.root, new.root, needed)
        except OSError as error:
            _take_out(placed, new.keys)
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


def _refuse_links(root: Path) -> None:
    if links := links_in(root):
        log.warning("the move was refused: %d links in the old folder", len(links))
        raise MoveFailed(
            f"safedesk did not move the records: in {root}, {_some(links)} "
            f"{'is a link' if len(links) == 1 else 'are links'} to somewhere else (another "
            "folder or disk), so moving the folder could leave records behind. Nothing has "
            "been changed. Ask whoever looks after this PC to put the real files in that "
            "folder in place of the links, then try again."
        )


def _not_moved(root: Path) -> str:
    return (
        f"safedesk did not move the records: not every file of the school's records in {root} "
        "could be copied. Nothing has been changed. Ask whoever looks after this PC to check "
        "that folder, then try again."
    )


def _some(paths: list[Path], most: int = 3) -> str:
    named = ", ".join(p.as_posix() for p in paths[:most])
    more = len(paths) - most
    return named + (f" and {more} more" if more > 0 else "")


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
        fsync_dir(folder)


def _check_copies(source_root: Path, staging: Path, files: list[Path]) -> None:
    for relative in files:
        original, copied = source_root / relative, staging / relative
        if original.stat().st_size != copied.stat().st_size or _digest(original) != _digest(copied):
            raise OSError(f"the copy of {relative} differs from the original")


def _put_in_place(
    staging: Path, root: Path, files: list[Path], *, keys: Path, placed: list[Path]
) -> None:
    """Renamed into the new folder (same disk: each one whole or not at all), the key file
    last: only with it is there a store in the new folder. ``placed`` gets where each went."""
    for relative in sorted(files, key=lambda r: r == keys):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative.parts[0] == LOGS and os.path.lexists(target):
            target = target.with_name(f"before-the-move-{target.name}")  # this run's is there
        if relative.parts[0] != LOGS and os.path.lexists(target):
            raise OSError(f"{relative} appeared in the new folder during the move")
        os.replace(staging / relative, target)
        placed.append(target)
    for folder in {(root / relative).parent for relative in files} | {root}:
        fsync_dir(folder)


def _check_arrived(old_root: Path, new_root: Path, needed: list[Path]) -> None:
    """Before any original is removed: the new folder holds every store file (the records,
    the key file) as a plain file, byte for byte as in the old folder."""
    for relative in needed:
        original, arrived = old_root / relative, new_root / relative
        if _is_link(arrived) or not arrived.is_file() or _digest(original) != _digest(arrived):
            raise OSError(f"{relative} is not in the new folder as it is in the old")


def _take_out(placed: list[Path], keys: Path) -> None:
    """A move that failed after copies were put in place: they are removed again, the key
    file first (so the new folder stops holding a store at once). The originals are intact."""
    for target in sorted(placed, key=lambda p: p != keys):
        try:
            target.unlink()
        except OSError as error:
            log.warning("a copy was not taken out after a failed move (%s)", type(error).__name__)


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
