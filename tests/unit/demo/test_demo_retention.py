"""The demo's retention example: a former pupil's concern transcribed from the paper book,
past its date and waiting for the head's review; a hold on the story pupil for an inquiry."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from safedesk.demo.casework import rich_pupil
from safedesk.demo.pupils import generate_pupils
from safedesk.demo.retention import FORMER_PUPIL, HOLD_REASON
from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.domain.entries import Kind, Status
from safedesk.paths import DataPaths
from safedesk.services import integrity, records, retention, vault

PUPILS = 60


def test_the_head_sees_a_record_past_its_date_and_a_hold(tmp_path: Path) -> None:
    now = datetime.now().astimezone()
    built = build_demo_school(DataPaths(tmp_path / "data"), pupils=PUPILS, years=1, now=now)
    head = vault.sign_in(built.paths, "head", DEMO_PASSWORD)
    try:
        (due,) = retention.due(head)
        assert (due.kind, due.occurred_on.isoformat(), due.held) == (
            Kind.CONCERN,
            "2001-06-12",
            False,
        )
        assert due.due_on.isoformat() == "2016-03-14"  # born 14 March 1991, + 25 years
        (entry,) = records.pupil_records(head, FORMER_PUPIL.upn)
        assert entry.ref == due.ref and entry.status is Status.CLOSED
        story = rich_pupil(generate_pupils(PUPILS, today=now.date()))
        held = retention.holds(head)
        assert {h.compartment for h in held} == {"safeguarding", "behaviour"}
        assert {(h.on, h.reason) for h in held} == {(f"pupil {story.upn}", HOLD_REASON)}
        assert integrity.verify(head).ok
    finally:
        head.lock()
