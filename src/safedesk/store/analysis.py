"""The rows leaders' analysis reads: one set-based query per kind of record (bounded by when
it happened, with the few records whose time was amended), their amendments applied, and the
pupils as the school file has them now."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from safedesk.domain.analysis import (
    ConcernRow,
    IncidentRow,
    InterventionRow,
    PupilFacts,
    has_sen,
)
from safedesk.domain.clock import to_stored
from safedesk.store.db import Connection

_INCIDENT = ("location", "behaviour_type", "bullying_type", "prejudice_type", "severity", "trigger")
_INTERVENTION = (
    "started_at",
    "ended_at",
    "trigger",
    "intervention_kind",
    "restraint_type",
    "more_holds",
    "injuries_pupil",
    "injuries_staff",
    "parent_informed_at",
)
_CONCERN = ("category", "urgency")
# Each record's pupils as one text: "UPN:role,UPN:role" (a UPN is 13 characters).
_PUPILS = (
    "(SELECT group_concat(p.upn || ':' || coalesce(ep.role, ''), ',') FROM entry_pupil ep "
    "JOIN pupil p ON p.id = ep.pupil_id WHERE ep.entry_id = e.id)"
)
_UPN = 13
_CHUNK = 500  # UPNs asked for at once (well inside SQLite's limit on parameters)


def pupil_facts(conn: Connection, upns: Iterable[str]) -> dict[str, PupilFacts]:
    """The pupils ``upns`` as the school file (``conn``) has them now, by UPN: name, year
    group, class and groups. UPNs it does not hold are left out."""
    wanted = sorted(set(upns))
    found = {}
    for at in range(0, len(wanted), _CHUNK):
        chunk = wanted[at : at + _CHUNK]
        for row in _plain(conn).execute(
            "SELECT upn, legal_forename, preferred_forename, legal_surname, year_group, "
            f"class_name, sen, fsm, cla FROM pupil WHERE upn IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            upn, forename, preferred, surname, year_group, class_name, sen, fsm, cla = row
            found[upn] = PupilFacts(
                upn,
                f"{preferred or forename} {surname}",
                year_group or None,
                class_name or None,
                has_sen(sen),
                bool(fsm),
                bool(cla),
            )
    return found


def _plain(conn: Connection) -> Any:
    """A cursor giving plain tuples (cheaper than the connection's named rows)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor


def _read(
    conn: Connection,
    kind: str,
    table: str,
    columns: Sequence[str],
    when: str,
    start: datetime,
    end: datetime,
) -> list[Sequence[Any]]:
    """(id, occurred_at as recorded, *columns, pupils text) of every record of ``kind`` that
    happened from ``start`` to before ``end`` as recorded, or whose time (``when``) was
    amended (the caller checks the time as amended); amended columns hold their current
    value, and occurred_at the amended time when ``when`` is occurred_at."""
    where = (
        "e.kind = ? AND ((e.occurred_at >= ? AND e.occurred_at < ?) "
        "OR e.id IN (SELECT entry_id FROM amendment WHERE field = ?))"
    )
    params = (kind, to_stored(start), to_stored(end), when)
    names = ("id", "occurred_at", *columns)
    changes: dict[int, dict[int, str | None]] = {}
    wanted = [name for name in names[1:] if name != "occurred_at" or when == "occurred_at"]
    for entry_id, field, value in _plain(conn).execute(
        "SELECT m.entry_id, m.field, m.new_value FROM amendment m JOIN entry e "
        f"ON e.id = m.entry_id WHERE {where} AND m.field IN ({','.join('?' * len(wanted))}) "
        "ORDER BY m.id",
        (*params, *wanted),
    ):
        changes.setdefault(entry_id, {})[names.index(field)] = value
    found: list[Sequence[Any]] = []
    picked = ", ".join(f"t.{c}" for c in columns)
    for row in _plain(conn).execute(
        f"SELECT e.id, e.occurred_at, {picked}, {_PUPILS} FROM entry e "
        f"JOIN {table} t ON t.entry_id = e.id WHERE {where}",
        params,
    ):
        changed = changes.get(row[0])
        if changed:
            row = list(row)
            for index, value in changed.items():
                row[index] = value
        found.append(row)
    return found


def unamended_count(conn: Connection, kind: str, when: str, start: datetime, end: datetime) -> int:
    """How many records of ``kind`` happened from ``start`` to before ``end`` and never had
    their time (``when``) amended: the period before the range, which is only counted (the
    amended ones are read whole, wherever they now fall)."""
    row = conn.execute(
        "SELECT count(*) FROM entry e WHERE e.kind = ? AND e.occurred_at >= ? "
        "AND e.occurred_at < ? AND e.id NOT IN (SELECT entry_id FROM amendment WHERE field = ?)",
        (kind, to_stored(start), to_stored(end), when),
    ).fetchone()
    return int(row[0])


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _with_roles(text: str | None) -> tuple[tuple[str, str | None], ...]:
    return tuple(
        (item[:_UPN], item[_UPN + 1 :] or None) for item in (text or "").split(",") if item
    )


def _upns(text: str | None) -> tuple[str, ...]:
    return tuple(item[:_UPN] for item in (text or "").split(",") if item)


def incidents(conn: Connection, start: datetime, end: datetime) -> list[IncidentRow]:
    """Behaviour incidents that happened from ``start`` to before ``end`` (and any whose time
    was amended: the caller filters by the current time)."""
    parse = datetime.fromisoformat
    return [
        IncidentRow(parse(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], _with_roles(r[8]))
        for r in _read(
            conn, "behaviour", "behaviour_incident", _INCIDENT, "occurred_at", start, end
        )
    ]


def interventions(conn: Connection, start: datetime, end: datetime) -> list[InterventionRow]:
    """Physical interventions that started from ``start`` to before ``end`` (and any whose
    start was amended)."""
    found = []
    for r in _read(
        conn, "intervention", "physical_intervention", _INTERVENTION, "started_at", start, end
    ):
        started = datetime.fromisoformat(r[2] or r[1])
        found.append(
            InterventionRow(
                started,
                _moment(r[3]) or started,
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                _moment(r[10]),
                _upns(r[11]),
            )
        )
    return found


def concerns(conn: Connection, start: datetime, end: datetime) -> list[ConcernRow]:
    """Concerns that happened from ``start`` to before ``end`` (and any whose time was
    amended)."""
    parse = datetime.fromisoformat
    return [
        ConcernRow(parse(r[1]), r[2], r[3], _upns(r[4]))
        for r in _read(conn, "concern", "concern", _CONCERN, "occurred_at", start, end)
    ]
