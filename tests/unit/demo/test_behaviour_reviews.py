"""The demo's behaviour reviews: most records reviewed, the last days' left waiting, one
intervention overdue in the behaviour lead's inbox and the head's queue; verify still passes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from safedesk.demo.behaviour_reviews import add_reviews
from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.domain.entries import Kind
from safedesk.domain.queue import ItemKind
from safedesk.domain.time_to_action import Timeliness
from safedesk.paths import DataPaths
from safedesk.services import behaviour_review, integrity, queue, vault


def test_the_demo_leaves_some_waiting_and_one_intervention_overdue(tmp_path: Path) -> None:
    now = datetime.now().astimezone()
    demo = build_demo_school(DataPaths(tmp_path / "demo"), pupils=120, now=now, years=0)
    lead = vault.sign_in(demo.paths, "behaviour", DEMO_PASSWORD)
    try:
        inbox = behaviour_review.load_inbox(lead, include_reviewed=True)
        assert add_reviews(lead, now=now) == 0, "the demo school is built with its reviews"
    finally:
        lead.lock()
    assert len([i for i in inbox.items if i.reviewed]) > 5
    waiting = inbox.waiting
    assert waiting, "some records are left for the behaviour lead"
    overdue = [
        i
        for i in waiting
        if i.kind is Kind.INTERVENTION and i.status(inbox.at) is Timeliness.OVERDUE
    ]
    assert len(overdue) == 1
    head = vault.sign_in(demo.paths, "head", DEMO_PASSWORD)
    try:
        items = queue.load_queue(head).items
        force = [i.case_ref for i in items if i.kind is ItemKind.BEHAVIOUR_REVIEW]
        assert overdue[0].ref in force
        assert integrity.verify(head).ok
    finally:
        head.lock()
