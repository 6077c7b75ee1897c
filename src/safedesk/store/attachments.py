"""Repository for a record's attachments (the `attachment` table of the safeguarding and
behaviour files): written once, listed without their bytes, read whole when opened."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from safedesk.domain.attachments import (
    AttachmentContent,
    AttachmentInfo,
    MediaType,
    NewAttachment,
    shown,
)
from safedesk.domain.clock import from_stored, to_stored
from safedesk.store import audit, ledger
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


@dataclass(frozen=True)
class Added:
    """What the `attachment.added` event in the audit chain recorded of an attachment."""

    entry: str
    sha256: str
    size: int
    media_type: str


def added_events(conn: Connection, ids: Sequence[int]) -> dict[int, Added]:
    """The first `attachment.added` event of each attachment, when that event is whole: its
    own hash recomputes, it follows the event before it and the next follows it (a chain
    rewritten from there on is for `verify`, which checks every link and the signed heads)."""
    found: dict[int, Added] = {}
    wanted = sorted({str(i) for i in ids})
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(
            "SELECT seq, at, actor, action, object_type, object_id, detail, prev_hash, hash, "
            "coalesce((SELECT p.hash FROM main.audit_log p WHERE p.seq = a.seq - 1), ?), "
            "(SELECT n.prev_hash FROM main.audit_log n WHERE n.seq = a.seq + 1) "
            "FROM main.audit_log a WHERE action = 'attachment.added' "
            f"AND object_type = 'attachment' AND object_id IN ({marks}) ORDER BY seq",
            (audit.GENESIS, *chunk),
        )
        for seq, at, actor, action, otype, oid, detail, prev, digest, before, after in rows:
            number = int(oid)
            if number in found:
                continue  # the first one counts
            whole = (
                prev == before
                and after in (None, digest)
                and digest == audit.row_hash(prev, seq, at, actor, action, otype, oid, detail)
            )
            try:
                said = json.loads(detail) if whole else None
                if isinstance(said, dict):
                    found[number] = Added(
                        str(said["entry"]),
                        str(said["sha256"]),
                        int(said["size"]),
                        str(said["media_type"]),
                    )
            except (KeyError, TypeError, ValueError):
                pass
    return found


def _info(row: tuple[Any, ...], added: Added | None) -> AttachmentInfo:
    ref, sha256, size, media_type = str(row[1]), str(row[5]), int(row[4]), str(row[3])
    agrees = added is not None and (added.entry, added.sha256, added.size, added.media_type) == (
        ref,
        sha256,
        size,
        media_type,
    )
    return AttachmentInfo(
        int(row[0]),
        ref,
        shown(str(row[2])),
        MediaType(media_type),
        size,
        added.sha256 if added is not None else sha256,
        shown(str(row[6])),
        str(row[7]),
        str(row[8]),
        from_stored(str(row[9])),
        changed=not agrees,
    )


def _infos(conn: Connection, rows: Iterable[Any]) -> list[AttachmentInfo]:
    listed = [tuple(row) for row in rows]
    added = added_events(conn, [int(row[0]) for row in listed])
    return [_info(row, added.get(int(row[0]))) for row in listed]


def for_refs(conn: Connection, refs: Iterable[str]) -> dict[str, list[AttachmentInfo]]:
    """The attachments of each record named (by reference), in the order they were added."""
    wanted = sorted(set(refs))
    found: dict[str, list[AttachmentInfo]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(f"{_INFO} WHERE e.ref IN ({marks}) ORDER BY a.id", chunk)
        for info in _infos(conn, rows):
            found.setdefault(info.entry_ref, []).append(info)
    return found


def content(conn: Connection, attachment_id: int) -> AttachmentContent | None:
    row = conn.execute(f"{_INFO} WHERE a.id = ?", (attachment_id,)).fetchone()
    if row is None:
        return None
    data = conn.execute(
        "SELECT content FROM main.attachment WHERE id = ?", (attachment_id,)
    ).fetchone()
    [info] = _infos(conn, [row])
    return AttachmentContent(info, bytes(data[0]))


def refs_with_attachments(conn: Connection) -> list[str]:
    """The records of this file that have attachments, in the order they were first added."""
    rows = conn.execute(
        "SELECT e.ref FROM main.attachment a JOIN main.entry e ON e.id = a.entry_id "
        "GROUP BY e.ref ORDER BY min(a.id)"
    )
    return [str(row[0]) for row in rows]
