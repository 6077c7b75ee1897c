"""The connection: keyed, pragmas set, errors translated, nothing readable without the key."""

from __future__ import annotations

import secrets
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from safedesk.domain.people import PupilDetails
from safedesk.store import pupils
from safedesk.store.db import Store, StoreDamaged, connect
from tests.conftest import SchoolStore


def test_pragmas_are_set(tmp_path: Path) -> None:
    conn = connect(tmp_path / "x.db", secrets.token_bytes(32))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA recursive_triggers").fetchone()[0] == 1
    assert conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    conn.close()


def test_wrong_key_is_reported_as_damaged_not_as_sql(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with Store(path, secrets.token_bytes(32)) as store, store.write() as conn:
        conn.execute("CREATE TABLE t (a)")
    with pytest.raises(StoreDamaged, match="damaged or is not a safedesk file"):
        Store(path, secrets.token_bytes(32))


def test_plain_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    plain = sqlite3.connect(path)
    plain.execute("CREATE TABLE t (a)")
    plain.commit()
    plain.close()
    with pytest.raises(StoreDamaged):
        Store(path, secrets.token_bytes(32))


def test_failed_write_rolls_back_whole_transaction(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db", secrets.token_bytes(32)) as store:
        with store.write() as conn:
            conn.execute("CREATE TABLE t (a NOT NULL)")

        def insert_then_crash() -> None:
            with store.write() as conn:
                conn.execute("INSERT INTO t VALUES (1)")
                raise RuntimeError("crash mid-way")

        with pytest.raises(RuntimeError):
            insert_then_crash()
        with store.read() as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_close_wipes_the_key(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    store = Store(tmp_path / "x.db", key)
    held = store._key
    store.close()
    assert bytes(held) == bytes(32)
    assert store.closed


def test_nothing_readable_without_the_key(school: SchoolStore) -> None:
    session = school.sign_in()
    with session.store.write() as conn:
        pupils.insert(
            conn,
            PupilDetails("B801200005001", "Wiśniewska-O'Hara", "Zofia", date(2017, 3, 4)),
            session.clock.now(),
        )
    # Leave the WAL in place (no checkpoint): it must be encrypted too.
    folder = school.paths.root
    needles = ["Wiśniewska".encode(), b"Wi\xc5\x9bniewska", b"Zofia", b"Ngozi", b"head"]
    needles += ["Wiśniewska".encode("utf-16-le"), b"Brigid"]
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    for path in files:
        raw = path.read_bytes()
        for needle in needles:
            assert needle not in raw, f"{needle!r} readable in {path.name}"
    session.store.close()
