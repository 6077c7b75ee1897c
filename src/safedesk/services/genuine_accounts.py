"""Accounts and roles as the program wrote them.

`school` is written by every account, so a raw connection can re-enable an account or put
a reading role back before its keys are rotated away. Decisions about who keeps a reading
file's keys take only what the ledger vouches for (store/ledger.py): a role row added or
changed behind the program's back counts for nothing, one removed behind its back still
counts, and an account re-enabled behind its back is still disabled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from safedesk.domain.people import User
from safedesk.domain.roles import Role
from safedesk.store import ledger, users
from safedesk.store.db import Connection

ACCOUNT_TABLES = frozenset({"user", "user_role"})


def as_written(
    conn: Connection, vouched: Callable[[int], bool] | None = None
) -> tuple[list[User], set[str]]:
    """Every account with the roles and state the program gave it, and the usernames whose
    rows were changed, added or removed behind the program's back. ``vouched`` says which
    audit rows count (signed by someone who may write them: evidence_check.FileReport); a
    ledger event forged behind the program's back counts for nothing."""
    expected, actual = ledger.written_and_actual(conn, ACCOUNT_TABLES, vouched)
    found: list[User] = []
    tampered: set[str] = set()
    for user in users.all_users(conn):
        roles = set()
        for role in Role:
            key = ledger.row_key("user_role", [user.id, role.value])
            if role in user.roles and expected.get(key) != actual.get(key):
                tampered.add(user.username)  # added, or changed, behind the program's back
            elif role in user.roles:
                roles.add(role)
            elif expected.get(key) is not None and key not in actual:
                tampered.add(user.username)  # removed behind its back: it still counts
                roles.add(role)
        active = user.active
        key = ledger.row_key("user", [user.id])
        if expected.get(key) != actual.get(key):
            tampered.add(user.username)
            flipped = ledger.row_hash_as(conn, "user", [user.id], {"active": int(not active)})
            if expected.get(key) is not None and flipped == expected.get(key):
                active = not active  # only the state was changed: the program's is the other
            else:
                # Added behind the program's back, or more than the state changed (so what the
                # program wrote cannot be told): no keys are sealed to it until an
                # administrator's own change writes the account again. The alarm says so.
                active = False
        found.append(replace(user, roles=frozenset(roles), active=active))
    return found, tampered
