"""Repository for behaviour targets (versions and retirements) and the records they count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.targets import Measure, NewTarget, Scope, StoredTarget
from safedesk.store import ledger
from safedesk.store.db import Connection


def next_number(conn: Connection) -> int:
    row = conn.execute("SELECT coalesce(max(number), 0) + 1 FROM behaviour_target").fetchone()
    return int(row[0])


def insert_version(
    conn: Connection,
    number: int,
    version: int,
    target: NewTarget,
    *,
    baseline: float,
    author: str,
    at: datetime,
) -> int:
    cursor = conn.execute(
        "INSERT INTO behaviour_target (number, version, scope, measure, behaviour_type, "
        "baseline, goal, goal_on, note, author, set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            number,
            version,
            target.scope.text,
            target.measure.value,
            target.behaviour_type,
            baseline,
            target.goal,
            target.goal_on.isoformat(),
            target.note,
            author,
            to_stored(at),
        ),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "behaviour_target", [row_id])
    return row_id


def retire(conn: Connection, number: int, reason: str, *, author: str, at: datetime) -> int:
    cursor = conn.execute(
        "INSERT INTO behaviour_target_retired (number, reason, author, at) VALUES (?, ?, ?, ?)",
        (number, reason, author, to_stored(at)),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "behaviour_target_retired", [row_id])
    return row_id


def is_retired(conn: Connection, number: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM behaviour_target_retired WHERE number = ?", (number,)
    ).fetchone()
    return row is not None


def current(conn: Connection, number: int | None = None) -> list[StoredTarget]:
    """The newest version of each target not retired (of ``number`` only, when given), in the
    order they were first set."""
    where, params = "", []
    if number is not None:
        where, params = "AND t.number = ?", [number]
    rows = conn.execute(
        "SELECT t.number, t.version, t.scope, t.measure, t.behaviour_type, t.baseline, t.goal, "
        "t.goal_on, t.note, t.author, coalesce(u.display_name, t.author), t.set_at, "
        "(SELECT f.set_at FROM behaviour_target f WHERE f.number = t.number AND f.version = 1) "
        "FROM behaviour_target t LEFT JOIN user u ON u.username = t.author "
        "WHERE t.version = (SELECT max(v.version) FROM behaviour_target v "
        "WHERE v.number = t.number) "
        "AND NOT EXISTS (SELECT 1 FROM behaviour_target_retired r WHERE r.number = t.number) "
        f"{where} ORDER BY t.number",
        params,
    ).fetchall()
    return [
        StoredTarget(
            int(row[0]),
            int(row[1]),
            NewTarget(
                Scope.parse(row[2]),
                Measure(row[3]),
                row[4],
                float(row[6]),
                date.fromisoformat(row[7]),
                row[8],
            ),
            float(row[5]),
            row[9],
            row[10],
            from_stored(row[11]),
            from_stored(row[12]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Occurrence:
    """A behaviour record as targets count it: when it happened (current value) and who."""

    at: datetime
    behaviour_type: str | None  # None for an intervention
    upns: frozenset[str]


def _current(column: str, table: str) -> str:
    return (
        "coalesce((SELECT m.new_value FROM amendment m WHERE m.entry_id = e.id "
        f"AND m.field = '{column}' ORDER BY m.id DESC LIMIT 1), {table}.{column})"
    )


def occurrences(conn: Connection, *, interventions: bool) -> list[Occurrence]:
    """Every incident (or every intervention), with the values it has now, after amendments:
    an amended time moves it to another week, an amended type to another count."""
    if interventions:
        sql = (
            f"SELECT e.id, {_current('started_at', 'p')}, NULL FROM entry e "
            "JOIN physical_intervention p ON p.entry_id = e.id"
        )
    else:
        when = (
            "coalesce((SELECT m.new_value FROM amendment m WHERE m.entry_id = e.id "
            "AND m.field = 'occurred_at' ORDER BY m.id DESC LIMIT 1), e.occurred_at)"
        )
        sql = (
            f"SELECT e.id, {when}, {_current('behaviour_type', 'b')} FROM entry e "
            "JOIN behaviour_incident b ON b.entry_id = e.id"
        )
    rows = conn.execute(sql).fetchall()
    pupils: dict[int, set[str]] = {}
    for entry_id, upn in conn.execute(
        "SELECT ep.entry_id, p.upn FROM entry_pupil ep JOIN pupil p ON p.id = ep.pupil_id"
    ):
        pupils.setdefault(int(entry_id), set()).add(str(upn))
    return [
        Occurrence(from_stored(row[1]), row[2], frozenset(pupils.get(int(row[0]), ())))
        for row in rows
        if row[1]
    ]
