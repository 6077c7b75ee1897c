"""Roles are sets of permissions; services check permissions, never roles."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"
    DSL = "dsl"
    BEHAVIOUR_LEAD = "behaviour_lead"
    HEAD = "head"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Role.STAFF: "Staff",
    Role.DSL: "Designated Safeguarding Lead",
    Role.BEHAVIOUR_LEAD: "Behaviour lead",
    Role.HEAD: "Headteacher",
    Role.ADMIN: "Administrator",
}


class Permission(StrEnum):
    PUPIL_LIST = "pupil.list"
    PUPIL_IMPORT = "pupil.import"
    USER_MANAGE = "user.manage"
    USER_LIST = "user.list"
    SETTINGS_MANAGE = "settings.manage"
    BACKUP = "backup"
    RESTORE = "restore"
    AUDIT_VERIFY = "audit.verify"


_ADMIN = {
    Permission.PUPIL_LIST,
    Permission.PUPIL_IMPORT,
    Permission.USER_MANAGE,
    Permission.USER_LIST,
    Permission.SETTINGS_MANAGE,
    Permission.BACKUP,
    Permission.RESTORE,
    Permission.AUDIT_VERIFY,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.STAFF: frozenset({Permission.PUPIL_LIST}),
    Role.DSL: frozenset({Permission.PUPIL_LIST, Permission.BACKUP, Permission.AUDIT_VERIFY}),
    Role.BEHAVIOUR_LEAD: frozenset({Permission.PUPIL_LIST}),
    Role.HEAD: frozenset({Permission.PUPIL_LIST, Permission.BACKUP, Permission.AUDIT_VERIFY}),
    Role.ADMIN: frozenset(_ADMIN),
}


def permissions_for(roles: frozenset[Role]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValueError(f"unknown role {text!r}; choose one of {choices}") from None
