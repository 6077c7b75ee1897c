"""Repository for controlled lists (categories, locations, holds…) kept in the store."""

from __future__ import annotations

from dataclasses import dataclass

from safedesk.store import ledger
from safedesk.store.db import Connection


@dataclass(frozen=True)
class ListItem:
    list_name: str
    value: str
    label: str
    position: int
    active: bool


def all_items(conn: Connection) -> list[ListItem]:
    return [
        ListItem(r[0], r[1], r[2], r[3], bool(r[4]))
        for r in conn.execute(
            "SELECT list_name, value, label, position, active FROM list_item "
            "ORDER BY list_name, position, value"
        )
    ]


def add(conn: Connection, list_name: str, value: str, label: str) -> None:
    row = conn.execute(
        "SELECT coalesce(max(position), 0) + 1 FROM list_item WHERE list_name = ?", (list_name,)
    ).fetchone()
    conn.execute(
        "INSERT INTO list_item (list_name, value, label, position) VALUES (?, ?, ?, ?)",
        (list_name, value, label, row[0]),
    )
    ledger.touched(conn, "list_item", [list_name, value])


def set_active(conn: Connection, list_name: str, value: str, active: bool) -> bool:
    cursor = conn.execute(
        "UPDATE list_item SET active = ? WHERE list_name = ? AND value = ?",
        (int(active), list_name, value),
    )
    if cursor.rowcount:
        ledger.touched(conn, "list_item", [list_name, value], ledger.UPDATE)
    return bool(cursor.rowcount)
