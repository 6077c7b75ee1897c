"""Compartments: which encrypted file holds which records, and which roles need which file."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role


class Compartment(StrEnum):
    SCHOOL = "school"
    SAFEGUARDING = "safeguarding"
    BEHAVIOUR = "behaviour"

    @property
    def label(self) -> str:
        return {
            Compartment.SCHOOL: "school",
            Compartment.SAFEGUARDING: "safeguarding records",
            Compartment.BEHAVIOUR: "behaviour records",
        }[self]


# The compartments holding pupils' records; `school` is every account's.
READING = (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR)

# A reading role is granted by a member of every compartment it needs, never by an administrator.
ROLE_COMPARTMENTS: dict[Role, frozenset[Compartment]] = {
    Role.STAFF: frozenset(),
    Role.ADMIN: frozenset(),
    Role.BEHAVIOUR_LEAD: frozenset({Compartment.BEHAVIOUR}),
    Role.DSL: frozenset({Compartment.SAFEGUARDING, Compartment.BEHAVIOUR}),
    Role.HEAD: frozenset({Compartment.SAFEGUARDING, Compartment.BEHAVIOUR}),
}

READING_ROLES = frozenset(role for role, needs in ROLE_COMPARTMENTS.items() if needs)

KIND_COMPARTMENT = {
    Kind.CONCERN: Compartment.SAFEGUARDING,
    Kind.BEHAVIOUR: Compartment.BEHAVIOUR,
    Kind.INTERVENTION: Compartment.BEHAVIOUR,
}


def compartments_for(roles: Iterable[Role]) -> frozenset[Compartment]:
    """The reading compartments these roles need (never `school`, which every account has)."""
    needed: set[Compartment] = set()
    for role in roles:
        needed |= ROLE_COMPARTMENTS[role]
    return frozenset(needed)


def is_reading_role(role: Role) -> bool:
    return role in READING_ROLES
