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
    # Allegations about staff and low-level concerns: the headteacher only.
    ALLEGATIONS = "allegations"
    # Allegations and low-level concerns about the headteacher: the chair of governors only.
    ALLEGATIONS_HEAD = "allegations_head"

    @property
    def label(self) -> str:
        return {
            Compartment.SCHOOL: "school",
            Compartment.SAFEGUARDING: "safeguarding records",
            Compartment.BEHAVIOUR: "behaviour records",
            Compartment.ALLEGATIONS: "allegations about staff",
            Compartment.ALLEGATIONS_HEAD: "allegations about the headteacher",
        }[self]


# The compartments holding pupils' records; `school` is every account's.
READING = (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR)

# Allegations about staff: the recovery key is never a member, nor anyone but the head (or,
# for allegations about the head, the chair of governors). Made at that person's own sign-in.
RESTRICTED = (Compartment.ALLEGATIONS, Compartment.ALLEGATIONS_HEAD)

# Who makes each restricted compartment, at their own sign-in (nobody can grant into a
# compartment that has no member yet).
FOUNDED_BY: dict[Compartment, Role] = {
    Compartment.ALLEGATIONS: Role.HEAD,
    Compartment.ALLEGATIONS_HEAD: Role.CHAIR_OF_GOVERNORS,
}

# A reading role is granted by a member of every compartment it needs, never by an administrator.
ROLE_COMPARTMENTS: dict[Role, frozenset[Compartment]] = {
    Role.STAFF: frozenset(),
    Role.ADMIN: frozenset(),
    Role.BEHAVIOUR_LEAD: frozenset({Compartment.BEHAVIOUR}),
    Role.DSL: frozenset({Compartment.SAFEGUARDING, Compartment.BEHAVIOUR}),
    Role.HEAD: frozenset(
        {Compartment.SAFEGUARDING, Compartment.BEHAVIOUR, Compartment.ALLEGATIONS}
    ),
    Role.CHAIR_OF_GOVERNORS: frozenset({Compartment.ALLEGATIONS_HEAD}),
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
