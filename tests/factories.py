"""Valid record payloads and pupils for tests (each test breaks one thing at a time)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from safedesk.domain import upn
from safedesk.domain.compartments import KIND_COMPARTMENT
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.services import intake
from safedesk.services.session import Session
from safedesk.store import pupils
from safedesk.store.db import Store

PUPIL_A = upn.make("801200005001")
PUPIL_B = upn.make("801200005002")
PUPIL_C = upn.make("801200005003")


def add_pupils(session: Session) -> None:
    rows = [
        PupilDetails(PUPIL_A, "O'Connor-Nguyễn", "Siobhán", date(2017, 5, 1), "Shiv", None, "3"),
        PupilDetails(PUPIL_B, "Wiśniewska", "Zoë", date(2016, 11, 30), None, None, "4"),
        PupilDetails(PUPIL_C, "De la Cruz", "Mateo", date(2018, 2, 2), None, None, "2"),
    ]
    with session.store.write() as conn:
        for row in rows:
            pupils.insert(conn, row, session.clock.now())


def records_file(session: Session, kind: Kind) -> Store:
    """The compartment file holding records of ``kind`` (the session must be a member)."""
    return session.compartment(KIND_COMPARTMENT[kind])


def take_in_all(session: Session) -> int:
    """What a member's session does at sign-in: take in every compartment's waiting items."""
    return sum(intake.take_in(session, c).taken_in for c in list(session.compartments))


def earlier(hours: int = 2) -> str:
    return (datetime.now() - timedelta(hours=hours)).replace(microsecond=0).isoformat()


def concern() -> dict[str, Any]:
    return {
        "pupils": [PUPIL_A],
        "occurred_at": earlier(),
        "category": "neglect",
        "urgency": "urgent",
        "description": "Came in without a coat for the third day; hungry at breakfast club.",
        "child_words": "“Mum said there's no food till Friday.”",
    }


def behaviour() -> dict[str, Any]:
    return {
        "pupils": [{"upn": PUPIL_A, "role": "instigator"}, {"upn": PUPIL_B, "role": "target"}],
        "occurred_at": earlier(),
        "location": "playground",
        "behaviour_type": "verbal_abuse",
        "severity": "medium",
        "trigger": "peer_conflict",
        "antecedent": "Lost a game of football at lunch.",
        "escalation": "Other children laughed.",
        "description": "Shouted abuse at Zoë.",
        "action_taken": "Time out; restorative conversation.",
        "parents_informed": True,
    }


def intervention() -> dict[str, Any]:
    return {
        "pupil": PUPIL_A,
        "started_at": earlier(3),
        "ended_at": earlier(2),
        "location": "corridor",
        "staff_involved": "Mr Okafor, Ms Byrne",
        "trigger": "adult_direction",
        "cause": "Refused to leave the corridor after being asked to return to class.",
        "escalation": "Began kicking the fire door and then a classmate.",
        "deescalation": "Calm voice, offered choices, cleared the corridor.",
        "reason_for_force": "Risk of injury to another pupil.",
        "intervention_kind": "restraint_contact",
        "restraint_type": "double_elbow",
        "injuries_pupil": "none",
        "injuries_staff": "none",
        "support_after": "Quiet time in the library with Ms Byrne; checked in after lunch.",
        "parent_informed_at": earlier(1),
        "parent_informed_by": "Ms Byrne",
        "parent_informed_how": "phone",
    }


PAYLOADS = {Kind.CONCERN: concern, Kind.BEHAVIOUR: behaviour, Kind.INTERVENTION: intervention}


OWN_PASSWORD = "a password all of my own"


def account_with_own_password(
    head: Session, username: str, roles: set[Any] | None = None, password: str = OWN_PASSWORD
) -> str:
    """An account whose holder has chosen their own password (and so holds a signing key no
    administrator made): added by ``head``; a staff account signs in once with the password
    it was given and changes it to ``password``. Returns the password it now has (a reading
    role's holder chose their own when it was granted in person: OTHER_PASSWORD)."""
    from safedesk.domain.roles import Role
    from safedesk.services import users, vault
    from safedesk.store.crypto import FAST_KDF
    from tests.conftest import OTHER_PASSWORD, add_account

    add_account(head, username, roles or {Role.STAFF})
    session = vault.sign_in(head.paths, username, OTHER_PASSWORD)
    try:
        if not session.password_from_administrator:
            return OTHER_PASSWORD
        users.change_own_password(session, OTHER_PASSWORD, password, kdf=FAST_KDF)
    finally:
        session.close()
    return password
