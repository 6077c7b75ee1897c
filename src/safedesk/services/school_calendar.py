"""The school calendar: term dates and closures (admin), bank holidays (from `holidays`)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from safedesk.domain.calendar import SchoolCalendar, Term
from safedesk.domain.entry_validation import parse_day
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.roles import Permission
from safedesk.domain.settings import Settings
from safedesk.domain.text import SHORT_TEXT_LIMIT, is_blank, text_problem
from safedesk.services.session import Session
from safedesk.services.settings import get_settings
from safedesk.store import school_calendar
from safedesk.store.db import Connection


def preload_bank_holidays() -> None:
    """Load the `holidays` package ahead of need: it imports every country it knows (about
    0.4 s), which would otherwise land on the first queue after signing in."""
    import holidays

    holidays.country_holidays("GB", years=[])


@lru_cache(maxsize=8)
def bank_holidays(region: str, first_year: int, last_year: int) -> frozenset[date]:
    import holidays  # a few ms to import; only needed once the queue is worked

    found = holidays.country_holidays("GB", subdiv=region, years=range(first_year, last_year + 1))
    return frozenset(found)


def calendar_for(conn: Connection, settings: Settings, around: date) -> SchoolCalendar:
    """The calendar as stored, with bank holidays from ten years back to two ahead."""
    return SchoolCalendar(
        terms=tuple(Term(a, b) for a, b in school_calendar.terms(conn)),
        closures=frozenset(day for day, _ in school_calendar.closures(conn)),
        bank_holidays=bank_holidays(
            settings.bank_holidays_region, around.year - 11, around.year + 2
        ),
        day_start=settings.day_start,
    )


def get_calendar(session: Session) -> SchoolCalendar:
    settings = get_settings(session)
    with session.store.read() as conn:
        return calendar_for(conn, settings, session.clock.now().date())


def terms(session: Session) -> list[tuple[date, date]]:
    with session.store.read() as conn:
        return school_calendar.terms(conn)


def closures(session: Session) -> list[tuple[date, str]]:
    with session.store.read() as conn:
        return school_calendar.closures(conn)


def _day(value: object, field: str, problems: dict[str, str]) -> date | None:
    found = parse_day(value)
    if isinstance(found, str):
        problems[field] = found
        return None
    return found


def add_term(session: Session, first_day: object, last_day: object) -> None:
    session.require(Permission.SETTINGS_MANAGE, "change the school calendar")
    problems: dict[str, str] = {}
    first = _day(first_day, "first_day", problems)
    last = _day(last_day, "last_day", problems)
    if first and last and last < first:
        problems["last_day"] = "is before the first day"
    if problems:
        raise ValidationError(problems)
    assert first is not None
    assert last is not None
    with session.store.write() as conn:
        for a, b in school_calendar.terms(conn):
            if first <= b and a <= last:
                raise ValidationError(
                    {"first_day": f"overlaps the term {date_text(a)} to {date_text(b)}"}
                )
        school_calendar.add_term(conn, first, last)
        session.audit(conn, "calendar.term_added", detail={"from": str(first), "to": str(last)})


def remove_term(session: Session, first_day: object) -> None:
    session.require(Permission.SETTINGS_MANAGE, "change the school calendar")
    problems: dict[str, str] = {}
    first = _day(first_day, "first_day", problems)
    if problems:
        raise ValidationError(problems)
    assert first is not None
    with session.store.write() as conn:
        if not school_calendar.remove_term(conn, first):
            raise NotFound(f"No term starts on {date_text(first)}.")
        session.audit(conn, "calendar.term_removed", detail={"from": str(first)})


def add_closure(session: Session, day: object, reason: str) -> None:
    session.require(Permission.SETTINGS_MANAGE, "change the school calendar")
    problems: dict[str, str] = {}
    found = _day(day, "day", problems)
    if is_blank(reason):
        problems["reason"] = "is required (e.g. INSET day)"
    elif problem := text_problem(reason, limit=SHORT_TEXT_LIMIT):
        problems["reason"] = problem
    if problems:
        raise ValidationError(problems)
    assert found is not None
    with session.store.write() as conn:
        if any(d == found for d, _ in school_calendar.closures(conn)):
            raise ValidationError({"day": f"{date_text(found)} is already a closure day"})
        school_calendar.add_closure(conn, found, reason.strip())
        session.audit(conn, "calendar.closure_added", detail={"day": str(found)})


def remove_closure(session: Session, day: object) -> None:
    session.require(Permission.SETTINGS_MANAGE, "change the school calendar")
    problems: dict[str, str] = {}
    found = _day(day, "day", problems)
    if problems:
        raise ValidationError(problems)
    assert found is not None
    with session.store.write() as conn:
        if not school_calendar.remove_closure(conn, found):
            raise NotFound(f"{date_text(found)} is not a closure day.")
        session.audit(conn, "calendar.closure_removed", detail={"day": str(found)})
