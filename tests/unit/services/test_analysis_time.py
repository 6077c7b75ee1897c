"""Analysis of a school that kept records before triggers existed (made by the older program,
then upgraded at sign-in: they count as "not recorded"), and days, weekdays and hours in the
school's local time around the night the clocks go back (25/10/2026)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from safedesk.domain import entry_validation
from safedesk.domain.analysis import NOT_RECORDED, Analysis, Filters
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import ADDED_FIELDS, FIELDS, Kind
from safedesk.domain.roles import Role
from safedesk.services import analysis, records
from safedesk.services.session import Session
from safedesk.store import entries, migrate
from tests import factories
from tests.conftest import OTHER_PASSWORD, add_account, new_school

RANGE = Filters(date(2026, 10, 19), date(2026, 11, 1))  # Monday to Sunday: 2026-W43, W44


def record(session: Session, kind: Kind, when: str, *, old: bool = False, **fields: Any) -> str:
    """``when`` as typed (local, or with its offset in the hour that happens twice); ``old``:
    as the program recorded it before triggers (without the fields added since)."""
    payload = factories.PAYLOADS[kind]() | fields
    if old:
        payload = {k: v for k, v in payload.items() if k not in ADDED_FIELDS}
    moment = datetime.fromisoformat(when).astimezone()
    if kind is Kind.INTERVENTION:
        payload |= {"started_at": when, "parent_informed_at": payload["ended_at"]}
        moment = datetime.fromisoformat(payload["ended_at"]).astimezone()
    else:
        payload["occurred_at"] = when
    session.clock = FixedClock(moment + timedelta(minutes=10))
    return records.record(session, kind, payload)


SHIPPED = migrate.available_migrations


def before_triggers(compartment: str) -> list[migrate.Migration]:
    found = SHIPPED(compartment)
    return found[:2] if compartment == "behaviour" else found


@pytest.fixture(scope="module")
def lead(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """The behaviour lead of a school whose first records were made by the program as it was
    before triggers (behaviour schema 2, its fields then), then upgraded."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migrate, "available_migrations", before_triggers)
        # What the older program validated, sealed and stored.
        fields_then = {
            k: tuple(f for f in v if f.name not in ADDED_FIELDS) for k, v in FIELDS.items()
        }
        patch.setattr(entry_validation, "FIELDS", fields_then)
        patch.setattr(entries, "FIELDS", fields_then)
        school = new_school(tmp_path_factory.mktemp("analysis-time") / "data")
        head = school.sign_in()
        factories.add_pupils(head)
        add_account(head, "lead", {Role.BEHAVIOUR_LEAD})
        record(head, Kind.BEHAVIOUR, "2026-10-20T10:00", old=True)
        record(head, Kind.INTERVENTION, "2026-10-21T11:00", old=True, ended_at="2026-10-21T11:20")
        head.lock()
    head = school.sign_in()  # the program as it is now: the files are upgraded
    for when in (
        "2025-10-18T23:30",  # the day before the same dates last year (22:30 UTC)
        "2025-10-19T00:30",  # the first of the same dates last year (23:30 on the 18th, UTC)
        "2026-10-18T23:30",  # Sunday before the range (22:30 UTC): in neither
        "2026-10-19T00:30",  # Monday in the range, though 23:30 on Sunday in UTC
        "2026-10-23T09:30",  # Friday, summer time (08:30 UTC)
        "2026-10-25T01:30+01:00",  # Sunday: the first 01:30, before the clocks go back
        "2026-10-26T09:30",  # Monday, winter time (09:30 UTC)
        "2026-11-01T23:50",  # Sunday, the range's last minutes
        "2026-11-02T00:10",  # Monday after the range
    ):
        record(head, Kind.BEHAVIOUR, when)
    # From 00:50 summer time to the second 01:10 (winter time): 80 minutes, not 20.
    record(head, Kind.INTERVENTION, "2026-10-25T00:50", ended_at="2026-10-25T01:10+00:00")
    head.lock()
    session = school.sign_in("lead", OTHER_PASSWORD)
    yield session
    session.close()


def run(lead: Session) -> Analysis:
    lead.clock = FixedClock(datetime.fromisoformat("2026-11-20T09:00").astimezone())
    return analysis.analyse(lead, RANGE)


def test_records_from_before_triggers_count_as_not_recorded(lead: Session) -> None:
    found = run(lead)
    assert found.behaviour is not None and found.interventions is not None
    assert found.behaviour.by_trigger == {"peer_conflict": 5, NOT_RECORDED: 1}
    assert found.interventions.by_trigger == {"adult_direction": 1, NOT_RECORDED: 1}
    assert found.interventions.by_kind == {"restraint_contact": 1, NOT_RECORDED: 1}


def test_days_weekdays_and_hours_are_the_schools_local_time(lead: Session) -> None:
    b = run(lead).behaviour
    assert b is not None
    assert (b.total, b.previous_total) == (6, 1)
    assert b.by_weekday == {"1": 2, "2": 1, "3": 0, "4": 0, "5": 1, "6": 0, "7": 2}
    hours = {h: n for h, n in b.by_hour.items() if n}
    assert hours == {"0": 1, "1": 1, "9": 2, "10": 1, "23": 1}
    assert b.by_week == {"2026-W43": 4, "2026-W44": 2}
    assert b.by_month == {"2026-10": 5, "2026-11": 1}


def test_minutes_across_the_clock_change_are_real_minutes(lead: Session) -> None:
    i = run(lead).interventions
    assert i is not None
    assert (i.total, i.minutes_total, i.minutes_median) == (2, 100, 50.0)
    assert i.parent_informed_same_day == 2
