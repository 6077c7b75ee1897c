"""The demo school's allegations about staff: one dealt with (the LADO told the next working day,
unsubstantiated), one waiting for the LADO in the head's queue, low-level concerns with a
pattern, and the chair of governors' own file with one allegation about the head."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.domain.allegations import Outcome
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.local_time import to_local
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import allegations, integrity, queue, vault


def test_the_demo_has_allegations_for_the_head_and_one_about_the_head_for_the_chair(
    tmp_path: Path,
) -> None:
    now = datetime.now().astimezone()
    demo = build_demo_school(DataPaths(tmp_path / "demo"), pupils=60, years=0, now=now)
    chair_account = next(a for a in demo.accounts if Role.CHAIR_OF_GOVERNORS in a.roles)
    assert chair_account.roles_label == "Chair of governors"  # listed on the sign-in screen

    head = vault.sign_in(demo.paths, "head", DEMO_PASSWORD)
    try:
        dealt, waiting = allegations.list_allegations(head)
        assert "Teaching assistant" in dealt.subject.role
        assert dealt.outcome is not None and dealt.outcome.outcome is Outcome.UNSUBSTANTIATED
        assert dealt.lado_contacted is not None
        recorded = to_local(dealt.recorded_at).date()
        told = to_local(dealt.lado_contacted.at).date()
        # the next working day: a weekday after the day it was recorded, within three days
        assert recorded < told <= recorded + timedelta(days=3) and told.weekday() < 5
        assert waiting.lado_contacted is None and waiting.outcome is None
        items = [i for i in queue.load_queue(head).items if i.kind is ItemKind.LADO]
        assert [i.item_id for i in items] == [waiting.id]
        assert items[0].kind.label == "Allegation: tell the LADO"

        concerns = allegations.list_low_level(head)
        assert len(concerns) == 3
        [corrected] = [c for c in concerns if c.amendments]  # an example of a correction
        assert corrected.current("raised_by") != corrected.raised_by
        most, *rest = allegations.low_level_patterns(head)
        assert most.total == 2 and [p.total for p in rest] == [1]
        assert all(c.recorded_at <= now for c in concerns)
        assert integrity.verify(head).ok  # the head's files, the allegations file among them
        with pytest.raises(PermissionDenied):
            allegations.list_allegations(head, about_head=True)
    finally:
        head.lock()

    chair = vault.sign_in(demo.paths, chair_account.username, DEMO_PASSWORD)
    try:
        assert chair.user.roles == frozenset({Role.CHAIR_OF_GOVERNORS})
        assert not chair.password_from_administrator
        (about_head,) = allegations.list_allegations(chair, about_head=True)
        assert about_head.subject.username == "head"
        assert about_head.lado_contacted is not None and about_head.outcome is None
        assert allegations.lado_due(chair, about_head=True) == []
        with pytest.raises(PermissionDenied):
            allegations.list_allegations(chair)
    finally:
        chair.lock()

    dsl = vault.sign_in(demo.paths, "dsl", DEMO_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            allegations.list_low_level(dsl)
        assert not [i for i in queue.load_queue(dsl).items if i.kind is ItemKind.LADO]
    finally:
        dsl.lock()


def test_in_the_demo_a_teacher_passes_a_concern_about_the_head_to_the_chair_alone(
    tmp_path: Path,
) -> None:
    """The chair confirmed the demo's accounts in person, so a member of staff's concern
    about the headteacher reaches the chair's file, sealed; the head never sees it."""
    from safedesk.services import adult_concerns

    now = datetime.now().astimezone()
    demo = build_demo_school(DataPaths(tmp_path / "demo"), pupils=20, years=0, now=now)
    teacher = vault.sign_in(demo.paths, "teacher", DEMO_PASSWORD)
    try:
        adult_concerns.raise_concern(
            teacher,
            {
                "subject_name": "Mrs Adaeze Okonkwo",
                "subject_role": "Headteacher",
                "happened_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
                "what": "Marked a pupil's test 4492 after the deadline",
                "low_level": True,
                "about_head": True,
            },
        )
    finally:
        teacher.lock()
    chair = vault.sign_in(demo.paths, "chair", DEMO_PASSWORD)
    try:
        found = allegations.list_low_level(chair, about_head=True)
        assert any("4492" in c.what for c in found)
    finally:
        chair.lock()
    head = vault.sign_in(demo.paths, "head", DEMO_PASSWORD)
    try:
        assert not any("4492" in c.what for c in allegations.list_low_level(head))
    finally:
        head.lock()
