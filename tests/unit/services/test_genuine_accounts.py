"""Accounts and roles as the program wrote them, whatever a raw connection did to `school`."""

from __future__ import annotations

import pytest

from safedesk.domain.roles import Role
from safedesk.services import genuine_accounts, users
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore, add_account
from tests.security import attacker


def raw(school: SchoolStore, sql: str, *params: object) -> None:
    held = attacker.loot(school.paths.keys.read_bytes(), HEAD_USER, HEAD_PASSWORD)
    key = attacker.school_key(held, school.paths.root)
    with attacker.raw_write(school.paths.root / "school.db", key) as conn:
        conn.execute(sql, params)  # type: ignore[attr-defined]


def as_written(school: SchoolStore) -> tuple[dict[str, tuple[bool, frozenset[Role]]], set[str]]:
    session = school.sign_in()
    try:
        with session.store.read() as conn:
            found, tampered = genuine_accounts.as_written(conn)
    finally:
        session.lock()
    return {u.username: (u.active, u.roles) for u in found}, tampered


@pytest.fixture
def with_dsl(school: SchoolStore) -> SchoolStore:
    head = school.sign_in()
    try:
        add_account(head, "dee.dsl", {Role.DSL})
        add_account(head, "sam.staff", {Role.STAFF})
    finally:
        head.lock()
    return school


def test_untouched_accounts_are_as_stored(with_dsl: SchoolStore) -> None:
    found, tampered = as_written(with_dsl)
    assert found["dee.dsl"] == (True, frozenset({Role.STAFF, Role.DSL}))
    assert found["sam.staff"] == (True, frozenset({Role.STAFF}))
    assert tampered == set()


def test_a_role_written_in_by_hand_counts_for_nothing(with_dsl: SchoolStore) -> None:
    raw(
        with_dsl,
        "INSERT INTO user_role (user_id, role, granted_by, granted_at) VALUES "
        "((SELECT id FROM user WHERE username = 'sam.staff'), 'dsl', 'head', "
        "'2026-01-05T08:00:00+00:00')",
    )
    found, tampered = as_written(with_dsl)
    assert found["sam.staff"] == (True, frozenset({Role.STAFF}))
    assert tampered == {"sam.staff"}


def test_a_role_deleted_by_hand_still_counts(with_dsl: SchoolStore) -> None:
    raw(
        with_dsl,
        "DELETE FROM user_role WHERE role = 'dsl' AND user_id = "
        "(SELECT id FROM user WHERE username = 'dee.dsl')",
    )
    found, tampered = as_written(with_dsl)
    assert found["dee.dsl"] == (True, frozenset({Role.STAFF, Role.DSL}))
    assert tampered == {"dee.dsl"}


def test_an_account_re_enabled_by_hand_stays_disabled(with_dsl: SchoolStore) -> None:
    head = with_dsl.sign_in()
    try:
        users.disable_user(head, "sam.staff")
    finally:
        head.lock()
    raw(with_dsl, "UPDATE user SET active = 1 WHERE username = 'sam.staff'")
    found, tampered = as_written(with_dsl)
    assert found["sam.staff"][0] is False
    assert tampered == {"sam.staff"}


def test_an_account_disabled_by_hand_is_still_active(with_dsl: SchoolStore) -> None:
    raw(with_dsl, "UPDATE user SET active = 0 WHERE username = 'dee.dsl'")
    head = with_dsl.sign_in()
    try:
        with head.store.read() as conn:
            found, tampered = genuine_accounts.as_written(conn)
    finally:
        head.lock()
    assert {u.username: u.active for u in found}["dee.dsl"] is True
    assert tampered == {"dee.dsl"}


def test_a_renamed_account_counts_as_disabled_and_is_reported(with_dsl: SchoolStore) -> None:
    """More than the state changed, so what the program wrote cannot be told: no keys go to
    it until an administrator's own change writes the account again (found by the second
    break-it pass: a rename in the same edit made a re-enabled account count as active)."""
    raw(with_dsl, "UPDATE user SET display_name = 'Someone Else' WHERE username = 'dee.dsl'")
    found, tampered = as_written(with_dsl)
    assert found["dee.dsl"] == (False, frozenset({Role.STAFF, Role.DSL}))
    assert tampered == {"dee.dsl"}


def test_a_ledger_event_forged_to_vouch_for_a_re_enabled_account_counts_for_nothing(
    with_dsl: SchoolStore,
) -> None:
    """The re-enabled row is given the ledger event the program would write, unsigned: with
    the school file's evidence (who signed which rows), it is still disabled."""
    import json

    from safedesk.services import integrity
    from safedesk.store import audit, ledger

    head = with_dsl.sign_in()
    try:
        users.disable_user(head, "sam.staff")
    finally:
        head.lock()
    held = attacker.loot(with_dsl.paths.keys.read_bytes(), HEAD_USER, HEAD_PASSWORD)
    key = attacker.school_key(held, with_dsl.paths.root)
    with attacker.raw_write(with_dsl.paths.root / "school.db", key) as conn:
        conn.execute("UPDATE user SET active = 1 WHERE username = 'sam.staff'")  # type: ignore[attr-defined]
        (user_id,) = conn.execute("SELECT id FROM user WHERE username = 'sam.staff'").fetchone()  # type: ignore[attr-defined]
        version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])  # type: ignore[attr-defined]
        digest = ledger.row_hash(conn, "user", [user_id], version)  # type: ignore[arg-type]
        detail = json.dumps({"rows": [["user", [user_id], "update", digest, "sam.staff"]]})
        seq, prev = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC").fetchone()  # type: ignore[attr-defined]
        at = "2026-11-29T09:00:00+00:00"
        row = audit.row_hash(prev, seq + 1, at, "sam.staff", "rows.written", None, None, detail)
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, detail, "
            "prev_hash, hash) VALUES (?, ?, 'sam.staff', 'rows.written', NULL, NULL, ?, ?, ?)",
            (seq + 1, at, detail, prev, row),
        )
    session = with_dsl.sign_in()
    try:
        with session.store.read() as conn:
            believed, _ = genuine_accounts.as_written(conn)
            vouched = integrity.school_report(session).vouched
            found, tampered = genuine_accounts.as_written(conn, vouched)
    finally:
        session.lock()
    assert {u.username: u.active for u in believed}["sam.staff"] is True  # the forgery alone
    assert {u.username: u.active for u in found}["sam.staff"] is False
    assert tampered == {"sam.staff"}
