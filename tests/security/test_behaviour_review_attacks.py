"""Reviews of behaviour records against the design's attackers: a member of staff with their
own password and the program's code, and someone with a member's key editing the behaviour
file behind the program's back (verify must find it)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.roles import Role
from safedesk.services import behaviour_review, integrity
from safedesk.store.instance_lock import InstanceLock
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account
from tests.security import attacker
from tests.unit.services.test_behaviour_review import SIGN_OFF, at, record_at

LEAD, TEACHER = "b.lead", "t.jones"


@pytest.fixture
def reviewed(school: SchoolStore) -> str:
    """An intervention recorded by a teacher and reviewed by the behaviour lead; signed out."""
    head = school.sign_in()
    try:
        factories.add_pupils(head)
        add_account(head, LEAD, {Role.BEHAVIOUR_LEAD})
        add_account(head, TEACHER, {Role.STAFF})
    finally:
        head.lock()
    teacher = school.sign_in(TEACHER, OTHER_PASSWORD)
    try:
        ref = record_at(teacher, Kind.INTERVENTION, "2026-11-23T10:00")
    finally:
        teacher.lock()
    lead = school.sign_in(LEAD, OTHER_PASSWORD)
    try:
        behaviour_review.load_inbox(lead)
        lead.clock = FixedClock(at("2026-11-23T12:00"))
        behaviour_review.record_review(lead, ref, SIGN_OFF)
    finally:
        lead.lock()
    return ref


def verify(school: SchoolStore) -> list[str]:
    with InstanceLock(school.paths.lock):
        session = school.sign_in()
        try:
            report = integrity.verify(session)
        finally:
            session.lock()
    return report.problems


def behaviour_key(school: SchoolStore, username: str) -> bytes | None:
    root = school.paths.root
    loot = attacker.loot((root / "keys.json").read_bytes(), username, OTHER_PASSWORD)
    return attacker.opening_key(root / "behaviour.db", loot.file_keys)


def test_verify_passes_then_finds_a_review_changed_behind_its_back(
    school: SchoolStore, reviewed: str
) -> None:
    assert verify(school) == []
    key = behaviour_key(school, LEAD)
    assert key is not None  # the behaviour lead holds the behaviour file's key
    db: Path = school.paths.root / "behaviour.db"
    with attacker.raw_write(db, key) as conn:
        conn.execute("DROP TRIGGER behaviour_review_no_update")  # type: ignore[attr-defined]
        conn.execute(  # type: ignore[attr-defined]
            "UPDATE behaviour_review SET note = 'Nothing happened.', decision = 'signed_off'"
        )
    problems = verify(school)
    assert any(
        "behaviour:" in p and "behaviour_review row" in p and "changed" in p for p in problems
    ), problems


def test_verify_finds_a_review_removed(school: SchoolStore, reviewed: str) -> None:
    key = behaviour_key(school, LEAD)
    assert key is not None
    with attacker.raw_write(school.paths.root / "behaviour.db", key) as conn:
        conn.execute("DROP TRIGGER behaviour_review_no_delete")  # type: ignore[attr-defined]
        conn.execute("DELETE FROM behaviour_review")  # type: ignore[attr-defined]
    problems = verify(school)
    assert any("behaviour_review row" in p and "removed" in p for p in problems), problems


def test_staff_with_their_own_password_can_neither_open_nor_review(
    school: SchoolStore, reviewed: str
) -> None:
    assert behaviour_key(school, TEACHER) is None  # no key to the behaviour file at all
    teacher = school.sign_in(TEACHER, OTHER_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            behaviour_review.load_inbox(teacher)
        with pytest.raises(PermissionDenied):
            behaviour_review.record_review(teacher, reviewed, SIGN_OFF)
        # Even past the permission check (the program's code, changed), no key opens the file.
        teacher.user = replace(teacher.user, roles=frozenset({Role.BEHAVIOUR_LEAD}))
        with pytest.raises(PermissionDenied, match="cannot open the behaviour records"):
            behaviour_review.record_review(teacher, reviewed, SIGN_OFF)
    finally:
        teacher.lock()
