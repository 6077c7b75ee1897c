"""Repository for the one school row and the key/value settings table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from safedesk.domain.clock import to_stored
from safedesk.store import ledger
from safedesk.store.db import Connection


@dataclass(frozen=True)
class School:
    name: str
    store_id: str
    created_at: str


def insert(conn: Connection, name: str, store_id: str, at: datetime) -> None:
    conn.execute(
        "INSERT INTO school (id, name, store_id, created_at) VALUES (1, ?, ?, ?)",
        (name, store_id, to_stored(at)),
    )


def get(conn: Connection) -> School:
    row = conn.execute("SELECT name, store_id, created_at FROM school WHERE id = 1").fetchone()
    if row is None:
        raise LookupError("the store has no school row")
    return School(row[0], row[1], row[2])


def get_setting(conn: Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def all_settings(conn: Connection) -> dict[str, str]:
    return {row[0]: row[1] for row in conn.execute("SELECT key, value FROM setting")}


def put_setting(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
    ledger.touched(conn, "setting", [key], ledger.UPDATE)
