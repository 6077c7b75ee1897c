"""The demo's stories are valid data: each plays into a fresh school as the steps it lists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest

from safedesk.demo import pupil_story, stories
from safedesk.demo import story_parts as parts
from safedesk.demo.casework import Caseworker, Chain, words_about
from safedesk.demo.pupils import generate_pupils
from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.paths import DataPaths
from safedesk.services import casework, records, vault
from safedesk.services.session import Session

PUPILS = 14

# What each kind of step leaves on the case's timeline (the DSL's work in the design).
EVENT = {
    parts.Acknowledge: "acknowledge",
    parts.Triage: "triage",
    parts.Action: "action",
    parts.Done: "action_done",
    parts.Referral: "referral",
    parts.Decision: "referral_decision",
    parts.Contact: "contact",
    parts.Closure: "closure",
}


def every_way(steps: parts.Steps) -> list[parts.Steps]:
    """Each way the steps can go, every Chance and OneOf taken every way."""
    ways: list[parts.Steps] = [()]
    for step in steps:
        if isinstance(step, parts.Chance):
            options = [*every_way(step.then), *every_way(step.otherwise)]
        elif isinstance(step, parts.OneOf):
            options = [way for option in step.options for way in every_way(option)]
        else:
            options = [(step,)]
        ways = [way + option for way in ways for option in options]
    return ways


def expected(steps: parts.Steps) -> list[str]:
    """The case's timeline: the steps' events, after an acknowledgement (the DSL's first act
    on a case acknowledges it, if the story does not say so first)."""
    events = [EVENT[type(step)] for step in steps if not isinstance(step, parts.Amend)]
    return events if events[:1] == ["acknowledge"] else ["acknowledge", *events]


CASE_WAYS = [
    pytest.param(category, way, id=f"{category}-{number}")
    for category, steps in stories.CASES.items()
    for number, way in enumerate(every_way(steps))
]
NOTICE_WAYS = [
    pytest.param(notice, id=f"notice-{number}") for number, notice in enumerate(stories.NOTICES)
]


class Demo:
    def __init__(self, head: Session, roll: list[PupilDetails], now: datetime) -> None:
        self.head, self.roll, self.now = head, roll, now

    def worker(self, *, with_story: bool = False) -> Caseworker:
        today = self.now.date()
        return Caseworker(
            self.head, self.roll, seed=3, today=today, now=self.now, with_story=with_story
        )

    def timeline(self, ref: str) -> list[str]:
        dsl = vault.sign_in(self.head.paths, "dsl", DEMO_PASSWORD)
        try:
            return [event.type.value for event in casework.open_case(dsl, ref).events]
        finally:
            dsl.lock()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A fresh demo school: its accounts and pupils, no records."""
    now = datetime.now().astimezone()
    paths = DataPaths(tmp_path_factory.mktemp("stories") / "data")
    built = build_demo_school(paths, pupils=PUPILS, with_records=False, now=now)
    head = vault.sign_in(built.paths, "head", DEMO_PASSWORD)
    yield Demo(head, generate_pupils(PUPILS, today=now.date()), now)
    head.lock()


def test_every_way_takes_each_branch() -> None:
    """The helper itself: a monitoring case goes three ways, a social care referral three."""
    assert len(every_way(stories.CASES["neglect"])) == 3
    assert len(every_way(stories.CASES["physical_abuse"])) == 3
    assert len(CASE_WAYS) == 14  # neglect and attendance share the monitoring ways


@pytest.mark.parametrize(("category", "way"), CASE_WAYS)
def test_each_way_a_concern_goes_plays_as_listed(
    demo: Demo, category: str, way: parts.Steps
) -> None:
    worker = demo.worker()
    try:
        pupil = demo.roll[1]
        start = worker.day(45, time(10, 0))
        concern = parts.Waiting(timedelta(0), category, "urgent", "{name} told me.", "Help.")
        ref = worker.record("teacher", start, Kind.CONCERN, concern.payload(start, pupil.upn, "A"))
        Chain(worker, ref, start, words_about(pupil, "Mum (Ms A)")).plan(way)
        worker.run_until(demo.now)
    finally:
        worker.close()
    assert demo.timeline(ref) == expected(way)


@pytest.mark.parametrize("notice", NOTICE_WAYS)
def test_each_police_notification_plays_as_listed(demo: Demo, notice: parts.Notice) -> None:
    worker = demo.worker()
    try:
        pupil = demo.roll[2]
        start = worker.day(30, time(8, 0))
        told = parts.Notification(
            "n", timedelta(hours=9), "PC 1 Lee", "OE/{year}/1", timedelta(hours=1), notice.summary
        )
        words = words_about(pupil, "")
        payload = told.payload(start, (pupil.upn, pupil.upn), parts.Fill(words, {}, worker.today))
        ref = worker.record("dsl", start, None, payload)
        Chain(worker, ref, start, words).plan(stories.NOTICE_FIRST + notice.steps)
        worker.run_until(demo.now)
    finally:
        worker.close()
    assert demo.timeline(ref) == expected(stories.NOTICE_FIRST + notice.steps)


def test_the_rich_pupils_story_plays_scene_by_scene(demo: Demo) -> None:
    worker = demo.worker(with_story=True)
    try:
        worker.run_until(demo.now)
        made = dict(worker.story)
    finally:
        worker.close()
    assert set(made) == {scene.record.key for scene in pupil_story.STORY}
    dsl = vault.sign_in(demo.head.paths, "dsl", DEMO_PASSWORD)
    try:
        for scene in pupil_story.STORY:
            ref = made[scene.record.key]
            if (
                scene.record.kind is not Kind.BEHAVIOUR
                and scene.record.kind is not Kind.INTERVENTION
            ):
                assert demo.timeline(ref) == expected(scene.steps), scene.record.key
            if scene.record.kind is not None:
                amended = [a.field for a in records.open_record(dsl, ref).amendments]
                assert amended == [s.field for s in scene.steps if isinstance(s, parts.Amend)]
    finally:
        dsl.lock()
