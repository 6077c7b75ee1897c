"""Reading and changing the school's settings (changes are audited with old and new)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from safedesk.domain.errors import ValidationError
from safedesk.domain.roles import Permission
from safedesk.domain.settings import Settings
from safedesk.services.session import Session
from safedesk.store import school


def get_settings(session: Session) -> Settings:
    with session.store.read() as conn:
        return Settings.from_stored(school.all_settings(conn))


def update_settings(session: Session, **changes: Any) -> Settings:
    session.require(Permission.SETTINGS_MANAGE, "change the school's settings")
    current = get_settings(session)
    problems = {}
    for name, value in changes.items():
        if not hasattr(current, name):
            problems[name] = "is not a setting"
            continue
        wanted = type(getattr(current, name))
        if not isinstance(value, wanted) or isinstance(value, bool):
            problems[name] = "must be a whole number" if wanted is int else "must be text"
    if problems:
        raise ValidationError(problems)
    updated = replace(current, **changes)
    if problems := updated.problems():
        raise ValidationError(problems)
    old, new = current.to_stored(), updated.to_stored()
    with session.store.write() as conn:
        for key, value in new.items():
            if old[key] != value:
                school.put_setting(conn, key, value)
                session.audit(
                    conn, "settings.changed", object_id=key, detail={"old": old[key], "new": value}
                )
    return updated


def backup_folder(session: Session) -> Path:
    chosen = get_settings(session).backup_dir
    return Path(chosen) if chosen else session.paths.backups


def school_name(session: Session) -> str:
    with session.store.read() as conn:
        return school.get(conn).name
