"""The governors' report's pupil-group figures: the same as an analysis of each group gives,
from one analysis of the whole school and one more reading of the range's records."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safedesk.domain.analysis import Filters, PupilGroup
from safedesk.domain.roles import Role
from safedesk.services import leader_reports
from safedesk.services.analysis import analyse
from safedesk.services.session import Session
from safedesk.store import audit
from tests.unit.services.test_leader_reports import (
    FIRST,
    LAST,
    LeadersSchool,
    build_leaders_school,
)


@pytest.fixture
def leaders(head_session: Session, session_as: Callable[[Role], Session]) -> LeadersSchool:
    return build_leaders_school(head_session, session_as(Role.DSL))


def _runs(session: Session) -> int:
    with session.store.read() as conn:
        return len(audit.events_with_action(conn, "analysis.run"))


def test_the_groups_figures_come_from_one_analysis_and_one_more_reading(
    leaders: LeadersSchool,
) -> None:
    head = leaders.head
    before = _runs(head)
    report = leader_reports.governors_report(head, FIRST, LAST)
    assert _runs(head) == before + 1  # the whole school's only (it was four)
    tables = {t.title: dict(t.rows) for t in report.parts[-1].tables}
    for group in PupilGroup:
        alone = analyse(head, Filters(FIRST, LAST, group=group))
        assert alone.behaviour is not None and alone.interventions is not None
        assert alone.concerns is not None
        for title, total in (
            ("Incidents involving pupils of each group", alone.behaviour.total),
            ("Interventions involving pupils of each group", alone.interventions.total),
            ("Concerns involving pupils of each group", alone.concerns.total),
        ):
            shown = tables[title][group.label]
            assert shown == (f"{total:,}" if total >= 3 else "fewer than 3"), (title, group)
    assert any(v.isdigit() for t in tables.values() for v in t.values())  # not all hidden
