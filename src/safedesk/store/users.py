"""Repository for users and their roles."""

from __future__ import annotations

from datetime import datetime

from safedesk.domain.clock import to_stored
from safedesk.domain.people import User
from safedesk.domain.roles import Role
from safedesk.store import ledger
from safedesk.store.db import Connection


def _load(conn: Connection, where: str, params: tuple[object, ...]) -> list[User]:
    rows = conn.execute(
        f"SELECT id, username, display_name, active FROM user {where} ORDER BY username", params
    ).fetchall()
    roles: dict[int, set[Role]] = {row[0]: set() for row in rows}
    for user_id, role in conn.execute("SELECT user_id, role FROM user_role"):
        if user_id in roles:
            roles[user_id].add(Role(role))
    return [User(r[0], r[1], r[2], frozenset(roles[r[0]]), bool(r[3])) for r in rows]


def all_users(conn: Connection) -> list[User]:
    return _load(conn, "", ())


def by_username(conn: Connection, username: str) -> User | None:
    found = _load(conn, "WHERE username = ?", (username,))
    return found[0] if found else None


def insert(
    conn: Connection,
    *,
    username: str,
    display_name: str,
    at: datetime,
    created_by: str | None,
) -> int:
    """A new account with no role yet (roles are granted, or asked for, separately)."""
    cursor = conn.execute(
        "INSERT INTO user (username, display_name, created_at, created_by) VALUES (?, ?, ?, ?)",
        (username, display_name, to_stored(at), created_by),
    )
    user_id = int(cursor.lastrowid)
    ledger.touched(conn, "user", [user_id])
    return user_id


def display_names(conn: Connection) -> dict[str, str]:
    return {row[0]: row[1] for row in conn.execute("SELECT username, display_name FROM user")}


def requested_roles(conn: Connection) -> dict[str, set[Role]]:
    found: dict[str, set[Role]] = {}
    for username, role in conn.execute(
        "SELECT u.username, q.role FROM role_request q JOIN user u ON u.id = q.user_id"
    ):
        found.setdefault(username, set()).add(Role(role))
    return found


def set_active(conn: Connection, user_id: int, active: bool) -> None:
    conn.execute("UPDATE user SET active = ? WHERE id = ?", (int(active), user_id))
    ledger.touched(conn, "user", [user_id], ledger.UPDATE)
