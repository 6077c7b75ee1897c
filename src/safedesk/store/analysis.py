"""The rows leaders' analysis reads: one set-based query per kind of record (bounded by when
it happened, with the few records whose time was amended), their amendments applied, and the
pupils as the school file has them now."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from safedesk.domain.analysis import (
    ConcernRow,
    IncidentRow,
    InterventionRow,
    PupilFacts,
    has_sen,
)
from safedesk.domain.clock import to_stored
from safedesk.store.db import Connection

_INCIDENT = (
    "location",
    "behaviour_type",
    "bullying_type",
    "prejudice_type",
    "severity",
    "trigger",
)
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


def pupil_facts(conn: Connection) -> dict[str, PupilFacts]:
    """Every pupil in the school file (``conn``), by UPN: name, year group, class, groups."""
    found = {}
    for row in conn.execute(
        "SELECT upn, legal_forename, preferred_forename, legal_surname, year_group, "
        "class_name, sen, fsm, cla FROM pupil"
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


def _current(
    conn: Connection,
    kind: str,
    table: str,
    columns: Sequence[str],
    when: str,
    start: datetime,
    end: datetime,
) -> list[tuple[str, dict[str, str | None], list[tuple[str, str | None]]]]:
    """(when it happened, current values, [(UPN, role)]) of every record of ``kind`` that
    happened from ``start`` to before ``end`` when recorded, or whose time was amended since
    (the caller checks the amended time)."""
    where = (
        "e.kind = ? AND ((e.occurred_at >= ? AND e.occurred_at < ?) "
        "OR e.id IN (SELECT entry_id FROM amendment WHERE field = ?))"
    )
    params = (kind, to_stored(start), to_stored(end), when)
    found: dict[int, tuple[dict[str, str | None], list[tuple[str, str | None]]]] = {}
    picked = ", ".join(f"t.{c}" for c in columns)
    for row in conn.execute(
        f"SELECT e.id, e.occurred_at, {picked}, (SELECT group_concat(p.upn || ':' || "
        "coalesce(ep.role, ''), ',') FROM entry_pupil ep JOIN pupil p ON p.id = ep.pupil_id "
        f"WHERE ep.entry_id = e.id) FROM entry e JOIN {table} t ON t.entry_id = e.id "
        f"WHERE {where}",
        params,
    ):
        values = dict(zip(columns, row[2:-1], strict=True))
        values.setdefault("occurred_at", row[1])
        pupils = []
        for item in (row[-1] or "").split(","):
            if item:
                upn, _, role = item.partition(":")
                pupils.append((upn, role or None))
        found[row[0]] = (values, pupils)
    wanted = (*columns, "occurred_at") if when == "occurred_at" else columns
    marks = ",".join("?" * len(wanted))
    for entry_id, field, value in conn.execute(
        "SELECT m.entry_id, m.field, m.new_value FROM amendment m JOIN entry e "
        f"ON e.id = m.entry_id WHERE {where} AND m.field IN ({marks}) ORDER BY m.id",
        (*params, *wanted),
    ):
        if entry_id in found:
            found[entry_id][0][field] = value
    return [(values[when] or "", values, pupils) for values, pupils in found.values()]


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def incidents(conn: Connection, start: datetime, end: datetime) -> list[IncidentRow]:
    """Behaviour incidents that happened from ``start`` to before ``end`` (and any whose time
    was amended: the caller filters by the current time)."""
    return [
        IncidentRow(
            datetime.fromisoformat(when),
            v["location"],
            v["behaviour_type"],
            v["bullying_type"],
            v["prejudice_type"],
            v["severity"],
            v["trigger"],
            tuple(pupils),
        )
        for when, v, pupils in _current(
            conn, "behaviour", "behaviour_incident", _INCIDENT, "occurred_at", start, end
        )
    ]


def interventions(conn: Connection, start: datetime, end: datetime) -> list[InterventionRow]:
    """Physical interventions that started from ``start`` to before ``end`` (and any whose
    start was amended)."""
    found = []
    for when, v, pupils in _current(
        conn, "intervention", "physical_intervention", _INTERVENTION, "started_at", start, end
    ):
        started = datetime.fromisoformat(when)
        found.append(
            InterventionRow(
                started,
                _moment(v["ended_at"]) or started,
                v["trigger"],
                v["intervention_kind"],
                v["restraint_type"],
                v["more_holds"],
                v["injuries_pupil"],
                v["injuries_staff"],
                _moment(v["parent_informed_at"]),
                tuple(upn for upn, _ in pupils),
            )
        )
    return found


def concerns(conn: Connection, start: datetime, end: datetime) -> list[ConcernRow]:
    """Concerns that happened from ``start`` to before ``end`` (and any whose time was
    amended)."""
    return [
        ConcernRow(
            datetime.fromisoformat(when),
            v["category"],
            v["urgency"],
            tuple(upn for upn, _ in pupils),
        )
        for when, v, pupils in _current(
            conn, "concern", "concern", _CONCERN, "occurred_at", start, end
        )
    ]
