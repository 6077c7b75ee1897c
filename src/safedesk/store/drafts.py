"""Repository for drafts: half-typed records kept (encrypted) until submitted or discarded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.entries import Kind
from safedesk.store.db import Connection


@dataclass(frozen=True)
class Draft:
    id: int
    kind: Kind
    payload: dict[str, Any]
    updated_at: datetime


def save(
    conn: Connection,
    author: str,
    kind: Kind,
    payload: dict[str, Any],
    at: datetime,
    draft_id: int | None,
) -> int:
    text = json.dumps(payload, ensure_ascii=False)
    if draft_id is not None:
        cursor = conn.execute(
            "UPDATE draft SET payload = ?, kind = ?, updated_at = ? WHERE id = ? AND author = ?",
            (text, kind.value, to_stored(at), draft_id, author),
        )
        if cursor.rowcount:
            return draft_id
    cursor = conn.execute(
        "INSERT INTO draft (author, kind, payload, updated_at) VALUES (?, ?, ?, ?)",
        (author, kind.value, text, to_stored(at)),
    )
    return int(cursor.lastrowid)


def for_author(conn: Connection, author: str) -> list[Draft]:
    return [
        Draft(r[0], Kind(r[1]), json.loads(r[2]), from_stored(r[3]))
        for r in conn.execute(
            "SELECT id, kind, payload, updated_at FROM draft WHERE author = ? ORDER BY updated_at",
            (author,),
        )
    ]


def discard(conn: Connection, author: str, draft_id: int) -> None:
    conn.execute("DELETE FROM draft WHERE id = ? AND author = ?", (draft_id, author))
