"""Numbered migrations: applied in order, older stores copied aside, newer refused."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from safedesk.store import migrate
from safedesk.store.db import Store, StoreTooNew
from safedesk.store.migrate import Migration

V1 = Migration(1, "0001_a.sql", "CREATE TABLE a (x TEXT NOT NULL);\n")
V2 = Migration(2, "0002_b.sql", "-- add a column\nALTER TABLE a ADD COLUMN y TEXT;\n")
BROKEN = Migration(2, "0002_bad.sql", "ALTER TABLE a ADD COLUMN z;\nCREATE TABLE a (dup);\n")


def test_shipped_migrations_build_a_store(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db", secrets.token_bytes(32)) as store:
        assert migrate.migrate(store.connection(), store.path, tmp_path / "pre") == 0
        assert migrate.current_version(store.connection()) == migrate.latest_version()
        tables = {r[0] for r in store.connection().execute("SELECT name FROM sqlite_master")}
    assert {"school", "user", "pupil", "audit_log", "setting"} <= tables
    assert not (tmp_path / "pre").exists()  # a new store has nothing to copy aside


def test_older_store_is_copied_aside_then_upgraded(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    with Store(tmp_path / "s.db", key) as store:
        migrate.migrate(store.connection(), store.path, tmp_path / "pre", [V1])
        with store.write() as conn:
            conn.execute("INSERT INTO a (x) VALUES ('kept')")
    with Store(tmp_path / "s.db", key) as store:
        assert migrate.migrate(store.connection(), store.path, tmp_path / "pre", [V1, V2]) == 1
        row = store.connection().execute("SELECT x, y FROM a").fetchone()
        assert tuple(row) == ("kept", None)
    copies = list((tmp_path / "pre").glob("safedesk-schema1-*.db"))
    assert len(copies) == 1
    with Store(copies[0], key) as old:  # the copy is still encrypted with the same key
        assert migrate.current_version(old.connection()) == 1


def test_failed_migration_changes_nothing(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    with Store(tmp_path / "s.db", key) as store:
        migrate.migrate(store.connection(), store.path, tmp_path / "pre", [V1])
        with pytest.raises(Exception, match="already exists"):
            migrate.migrate(store.connection(), store.path, tmp_path / "pre", [V1, BROKEN])
        assert migrate.current_version(store.connection()) == 1
        columns = [r[1] for r in store.connection().execute("PRAGMA table_info(a)")]
        assert columns == ["x"]


def test_newer_store_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db", secrets.token_bytes(32)) as store:
        store.connection().execute("PRAGMA user_version = 999")
        with pytest.raises(StoreTooNew, match="newer version of safedesk"):
            migrate.migrate(store.connection(), store.path, tmp_path / "pre")
        assert migrate.current_version(store.connection()) == 999
