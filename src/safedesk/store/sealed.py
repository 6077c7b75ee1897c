"""Repository for sealed things in `school`: inbox items, and each account's copies,
receipts and drafts. Only ``put_at`` (and an owner tag that names nobody) is in the clear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from safedesk.domain.clock import to_stored
from safedesk.store import ledger
from safedesk.store.db import Connection


@dataclass(frozen=True)
class SealedRow:
    id: int
    put_at: str
    item: bytes


def put_inbox(conn: Connection, compartment: str, item: bytes, at: datetime) -> int:
    cursor = conn.execute(
        "INSERT INTO inbox_item (compartment, put_at, item) VALUES (?, ?, ?)",
        (compartment, to_stored(at), item),
    )
    item_id = int(cursor.lastrowid)
    ledger.touched(conn, "inbox_item", (item_id,))
    return item_id


def inbox(conn: Connection, compartment: str) -> list[SealedRow]:
    return [
        SealedRow(r[0], r[1], bytes(r[2]))
        for r in conn.execute(
            "SELECT id, put_at, item FROM inbox_item WHERE compartment = ? ORDER BY id",
            (compartment,),
        )
    ]


def inbox_count(conn: Connection, compartment: str) -> int:
    row = conn.execute(
        "SELECT count(*) FROM inbox_item WHERE compartment = ?", (compartment,)
    ).fetchone()
    return int(row[0])


def take_from_inbox(conn: Connection, item_ids: list[int]) -> None:
    conn.executemany("DELETE FROM inbox_item WHERE id = ?", [(i,) for i in item_ids])
    for item_id in item_ids:
        ledger.touched(conn, "inbox_item", (item_id,), ledger.DELETE)


_OWNED = {"copy": "sealed_copy", "receipt": "sealed_receipt"}


def put_owned(conn: Connection, what: str, owner: str, item: bytes, at: datetime) -> int:
    cursor = conn.execute(
        f"INSERT INTO {_OWNED[what]} (owner, put_at, item) VALUES (?, ?, ?)",
        (owner, to_stored(at), item),
    )
    return int(cursor.lastrowid)


def owned(conn: Connection, what: str, owners: list[str]) -> list[SealedRow]:
    if not owners:
        return []
    marks = ",".join("?" * len(owners))
    return [
        SealedRow(r[0], r[1], bytes(r[2]))
        for r in conn.execute(
            f"SELECT id, put_at, item FROM {_OWNED[what]} WHERE owner IN ({marks}) ORDER BY id",
            owners,
        )
    ]


def save_draft(
    conn: Connection, owner: str, item: bytes, at: datetime, draft_id: int | None
) -> int:
    if draft_id is not None:
        cursor = conn.execute(
            "UPDATE sealed_draft SET item = ?, updated_at = ? WHERE id = ? AND owner = ?",
            (item, to_stored(at), draft_id, owner),
        )
        if cursor.rowcount:
            return draft_id
    cursor = conn.execute(
        "INSERT INTO sealed_draft (owner, updated_at, item) VALUES (?, ?, ?)",
        (owner, to_stored(at), item),
    )
    return int(cursor.lastrowid)


def drafts(conn: Connection, owners: list[str]) -> list[SealedRow]:
    if not owners:
        return []
    marks = ",".join("?" * len(owners))
    return [
        SealedRow(r[0], r[1], bytes(r[2]))
        for r in conn.execute(
            f"SELECT id, updated_at, item FROM sealed_draft WHERE owner IN ({marks}) "
            "ORDER BY updated_at",
            owners,
        )
    ]


def discard_draft(conn: Connection, owners: list[str], draft_id: int) -> None:
    marks = ",".join("?" * len(owners))
    conn.execute(
        f"DELETE FROM sealed_draft WHERE id = ? AND owner IN ({marks})", (draft_id, *owners)
    )


def next_sequence(conn: Connection, owner: str, at_least: int) -> int:
    """The next number in an author's sequence (never below ``at_least``), atomically."""
    row = conn.execute(
        "INSERT INTO author_sequence (owner, last) VALUES (?, ?) ON CONFLICT (owner) DO "
        "UPDATE SET last = max(last + 1, excluded.last) RETURNING last",
        (owner, at_least),
    ).fetchone()
    return int(row[0])


def sequences(conn: Connection, compartment: str) -> dict[str, int]:
    """The last number handed out under each owner tag, for one compartment."""
    return {
        row[0]: int(row[1])
        for row in conn.execute(
            "SELECT owner, last FROM author_sequence WHERE owner LIKE ?", (f"%:{compartment}",)
        )
    }


def all_sequences(conn: Connection) -> dict[str, int]:
    """The last number handed out under every owner tag."""
    return {str(r[0]): int(r[1]) for r in conn.execute("SELECT owner, last FROM author_sequence")}


def raise_sequence(conn: Connection, owner: str, last: int) -> None:
    """Never hand out ``last`` or any number below it again under ``owner`` (after a restore)."""
    conn.execute(
        "INSERT INTO author_sequence (owner, last) VALUES (?, ?) "
        "ON CONFLICT (owner) DO UPDATE SET last = max(last, excluded.last)",
        (owner, last),
    )
