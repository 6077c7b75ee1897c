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

# The first audit row each connection's open transaction wrote: a commit's signed head says
# which rows its signer wrote (see store.evidence), never rows someone else slipped in before.
_first_written: dict[int, int] = {}
# Connections whose open transaction wrote an event that is not anonymous.
_named_written: set[int] = set()
# Events that must not say who wrote them: putting a sealed record in an inbox. A commit of
# these alone is not signed (its signer would name the author); `verify` accepts them
# unsigned, since they carry nothing: what was put is signed inside its seal.
ANONYMOUS_ACTIONS = frozenset({"inbox.item_put"})


def is_anonymous(action: str, actor: str | None, detail: Mapping[str, Any]) -> bool:
    """An anonymous event: no actor, and nothing in it but the ledger hash of the sealed
    items it put (so that taking one away behind the program's back still shows)."""
    if action not in ANONYMOUS_ACTIONS or actor is not None or set(detail) - {"rows"}:
        return False
    rows = detail.get("rows", [])
    # Exactly what the program writes: one item put, with the hash of what was put (an empty
    # or missing hash would tell `verify` the row should not exist).
    return len(rows) == 1 and all(
        isinstance(row, list)
        and len(row) == 5
        and row[0] == "inbox_item"
        and row[2] == "insert"
        and isinstance(row[3], str)
        and len(row[3]) == 64
        and all(c in "0123456789abcdef" for c in row[3])
        for row in rows
    )


def first_written(conn: Connection) -> int | None:
    return _first_written.get(id(conn))


def named_written(conn: Connection) -> bool:
    """Whether the open transaction wrote an event that is not anonymous."""
    return id(conn) in _named_written


def forget_written(conn: Connection) -> None:
    _first_written.pop(id(conn), None)
    _named_written.discard(id(conn))


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
    """Add one event; call inside the write transaction of the change it records. The rows of
    record content this transaction wrote since the last event go into it, hashed (ledger)."""
    from safedesk.store import ledger

    current = head(conn)
    seq = current.seq + 1
    stamp = to_stored(at)
    details = dict(detail or {})
    if ledger.pending(conn):
        details["rows"] = ledger.take(conn)
    detail_text = json.dumps(details, ensure_ascii=False, sort_keys=True)
    digest = row_hash(current.hash, seq, stamp, actor, action, object_type, object_id, detail_text)
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, detail, "
        "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, stamp, actor, action, object_type, object_id, detail_text, current.hash, digest),
    )
    _first_written.setdefault(id(conn), seq)
    if not is_anonymous(action, actor, details):
        _named_written.add(id(conn))
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
