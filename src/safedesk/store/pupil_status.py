"""Repository for pupils' safeguarding status: rows that start a status and rows that end one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.pupil_status import StatusKind, StatusPeriod
from safedesk.store import ledger
from safedesk.store.db import Connection

TABLE = "pupil_status"


def start(
    conn: Connection,
    pupil_id: int,
    kind: StatusKind,
    on_day: date,
    note: str | None,
    *,
    author: str,
    at: datetime,
) -> int:
    cursor = conn.execute(
        "INSERT INTO pupil_status (pupil_id, status, change, on_day, note, author, at) "
        "VALUES (?, ?, 'started', ?, ?, ?, ?)",
        (pupil_id, kind.value, on_day.isoformat(), note, author, to_stored(at)),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, TABLE, [row_id])
    return row_id


def end(
    conn: Connection,
    started: int,
    on_day: date,
    note: str | None,
    *,
    author: str,
    at: datetime,
) -> int:
    """Ends the status the row ``started`` began (same pupil, same status)."""
    cursor = conn.execute(
        "INSERT INTO pupil_status (pupil_id, status, change, on_day, ends, note, author, at) "
        "SELECT pupil_id, status, 'ended', ?, id, ?, ?, ? FROM pupil_status WHERE id = ?",
        (on_day.isoformat(), note, author, to_stored(at), started),
    )
    if cursor.rowcount != 1:
        raise LookupError(f"no status row {started}")
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, TABLE, [row_id])
    return row_id


# Each start with the end that names it (if any); names of their authors from `school` when
# it is attached (as it is to every compartment connection), else the username.
_SELECT = (
    "SELECT s.id, p.upn, s.status, s.on_day, coalesce(su.display_name, s.author), s.at, "
    "s.note, e.on_day, coalesce(eu.display_name, e.author), e.at, e.note "
    "FROM main.pupil_status s JOIN main.pupil p ON p.id = s.pupil_id "
    "LEFT JOIN main.pupil_status e ON e.ends = s.id "
    "LEFT JOIN user su ON su.username = s.author "
    "LEFT JOIN user eu ON eu.username = e.author "
    "WHERE s.change = 'started' "
)
_ORDER = " ORDER BY p.upn, e.id IS NOT NULL, s.on_day DESC, s.id DESC"


def _period(row: Any) -> StatusPeriod:
    return StatusPeriod(
        int(row[0]),
        str(row[1]),
        StatusKind(row[2]),
        date.fromisoformat(row[3]),
        str(row[4]),
        from_stored(row[5]),
        row[6],
        date.fromisoformat(row[7]) if row[7] else None,
        str(row[8]) if row[8] else None,
        from_stored(row[9]) if row[9] else None,
        row[10],
    )


def for_pupils(
    conn: Connection, upns: Iterable[str], *, only_current: bool = False
) -> list[StatusPeriod]:
    """Every period of these pupils (current first, then the latest started), by UPN."""
    wanted = list(dict.fromkeys(upns))
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    where = f"AND p.upn IN ({marks})" + (" AND e.id IS NULL" if only_current else "")
    return [_period(r) for r in conn.execute(_SELECT + where + _ORDER, wanted)]


def by_id(conn: Connection, started: int) -> StatusPeriod | None:
    row = conn.execute(_SELECT + "AND s.id = ?", (started,)).fetchone()
    return _period(row) if row else None
