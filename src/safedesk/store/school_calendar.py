"""Repository for the school calendar: term dates and closure days."""

from __future__ import annotations

from datetime import date

from safedesk.store import ledger
from safedesk.store.db import Connection


def terms(conn: Connection) -> list[tuple[date, date]]:
    return [
        (date.fromisoformat(a), date.fromisoformat(b))
        for a, b in conn.execute("SELECT first_day, last_day FROM school_term ORDER BY first_day")
    ]


def add_term(conn: Connection, first_day: date, last_day: date) -> None:
    conn.execute(
        "INSERT INTO school_term (first_day, last_day) VALUES (?, ?)",
        (first_day.isoformat(), last_day.isoformat()),
    )
    ledger.touched(conn, "school_term", [first_day.isoformat()])


def remove_term(conn: Connection, first_day: date) -> bool:
    cursor = conn.execute("DELETE FROM school_term WHERE first_day = ?", (first_day.isoformat(),))
    if cursor.rowcount > 0:
        ledger.touched(conn, "school_term", [first_day.isoformat()], ledger.DELETE)
    return bool(cursor.rowcount > 0)


def closures(conn: Connection) -> list[tuple[date, str]]:
    return [
        (date.fromisoformat(day), reason)
        for day, reason in conn.execute("SELECT day, reason FROM closure_day ORDER BY day")
    ]


def add_closure(conn: Connection, day: date, reason: str) -> None:
    conn.execute("INSERT INTO closure_day (day, reason) VALUES (?, ?)", (day.isoformat(), reason))
    ledger.touched(conn, "closure_day", [day.isoformat()])


def remove_closure(conn: Connection, day: date) -> bool:
    cursor = conn.execute("DELETE FROM closure_day WHERE day = ?", (day.isoformat(),))
    if cursor.rowcount > 0:
        ledger.touched(conn, "closure_day", [day.isoformat()], ledger.DELETE)
    return bool(cursor.rowcount > 0)
