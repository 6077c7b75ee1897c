"""The demo's safeguarding statuses: the pupil with the full story is on a child protection
plan, and her chronology says so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from safedesk.demo.casework import rich_pupil
from safedesk.demo.pupil_statuses import give_statuses
from safedesk.demo.pupils import generate_pupils
from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.domain.pupil_status import StatusKind
from safedesk.paths import DataPaths
from safedesk.services import chronology, pupil_status, vault

TODAY = date(2026, 11, 24)


def test_the_rich_pupil_is_on_a_plan_her_chronology_shows(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "demo")
    build_demo_school(paths, pupils=120, with_records=False, today=TODAY)
    roll = generate_pupils(120, today=TODAY)
    head = vault.sign_in(paths, "head", DEMO_PASSWORD)
    try:
        started = give_statuses(head, roll, today=TODAY)
        rich = rich_pupil(roll)
        now = pupil_status.current_statuses(head, [p.upn for p in roll])
        assert started == sum(len(p) for p in now.values()) + 1  # early help, since ended
        assert [p.kind for p in now[rich.upn]] == [StatusKind.CHILD_PROTECTION_PLAN]
        assert len(now) >= 3
        found = chronology.open_chronology(head, rich.upn)
        assert found.statuses is not None
        assert [p.kind for p in found.statuses] == [
            StatusKind.CHILD_PROTECTION_PLAN,
            StatusKind.EARLY_HELP,
        ]
        assert any(i.summary.startswith("Child protection plan started") for i in found.items)
    finally:
        head.close()
