"""Repository for who belongs to a compartment and whose sealed records it has taken in."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from safedesk.domain.clock import to_stored
from safedesk.store import audit, ledger
from safedesk.store.db import Connection
from safedesk.store.identity import Cert


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class Member:
    username: str
    box_public: bytes
    sign_public: bytes
    granted_by: str
    granted_at: str


def all_members(conn: Connection) -> list[Member]:
    return [
        Member(r[0], bytes(r[1]), bytes(r[2]), r[3], r[4])
        for r in conn.execute(
            "SELECT username, box_public, sign_public, granted_by, granted_at FROM member "
            "ORDER BY username"
        )
    ]


def find(conn: Connection, username: str) -> Member | None:
    return next((m for m in all_members(conn) if m.username == username), None)


def put(
    conn: Connection,
    username: str,
    box: bytes,
    sign: bytes,
    by: str,
    at: datetime,
    vouched_by: Sequence[Cert] = (),
) -> None:
    """Add a member or change their keys; the event says which signing key they now hold
    (``verify`` follows who could sign this file's heads, and when)."""
    conn.execute(
        "INSERT INTO member (username, box_public, sign_public, granted_by, granted_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET "
        "box_public = excluded.box_public, sign_public = excluded.sign_public",
        (username, box, sign, by, to_stored(at)),
    )
    ledger.touched(conn, "member", [username], ledger.UPDATE)
    detail: dict[str, object] = {"username": username, "sign_public": _b64(sign)}
    if vouched_by:
        detail["certs"] = [cert.to_json() for cert in vouched_by]
    audit.append(conn, at=at, actor=None, action="member.set", detail=detail)


def remove(conn: Connection, username: str, at: datetime) -> None:
    if conn.execute("DELETE FROM member WHERE username = ?", (username,)).rowcount:
        ledger.touched(conn, "member", [username], ledger.DELETE)
        audit.append(
            conn, at=at, actor=None, action="member.removed", detail={"username": username}
        )


def add_authority(conn: Connection, username: str, sign: bytes, by: str, at: datetime) -> None:
    cursor = conn.execute(
        "INSERT INTO authority (username, sign_public, added_by, added_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (username) DO NOTHING",
        (username, sign, by, to_stored(at)),
    )
    if cursor.rowcount:
        ledger.touched(conn, "authority", [username])


def authorities(conn: Connection) -> dict[str, bytes]:
    return {r[0]: bytes(r[1]) for r in conn.execute("SELECT username, sign_public FROM authority")}


@dataclass(frozen=True)
class AuthorKey:
    username: str
    sign_public: bytes
    box_public: bytes
    mailbox: bytes
    last_seq: int


def all_authors(conn: Connection) -> list[AuthorKey]:
    return [
        AuthorKey(r[0], bytes(r[1]), bytes(r[2]), bytes(r[3]), r[4])
        for r in conn.execute(
            "SELECT username, sign_public, box_public, mailbox, last_seq FROM author_key"
        )
    ]


def author(conn: Connection, username: str) -> AuthorKey | None:
    row = conn.execute(
        "SELECT username, sign_public, box_public, mailbox, last_seq FROM author_key "
        "WHERE username = ?",
        (username,),
    ).fetchone()
    return (
        None
        if row is None
        else AuthorKey(row[0], bytes(row[1]), bytes(row[2]), bytes(row[3]), row[4])
    )


def put_author(conn: Connection, key: AuthorKey, at: datetime, *, changed: bool) -> None:
    conn.execute(
        "INSERT INTO author_key (username, sign_public, box_public, mailbox, last_seq, "
        "first_seen, changed_at) VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (username) DO "
        "UPDATE SET sign_public = excluded.sign_public, box_public = excluded.box_public, "
        "mailbox = excluded.mailbox, last_seq = excluded.last_seq, "
        f"changed_at = {'excluded.first_seen' if changed else 'changed_at'}",
        (key.username, key.sign_public, key.box_public, key.mailbox, key.last_seq, to_stored(at)),
    )


def received_hash(conn: Connection, item_hash: str) -> bool:
    row = conn.execute("SELECT 1 FROM received WHERE item_hash = ?", (item_hash,)).fetchone()
    return row is not None


def received_seq(conn: Connection, author_name: str, seq: int) -> str | None:
    row = conn.execute(
        "SELECT item_hash FROM received WHERE author = ? AND seq = ?", (author_name, seq)
    ).fetchone()
    return None if row is None else str(row[0])


def mark_received(
    conn: Connection,
    item_hash: str,
    author_name: str,
    seq: int,
    op: str,
    ref: str | None,
    at: datetime,
) -> None:
    conn.execute(
        "INSERT INTO received (item_hash, author, seq, op, ref, moved_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (item_hash, author_name, seq, op, ref, to_stored(at)),
    )


def quarantine(conn: Connection, put_at: str, item: bytes, problem: str, at: datetime) -> None:
    conn.execute(
        "INSERT INTO quarantine (put_at, item, problem, at) VALUES (?, ?, ?, ?)",
        (put_at, item, problem, to_stored(at)),
    )


@dataclass(frozen=True)
class Alarm:
    id: int
    raised_at: datetime
    kind: str
    subject: str | None
    detail: str


def raise_alarm(
    conn: Connection, kind: str, detail: str, at: datetime, subject: str | None = None
) -> None:
    """Raise an alarm for the queue, once while the same one is unresolved."""
    exists = conn.execute(
        "SELECT 1 FROM alarm WHERE kind = ? AND detail = ? AND resolved_at IS NULL",
        (kind, detail),
    ).fetchone()
    if exists is None:
        conn.execute(
            "INSERT INTO alarm (raised_at, kind, subject, detail) VALUES (?, ?, ?, ?)",
            (to_stored(at), kind, subject, detail),
        )


def open_alarms(conn: Connection) -> list[Alarm]:
    return [
        Alarm(r[0], datetime.fromisoformat(r[1]), r[2], r[3], r[4])
        for r in conn.execute(
            "SELECT id, raised_at, kind, subject, detail FROM alarm "
            "WHERE resolved_at IS NULL ORDER BY id"
        )
    ]


def resolve_alarm(conn: Connection, alarm_id: int, by: str, note: str, at: datetime) -> bool:
    cursor = conn.execute(
        "UPDATE alarm SET resolved_at = ?, resolved_by = ?, resolution = ? "
        "WHERE id = ? AND resolved_at IS NULL",
        (to_stored(at), by, note, alarm_id),
    )
    return bool(cursor.rowcount)


@dataclass(frozen=True)
class ReceiptDue:
    ref: str
    status_id: int
    status: str
    outcome: str | None
    at: str
    box_public: bytes
    mailbox: bytes


def receipts_due(conn: Connection) -> list[ReceiptDue]:
    """Records whose latest status their author has not yet been told of."""
    return [
        ReceiptDue(r[0], r[1], r[2], r[3], r[4], bytes(r[5]), bytes(r[6]))
        for r in conn.execute(
            "SELECT e.ref, s.id, s.status, s.outcome, s.at, a.box_public, a.mailbox "
            "FROM entry e "
            "JOIN entry_status s ON s.id = (SELECT max(id) FROM entry_status x "
            "WHERE x.entry_id = e.id) "
            "JOIN author_key a ON a.username = e.author "
            "LEFT JOIN receipt_sent r ON r.ref = e.ref "
            "WHERE r.status_id IS NULL OR r.status_id < s.id ORDER BY s.id"
        )
    ]


def receipt_sent(conn: Connection, ref: str, status_id: int) -> None:
    conn.execute(
        "INSERT INTO receipt_sent (ref, status_id) VALUES (?, ?) "
        "ON CONFLICT (ref) DO UPDATE SET status_id = excluded.status_id",
        (ref, status_id),
    )
