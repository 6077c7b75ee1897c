"""Policy confirmations are the member of staff's alone.

Attempts by people holding only what they hold: the headteacher's password (and so the head's
own signing key) used to confirm for a colleague; a member of staff with the `school` file key
writing a confirmation row with a raw SQLCipher connection; a disabled account. None of them
is counted as a confirmation, and `verify` reports the rows written behind the program's back.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from safedesk.domain.clock import FixedClock, to_stored
from safedesk.domain.errors import AuthenticationError, ValidationError
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


# --- After the break-it pass (issue 13) ------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
OTHER_PDF = b"%PDF-1.4\n% everything is fine\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def confirm_as(school: SchoolStore, name: str, policy_id: int) -> None:
    person = school.sign_in(name, OWN[name])
    try:
        policies.confirm(person, policy_id)
    finally:
        person.lock()


def test_a_policy_swapped_behind_the_programs_back_is_no_longer_confirmed(
    school: SchoolStore, head: Session
) -> None:
    """A member of staff with the school file's key drops the triggers, replaces the PDF, its
    hash and the note, and puts the triggers back: nobody confirmed that."""
    policy_id = policies.publish(head, POLICY, pdf=PDF)
    confirm_as(school, TEACHER, policy_id)
    assert confirmed_by(head) == [TEACHER]
    loot = attacker.loot(school.paths.keys.read_bytes(), OFFICE, OWN[OFFICE])
    key = attacker.school_key(loot, school.paths.root)
    with attacker.raw_write(school.paths.root / "school.db", key) as conn:
        triggers = conn.execute(  # type: ignore[attr-defined]
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'policy_version'"
        ).fetchall()
        for name, _sql in triggers:
            conn.execute(f"DROP TRIGGER {name}")  # type: ignore[attr-defined]
        conn.execute(  # type: ignore[attr-defined]
            "UPDATE policy_version SET pdf = ?, pdf_sha256 = ?, note = 'Everything is fine' "
            "WHERE id = ?",
            (OTHER_PDF, hashlib.sha256(OTHER_PDF).hexdigest(), policy_id),
        )
        for _name, sql in triggers:
            conn.execute(sql)  # type: ignore[attr-defined]
    assert confirmed_by(head) == []
    with pytest.raises(ValidationError):
        policies.document(head, policy_id)


def test_a_backdated_policy_confirmation_does_not_count(school: SchoolStore, head: Session) -> None:
    """The office signs, with their own key, a confirmation dated before the version was
    published: written in their own signed commit, and again with a raw connection."""
    policy_id = policies.publish(head, POLICY, pdf=PDF)
    early = datetime(2020, 1, 5, 9, tzinfo=UTC)
    office = school.sign_in(OFFICE, OWN[OFFICE])
    try:
        office.clock = FixedClock(early)  # the PC's clock set back: the program refuses
        with pytest.raises(ValidationError):
            policies.confirm(office, policy_id)
        assert confirmed_by(head) == []
        (policy,) = [m.policy for m in policies.mine(office)]
        payload = {
            **signed_payload(policy),
            "note": policy.note,
            "pdf_sha256": hashlib.sha256(PDF).hexdigest(),
            "at": to_stored(early),
        }
        assert office.account is not None
        signature = office.account.secrets.sign.sign(
            confirmations.message(office.store_id, OFFICE, PURPOSE, payload)
        )
        with office.store.write() as conn:
            from safedesk.store import policies as store

            row = store.insert_confirmation(
                conn, policy_id, username=OFFICE, at=early, signature=signature
            )
            office.audit(conn, "policy.confirmed", object_type="policy",
                         object_id=str(policy_id), detail={"row": row})  # fmt: skip
    finally:
        office.lock()
    assert confirmed_by(head) == []
    loot = attacker.loot(school.paths.keys.read_bytes(), OFFICE, OWN[OFFICE])
    key = attacker.school_key(loot, school.paths.root)
    with attacker.raw_write(school.paths.root / "school.db", key) as conn:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO policy_confirmation (policy_id, username, confirmed_at, signature) "
            "VALUES (?, ?, ?, ?)",
            (policy_id, OFFICE, to_stored(early), signature),
        )
    assert confirmed_by(head) == []
    confirm_as(school, OFFICE, policy_id)  # the office's own, now, still counts
    assert confirmed_by(head) == [OFFICE]


def test_confirming_a_policy_twice_is_refused_with_the_cli(
    school: SchoolStore, head: Session
) -> None:
    policy_id = policies.publish(head, POLICY)
    ran = attacker.admin(school.paths.root, "policy", "confirm", str(policy_id), "--user",
                         TEACHER, password=OWN[TEACHER])  # fmt: skip
    assert ran.code == 0, ran.err
    ran = attacker.admin(school.paths.root, "policy", "confirm", str(policy_id), "--user",
                         TEACHER, password=OWN[TEACHER])  # fmt: skip
    assert ran.code == 2, ran.err
    assert "already" in ran.err
    assert confirmed_by(head) == [TEACHER]


def test_a_policy_confirmed_after_a_reset_says_who_reset_it(
    school: SchoolStore, head: Session
) -> None:
    """The administrator resets the teacher's password, signs in with it, chooses another and
    confirms as the teacher: the administrator's real power, shown beside the confirmation."""
    policy_id = policies.publish(head, POLICY)
    confirm_as(school, OFFICE, policy_id)
    users.reset_password(head, TEACHER, "a reset password 22")
    posing = school.sign_in(TEACHER, "a reset password 22")
    try:
        users.change_own_password(posing, "a reset password 22", "the admin's choice 33")
        policies.confirm(posing, policy_id)
    finally:
        posing.lock()
    (standing,) = policies.standings(head)
    assert {c.username: c.reset_by for c in standing.confirmed} == {
        OFFICE: None,
        TEACHER: "head",
    }
