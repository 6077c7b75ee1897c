"""Repository for leaders' reviews of behaviour records, and the records a review waits on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from safedesk.domain.behaviour_review import Decision, NewReview, StoredReview
from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.entries import Kind
from safedesk.store import ledger
from safedesk.store.db import Connection

_COLUMNS = (
    "decision",
    "note",
    "follow_up",
    "follow_up_by",
    "target",
    "parents_who",
    "parents_by",
)


def insert_review(
    conn: Connection, entry_ref: str, review: NewReview, *, author: str, at: datetime
) -> int:
    values = [
        review.decision.value,
        review.note,
        review.follow_up,
        review.follow_up_by.isoformat() if review.follow_up_by else None,
        review.target,
        review.parents_who,
        review.parents_by.isoformat() if review.parents_by else None,
    ]
    cursor = conn.execute(
        f"INSERT INTO behaviour_review (entry_ref, {', '.join(_COLUMNS)}, author, at) "
        f"VALUES (?, {', '.join('?' * len(_COLUMNS))}, ?, ?)",
        (entry_ref, *values, author, to_stored(at)),
    )
    review_id = int(cursor.lastrowid)
    ledger.touched(conn, "behaviour_review", [review_id])
    return review_id


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def reviews(conn: Connection, refs: list[str] | None = None) -> dict[str, StoredReview]:
    """Reviews by the record they review (of ``refs`` only, when given)."""
    where, params = "", []
    if refs is not None:
        if not refs:
            return {}
        where = f"WHERE r.entry_ref IN ({','.join('?' * len(refs))})"
        params = list(refs)
    found = {}
    for row in conn.execute(
        f"SELECT r.id, r.entry_ref, {', '.join('r.' + c for c in _COLUMNS)}, r.author, r.at, "
        f"u.display_name FROM behaviour_review r LEFT JOIN user u ON u.username = r.author "
        f"{where} ORDER BY r.id",
        params,
    ):
        review = NewReview(
            Decision(row[2]), row[3], row[4], _day(row[5]), row[6], row[7], _day(row[8])
        )
        found[row[1]] = StoredReview(
            row[0], row[1], review, row[9], row[11] or row[9], from_stored(row[10])
        )
    return found


@dataclass(frozen=True)
class BehaviourHead:
    """A behaviour record as the inbox lists it (current values: amendments count)."""

    ref: str
    kind: Kind
    author: str
    author_name: str
    recorded_at: datetime
    severity: str | None
    behaviour_type: str | None
    location: str | None
    pupils: tuple[tuple[str, str], ...]
    reviewed: bool


def _current(column: str, table: str) -> str:
    return (
        "coalesce((SELECT m.new_value FROM amendment m WHERE m.entry_id = e.id "
        f"AND m.field = '{column}' ORDER BY m.id DESC LIMIT 1), {table}.{column})"
    )


def heads(conn: Connection, *, include_reviewed: bool = False) -> list[BehaviourHead]:
    """Every incident and intervention not yet reviewed (or every one), oldest first."""
    where = "" if include_reviewed else "WHERE r.id IS NULL"
    rows = conn.execute(
        "SELECT e.id, e.ref, e.kind, e.author, coalesce(u.display_name, e.author), "
        f"e.recorded_at, {_current('severity', 'b')}, {_current('behaviour_type', 'b')}, "
        f"coalesce({_current('location', 'b')}, {_current('location', 'p')}), r.id IS NOT NULL "
        "FROM entry e LEFT JOIN behaviour_incident b ON b.entry_id = e.id "
        "LEFT JOIN physical_intervention p ON p.entry_id = e.id "
        "LEFT JOIN behaviour_review r ON r.entry_ref = e.ref "
        f"LEFT JOIN user u ON u.username = e.author {where} ORDER BY e.recorded_at, e.id"
    ).fetchall()
    ids = [row[0] for row in rows]
    pupils: dict[int, list[tuple[str, str]]] = {i: [] for i in ids}
    if ids:
        for entry_id, upn, forename, preferred, surname in conn.execute(
            "SELECT ep.entry_id, p.upn, p.legal_forename, p.preferred_forename, "
            "p.legal_surname FROM entry_pupil ep JOIN pupil p ON p.id = ep.pupil_id "
            f"WHERE ep.entry_id IN ({','.join('?' * len(ids))}) "
            "ORDER BY p.legal_surname, p.legal_forename",
            ids,
        ):
            pupils[entry_id].append((upn, f"{preferred or forename} {surname}"))
    return [
        BehaviourHead(
            row[1],
            Kind(row[2]),
            row[3],
            row[4],
            from_stored(row[5]),
            row[6],
            row[7],
            row[8],
            tuple(pupils[row[0]]),
            bool(row[9]),
        )
        for row in rows
    ]


def entry_of(conn: Connection, ref: str) -> tuple[int, Kind, str] | None:
    """The record's id, kind and author, or None if this file has no record ``ref``."""
    row = conn.execute("SELECT id, kind, author FROM entry WHERE ref = ?", (ref,)).fetchone()
    return (int(row[0]), Kind(row[1]), str(row[2])) if row else None
