"""Repository for roles asked for, key rotations waiting for a member, and references."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.people import RoleRequest
from safedesk.domain.roles import Role
from safedesk.store import ledger
from safedesk.store.db import Connection


def request_role(
    conn: Connection, user_id: int, role: Role, by: str, at: datetime, reason: str
) -> None:
    conn.execute(
        "INSERT INTO role_request (user_id, role, requested_by, requested_at, reason) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, role) DO UPDATE SET "
        "requested_by = excluded.requested_by, requested_at = excluded.requested_at, "
        "reason = excluded.reason",
        (user_id, role.value, by, to_stored(at), reason),
    )


def clear_request(conn: Connection, user_id: int, role: Role) -> None:
    conn.execute("DELETE FROM role_request WHERE user_id = ? AND role = ?", (user_id, role.value))


def requests(conn: Connection) -> list[RoleRequest]:
    return [
        RoleRequest(r[0], r[1], Role(r[2]), r[3], from_stored(r[4]), r[5])
        for r in conn.execute(
            "SELECT u.username, u.display_name, q.role, q.requested_by, q.requested_at, "
            "q.reason FROM role_request q JOIN user u ON u.id = q.user_id "
            "WHERE u.active = 1 ORDER BY q.requested_at, u.username"
        )
    ]


def grant_role(conn: Connection, user_id: int, role: Role, by: str | None, at: datetime) -> None:
    cursor = conn.execute(
        "INSERT OR IGNORE INTO user_role (user_id, role, granted_by, granted_at) "
        "VALUES (?, ?, ?, ?)",
        (user_id, role.value, by, to_stored(at)),
    )
    if cursor.rowcount:
        ledger.touched(conn, "user_role", [user_id, role.value])


def remove_role(conn: Connection, user_id: int, role: Role) -> bool:
    cursor = conn.execute(
        "DELETE FROM user_role WHERE user_id = ? AND role = ?", (user_id, role.value)
    )
    if cursor.rowcount:
        ledger.touched(conn, "user_role", [user_id, role.value], ledger.DELETE)
    return bool(cursor.rowcount)


@dataclass(frozen=True)
class PendingRotation:
    compartment: str
    username: str
    reason: str
    since: datetime
    asked_by: str


def ask_rotation(
    conn: Connection, compartment: str, username: str, reason: str, by: str, at: datetime
) -> None:
    conn.execute(
        "INSERT INTO rotation_pending (compartment, username, reason, since, asked_by) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (compartment, username) DO UPDATE SET "
        "reason = excluded.reason",
        (compartment, username, reason, to_stored(at), by),
    )


def pending_rotations(conn: Connection) -> list[PendingRotation]:
    return [
        PendingRotation(r[0], r[1], r[2], from_stored(r[3]), r[4])
        for r in conn.execute(
            "SELECT compartment, username, reason, since, asked_by FROM rotation_pending "
            "ORDER BY since"
        )
    ]


def rotation_done(conn: Connection, compartment: str) -> None:
    conn.execute("DELETE FROM rotation_pending WHERE compartment = ?", (compartment,))


def next_ref(conn: Connection, compartment: str, prefix: str, year: int) -> str:
    """The next reference, e.g. C-2026-0042: numbered per compartment and year, handed out
    in `school` so a writer who cannot read the compartment can still be told it."""
    row = conn.execute(
        "INSERT INTO ref_counter (compartment, year, last) VALUES (?, ?, 1) "
        "ON CONFLICT (compartment, year) DO UPDATE SET last = last + 1 RETURNING last",
        (compartment, year),
    ).fetchone()
    return f"{prefix}-{year}-{int(row[0]):04d}"


def ref_counters(conn: Connection) -> dict[tuple[str, int], int]:
    """The last reference handed out, per compartment and year."""
    return {
        (str(r[0]), int(r[1])): int(r[2])
        for r in conn.execute("SELECT compartment, year, last FROM ref_counter")
    }


def raise_ref_counter(conn: Connection, compartment: str, year: int, last: int) -> None:
    """Never hand out ``last`` or any number below it again (after a restore)."""
    conn.execute(
        "INSERT INTO ref_counter (compartment, year, last) VALUES (?, ?, ?) "
        "ON CONFLICT (compartment, year) DO UPDATE SET last = max(last, excluded.last)",
        (compartment, year, last),
    )
