"""Repository for a record's attachments (the `attachment` table of the safeguarding and
behaviour files): written once, listed without their bytes, read whole when opened."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from safedesk.domain.attachments import AttachmentContent, AttachmentInfo, MediaType, NewAttachment
from safedesk.domain.clock import from_stored, to_stored
from safedesk.store import ledger
from safedesk.store.db import Connection

_INFO = (
    "SELECT a.id, e.ref, a.file_name, a.media_type, a.size, a.sha256, a.description, "
    "a.added_by, coalesce(u.display_name, a.added_by), a.added_at "
    "FROM main.attachment a JOIN main.entry e ON e.id = a.entry_id "
    "LEFT JOIN user u ON u.username = a.added_by "
)


def entry_id(conn: Connection, ref: str) -> int | None:
    row = conn.execute("SELECT id FROM main.entry WHERE ref = ?", (ref,)).fetchone()
    return None if row is None else int(row[0])


def insert(conn: Connection, entry: int, new: NewAttachment, *, author: str, at: datetime) -> int:
    cursor = conn.execute(
        "INSERT INTO main.attachment (entry_id, file_name, media_type, size, sha256, "
        "description, added_by, added_at, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry,
            new.file_name,
            new.media_type.value,
            new.size,
            new.sha256,
            new.description,
            author,
            to_stored(at),
            new.data,
        ),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "attachment", [row_id])
    return row_id


def _info(row: tuple[Any, ...]) -> AttachmentInfo:
    return AttachmentInfo(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        MediaType(row[3]),
        int(row[4]),
        str(row[5]),
        str(row[6]),
        str(row[7]),
        str(row[8]),
        from_stored(str(row[9])),
    )


def for_refs(conn: Connection, refs: Iterable[str]) -> dict[str, list[AttachmentInfo]]:
    """The attachments of each record named (by reference), in the order they were added."""
    wanted = sorted(set(refs))
    found: dict[str, list[AttachmentInfo]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(f"{_INFO} WHERE e.ref IN ({marks}) ORDER BY a.id", chunk)
        for row in rows:
            info = _info(tuple(row))
            found.setdefault(info.entry_ref, []).append(info)
    return found


def content(conn: Connection, attachment_id: int) -> AttachmentContent | None:
    row = conn.execute(f"{_INFO} WHERE a.id = ?", (attachment_id,)).fetchone()
    if row is None:
        return None
    data = conn.execute(
        "SELECT content FROM main.attachment WHERE id = ?", (attachment_id,)
    ).fetchone()
    return AttachmentContent(_info(tuple(row)), bytes(data[0]))


def refs_with_attachments(conn: Connection) -> list[str]:
    """The records of this file that have attachments, in the order they were first added."""
    rows = conn.execute(
        "SELECT e.ref FROM main.attachment a JOIN main.entry e ON e.id = a.entry_id "
        "GROUP BY e.ref ORDER BY min(a.id)"
    )
    return [str(row[0]) for row in rows]
