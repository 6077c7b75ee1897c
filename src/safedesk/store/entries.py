"""Repository for records: append-only entries, their pupils, amendments and status events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.entries import (
    FIELDS,
    Amendment,
    Kind,
    NewEntry,
    PupilRole,
    Status,
    StatusEvent,
    StoredEntry,
    StoredPupil,
    stored_text,
    when_field,
)
from safedesk.store import ledger
from safedesk.store.db import Connection

TABLES = {
    Kind.CONCERN: "concern",
    Kind.BEHAVIOUR: "behaviour_incident",
    Kind.INTERVENTION: "physical_intervention",
}
_BOOL_COLUMNS = {"parents_informed"}


def next_ref(conn: Connection, kind: Kind, year: int) -> str:
    """The next reference for this kind and year, e.g. C-2026-0042 (call inside the write)."""
    prefix = f"{kind.ref_prefix}-{year}-"
    row = conn.execute(
        "SELECT max(CAST(substr(ref, ?) AS INTEGER)) FROM entry WHERE ref GLOB ?",
        (len(prefix) + 1, prefix + "*"),
    ).fetchone()
    return f"{prefix}{(row[0] or 0) + 1:04d}"


def insert(
    conn: Connection,
    entry: NewEntry,
    *,
    ref: str,
    author: str,
    recorded_at: datetime,
    pupil_ids: dict[str, int],
) -> int:
    cursor = conn.execute(
        "INSERT INTO entry (ref, kind, author, occurred_at, recorded_at) VALUES (?, ?, ?, ?, ?)",
        (ref, entry.kind.value, author, to_stored(entry.occurred_at), to_stored(recorded_at)),
    )
    entry_id = int(cursor.lastrowid)
    ledger.touched(conn, "entry", [entry_id])
    conn.executemany(
        "INSERT INTO entry_pupil (entry_id, pupil_id, role) VALUES (?, ?, ?)",
        [(entry_id, pupil_ids[p.upn], p.role.value if p.role else None) for p in entry.pupils],
    )
    for pupil in entry.pupils:
        ledger.touched(conn, "entry_pupil", [entry_id, pupil_ids[pupil.upn]])
    # Only the fields given: a field left out is NULL either way, and a file still at an
    # older schema (being made by a test as an older version made it) has no column for it.
    columns = [
        f.name
        for f in FIELDS[entry.kind]
        if f.name != "occurred_at"
        and (entry.values.get(f.name) is not None or f.name in _BOOL_COLUMNS)
    ]
    values = [_column_value(name, entry.values.get(name)) for name in columns]
    marks = ", ".join("?" * (len(columns) + 1))
    conn.execute(
        f"INSERT INTO {TABLES[entry.kind]} (entry_id, {', '.join(columns)}) VALUES ({marks})",
        (entry_id, *values),
    )
    ledger.touched(conn, TABLES[entry.kind], [entry_id])
    add_status(conn, entry_id, Status.RECEIVED, None, author, recorded_at)
    return entry_id


def required_since(conn: Connection) -> dict[str, datetime]:
    """Since when each field an upgrade added is required on new records in this file; {}
    in a file whose schema has no such fields yet."""
    found = conn.execute(
        "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = 'field_required_from'"
    ).fetchone()
    if found is None:
        return {}
    return {
        field: datetime.fromisoformat(since)
        for field, since in conn.execute("SELECT field, since FROM main.field_required_from")
    }


def _column_value(name: str, value: object) -> object:
    if name in _BOOL_COLUMNS:
        return int(bool(value))
    return stored_text(value)


def add_status(
    conn: Connection,
    entry_id: int,
    status: Status,
    outcome: str | None,
    author: str,
    at: datetime,
) -> None:
    cursor = conn.execute(
        "INSERT INTO entry_status (entry_id, status, outcome, author, at) VALUES (?, ?, ?, ?, ?)",
        (entry_id, status.value, outcome, author, to_stored(at)),
    )
    ledger.touched(conn, "entry_status", [int(cursor.lastrowid)])


def add_amendment(
    conn: Connection,
    entry_id: int,
    amendment: Amendment,
) -> None:
    cursor = conn.execute(
        "INSERT INTO amendment (entry_id, field, old_value, new_value, reason, author, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            entry_id,
            amendment.field,
            amendment.old_value,
            amendment.new_value,
            amendment.reason,
            amendment.author,
            to_stored(amendment.at),
        ),
    )
    ledger.touched(conn, "amendment", [int(cursor.lastrowid)])


def by_ref(conn: Connection, ref: str) -> StoredEntry | None:
    found = _load(conn, "e.ref = ?", (ref,))
    return found[0] if found else None


def for_pupil(conn: Connection, pupil_id: int, kinds: Iterable[Kind]) -> list[StoredEntry]:
    wanted = [k.value for k in kinds]
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    return _load(
        conn,
        f"e.id IN (SELECT entry_id FROM entry_pupil WHERE pupil_id = ?) AND e.kind IN ({marks})",
        (pupil_id, *wanted),
    )


def happened_between(conn: Connection, kind: Kind, start: str, end: str) -> list[StoredEntry]:
    """Records of ``kind`` whose time as amended is in [start, end) (stored UTC text), in
    time order: those first recorded in the range, and every record whose time was amended
    (few), kept only when their time now falls in it."""
    found = _load(
        conn,
        "e.kind = ? AND ((e.occurred_at >= ? AND e.occurred_at < ?) "
        "OR e.id IN (SELECT entry_id FROM amendment WHERE field = ?))",
        (kind.value, start, end, when_field(kind)),
    )
    within = [e for e in found if start <= to_stored(e.occurred_at) < end]
    return sorted(within, key=lambda e: (e.occurred_at, e.id))


def by_author(conn: Connection, author: str) -> list[StoredEntry]:
    return _load(conn, "e.author = ?", (author,))


def _load(conn: Connection, where: str, params: Sequence[object]) -> list[StoredEntry]:
    heads = conn.execute(
        "SELECT e.id, e.ref, e.kind, e.author, e.occurred_at, e.recorded_at, u.display_name "
        f"FROM entry e LEFT JOIN user u ON u.username = e.author "
        f"WHERE {where} ORDER BY e.occurred_at, e.id",
        tuple(params),
    ).fetchall()
    if not heads:
        return []
    ids = [row[0] for row in heads]
    marks = ",".join("?" * len(ids))
    pupils: dict[int, list[StoredPupil]] = {i: [] for i in ids}
    for entry_id, upn, forename, preferred, surname, dob, role in conn.execute(
        "SELECT ep.entry_id, p.upn, p.legal_forename, p.preferred_forename, p.legal_surname, "
        f"p.date_of_birth, ep.role FROM entry_pupil ep JOIN pupil p ON p.id = ep.pupil_id "
        f"WHERE ep.entry_id IN ({marks}) ORDER BY p.legal_surname, p.legal_forename",
        ids,
    ):
        name = f"{preferred or forename} {surname}"
        pupils[entry_id].append(StoredPupil(upn, name, PupilRole(role) if role else None, dob))
    amendments: dict[int, list[Amendment]] = {i: [] for i in ids}
    for entry_id, field, old, new, reason, author, at in conn.execute(
        "SELECT entry_id, field, old_value, new_value, reason, author, at FROM amendment "
        f"WHERE entry_id IN ({marks}) ORDER BY id",
        ids,
    ):
        amendments[entry_id].append(Amendment(field, old, new, reason, author, from_stored(at)))
    statuses: dict[int, list[StatusEvent]] = {i: [] for i in ids}
    for entry_id, status, outcome, author, at in conn.execute(
        f"SELECT entry_id, status, outcome, author, at FROM entry_status "
        f"WHERE entry_id IN ({marks}) ORDER BY id",
        ids,
    ):
        statuses[entry_id].append(StatusEvent(Status(status), outcome, author, from_stored(at)))
    values = _values(conn, heads)
    return [
        StoredEntry(
            id=row[0],
            ref=row[1],
            kind=Kind(row[2]),
            author=row[3],
            recorded_at=from_stored(row[5]),
            pupils=tuple(pupils[row[0]]),
            original=values[row[0]],
            amendments=tuple(amendments[row[0]]),
            statuses=tuple(statuses[row[0]]),
            author_name=row[6] or "",
        )
        for row in heads
    ]


def _values(conn: Connection, heads: list[object]) -> dict[int, dict[str, str | None]]:
    """Each entry's own fields, as text, from its kind's table."""
    out: dict[int, dict[str, str | None]] = {}
    by_kind: dict[Kind, list[tuple[int, str]]] = {}
    for row in heads:
        entry_id, kind, occurred = row[0], Kind(row[2]), row[4]  # type: ignore[index]
        by_kind.setdefault(kind, []).append((entry_id, occurred))
    for kind, items in by_kind.items():
        columns = [f.name for f in FIELDS[kind] if f.name != "occurred_at"]
        occurred_by_id = dict(items)
        marks = ",".join("?" * len(items))
        for row in conn.execute(
            f"SELECT entry_id, {', '.join(columns)} FROM {TABLES[kind]} "
            f"WHERE entry_id IN ({marks})",
            list(occurred_by_id),
        ):
            values: dict[str, str | None] = {}
            if kind is not Kind.INTERVENTION:
                values["occurred_at"] = occurred_by_id[row[0]]
            for name, value in zip(columns, row[1:], strict=True):
                if name in _BOOL_COLUMNS:
                    values[name] = "true" if value else "false"
                else:
                    values[name] = value
            out[row[0]] = values
    return out
