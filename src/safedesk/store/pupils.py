"""Repository for pupils (MIS data; pupils are never deleted)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from safedesk.domain.clock import to_stored
from safedesk.domain.people import Pupil, PupilDetails
from safedesk.store import ledger
from safedesk.store.db import Connection

_COLUMNS = (
    "upn, legal_surname, legal_forename, date_of_birth, preferred_forename, gender, "
    "year_group, class_name, sen, fsm, cla, eal"
)


def _details(row: Any) -> PupilDetails:
    return PupilDetails(
        upn=row[0],
        legal_surname=row[1],
        legal_forename=row[2],
        date_of_birth=date.fromisoformat(row[3]),
        preferred_forename=row[4],
        gender=row[5],
        year_group=row[6],
        class_name=row[7],
        sen=row[8],
        fsm=bool(row[9]),
        cla=bool(row[10]),
        eal=bool(row[11]),
    )


def _values(d: PupilDetails) -> tuple[object, ...]:
    return (
        d.upn,
        d.legal_surname,
        d.legal_forename,
        d.date_of_birth.isoformat(),
        d.preferred_forename,
        d.gender,
        d.year_group,
        d.class_name,
        d.sen,
        int(d.fsm),
        int(d.cla),
        int(d.eal),
    )


def all_pupils(conn: Connection) -> list[Pupil]:
    rows = conn.execute(
        f"SELECT id, {_COLUMNS} FROM pupil ORDER BY legal_surname, legal_forename, upn"
    ).fetchall()
    return [Pupil(row[0], _details(row[1:])) for row in rows]


def by_upns(conn: Connection, upns: Iterable[str], *, schema: str = "main") -> dict[str, Pupil]:
    """Pupils by UPN from ``schema``: "school" reads the school's list through a
    compartment's connection (its own ``pupil`` is a copy of a few columns)."""
    wanted = list(dict.fromkeys(upns))
    found: dict[str, Pupil] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT id, {_COLUMNS} FROM {schema}.pupil WHERE upn IN ({marks})"
        for row in conn.execute(sql, chunk):
            found[row[1]] = Pupil(row[0], _details(row[1:]))
    return found


def count(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM pupil").fetchone()[0])


def insert(conn: Connection, details: PupilDetails, at: datetime) -> int:
    stamp = to_stored(at)
    cursor = conn.execute(
        f"INSERT INTO pupil ({_COLUMNS}, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*_values(details), stamp, stamp),
    )
    pupil_id = int(cursor.lastrowid)
    ledger.touched(conn, "pupil", [pupil_id])
    return pupil_id


def update(conn: Connection, details: PupilDetails, at: datetime) -> None:
    values = _values(details)
    conn.execute(
        "UPDATE pupil SET legal_surname = ?, legal_forename = ?, date_of_birth = ?, "
        "preferred_forename = ?, gender = ?, year_group = ?, class_name = ?, sen = ?, "
        "fsm = ?, cla = ?, eal = ?, updated_at = ? WHERE upn = ?",
        (*values[1:], to_stored(at), details.upn),
    )
    row = conn.execute("SELECT id FROM main.pupil WHERE upn = ?", (details.upn,)).fetchone()
    if row is not None:
        ledger.touched(conn, "pupil", [int(row[0])], ledger.UPDATE)


# --- a compartment's copy of the pupils its records name ----------------------------------


def upsert_copy(conn: Connection, details: PupilDetails) -> int:
    """The compartment's own row for this pupil (by UPN), with names as the MIS has them now."""
    wanted = (
        details.legal_surname,
        details.legal_forename,
        details.preferred_forename,
        details.date_of_birth.isoformat(),
    )
    row = conn.execute(
        "SELECT id, legal_surname, legal_forename, preferred_forename, date_of_birth "
        "FROM main.pupil WHERE upn = ?",
        (details.upn,),
    ).fetchone()
    if row is None:
        cursor = conn.execute(
            "INSERT INTO pupil (upn, legal_surname, legal_forename, preferred_forename, "
            "date_of_birth) VALUES (?, ?, ?, ?, ?)",
            (details.upn, *wanted),
        )
        pupil_id = int(cursor.lastrowid)
        ledger.touched(conn, "pupil", [pupil_id])
        return pupil_id
    pupil_id = int(row[0])
    if tuple(row[1:]) != wanted:
        conn.execute(
            "UPDATE pupil SET legal_surname = ?, legal_forename = ?, preferred_forename = ?, "
            "date_of_birth = ? WHERE id = ?",
            (*wanted, pupil_id),
        )
        ledger.touched(conn, "pupil", [pupil_id], ledger.UPDATE)
    return pupil_id


def copies_out_of_date(conn: Connection) -> list[str]:
    """UPNs whose copy here no longer matches the school's pupil (an MIS correction)."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT c.upn FROM main.pupil c JOIN school.pupil s ON s.upn = c.upn "
            "WHERE c.legal_surname IS NOT s.legal_surname "
            "OR c.legal_forename IS NOT s.legal_forename "
            "OR c.preferred_forename IS NOT s.preferred_forename "
            "OR c.date_of_birth IS NOT s.date_of_birth"
        )
    ]


def copy_ids(conn: Connection, upns: Iterable[str]) -> dict[str, int]:
    """A compartment's own ids for these pupils (those its records name)."""
    wanted = list(dict.fromkeys(upns))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    return {
        row[0]: int(row[1])
        for row in conn.execute(f"SELECT upn, id FROM main.pupil WHERE upn IN ({marks})", wanted)
    }
