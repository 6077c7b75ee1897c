"""Repository for published policy versions (with their PDFs) and staff's confirmations, in
the `school` file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.policies import NewPolicy, StoredConfirmation, StoredPolicy, title_key
from safedesk.store import ledger
from safedesk.store.db import Connection

_COLUMNS = (
    "v.id, v.title, v.version, v.published_on, v.note, length(v.pdf), v.author, "
    "coalesce(u.display_name, v.author), v.published_at"
)


def _policy(row: Sequence[object]) -> StoredPolicy:
    return StoredPolicy(
        int(str(row[0])),
        str(row[1]),
        str(row[2]),
        date.fromisoformat(str(row[3])),
        None if row[4] is None else str(row[4]),
        None if row[5] is None else int(str(row[5])),
        str(row[6]),
        str(row[7]),
        from_stored(str(row[8])),
    )


def insert_version(conn: Connection, policy: NewPolicy, *, author: str, at: datetime) -> int:
    cursor = conn.execute(
        "INSERT INTO policy_version (title, title_key, version, published_on, note, pdf, "
        "pdf_sha256, author, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            policy.title,
            title_key(policy.title),
            policy.version,
            policy.published_on.isoformat(),
            policy.note,
            policy.pdf,
            policy.pdf_sha256,
            author,
            to_stored(at),
        ),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "policy_version", [row_id])
    return row_id


def version_exists(conn: Connection, title: str, version: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM policy_version WHERE title_key = ? AND version = ?",
        (title_key(title), version),
    ).fetchone()
    return row is not None


def _select(conn: Connection, where: str = "", params: Sequence[object] = ()) -> list[StoredPolicy]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM policy_version v LEFT JOIN user u ON u.username = v.author "
        f"{where} ORDER BY v.title_key, v.id",
        list(params),
    ).fetchall()
    return [_policy(row) for row in rows]


def current(conn: Connection) -> list[StoredPolicy]:
    """The newest version of each policy, by title."""
    return _select(
        conn,
        "WHERE v.id = (SELECT max(w.id) FROM policy_version w WHERE w.title_key = v.title_key)",
    )


def all_versions(conn: Connection) -> list[StoredPolicy]:
    """Every version ever published, each policy's versions oldest first."""
    return _select(conn)


def by_id(conn: Connection, policy_id: int) -> StoredPolicy | None:
    found = _select(conn, "WHERE v.id = ?", [policy_id])
    return found[0] if found else None


def is_current(conn: Connection, policy_id: int) -> bool:
    row = conn.execute(
        "SELECT v.id = (SELECT max(w.id) FROM policy_version w WHERE w.title_key = v.title_key) "
        "FROM policy_version v WHERE v.id = ?",
        (policy_id,),
    ).fetchone()
    return bool(row and row[0])


def pdf(conn: Connection, policy_id: int) -> tuple[bytes, str] | None:
    """The version's PDF and the hash it was published with (None: no PDF)."""
    row = conn.execute(
        "SELECT pdf, pdf_sha256 FROM policy_version WHERE id = ? AND pdf IS NOT NULL",
        (policy_id,),
    ).fetchone()
    return None if row is None else (bytes(row[0]), str(row[1]))


def insert_confirmation(
    conn: Connection, policy_id: int, *, username: str, at: datetime, signature: bytes
) -> int:
    cursor = conn.execute(
        "INSERT INTO policy_confirmation (policy_id, username, confirmed_at, signature) "
        "VALUES (?, ?, ?, ?)",
        (policy_id, username, to_stored(at), signature),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "policy_confirmation", [row_id])
    return row_id


def confirmations(
    conn: Connection, policy_ids: Sequence[int], username: str | None = None
) -> list[StoredConfirmation]:
    """The confirmation rows of these versions (of ``username`` only, when given), oldest
    first: whether each counts is for its signature to say."""
    if not policy_ids:
        return []
    marks = ", ".join("?" for _ in policy_ids)
    where = f"policy_id IN ({marks})"
    params: list[object] = [*policy_ids]
    if username is not None:
        where += " AND username = ?"
        params.append(username)
    rows = conn.execute(
        "SELECT id, policy_id, username, confirmed_at, signature FROM policy_confirmation "
        f"WHERE {where} ORDER BY id",
        params,
    ).fetchall()
    return [
        StoredConfirmation(int(r[0]), int(r[1]), str(r[2]), from_stored(str(r[3])), bytes(r[4]))
        for r in rows
    ]
