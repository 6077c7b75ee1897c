"""Is there a backup the school can trust, and can the next one be made?

The last good backup is the newest ``backup.created`` event in the school file's audit log: a
backup is recorded there only once it was written, read back and checked (``services.backup``),
by whoever made it, and every signed-in account reads that file. It is ``stale`` when it is
older than two days (or there is none), and the folder is ``unreachable`` when it is not
there or a file cannot be written in it (a USB disk taken away, a network drive not connected).

``assess`` takes the time and the folder from its caller, so it is tested with a fake clock and
temporary folders; ``status`` reads them for a session. Looking at a network folder can be slow:
the UI calls ``status`` off its own thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from safedesk.domain.clock import from_stored
from safedesk.domain.local_time import to_local
from safedesk.services.session import Session

STALE_AFTER = timedelta(days=2)
CREATED = "backup.created"
FAILED = "backup.failed"
# A probe left by a killed safedesk is removed with other unfinished backups (services.cleanup).
_PROBE = ".safedesk-backup-probe-{}.sdbackup.partial"


@dataclass(frozen=True)
class LastBackup:
    at: datetime  # aware
    file: str
    folder: str  # "" for backups recorded before the folder was
    size: int | None = None  # bytes, as written and checked (None: recorded before sizes were)

    @property
    def path(self) -> Path | None:
        return Path(self.folder) / self.file if self.folder and self.file else None

    def gone(self) -> bool:
        """The file is not where it was written, or not as it was: removed or replaced. A
        folder out of reach (a USB disk unplugged) says nothing either way: not gone."""
        path = self.path
        if path is None or not path.parent.is_dir():
            return False
        try:
            size = path.stat().st_size
        except OSError:
            return True
        return not path.is_file() or (self.size is not None and size != self.size)


@dataclass(frozen=True)
class BackupStatus:
    folder: Path  # where the next backup goes
    last: LastBackup | None
    now: datetime
    stale: bool
    unreachable: bool
    problem: str | None = None  # why the folder cannot be used, in plain words
    missing: str | None = None  # newer backups recorded but no longer there, in plain words

    @property
    def needs_attention(self) -> bool:
        return self.stale or self.unreachable or self.missing is not None

    @property
    def last_words(self) -> str:
        """ "Last good backup: today at 10:42, to E:\\safedesk-backups"."""
        if self.last is None:
            return "No good backup has been made yet"
        where = f", to {self.last.folder}" if self.last.folder else ""
        return f"Last good backup: {when_words(self.last.at, self.now)}{where}"

    @property
    def short_words(self) -> str:
        """For the status bar: "Last backup: today at 10:42"."""
        if self.last is None:
            return "Last backup: none yet"
        return f"Last backup: {when_words(self.last.at, self.now)}"

    @property
    def warning(self) -> str:
        """What is wrong, for the banner (empty when nothing is)."""
        said: list[str] = []
        if self.unreachable and self.problem:
            said.append(self.problem)
        if self.missing:
            said.append(self.missing)
        if self.last is None:
            said.append("No backup of safedesk has been made yet.")
        elif self.stale:
            days = (self.now - self.last.at).days
            said.append(
                f"The last good backup was {days} days ago ({when_words(self.last.at, self.now)})."
            )
        return " ".join(said)


def when_words(at: datetime, now: datetime) -> str:
    """ "today at 10:42", "yesterday at 16:05", "on Monday at 09:10", "on 3 March 2026 at …"."""
    local, today = to_local(at), to_local(now).date()
    clock = local.strftime("%H:%M")
    days = (today - local.date()).days
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"yesterday at {clock}"
    if 1 < days < 7:
        return f"on {local.strftime('%A')} at {clock}"
    return f"on {local.day} {local.strftime('%B %Y')} at {clock}"


def folder_problem(folder: Path, *, may_create: bool = False) -> str | None:
    """Why a backup cannot be written in ``folder`` now (None: it can). With ``may_create``
    a missing folder is fine when the one it would be made in can be written."""
    if not folder.is_dir():
        if may_create and folder.parent.is_dir() and _writable(folder.parent):
            return None
        return (
            f"The backup folder {folder} cannot be found: the backup disk may be unplugged, "
            "or the network drive not connected."
        )
    if not _writable(folder):
        return f"safedesk cannot write in the backup folder {folder}."
    return None


def _writable(folder: Path) -> bool:
    """Write and remove a small file: asking the system (os.access) says yes to network shares
    and read-only disks that then refuse."""
    probe = folder / _PROBE.format(secrets.token_hex(4))
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return False
    try:
        os.write(fd, b"safedesk")
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            probe.unlink()


def assess(
    last: LastBackup | None,
    folder: Path,
    now: datetime,
    *,
    may_create: bool = False,
    missing: str | None = None,
) -> BackupStatus:
    problem = folder_problem(folder, may_create=may_create)
    stale = last is None or now - last.at > STALE_AFTER
    return BackupStatus(folder, last, now, stale, problem is not None, problem, missing)


# Enough to find the newest backup still in place; a school makes about two a day.
_LOOK_BACK = 400


def recorded_backups(session: Session, limit: int = _LOOK_BACK) -> list[LastBackup]:
    """The backups the school file records as written and checked, newest first."""
    with session.store.read() as conn:
        rows = conn.execute(
            "SELECT at, detail FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT ?",
            (CREATED, limit),
        ).fetchall()
    found = []
    for at, detail_text in rows:
        detail = json.loads(detail_text)
        size = detail.get("size")
        found.append(
            LastBackup(
                from_stored(str(at)),
                str(detail.get("file", "")),
                str(detail.get("folder", "")),
                int(size) if isinstance(size, int) else None,
            )
        )
    return found


def _newest_in_place(recorded: list[LastBackup]) -> tuple[LastBackup | None, int]:
    """The newest recorded backup still where it was written, and how many newer ones are
    not: the audit log says a backup was made, only the file says it is still there."""
    for gone, backup in enumerate(recorded):
        if not backup.gone():
            return backup, gone
    return None, len(recorded)


def last_good_backup(session: Session) -> LastBackup | None:
    """The newest backup that was written and checked, and is still where it was written."""
    return _newest_in_place(recorded_backups(session))[0]


def status(session: Session) -> BackupStatus:
    from safedesk.services.settings import backup_folder

    folder = backup_folder(session)
    recorded = recorded_backups(session)
    last, gone = _newest_in_place(recorded)
    missing = None
    if gone:
        newest = recorded[0]
        where = newest.folder or "its folder"
        when = when_words(newest.at, session.clock.now())
        missing = (
            f"The newest backup, made {when}, is no longer in {where}: it was removed or "
            "replaced. Back up now, and check the backup folder."
            if gone == 1
            else f"The {gone} newest backups (the newest made {when}) are no longer in "
            f"{where}: they were removed or replaced. Back up now, and check the backup folder."
        )
    # The data folder's own backups/ is made at the first backup. A folder the school chose
    # that has gone is worth saying (a backup would make it again where its parent is).
    return assess(
        last,
        folder,
        session.clock.now(),
        may_create=folder == session.paths.backups,
        missing=missing,
    )


__all__ = [
    "STALE_AFTER",
    "BackupStatus",
    "LastBackup",
    "assess",
    "folder_problem",
    "last_good_backup",
    "recorded_backups",
    "status",
    "when_words",
]
