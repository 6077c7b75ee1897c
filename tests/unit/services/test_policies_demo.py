"""The demo school's policies: the three a school has, one with a new version that most staff
have not yet confirmed (the prompt after sign-in has something to show)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from safedesk.demo.policies import BEHAVIOUR, CHILD_PROTECTION, KCSIE, add_policies
from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.paths import DataPaths
from safedesk.services import integrity, policies, vault


def test_the_demo_has_three_policies_and_a_new_version_waiting(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "demo")
    build_demo_school(paths, pupils=12, with_records=False, years=0)
    now = datetime.fromisoformat("2026-11-30T10:00:00+00:00")
    assert add_policies(paths, DEMO_PASSWORD, now) == 4
    head = vault.sign_in(paths, "head", DEMO_PASSWORD)
    try:
        found = {s.policy.title: (s.policy.version, s.figure) for s in policies.standings(head)}
        assert found == {
            BEHAVIOUR: ("2026-27 (update)", "1 of 5"),
            CHILD_PROTECTION: ("2026-27", "5 of 5"),
            KCSIE: ("2026", "4 of 5"),
        }
        (with_pdf,) = [m.policy for m in policies.mine(head) if m.policy.has_pdf]
        assert policies.document(head, with_pdf.id).startswith(b"%PDF-")
        report = integrity.verify(head)
        assert report.ok, report.problems
    finally:
        head.lock()
    teacher = vault.sign_in(paths, "teacher", DEMO_PASSWORD)
    try:
        assert [p.title for p in policies.outstanding(teacher)] == [BEHAVIOUR]
    finally:
        teacher.lock()
