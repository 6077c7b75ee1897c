"""The demo's casework: worked cases, a queue with something in every state, one full story."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from safedesk.demo.casework import rich_pupil
from safedesk.demo.pupils import generate_pupils
from safedesk.demo.school import DEMO_PASSWORD, build_demo_school, rolls_by_year
from safedesk.domain.chronology import ItemGroup
from safedesk.domain.clock import from_stored
from safedesk.domain.compartments import READING
from safedesk.domain.queue import ItemKind
from safedesk.paths import DataPaths
from safedesk.services import chronology, integrity, queue, vault
from safedesk.services.session import Session
from safedesk.store import audit

PUPILS = 60


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, datetime]]:
    now = datetime.now().astimezone()
    built = build_demo_school(
        DataPaths(tmp_path_factory.mktemp("demo") / "data"), pupils=PUPILS, now=now, years=0
    )
    session = vault.sign_in(built.paths, "dsl", DEMO_PASSWORD)
    yield session, now
    session.lock()


def test_queue_has_on_time_due_soon_and_overdue_items(demo: tuple[Session, datetime]) -> None:
    session, now = demo
    found = queue.load_queue(session, now)
    statuses = Counter(item.status(now).value for item in found.items)
    assert statuses["on_time"] >= 1
    assert statuses["due_soon"] >= 1
    assert statuses["overdue"] >= 1
    kinds = {item.kind for item in found.items}
    assert {ItemKind.CONCERN, ItemKind.REFERRAL, ItemKind.ACTION} <= kinds
    # Most of the term's cases were worked: the queue is a handful, not the whole term.
    assert len(found.items) < 25


def test_most_concerns_were_acted_on(demo: tuple[Session, datetime]) -> None:
    session, now = demo
    term = queue.figures(session, (now - timedelta(weeks=13)).date(), now.date(), at=now)
    recorded = sum(f.recorded for f in term)
    acted = sum(f.acted for f in term)
    assert recorded > 20
    assert acted >= recorded * 0.8


def test_the_rich_pupil_has_a_chronology_worth_printing(demo: tuple[Session, datetime]) -> None:
    session, now = demo
    pupil = rich_pupil(generate_pupils(PUPILS, today=now.date()))
    found = chronology.open_chronology(session, pupil.upn)
    assert len(found.items) >= 25
    groups = {item.group for item in found.items}
    assert groups == set(ItemGroup)
    titles = {item.title for item in found.items}
    assert {"Referral", "Contact", "Closed"} <= titles


def test_nothing_is_dated_after_now_and_the_store_verifies(
    demo: tuple[Session, datetime],
) -> None:
    session, now = demo
    written = []
    for compartment in READING:  # records and casework are audited in their own files
        with session.compartment(compartment).read() as conn:
            written += [
                from_stored(e.at)
                for e in audit.events(conn)
                if e.action.startswith(("record.", "case.", "notification."))
            ]
    with session.store.read() as conn:
        written += [from_stored(e.at) for e in audit.events_with_action(conn, "inbox.item_put")]
    assert len(written) > 100
    assert max(written) <= now
    assert integrity.verify(session).ok


def test_rolls_by_year_move_cohorts_up_with_unique_upns() -> None:
    today = datetime(2026, 11, 24).date()
    roll = generate_pupils(140, today=today)
    rolls = rolls_by_year(roll, 4, seed=7, today=today)
    assert rolls[0] == roll
    everyone = {p.upn: p for year in rolls for p in year}
    assert len(everyone) == len({(p.upn, p.date_of_birth) for p in everyone.values()})
    year_six_now = next(p for p in roll if p.year_group == "6")
    three_back = {p.upn: p for p in rolls[3]}
    assert three_back[year_six_now.upn].year_group == "3"
    reception_now = next(p for p in roll if p.year_group == "R")
    assert reception_now.upn not in {p.upn for p in rolls[1]}


def test_several_years_leave_only_this_terms_work_open(tmp_path: Path) -> None:
    now = datetime.now().astimezone()
    built = build_demo_school(DataPaths(tmp_path / "data"), pupils=PUPILS, years=2, now=now)
    session = vault.sign_in(built.paths, "dsl", DEMO_PASSWORD)
    try:
        found = queue.load_queue(session, now)
        assert found.items
        # Training falling due and pupils needing a risk assessment start when that began;
        # the cases are what must all be this term's.
        not_cases = {ItemKind.TRAINING_DUE, ItemKind.RISK_MISSING, ItemKind.RISK_REVIEW}
        cases = [item for item in found.items if item.kind not in not_cases]
        assert cases
        oldest = min(item.started_at for item in cases)
        assert oldest > now - timedelta(weeks=12)  # last year's cases are all closed
        assert built.records > 300
    finally:
        session.lock()
