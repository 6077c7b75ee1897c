"""Removes what a killed safedesk left behind, and only files named by this program's patterns.

A backup being written lives in ``.safedesk-backup-….parts`` (the copies) and
``.safedesk-backup-….sdbackup.partial`` (the file before it is renamed into place); a restore
stages the backup in ``.restore-…``; the key file, the sign-in failure count and the restore
journal are written through ``<name>.tmp``. They are encrypted (or hold nothing secret), but a
killed process leaves them to fill the disk. Nothing else is ever removed: not a file another
program put there, not ``replaced/`` or ``pre-migration/``.

The callers make sure none of these is in use: the one-instance lock and the writers' lock,
held exclusively, mean no restore, backup, sign-in of safedesk-admin or key file change is
running on the folder (``services/start_up.py``; ``backup.create_backup`` for the backup folder
the school chose, known only once someone has signed in).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterable
from pathlib import Path

from safedesk.paths import DataPaths

# Light to import: the app runs this module before its first window.
BACKUP_PREFIX = "safedesk-backup-"
BACKUP_SUFFIX = ".sdbackup"  # store.backup_file.SUFFIX (a test checks they agree)
STAGING_PREFIX = ".restore-"
PARTS_SUFFIX = ".parts"
PARTIAL_SUFFIX = ".partial"
TMP_SUFFIX = ".tmp"


def parts_path(target: Path) -> Path:
    """Where the files of the backup ``target`` are copied before they go into it."""
    return target.with_name(f".{target.stem}{PARTS_SUFFIX}")


def partial_path(target: Path) -> Path:
    """The backup ``target`` while it is being written."""
    return target.with_name(f".{target.name}{PARTIAL_SUFFIX}")


def remove_backup_leftovers(folder: Path) -> list[Path]:
    """Unfinished backups in ``folder``; the caller holds the writers' lock exclusively."""
    if not folder.is_dir():
        return []
    removed = _remove_dirs(_backup_parts(folder))
    removed += _remove_files(_backup_partials(folder))
    return removed


def found(paths: DataPaths) -> bool:
    """Whether anything ``remove_leftovers`` would remove is there (cheap: names only)."""
    if not paths.root.is_dir():
        return False
    candidates = [
        *paths.root.glob(f"{STAGING_PREFIX}*"),
        *(p for p in _temporary(paths) if p.exists()),
    ]
    if paths.backups.is_dir():
        candidates += [*_backup_parts(paths.backups), *_backup_partials(paths.backups)]
    return bool(candidates)


def _backup_parts(folder: Path) -> list[Path]:
    return list(folder.glob(f".{BACKUP_PREFIX}*{PARTS_SUFFIX}"))


def _backup_partials(folder: Path) -> list[Path]:
    return list(folder.glob(f".{BACKUP_PREFIX}*{BACKUP_SUFFIX}{PARTIAL_SUFFIX}"))


def _temporary(paths: DataPaths) -> list[Path]:
    """Files written through ``<name>.tmp`` and renamed into place."""
    return [_tmp(paths.keys), _tmp(paths.signin_failures), _tmp(paths.restore_journal)]


def remove_leftovers(paths: DataPaths) -> list[Path]:
    """Everything a killed safedesk left in the data folder (and its ``backups/``). The
    caller holds the one-instance lock and the writers' lock exclusively; a restore journal
    must have been dealt with first (its staging folder is still needed until then)."""
    if not paths.root.is_dir() or paths.restore_journal.exists():
        return []
    removed = _remove_dirs(paths.root.glob(f"{STAGING_PREFIX}*"))
    removed += _remove_files([_tmp(paths.signin_failures), _tmp(paths.restore_journal)])
    key_tmp = _tmp(paths.keys)
    if key_tmp.exists():
        from safedesk.store import keyfile  # slow to import: only when needed

        with keyfile.locked(paths.keys):  # the key file's own writers hold this
            removed += _remove_files([key_tmp])
    removed += remove_backup_leftovers(paths.backups)
    return removed


def _tmp(path: Path) -> Path:
    return path.with_name(path.name + TMP_SUFFIX)


def _remove_dirs(found: Iterable[Path]) -> list[Path]:
    removed = []
    for path in sorted(found):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _remove_files(found: Iterable[Path]) -> list[Path]:
    removed = []
    for path in sorted(found):
        if path.is_file() or path.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


__all__ = [
    "BACKUP_PREFIX",
    "STAGING_PREFIX",
    "partial_path",
    "parts_path",
    "remove_backup_leftovers",
    "remove_leftovers",
]
