"""Numbered migrations: applied in order, older stores copied aside, newer refused."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import sqlcipher3

from safedesk.store import migrate
from safedesk.store.db import Store, StoreTooNew
from safedesk.store.migrate import Migration

V1 = Migration(1, "0001_a.sql", "CREATE TABLE a (x TEXT NOT NULL);\n")
V2 = Migration(2, "0002_b.sql", "-- add a column\nALTER TABLE a ADD COLUMN y TEXT;\n")
BROKEN = Migration(2, "0002_bad.sql", "ALTER TABLE a ADD COLUMN z;\nCREATE TABLE a (dup);\n")


# What each compartment's file must hold (from the design), and what it must never hold.
EXPECTED = {
    "school": (
        {
            "school",
            "user",
            "user_role",
            "role_request",
            "pupil",
            "audit_log",
            "setting",
            "list_item",
            "inbox_item",
            "sealed_copy",
            "sealed_draft",
            "compartment_key",
        },
        {
            "entry",
            "concern",
            "behaviour_incident",
            "notification",
            "case_triage",
            "search_index",
            "key_epoch",
            "member",
        },
    ),
    "safeguarding": (
        {
            "entry",
            "concern",
            "amendment",
            "entry_status",
            "notification",
            "case_triage",
            "case_referral",
            "pupil_transfer",
            "search_index",
            "audit_log",
            "member",
            "key_epoch",
            "received",
            "alarm",
            "quarantine",
            "pupil",
        },
        {"behaviour_incident", "physical_intervention", "user", "setting", "inbox_item"},
    ),
    "behaviour": (
        {
            "entry",
            "behaviour_incident",
            "physical_intervention",
            "amendment",
            "entry_status",
            "search_index",
            "audit_log",
            "member",
            "key_epoch",
            "received",
            "alarm",
            "pupil",
        },
        {"concern", "notification", "case_triage", "user", "setting", "inbox_item"},
    ),
}


@pytest.mark.parametrize("compartment", sorted(EXPECTED))
def test_shipped_migrations_build_each_file(tmp_path: Path, compartment: str) -> None:
    with Store(tmp_path / "s.db", secrets.token_bytes(32)) as store:
        assert migrate.migrate(store.connection(), store.path, tmp_path / "pre", compartment) == 0
        version = migrate.current_version(store.connection())
        assert version == migrate.latest_version(compartment) >= 1
        tables = {r[0] for r in store.connection().execute("SELECT name FROM sqlite_master")}
    must, never = EXPECTED[compartment]
    assert must <= tables
    assert not (never & tables)
    assert not (tmp_path / "pre").exists()  # a new store has nothing to copy aside


def test_shared_parts_are_included_not_left_as_comments() -> None:
    for compartment in EXPECTED:
        for found in migrate.available_migrations(compartment):
            assert "-- @include" not in found.sql


@pytest.mark.parametrize(
    ("compartment", "kind"),
    [("safeguarding", "behaviour"), ("behaviour", "concern"), ("behaviour", "other")],
)
def test_a_file_refuses_records_of_another_compartment(
    tmp_path: Path, compartment: str, kind: str
) -> None:
    with Store(tmp_path / "s.db", secrets.token_bytes(32)) as store:
        migrate.migrate(store.connection(), store.path, tmp_path / "pre", compartment)
        with pytest.raises(sqlcipher3.DatabaseError), store.write() as conn:
            conn.execute(
                "INSERT INTO entry (ref, kind, author, occurred_at, recorded_at) "
                "VALUES ('X-2026-0001', ?, 'a', 'x', 'y')",
                (kind,),
            )


def test_older_store_is_copied_aside_then_upgraded(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    with Store(tmp_path / "s.db", key) as store:
        migrate.migrate(store.connection(), store.path, tmp_path / "pre", "x", [V1])
        with store.write() as conn:
            conn.execute("INSERT INTO a (x) VALUES ('kept')")
    with Store(tmp_path / "s.db", key) as store:
        assert migrate.migrate(store.connection(), store.path, tmp_path / "pre", "x", [V1, V2]) == 1
        row = store.connection().execute("SELECT x, y FROM a").fetchone()
        assert tuple(row) == ("kept", None)
    copies = list((tmp_path / "pre").glob("s-schema1-*.db"))
    assert len(copies) == 1
    with Store(copies[0], key) as old:  # the copy is still encrypted with the same key
        assert migrate.current_version(old.connection()) == 1


def test_failed_migration_changes_nothing(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    with Store(tmp_path / "s.db", key) as store:
        migrate.migrate(store.connection(), store.path, tmp_path / "pre", "x", [V1])
        with pytest.raises(Exception, match="already exists"):
            migrate.migrate(store.connection(), store.path, tmp_path / "pre", "x", [V1, BROKEN])
        assert migrate.current_version(store.connection()) == 1
        columns = [r[1] for r in store.connection().execute("PRAGMA table_info(a)")]
        assert columns == ["x"]


def test_newer_store_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db", secrets.token_bytes(32)) as store:
        store.connection().execute("PRAGMA user_version = 999")
        with pytest.raises(StoreTooNew, match="newer version of safedesk"):
            migrate.migrate(store.connection(), store.path, tmp_path / "pre", "school")
        assert migrate.current_version(store.connection()) == 999
