"""School settings: what can be configured and the defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Settings:
    idle_lock_minutes: int = 5
    backup_dir: str = ""  # empty: the data folder's own backups/ folder
    backups_kept: int = 30

    def problems(self) -> dict[str, str]:
        found = {}
        if not 1 <= self.idle_lock_minutes <= 120:
            found["idle_lock_minutes"] = "must be between 1 and 120 minutes"
        if not 1 <= self.backups_kept <= 1000:
            found["backups_kept"] = "must be between 1 and 1000"
        return found

    @classmethod
    def from_stored(cls, stored: dict[str, str]) -> Settings:
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name in stored:
                default = getattr(cls(), f.name)
                try:
                    values[f.name] = type(default)(stored[f.name])
                except ValueError:
                    continue  # an unreadable value falls back to its default
        return cls(**values)  # type: ignore[arg-type]

    def to_stored(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self)}
