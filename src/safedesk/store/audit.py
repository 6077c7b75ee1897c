"""The hash-chained audit log: append, read the head, walk the chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from safedesk.domain.clock import to_stored
from safedesk.store.db import Connection

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str

    def short(self) -> str:
        return f"#{self.seq} {self.hash[:16]}"


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str
    actor: str | None
    action: str
    object_type: str | None
    object_id: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str


def row_hash(
    prev_hash: str,
    seq: int,
    at: str,
    actor: str | None,
    action: str,
    object_type: str | None,
    object_id: str | None,
    detail: str,
) -> str:
    payload = json.dumps(
        [seq, at, actor, action, object_type, object_id, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


def head(conn: Connection) -> AuditHead:
    row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return AuditHead(0, GENESIS) if row is None else AuditHead(row[0], row[1])


def append(
    conn: Connection,
    *,
    at: datetime,
    actor: str | None,
    action: str,
    object_type: str | None = None,
    object_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditHead:
    """Add one event; call inside the write transaction of the change it records."""
    current = head(conn)
    seq = current.seq + 1
    stamp = to_stored(at)
    detail_text = json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True)
    digest = row_hash(current.hash, seq, stamp, actor, action, object_type, object_id, detail_text)
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, detail, "
        "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, stamp, actor, action, object_type, object_id, detail_text, current.hash, digest),
    )
    return AuditHead(seq, digest)


def events(
    conn: Connection, *, after_seq: int = 0, limit: int | None = None
) -> Iterator[AuditEvent]:
    sql = (
        "SELECT seq, at, actor, action, object_type, object_id, detail, prev_hash, hash "
        "FROM audit_log WHERE seq > ? ORDER BY seq"
    )
    params: tuple[int, ...] = (after_seq,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (after_seq, limit)
    for row in conn.execute(sql, params):
        yield AuditEvent(
            row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]), row[7], row[8]
        )


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int
    head: AuditHead
    problem: str | None = None


def walk_chain(conn: Connection) -> ChainReport:
    """Recompute every hash in order; report the first broken link."""
    prev = GENESIS
    expected_seq = 1
    last = AuditHead(0, GENESIS)
    rows = 0
    cursor = conn.execute(
        "SELECT seq, at, actor, action, object_type, object_id, detail, prev_hash, hash "
        "FROM audit_log ORDER BY seq"
    )
    for seq, at, actor, action, otype, oid, detail, prev_hash, digest in cursor:
        rows += 1
        if seq != expected_seq:
            return ChainReport(False, rows, last, f"audit row {expected_seq} is missing")
        if prev_hash != prev:
            return ChainReport(False, rows, last, f"audit row {seq} does not follow row {seq - 1}")
        if row_hash(prev_hash, seq, at, actor, action, otype, oid, detail) != digest:
            return ChainReport(False, rows, last, f"audit row {seq} has been altered")
        prev = digest
        expected_seq += 1
        last = AuditHead(seq, digest)
    return ChainReport(True, rows, last)


def hash_at(conn: Connection, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else str(row[0])


def events_with_action(conn: Connection, action: str) -> list[AuditEvent]:
    rows = conn.execute("SELECT seq FROM audit_log WHERE action = ? ORDER BY seq", (action,))
    seqs = [row[0] for row in rows]
    return [e for seq in seqs for e in events(conn, after_seq=seq - 1, limit=1)]
