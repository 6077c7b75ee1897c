"""Where safedesk keeps its files: one data folder, chosen once, nothing done at import."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "safedesk"


def _is_windows() -> bool:
    """Asked in one place, so tests can answer for either system."""
    return sys.platform == "win32"


def default_data_dir() -> Path:
    """The data folder the app uses when no --data-dir is given.

    On Windows it is the machine's (``C:\\ProgramData\\safedesk``): every member of staff signs
    in to the same records, whichever Windows account the office PC is on. Elsewhere it is
    this user's own folder."""
    if _is_windows():
        import platformdirs  # only when needed: it is slow to import and start-up is timed

        return Path(platformdirs.site_data_dir(APP_NAME, appauthor=False))
    return per_user_data_dir()


def per_user_data_dir() -> Path:
    """This account's own folder: the default before safedesk 0.2 on Windows (and still
    elsewhere)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


@dataclass(frozen=True)
class DataPaths:
    """Every file inside one school's data folder."""

    root: Path

    def database(self, compartment: str) -> Path:
        """One encrypted SQLCipher file per compartment (school, safeguarding, behaviour)."""
        return self.root / f"{compartment}.db"

    @property
    def keys(self) -> Path:
        """Every key slot and sealed key; never inside a database."""
        return self.root / "keys.json"

    @property
    def legacy_database(self) -> Path:
        """The one-file store of safedesk 0.1 (steps 1–5), which this version does not open."""
        return self.root / "safedesk.db"

    @property
    def lock(self) -> Path:
        return self.root / "safedesk.lock"

    @property
    def writers_lock(self) -> Path:
        """Shared by every writer, taken alone by a restore or a change of keys
        (``store/writer_lock.py``); a SQLite file of the lock's own, not a compartment."""
        return self.root / "safedesk-writers.lock"

    @property
    def restore_journal(self) -> Path:
        """Present only while a restore swaps files (``store/restore_journal.py``)."""
        return self.root / "restore-journal.json"

    @property
    def logs(self) -> Path:
        """The rotating log (``safedesk.log``, ``safedesk.log.1`` …): never a name or a
        record's words (``app_log.py``)."""
        return self.root / "logs"

    @property
    def signin_failures(self) -> Path:
        return self.root / "signin-failures.json"

    @property
    def backups(self) -> Path:
        """Where backups go when the school has not chosen a folder."""
        return self.root / "backups"

    @property
    def migration_backups(self) -> Path:
        return self.root / "pre-migration"

    @property
    def replaced(self) -> Path:
        """Stores set aside by a restore: kept, never deleted."""
        return self.root / "replaced"

    def store_exists(self) -> bool:
        return self.database("school").exists() and self.keys.exists()

    def data_files(self) -> list[Path]:
        """Every compartment file present, with its WAL and shared-memory files."""
        found = []
        for db in sorted(self.root.glob("*.db")):
            found += [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
        return found

    @classmethod
    def at(cls, root: Path | str | None) -> DataPaths:
        return cls(Path(root).expanduser().resolve() if root else default_data_dir())
