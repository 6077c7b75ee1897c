"""Repository for the staff training log (school file): entries, the entries that replace
them, and members' signed confirmations."""

from __future__ import annotations

from datetime import date, datetime

from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.training import Confirmation, Course, NewTraining, TrainingEntry
from safedesk.store import ledger
from safedesk.store.db import Connection

_COLUMNS = (
    "id, who, course, course_text, provider, taken_on, expires_on, added_by, added_at, "
    "replaces, reason"
)


def _entry(row: tuple[object, ...]) -> TrainingEntry:
    return TrainingEntry(
        id=int(str(row[0])),
        who=str(row[1]),
        course=Course(str(row[2])),
        course_text=None if row[3] is None else str(row[3]),
        provider=None if row[4] is None else str(row[4]),
        taken_on=date.fromisoformat(str(row[5])),
        expires_on=None if row[6] is None else date.fromisoformat(str(row[6])),
        added_by=str(row[7]),
        added_at=from_stored(str(row[8])),
        replaces=None if row[9] is None else int(str(row[9])),
        reason=None if row[10] is None else str(row[10]),
    )


def insert(
    conn: Connection,
    entry: NewTraining,
    *,
    expires_on: date | None,
    added_by: str,
    at: datetime,
    replaces: int | None = None,
    reason: str | None = None,
) -> int:
    cursor = conn.execute(
        "INSERT INTO training_entry (who, course, course_text, provider, taken_on, expires_on, "
        "replaces, reason, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry.who,
            entry.course.value,
            entry.course_text,
            entry.provider,
            entry.taken_on.isoformat(),
            expires_on.isoformat() if expires_on else None,
            replaces,
            reason,
            added_by,
            to_stored(at),
        ),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "training_entry", [row_id])
    return row_id


def entries(conn: Connection, who: str | None = None) -> list[TrainingEntry]:
    """Every entry (replaced ones too), oldest first; only ``who``'s when given."""
    if who is None:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM main.training_entry ORDER BY id").fetchall()
    else:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM main.training_entry WHERE who = ? ORDER BY id", (who,)
        ).fetchall()
    return [_entry(tuple(row)) for row in rows]


def entry(conn: Connection, entry_id: int) -> TrainingEntry | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM main.training_entry WHERE id = ?", (entry_id,)
    ).fetchone()
    return None if row is None else _entry(tuple(row))


def replaced_by(conn: Connection, entry_id: int) -> int | None:
    row = conn.execute(
        "SELECT id FROM main.training_entry WHERE replaces = ?", (entry_id,)
    ).fetchone()
    return None if row is None else int(row[0])


def confirm(conn: Connection, entry_id: int, username: str, at: datetime, signature: bytes) -> int:
    cursor = conn.execute(
        "INSERT INTO training_confirmation (entry_id, username, confirmed_at, signature) "
        "VALUES (?, ?, ?, ?)",
        (entry_id, username, to_stored(at), signature),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "training_confirmation", [row_id])
    return row_id


def confirmations(conn: Connection, who: str | None = None) -> list[Confirmation]:
    """Every confirmation row as it stands (whether it checks out is the service's to say)."""
    sql = "SELECT entry_id, username, confirmed_at, signature, id FROM main.training_confirmation"
    rows = (
        conn.execute(sql + " ORDER BY id").fetchall()
        if who is None
        else conn.execute(sql + " WHERE username = ? ORDER BY id", (who,)).fetchall()
    )
    return [
        Confirmation(int(r[0]), str(r[1]), from_stored(str(r[2])), bytes(r[3]), int(r[4]))
        for r in rows
    ]
