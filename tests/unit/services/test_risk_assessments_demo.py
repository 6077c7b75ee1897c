"""The demo school's risk assessments: a second version for a pupil with a plan, a review
overdue, a behaviour plan for a pupil with repeated interventions, and a pupil who needs one
left without it, so the queue and the Risk assessments page have something to show."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.domain.compartments import Compartment
from safedesk.domain.queue import ItemKind
from safedesk.domain.time_to_action import Timeliness
from safedesk.paths import DataPaths
from safedesk.services import queue, risk_assessments, vault


def test_the_demo_has_assessments_a_late_review_and_a_pupil_left_without(
    tmp_path: Path,
) -> None:
    now = datetime.now().astimezone()
    demo = build_demo_school(DataPaths(tmp_path / "demo"), pupils=120, years=0, now=now)
    dsl = vault.sign_in(demo.paths, "dsl", DEMO_PASSWORD)
    try:
        with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
            versions = [tuple(r) for r in conn.execute("SELECT ref, version FROM risk_assessment")]
        with dsl.compartment(Compartment.BEHAVIOUR).read() as conn:
            plans = [r[0] for r in conn.execute("SELECT ref FROM risk_assessment")]
        assert any(version == 2 for _, version in versions), versions
        assert plans and all(ref.startswith("BP-") for ref in plans)
        assert risk_assessments.vulnerable_pupils(dsl)  # at least one left without
        items = queue.load_queue(dsl).items
        reviews = [i for i in items if i.kind is ItemKind.RISK_REVIEW]
        assert any(i.status(dsl.clock.now()) is Timeliness.OVERDUE for i in reviews)
        assert any(i.kind is ItemKind.RISK_MISSING for i in items)
    finally:
        dsl.lock()
