"""Where safedesk keeps its files: one data folder, chosen once, nothing done at import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

APP_NAME = "safedesk"


def default_data_dir() -> Path:
    """The per-user data folder the app uses when no --data-dir is given."""
    import platformdirs  # only when needed: it is slow to import and start-up is timed

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


@dataclass(frozen=True)
class DataPaths:
    """Every file inside one school's data folder."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "safedesk.db"

    @property
    def keyring(self) -> Path:
        return self.root / "keyring.json"

    @property
    def lock(self) -> Path:
        return self.root / "safedesk.lock"

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
        return self.database.exists() and self.keyring.exists()

    @classmethod
    def at(cls, root: Path | str | None) -> DataPaths:
        return cls(Path(root).expanduser().resolve() if root else default_data_dir())
