"""The audit log: append-only by trigger, hash-chained, tampering detected."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlcipher3

from safedesk.store import audit, migrate
from safedesk.store.db import Store

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "a.db", secrets.token_bytes(32))
    migrate.migrate(store.connection(), store.path, tmp_path / "pre", "school")
    with store.write() as conn:
        for i in range(5):
            audit.append(conn, at=NOW, actor="head", action=f"test.{i}", detail={"n": i})
    return store


def test_chain_verifies(store: Store) -> None:
    with store.read() as conn:
        report = audit.walk_chain(conn)
    assert report.ok
    assert report.rows == 5
    assert report.head.seq == 5


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'x' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 5",
        "INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log WHERE seq = 3",
        "INSERT INTO audit_log (seq, at, action, prev_hash, hash) "
        "VALUES (9, 'x', 'forged', '" + "0" * 64 + "', '" + "1" * 64 + "')",
    ],
)
def test_triggers_refuse_changes(store: Store, statement: str) -> None:
    with pytest.raises(sqlcipher3.IntegrityError), store.write() as conn:
        conn.execute(statement)
    with store.read() as conn:
        assert audit.walk_chain(conn).ok


def _drop_guards(conn: object) -> None:
    for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_follows_head"):
        conn.execute(f"DROP TRIGGER {name}")  # type: ignore[attr-defined]


def test_edited_row_is_detected(store: Store) -> None:
    with store.write() as conn:
        _drop_guards(conn)
        conn.execute("UPDATE audit_log SET detail = '{\"n\": 99}' WHERE seq = 3")
    with store.read() as conn:
        report = audit.walk_chain(conn)
    assert not report.ok
    assert report.problem == "audit row 3 has been altered"


def test_deleted_row_is_detected(store: Store) -> None:
    with store.write() as conn:
        _drop_guards(conn)
        conn.execute("DELETE FROM audit_log WHERE seq = 2")
    with store.read() as conn:
        report = audit.walk_chain(conn)
    assert not report.ok
    assert report.problem == "audit row 2 is missing"


def test_reordered_rows_are_detected(store: Store) -> None:
    with store.write() as conn:
        _drop_guards(conn)
        conn.execute("UPDATE audit_log SET seq = 100 WHERE seq = 2")
        conn.execute("UPDATE audit_log SET seq = 2 WHERE seq = 3")
        conn.execute("UPDATE audit_log SET seq = 3 WHERE seq = 100")
    with store.read() as conn:
        assert not audit.walk_chain(conn).ok
