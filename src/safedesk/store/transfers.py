"""Repository for case-file transfers and their receipts."""

from __future__ import annotations

from datetime import date, datetime

from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.transfer import StoredTransfer, TransferDetails
from safedesk.store import ledger
from safedesk.store.db import Connection


def next_ref(conn: Connection, year: int) -> str:
    prefix = f"T-{year}-"
    row = conn.execute(
        "SELECT max(CAST(substr(ref, ?) AS INTEGER)) FROM pupil_transfer WHERE ref GLOB ?",
        (len(prefix) + 1, prefix + "*"),
    ).fetchone()
    return f"{prefix}{(row[0] or 0) + 1:04d}"


def insert(
    conn: Connection,
    pupil_id: int,
    details: TransferDetails,
    *,
    items: int,
    author: str,
    at: datetime,
) -> int:
    cursor = conn.execute(
        "INSERT INTO pupil_transfer (ref, pupil_id, to_school, to_person, method, sent_at, "
        "items, author, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            details.ref,
            pupil_id,
            details.to_school,
            details.to_person,
            details.method,
            to_stored(details.sent_at),
            items,
            author,
            to_stored(at),
        ),
    )
    transfer_id = int(cursor.lastrowid)
    ledger.touched(conn, "pupil_transfer", [transfer_id])
    return transfer_id


def add_receipt(
    conn: Connection,
    transfer_id: int,
    confirmed_on: date,
    confirmed_by: str,
    note: str | None,
    *,
    author: str,
    at: datetime,
) -> None:
    cursor = conn.execute(
        "INSERT INTO pupil_transfer_receipt (transfer_id, confirmed_on, confirmed_by, note, "
        "author, at) VALUES (?, ?, ?, ?, ?, ?)",
        (transfer_id, confirmed_on.isoformat(), confirmed_by, note, author, to_stored(at)),
    )
    ledger.touched(conn, "pupil_transfer_receipt", [int(cursor.lastrowid)])


_SELECT = (
    "SELECT t.id, t.ref, p.upn, coalesce(p.preferred_forename, p.legal_forename) || ' ' || "
    "p.legal_surname, t.to_school, t.to_person, t.method, t.sent_at, coalesce(u.display_name, "
    "t.author), t.at, r.confirmed_on, r.confirmed_by FROM pupil_transfer t "
    "JOIN pupil p ON p.id = t.pupil_id LEFT JOIN user u ON u.username = t.author "
    "LEFT JOIN pupil_transfer_receipt r ON r.transfer_id = t.id "
)


def _row(row: tuple[object, ...]) -> StoredTransfer:
    details = TransferDetails(
        str(row[1]),
        str(row[4]),
        str(row[5]),
        str(row[6]),
        from_stored(str(row[7])),
        str(row[8]),
    )
    return StoredTransfer(
        int(row[0]),  # type: ignore[call-overload]
        str(row[1]),
        str(row[2]),
        str(row[3]),
        details,
        from_stored(str(row[9])),
        date.fromisoformat(str(row[10])) if row[10] else None,
        str(row[11]) if row[11] else None,
    )


def by_ref(conn: Connection, ref: str) -> StoredTransfer | None:
    row = conn.execute(_SELECT + "WHERE t.ref = ?", (ref,)).fetchone()
    return _row(row) if row else None


def awaiting_receipt(conn: Connection) -> list[StoredTransfer]:
    return [_row(r) for r in conn.execute(_SELECT + "WHERE r.id IS NULL ORDER BY t.id")]


def for_pupil(conn: Connection, pupil_id: int) -> list[StoredTransfer]:
    return [
        _row(r) for r in conn.execute(_SELECT + "WHERE t.pupil_id = ? ORDER BY t.id", (pupil_id,))
    ]
