"""A restore's file swap, journalled so that a crash anywhere is rolled forward or back.

Before any file moves, ``restore-journal.json`` is written (atomically, fsynced) in the data
folder: the staging folder, the folder in ``replaced/`` the live files go to, each live file
to set aside, and each staged file with its size and SHA-256. The live files are moved aside,
the journal says so (phase ``in``), the staged files are moved in, and the journal is removed.

``recover`` runs at the next start of the app or safedesk-admin (under the one-instance lock
and the writers' lock): if every staged file is whole, wherever it is, the swap is finished
(rolled forward); otherwise everything is put back where it was (rolled back). Either way it
is safe to repeat after another crash, and it returns a sentence saying which.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from safedesk.domain.errors import SafedeskError
from safedesk.paths import DataPaths
from safedesk.store import kill_points
from safedesk.store.backup_file import sha256_file
from safedesk.store.db import StoreBusy, StoreDamaged
from safedesk.store.keyfile import fsync_dir, write_private

VERSION = 1
STAGING_PREFIX = ".restore-"  # services.cleanup.STAGING_PREFIX
SETTING_ASIDE = "aside"  # live files are being moved into the set-aside folder
MOVING_IN = "in"  # every live file is aside; staged files are being moved in

ROLLED_FORWARD = (
    "A restore from a backup was interrupted (safedesk was stopped while it swapped the "
    "files). It has now been completed: the store is the one from the backup{aside}. New keys "
    "are made at the next sign-in of a member of each compartment."
)
ROLLED_BACK = (
    "A restore from a backup was interrupted (safedesk was stopped while it swapped the "
    "files) before the backup's files were all in place. It has been undone: the store is as "
    "it was before the restore began, and nothing in it was lost. Run the restore again if it "
    "is still wanted."
)


@dataclass(frozen=True)
class Staged:
    size: int
    sha256: str


@dataclass(frozen=True)
class Journal:
    staging: str  # a folder in the data folder
    aside: str | None  # where the live files go, relative to the data folder
    live: tuple[str, ...]
    staged: dict[str, Staged]
    phase: str = SETTING_ASIDE

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": VERSION,
                "phase": self.phase,
                "staging": self.staging,
                "aside": self.aside,
                "live": list(self.live),
                "staged": {n: [s.size, s.sha256] for n, s in self.staged.items()},
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Journal:
        raw = json.loads(text)
        if raw.get("version") != VERSION or raw.get("phase") not in (SETTING_ASIDE, MOVING_IN):
            raise ValueError("unknown journal")
        names = [raw["staging"], *raw["live"], *raw["staged"]]
        if not all(isinstance(n, str) and _plain_name(n) for n in names):
            raise ValueError("bad name")
        if not raw["staging"].startswith(STAGING_PREFIX):
            raise ValueError("not a staging folder")
        aside = raw["aside"]
        if aside is not None and not (
            isinstance(aside, str) and all(_plain_name(p) for p in aside.split("/"))
        ):
            raise ValueError("bad folder")
        return cls(
            staging=raw["staging"],
            aside=aside,
            live=tuple(raw["live"]),
            staged={n: Staged(int(v[0]), str(v[1])) for n, v in raw["staged"].items()},
            phase=raw["phase"],
        )


def _plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name


def exists(root: Path) -> bool:
    return DataPaths(root).restore_journal.exists()


def swap(root: Path, staging: Path, names: list[str], aside: Path) -> Path | None:
    """Move the live files (compartment files with their WAL and shared-memory files, and the
    key file) into ``aside`` (a new folder in the data folder) and the staged ``names`` from
    ``staging`` into ``root``; returns ``aside``, or None when there were no live files.

    A move that fails (another program holding a file open) undoes what was moved and raises
    ``StoreBusy``: nothing changed."""
    paths = DataPaths(root)
    if paths.restore_journal.exists():
        raise SafedeskError(
            "An earlier restore in this data folder was interrupted and has not been finished "
            "or undone yet. Start safedesk (or any safedesk-admin command) once to do that, "
            "then restore again. Nothing has been changed."
        )
    staged: dict[str, Staged] = {}
    for name in names:
        _fsync_file(staging / name)
        staged[name] = Staged((staging / name).stat().st_size, sha256_file(staging / name))
    fsync_dir(staging)
    live = tuple(p.name for p in [*paths.data_files(), paths.keys] if p.exists())
    journal = Journal(
        staging=staging.name,
        aside=aside.relative_to(root).as_posix() if live else None,
        live=live,
        staged=staged,
    )
    _write(paths, journal)
    kill_points.reached("restore.journal_written")
    try:
        _set_aside(root, journal)
        journal = _moved_aside(paths, journal)
        kill_points.reached("restore.aside_done")
        _move_in(root, journal)
    except OSError as exc:
        _undo_now(paths, journal, exc)
    kill_points.reached("restore.swapped")
    _finish(paths, journal)
    return aside if live else None


def _undo_now(paths: DataPaths, journal: Journal, exc: OSError) -> NoReturn:
    """A move failed while this process swaps: put back what moved, then say so plainly."""
    what = Path(exc.filename).name if exc.filename else "a file"
    try:
        current = Journal.from_json(paths.restore_journal.read_text("utf-8"))
        _roll_back(paths.root, current)
        paths.restore_journal.unlink()
        fsync_dir(paths.root)
    except (OSError, ValueError, SafedeskError):
        raise StoreBusy(
            f"The restore could not move {what} ({exc.strerror or exc}). It stopped part-way: "
            "the next start of safedesk finishes or undoes it, and says which."
        ) from None
    raise StoreBusy(
        f"The restore could not move {what} ({exc.strerror or exc}): another program may "
        "have it open. Nothing has been changed. Close other safedesk windows and try again."
    ) from None


def _set_aside(root: Path, journal: Journal) -> None:
    if journal.aside is None:
        return
    aside = root / journal.aside
    aside.mkdir(parents=True, exist_ok=True)
    for name in journal.live:
        if (aside / name).exists():
            continue  # moved before a crash
        with contextlib.suppress(FileNotFoundError):  # a WAL folded in as its last user closed
            os.replace(root / name, aside / name)
        kill_points.reached("restore.set_aside")
    fsync_dir(aside)
    fsync_dir(root)


def _moved_aside(paths: DataPaths, journal: Journal) -> Journal:
    moved = Journal(journal.staging, journal.aside, journal.live, journal.staged, MOVING_IN)
    _write(paths, moved)
    return moved


def _move_in(root: Path, journal: Journal) -> None:
    staging = root / journal.staging
    for name in journal.staged:
        if (staging / name).exists():
            os.replace(staging / name, root / name)
            kill_points.reached("restore.moved_in")
    fsync_dir(root)


def _finish(paths: DataPaths, journal: Journal) -> None:
    paths.restore_journal.unlink()
    fsync_dir(paths.root)
    shutil.rmtree(paths.root / journal.staging, ignore_errors=True)


def recover(root: Path) -> str | None:
    """Finish or undo a swap a crash interrupted; None when there was none. The caller holds
    the one-instance lock and the writers' lock exclusively."""
    paths = DataPaths(root)
    try:
        text = paths.restore_journal.read_text("utf-8")
    except FileNotFoundError:
        return None
    try:
        journal = Journal.from_json(text)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise StoreDamaged(
            f"A restore in {root} was interrupted and its journal ({paths.restore_journal.name}) "
            "is damaged, so safedesk cannot tell which files to keep. Nothing has been "
            "changed. Restore the folder from a backup again."
        ) from exc
    if _staged_whole(root, journal):
        if journal.phase == SETTING_ASIDE:
            _set_aside(root, journal)
            journal = _moved_aside(paths, journal)
        _move_in(root, journal)
        _finish(paths, journal)
        kept = (
            f", and the store it replaced is kept in {root / journal.aside}"
            if journal.aside
            else ""
        )
        return ROLLED_FORWARD.format(aside=kept)
    _roll_back(root, journal)
    _finish(paths, journal)
    return ROLLED_BACK


def _staged_whole(root: Path, journal: Journal) -> bool:
    staging = root / journal.staging
    for name, expected in journal.staged.items():
        where = staging / name
        if not where.exists() and journal.phase == MOVING_IN:
            where = root / name
        try:
            if where.stat().st_size != expected.size or sha256_file(where) != expected.sha256:
                return False
        except OSError:
            return False
    return True


def _roll_back(root: Path, journal: Journal) -> None:
    staging = root / journal.staging
    if journal.phase == MOVING_IN:
        staging.mkdir(exist_ok=True)
        for name in journal.staged:
            if not (staging / name).exists() and (root / name).exists():
                os.replace(root / name, staging / name)
                kill_points.reached("restore.rolled_back")
    if journal.aside is not None:
        aside = root / journal.aside
        missing = []
        for name in journal.live:
            if (aside / name).exists():
                os.replace(aside / name, root / name)
                kill_points.reached("restore.rolled_back")
            elif not (root / name).exists() and not name.endswith(("-wal", "-shm")):
                missing.append(name)
        if missing:
            raise StoreDamaged(
                f"A restore in {root} was interrupted and {', '.join(missing)} cannot be put "
                f"back: it is neither in {root} nor in {aside}. Nothing more has been changed. "
                "Restore the folder from a backup again."
            )
        with contextlib.suppress(OSError):
            aside.rmdir()  # only if empty: what was set aside is never deleted
    fsync_dir(root)


def _write(paths: DataPaths, journal: Journal) -> None:
    write_private(paths.restore_journal, journal.to_json().encode("utf-8"))


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


__all__ = ["ROLLED_BACK", "ROLLED_FORWARD", "Journal", "exists", "recover", "swap"]
