"""Repository for pupils' risk assessments (safeguarding file) and behaviour plans (behaviour
file): the same table in each, one row a version."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.risk_assessment import (
    AssessmentKind,
    NewAssessment,
    Risk,
    StoredAssessment,
)
from safedesk.store import ledger
from safedesk.store.db import Connection

TABLE = "risk_assessment"


def next_ref(conn: Connection, kind: AssessmentKind, year: int) -> str:
    """The next reference for this kind and year, e.g. RA-2026-0007 (call inside the write)."""
    prefix = f"{kind.ref_prefix}-{year}-"
    row = conn.execute(
        "SELECT max(CAST(substr(ref, ?) AS INTEGER)) FROM risk_assessment WHERE ref GLOB ?",
        (len(prefix) + 1, prefix + "*"),
    ).fetchone()
    return f"{prefix}{(row[0] or 0) + 1:04d}"


def insert_version(
    conn: Connection,
    ref: str,
    version: int,
    pupil_id: int,
    content: NewAssessment,
    *,
    author: str,
    at: datetime,
) -> int:
    risks = json.dumps([r.to_json() for r in content.risks], ensure_ascii=False)
    cursor = conn.execute(
        "INSERT INTO risk_assessment (ref, version, pupil_id, risks, consulted, review_on, "
        "author, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            ref,
            version,
            pupil_id,
            risks,
            content.consulted,
            content.review_on.isoformat(),
            author,
            to_stored(at),
        ),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, TABLE, [row_id])
    return row_id


# Author names from `school` when it is attached (as it is to every compartment connection).
_SELECT = (
    "SELECT a.ref, a.version, p.upn, "
    "coalesce(nullif(trim(p.preferred_forename), ''), p.legal_forename) || ' ' || p.legal_surname, "
    "a.risks, a.consulted, a.review_on, a.author, coalesce(u.display_name, a.author), "
    "a.made_at FROM main.risk_assessment a JOIN main.pupil p ON p.id = a.pupil_id "
    "LEFT JOIN user u ON u.username = a.author "
)


def _stored(kind: AssessmentKind, row: Any) -> StoredAssessment:
    risks = tuple(
        Risk(str(r["risk"]), str(r["measures"]), str(r["owner"])) for r in json.loads(row[4])
    )
    return StoredAssessment(
        kind,
        str(row[0]),
        int(row[1]),
        str(row[2]),
        str(row[3]),
        NewAssessment(risks, str(row[5]), datetime.fromisoformat(row[6]).date()),
        str(row[7]),
        str(row[8]),
        from_stored(row[9]),
    )


def versions(conn: Connection, kind: AssessmentKind, upn: str) -> list[StoredAssessment]:
    """Every version of this pupil's assessment in this file, newest first."""
    rows = conn.execute(_SELECT + "WHERE p.upn = ? ORDER BY a.version DESC", (upn,)).fetchall()
    return [_stored(kind, row) for row in rows]


def newest(
    conn: Connection, kind: AssessmentKind, upns: Iterable[str] | None = None
) -> list[StoredAssessment]:
    """The newest version of each pupil's assessment in this file (of ``upns`` only, when
    given), by UPN."""
    where, params = "", []
    if upns is not None:
        wanted = list(dict.fromkeys(upns))
        if not wanted:
            return []
        where, params = f"AND p.upn IN ({','.join('?' * len(wanted))}) ", wanted
    rows = conn.execute(
        _SELECT + "WHERE a.version = (SELECT max(v.version) FROM main.risk_assessment v "
        f"WHERE v.ref = a.ref) {where}ORDER BY p.upn",
        params,
    ).fetchall()
    return [_stored(kind, row) for row in rows]


def pupil_id(conn: Connection, upn: str) -> int | None:
    """This file's copy of the pupil, if it has one."""
    row = conn.execute("SELECT id FROM main.pupil WHERE upn = ?", (upn,)).fetchone()
    return None if row is None else int(row[0])


def statuses_holding(
    conn: Connection, statuses: Iterable[str], on_day: date
) -> list[tuple[str, str, date]]:
    """(UPN, status, started on) for each of these safeguarding statuses that holds on
    ``on_day`` (safeguarding file only)."""
    wanted = list(statuses)
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(
        "SELECT p.upn, s.status, s.on_day FROM main.pupil_status s "
        "JOIN main.pupil p ON p.id = s.pupil_id "
        f"WHERE s.change = 'started' AND s.status IN ({marks}) AND s.on_day <= ? "
        "AND NOT EXISTS (SELECT 1 FROM main.pupil_status e WHERE e.ends = s.id "
        "AND e.on_day <= ?) ORDER BY p.upn, s.on_day",
        (*wanted, on_day.isoformat(), on_day.isoformat()),
    ).fetchall()
    return [(str(r[0]), str(r[1]), date.fromisoformat(r[2])) for r in rows]
