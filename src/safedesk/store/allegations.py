"""Repository for allegations about staff, their events, and low-level concerns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from safedesk.domain.allegations import (
    Allegation,
    AllegationEvent,
    LowLevelAmendment,
    LowLevelConcern,
    NewAllegation,
    NewLowLevelConcern,
    Outcome,
    OutcomeCorrection,
    Subject,
)
from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.text import name_words
from safedesk.store import ledger
from safedesk.store.db import Connection


def insert_allegation(conn: Connection, new: NewAllegation, *, by: str, at: datetime) -> int:
    cursor = conn.execute(
        "INSERT INTO allegation (subject_username, subject_name, subject_role, happened_at, "
        "alleged, raised_by, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.subject.username,
            new.subject.name,
            new.subject.role,
            to_stored(new.happened_at),
            new.alleged,
            new.raised_by,
            by,
            to_stored(at),
        ),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "allegation", [row_id])
    return row_id


def insert_event(
    conn: Connection,
    allegation_id: int,
    kind: str,
    *,
    at: datetime,
    by: str,
    recorded_at: datetime,
    lado_name: str | None = None,
    outcome: Outcome | None = None,
    field: str | None = None,
    old_value: str | None = None,
    new_value: str | None = None,
    text: str | None = None,
) -> int:
    cursor = conn.execute(
        "INSERT INTO allegation_event (allegation_id, kind, at, lado_name, outcome, field, "
        "old_value, new_value, text, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            allegation_id,
            kind,
            to_stored(at),
            lado_name,
            None if outcome is None else outcome.value,
            field,
            old_value,
            new_value,
            text,
            by,
            to_stored(recorded_at),
        ),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "allegation_event", [row_id])
    return row_id


def insert_low_level(conn: Connection, new: NewLowLevelConcern, *, by: str, at: datetime) -> int:
    cursor = conn.execute(
        "INSERT INTO low_level_concern (subject_username, subject_name, subject_role, "
        "happened_at, what, raised_by, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.subject.username,
            new.subject.name,
            new.subject.role,
            to_stored(new.happened_at),
            new.what,
            new.raised_by,
            by,
            to_stored(at),
        ),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "low_level_concern", [row_id])
    return row_id


def insert_low_level_amendment(
    conn: Connection,
    concern_id: int,
    field: str,
    old_value: str,
    new_value: str,
    reason: str,
    *,
    by: str,
    at: datetime,
) -> int:
    cursor = conn.execute(
        "INSERT INTO low_level_amendment (concern_id, field, old_value, new_value, reason, "
        "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (concern_id, field, old_value, new_value, reason, by, to_stored(at)),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "low_level_amendment", [row_id])
    return row_id


def insert_outcome_correction(
    conn: Connection,
    allegation_id: int,
    outcome: Outcome,
    decided_on: date,
    old: tuple[Outcome, date],
    reason: str,
    *,
    by: str,
    at: datetime,
) -> int:
    cursor = conn.execute(
        "INSERT INTO allegation_outcome_correction (allegation_id, outcome, decided_on, "
        "old_outcome, old_decided_on, reason, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            allegation_id,
            outcome.value,
            decided_on.isoformat(),
            old[0].value,
            old[1].isoformat(),
            reason,
            by,
            to_stored(at),
        ),
    )
    row_id = int(cursor.lastrowid)
    ledger.touched(conn, "allegation_outcome_correction", [row_id])
    return row_id


def corrections_kept(conn: Connection) -> bool:
    """Whether this file's schema keeps corrections (a file made before schema 2, not yet
    upgraded, does not: it has none to read)."""
    found = conn.execute(
        "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'low_level_amendment'"
    ).fetchone()
    return found is not None


def _outcome_corrections(conn: Connection) -> dict[int, list[OutcomeCorrection]]:
    found: dict[int, list[OutcomeCorrection]] = {}
    if not corrections_kept(conn):
        return found
    rows = conn.execute(
        "SELECT id, allegation_id, outcome, decided_on, old_outcome, old_decided_on, reason, "
        "recorded_by, recorded_at FROM allegation_outcome_correction ORDER BY id"
    )
    for r in rows:
        found.setdefault(int(r[1]), []).append(
            OutcomeCorrection(
                int(r[0]),
                Outcome(r[2]),
                date.fromisoformat(r[3]),
                Outcome(r[4]),
                date.fromisoformat(r[5]),
                str(r[6]),
                str(r[7]),
                from_stored(r[8]),
            )
        )
    return found


def _low_level_amendments(conn: Connection) -> dict[int, list[LowLevelAmendment]]:
    found: dict[int, list[LowLevelAmendment]] = {}
    if not corrections_kept(conn):
        return found
    rows = conn.execute(
        "SELECT id, concern_id, field, old_value, new_value, reason, recorded_by, recorded_at "
        "FROM low_level_amendment ORDER BY id"
    )
    for r in rows:
        found.setdefault(int(r[1]), []).append(
            LowLevelAmendment(
                int(r[0]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]), from_stored(r[7])
            )
        )
    return found


def _events(conn: Connection) -> dict[int, list[AllegationEvent]]:
    found: dict[int, list[AllegationEvent]] = {}
    rows = conn.execute(
        "SELECT id, allegation_id, kind, at, lado_name, outcome, field, old_value, new_value, "
        "text, recorded_by, recorded_at FROM allegation_event ORDER BY id"
    )
    for row in rows:
        found.setdefault(int(row[1]), []).append(
            AllegationEvent(
                int(row[0]),
                str(row[2]),
                from_stored(row[3]),
                row[4],
                None if row[5] is None else Outcome(row[5]),
                row[6],
                row[7],
                row[8],
                row[9],
                str(row[10]),
                from_stored(row[11]),
            )
        )
    return found


# The columns an allegation and a low-level concern share, in their dataclasses' order.
_COLUMNS = (
    "id, subject_username, subject_name, subject_role, happened_at, {what}, raised_by, "
    "recorded_by, recorded_at"
)


def _common(r: Any) -> tuple[int, Subject, datetime, str, str, str, datetime]:
    return (
        int(r[0]),
        Subject(r[1], str(r[2]), str(r[3])),
        from_stored(r[4]),
        str(r[5]),
        str(r[6]),
        str(r[7]),
        from_stored(r[8]),
    )


def all_allegations(conn: Connection) -> list[Allegation]:
    events = _events(conn)
    corrected = _outcome_corrections(conn)
    rows = conn.execute(f"SELECT {_COLUMNS.format(what='alleged')} FROM allegation ORDER BY id")
    return [
        Allegation(
            *_common(r),
            tuple(events.get(int(r[0]), ())),
            tuple(corrected.get(int(r[0]), ())),
        )
        for r in rows
    ]


def get_allegation(conn: Connection, allegation_id: int) -> Allegation | None:
    return next((a for a in all_allegations(conn) if a.id == allegation_id), None)


def all_low_level(conn: Connection) -> list[LowLevelConcern]:
    """Every low-level concern with its corrections, by when it happened (as corrected)."""
    amendments = _low_level_amendments(conn)
    rows = conn.execute(f"SELECT {_COLUMNS.format(what='what')} FROM low_level_concern")
    found = [LowLevelConcern(*_common(r), tuple(amendments.get(int(r[0]), ()))) for r in rows]
    found.sort(key=lambda c: (c.current_happened_at, c.id))
    return found


def get_low_level(conn: Connection, concern_id: int) -> LowLevelConcern | None:
    return next((c for c in all_low_level(conn) if c.id == concern_id), None)


def is_subject(conn: Connection, username: str, display_name: str) -> bool:
    """Whether an allegation or a low-level concern in this file is about this person: by
    their account, or by their name as recorded or as corrected since, read as people read
    names ("Mr Test pete.quill", a non-breaking space or a zero-width space in it: the same)."""
    sql = (
        "SELECT subject_username, subject_name FROM allegation "
        "UNION ALL SELECT subject_username, subject_name FROM low_level_concern "
        "UNION ALL SELECT NULL, new_value FROM allegation_event WHERE kind = 'amendment' "
        "AND field = 'subject_name'"
    )
    if corrections_kept(conn):
        sql += (
            " UNION ALL SELECT NULL, new_value FROM low_level_amendment "
            "WHERE field = 'subject_name'"
        )
    theirs = name_words(display_name)
    return any(
        account == username or (theirs and name_words(name) == theirs)
        for account, name in conn.execute(sql)
    )
