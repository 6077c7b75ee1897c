"""Reading and changing the school's settings (changes are audited with old and new)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from safedesk.domain.backup_rotation import Policy
from safedesk.domain.errors import SafedeskError, ValidationError
from safedesk.domain.roles import Permission
from safedesk.domain.settings import Settings, label
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
            problems[label(name)] = "must be a whole number" if wanted is int else "must be text"
    if problems:
        raise ValidationError(problems)
    updated = replace(current, **changes)
    if problems := updated.problems():
        # Named as the Settings tab names them, never by their stored names.
        raise ValidationError({label(name): problem for name, problem in problems.items()})
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


def backup_policy(session: Session) -> Policy:
    """How many daily, weekly and monthly backups are kept."""
    found = get_settings(session)
    return Policy(found.backups_daily, found.backups_weekly, found.backups_monthly)


def choose_backup_folder(session: Session, folder: Path) -> Settings:
    """Where backups go from now on (an administrator's choice, audited). The folder must be
    there and take a file: a USB disk that is not plugged in is refused now, not at the
    next backup."""
    session.require(Permission.SETTINGS_MANAGE, "choose where backups go")
    from safedesk.services.backup_status import folder_problem

    folder = folder.expanduser()
    if not folder.is_absolute():
        raise SafedeskError("Choose a whole folder path for backups, like E:\\safedesk-backups.")
    if (problem := folder_problem(folder)) is not None:
        raise SafedeskError(f"{problem} Backups still go to {backup_folder(session)}.")
    return update_settings(session, backup_dir=str(folder))


def set_backup_policy(session: Session, daily: int, weekly: int, monthly: int) -> Settings:
    return update_settings(
        session, backups_daily=daily, backups_weekly=weekly, backups_monthly=monthly
    )


def school_name(session: Session) -> str:
    with session.store.read() as conn:
        return school.get(conn).name
