"""Policy confirmations are the member of staff's alone.

Attempts by people holding only what they hold: the headteacher's password (and so the head's
own signing key) used to confirm for a colleague; a member of staff with the `school` file key
writing a confirmation row with a raw SQLCipher connection; a disabled account. None of them
is counted as a confirmation, and `verify` reports the rows written behind the program's back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from safedesk.domain.clock import to_stored
from safedesk.domain.errors import AuthenticationError
from safedesk.domain.policies import PURPOSE, signed_payload
from safedesk.domain.roles import Role
from safedesk.services import confirmations, integrity, policies, users
from safedesk.services.session import Session
from safedesk.store import ledger
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore, add_account, new_school
from tests.security import attacker

TEACHER = "terry.teacher.victim"
OFFICE = "olive.office.forger"
OWN = {TEACHER: "terry's own password 11", OFFICE: "olive's own password 12"}
POLICY = {
    "title": "Child protection and safeguarding policy",
    "version": "2026-27",
    "published_on": "2026-09-01",
    "note": "Section 4 is new. Paper copy in the staff room.",
}


@pytest.fixture
def school(tmp_path: Path) -> SchoolStore:
    built = new_school(tmp_path / "data")
    head = built.sign_in()
    for name in (TEACHER, OFFICE):
        add_account(head, name, {Role.STAFF})
        person = built.sign_in(name, OTHER_PASSWORD)
        users.change_own_password(person, OTHER_PASSWORD, OWN[name])  # their key, their own
        person.lock()
    head.lock()
    return built


@pytest.fixture
def head(school: SchoolStore) -> Iterator[Session]:
    session = school.sign_in()
    yield session
    session.close()


def confirmed_by(head: Session) -> list[str]:
    (standing,) = policies.standings(head)
    return [c.username for c in standing.confirmed]


def test_the_heads_password_cannot_confirm_for_a_colleague(
    school: SchoolStore, head: Session
) -> None:
    policy_id = policies.publish(head, POLICY)
    with pytest.raises(AuthenticationError):
        school.sign_in(TEACHER, HEAD_PASSWORD)
    # The head signs a confirmation in the teacher's name with the key the head holds, and
    # writes it through the program's own connection (the ledger told, the chain signed).
    (policy,) = [m.policy for m in policies.mine(head)]
    at = head.clock.now()
    payload = {**signed_payload(policy), "at": to_stored(at)}
    assert head.account is not None
    forged = head.account.secrets.sign.sign(
        confirmations.message(head.store_id, TEACHER, PURPOSE, payload)
    )
    with head.store.write() as conn:
        row = conn.execute(
            "INSERT INTO policy_confirmation (policy_id, username, confirmed_at, signature) "
            "VALUES (?, ?, ?, ?)",
            (policy_id, TEACHER, to_stored(at), forged),
        ).lastrowid
        ledger.touched(conn, "policy_confirmation", [row])
    assert confirmed_by(head) == []
    # The teacher, with their own password, still confirms (the forged row blocks nothing).
    teacher = school.sign_in(TEACHER, OWN[TEACHER])
    try:
        policies.confirm(teacher, policy_id)
    finally:
        teacher.lock()
    assert confirmed_by(head) == [TEACHER]


def test_a_row_written_with_the_school_key_does_not_count_and_verify_finds_it(
    school: SchoolStore, head: Session
) -> None:
    policy_id = policies.publish(head, POLICY)
    assert integrity.verify(head).ok
    # A member of staff opens school.db with the key their own password gives them, and
    # writes a confirmation for the teacher, signed with their own key (the best they have).
    loot = attacker.loot(school.paths.keys.read_bytes(), OFFICE, OWN[OFFICE])
    assert loot.account is not None
    key = attacker.school_key(loot, school.paths.root)
    (policy,) = [s.policy for s in policies.standings(head)]
    at = "2026-09-02T08:00:00.000000+00:00"
    payload = {**signed_payload(policy), "at": at}
    store_id = head.store_id
    signature = loot.account.sign.sign(confirmations.message(store_id, TEACHER, PURPOSE, payload))
    with attacker.raw_write(school.paths.root / "school.db", key) as conn:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO policy_confirmation (policy_id, username, confirmed_at, signature) "
            "VALUES (?, ?, ?, ?), (?, ?, ?, ?)",
            (policy_id, TEACHER, at, signature, policy_id, OFFICE, at, os.urandom(64)),
        )
    assert confirmed_by(head) == []
    assert [m.confirmed_at for m in policies.mine(head)] == [None]
    problems = integrity.verify(head).problems
    assert any("policy_confirmation" in p for p in problems), problems


def test_a_disabled_account_is_not_counted_and_its_password_confirms_nothing(
    school: SchoolStore, head: Session
) -> None:
    policy_id = policies.publish(head, POLICY)
    office = school.sign_in(OFFICE, OWN[OFFICE])
    try:
        policies.confirm(office, policy_id)
    finally:
        office.lock()
    assert confirmed_by(head) == [OFFICE]
    users.disable_user(head, OFFICE)
    (standing,) = policies.standings(head)
    assert standing.confirmed == ()
    assert sorted(u for u, _ in standing.not_confirmed) == sorted([TEACHER, "head"])
    assert standing.figure == "0 of 2"
    with pytest.raises(AuthenticationError):
        school.sign_in(OFFICE, OWN[OFFICE])
