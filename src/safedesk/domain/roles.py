"""Roles are sets of permissions; services check permissions, never roles."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"
    DSL = "dsl"
    BEHAVIOUR_LEAD = "behaviour_lead"
    HEAD = "head"
    ADMIN = "admin"
    # Holds allegations about the headteacher (the head must not read them); no pupil records.
    CHAIR_OF_GOVERNORS = "chair_of_governors"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Role.STAFF: "Staff",
    Role.DSL: "Designated Safeguarding Lead",
    Role.BEHAVIOUR_LEAD: "Behaviour lead",
    Role.HEAD: "Headteacher",
    Role.ADMIN: "Administrator",
    Role.CHAIR_OF_GOVERNORS: "Chair of governors",
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
    RECORD_CREATE = "record.create"
    READ_CONCERNS = "record.read.concerns"
    READ_BEHAVIOUR = "record.read.behaviour"
    AMEND_ANY = "record.amend.any"
    LISTS_MANAGE = "lists.manage"
    CASEWORK = "casework"  # the queue, triage, referrals, contacts, closure
    SET_TARGETS = "targets.set"  # behaviour targets: the behaviour lead and the head
    # A pupil's risk assessment in the safeguarding file: DSLs and the head.
    RISK_ASSESSMENT = "risk_assessment.write"
    # A pupil's behaviour plan (a risk assessment in the behaviour file): the behaviour lead too.
    BEHAVIOUR_PLAN = "behaviour_plan.write"
    # The staff training log (add entries; see who has not confirmed): DSLs, the head, and the
    # administrator (often the business manager keeps it). Staff confirm their own.
    TRAINING_MANAGE = "training.manage"
    # Publish a version of a policy and see who has not confirmed reading it: DSLs and the head.
    POLICY_PUBLISH = "policy.publish"
    # Allegations about staff and the low-level concerns log: the headteacher.
    ALLEGATIONS = "allegations.manage"
    # Allegations and low-level concerns about the headteacher: the chair of governors.
    ALLEGATIONS_ABOUT_HEAD = "allegations.about_head"
    # Retention: set how long records are kept, put and lift holds, authorise disposal. The
    # headteacher alone (the only deletion the program makes).
    RETENTION = "retention.manage"


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

_STAFF = {Permission.PUPIL_LIST, Permission.RECORD_CREATE}
_DSL = _STAFF | {
    # DSLs and the head grant reading roles and confirm administrators in person: they
    # see the accounts (names, roles, what is asked for), never change them.
    Permission.USER_LIST,
    Permission.BACKUP,
    Permission.AUDIT_VERIFY,
    Permission.READ_CONCERNS,
    Permission.READ_BEHAVIOUR,
    Permission.AMEND_ANY,
    Permission.CASEWORK,
    Permission.RISK_ASSESSMENT,
    Permission.BEHAVIOUR_PLAN,
    Permission.TRAINING_MANAGE,
    Permission.POLICY_PUBLISH,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.STAFF: frozenset(_STAFF),
    Role.DSL: frozenset(_DSL),
    Role.BEHAVIOUR_LEAD: frozenset(
        _STAFF | {Permission.READ_BEHAVIOUR, Permission.SET_TARGETS, Permission.BEHAVIOUR_PLAN}
    ),
    Role.HEAD: frozenset(
        _DSL | {Permission.SET_TARGETS, Permission.ALLEGATIONS, Permission.RETENTION}
    ),
    # An administrator manages the system and reads no pupil's records.
    Role.ADMIN: frozenset(_ADMIN | {Permission.LISTS_MANAGE, Permission.TRAINING_MANAGE}),
    # A governor, not staff: reads no pupil's records, only allegations about the head.
    # Verify too: nobody else can check the chair's file.
    Role.CHAIR_OF_GOVERNORS: frozenset(
        {Permission.ALLEGATIONS_ABOUT_HEAD, Permission.AUDIT_VERIFY}
    ),
}


# Roles of people who are not members of staff (governors): an account holding only these is
# neither counted among the staff nor asked to confirm staff training or the school's policies.
NOT_STAFF = frozenset({Role.CHAIR_OF_GOVERNORS})


def is_staff(roles: frozenset[Role]) -> bool:
    """Whether an account with ``roles`` is a member of staff (training, policies, the
    governors' figures): every account but one holding only governors' roles."""
    return not roles or not roles <= NOT_STAFF


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
