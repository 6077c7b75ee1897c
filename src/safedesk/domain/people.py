"""Users and pupils as the rest of the program sees them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from safedesk.domain.roles import Permission, Role, permissions_for

USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{2,32}$")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    active: bool

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_for(self.roles)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def roles_label(self) -> str:
        return ", ".join(r.label for r in sorted(self.roles, key=lambda r: list(Role).index(r)))


@dataclass(frozen=True)
class PupilDetails:
    """What the school's MIS tells us about a pupil (the import's unit)."""

    upn: str
    legal_surname: str
    legal_forename: str
    date_of_birth: date
    preferred_forename: str | None = None
    gender: str | None = None
    year_group: str | None = None
    class_name: str | None = None
    sen: str | None = None
    fsm: bool = False
    cla: bool = False
    eal: bool = False

    @property
    def known_as(self) -> str:
        return self.preferred_forename or self.legal_forename

    @property
    def display_name(self) -> str:
        return f"{self.known_as} {self.legal_surname}"


@dataclass(frozen=True)
class Pupil:
    id: int
    details: PupilDetails

    @property
    def upn(self) -> str:
        return self.details.upn

    @property
    def display_name(self) -> str:
        return self.details.display_name


def validate_username(username: str) -> str | None:
    """Why the username is unacceptable, or None."""
    # fullmatch: with match, "$" would also match before a final newline ("jo\n").
    if not USERNAME_PATTERN.fullmatch(username):
        return (
            "must be 2–32 characters: lower-case letters, digits, dots, hyphens or "
            "underscores (for example j.smith)"
        )
    return None


MIN_PASSWORD_LENGTH = 10


def validate_password(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters long"
    if password.strip() != password:
        return "must not begin or end with a space"
    if "\0" in password:
        return "must not contain control characters"
    return None


@dataclass(frozen=True)
class RoleRequest:
    username: str
    display_name: str
    role: Role
    requested_by: str
    requested_at: datetime
    reason: str
