"""The demo DSL's casework: the stories in safedesk.demo.stories and pupil_story played
through the real services as the term's records come in.

Each story is planned when its record is made (every step's moment drawn then) and carried
out in time order alongside later records, so the audit log and the numbering read as a term
would. A few police notifications arrive; one pupil has a long story for a chronology worth
printing; and, relative to the real ``now``, some items are left open so the queue shows
on-time, due-soon and overdue rows. Nothing is written after ``now``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from safedesk.demo import pupil_story, stories
from safedesk.demo import story_parts as parts
from safedesk.demo.diary import Diary
from safedesk.demo.records import record_a_term
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.services import amendments, casework, intake, records
from safedesk.services.session import Session

_MINUTE = timedelta(minutes=1)


def rich_pupil(roll: Sequence[PupilDetails]) -> PupilDetails:
    """The pupil whose term is written in full: the first Year 6 pupil on the roll."""
    return next((p for p in roll if p.year_group == "6"), roll[0])


def record_and_work(
    head: Session,
    roll: Sequence[PupilDetails],
    *,
    seed: int = 7,
    today: date | None = None,
    now: datetime | None = None,
    weeks: int = 12,
    leave_open: bool = True,
    with_story: bool = True,
) -> int:
    """A term of records up to yesterday with the DSL's work on them; returns records made.

    ``leave_open`` adds today's waiting items (a routine, an urgent and an immediate concern)
    and leaves the last of the story open; without it every case is closed.
    """
    now = (now or datetime.now()).astimezone()
    today = today or now.date()
    worker = Caseworker(head, roll, seed=seed, today=today, now=now, with_story=with_story)
    try:
        made = record_a_term(head, roll, seed=seed, today=today, weeks=weeks, hooks=worker)
        made += worker.finish(leave_open=leave_open)
    finally:
        worker.close()
    return made


class Caseworker(Diary):
    """record_a_term's hooks: plans each story as its record is made, and does the work in
    time order before each new school day's records."""

    def __init__(
        self,
        head: Session,
        roll: Sequence[PupilDetails],
        *,
        seed: int,
        today: date,
        now: datetime,
        with_story: bool,
    ) -> None:
        rng = random.Random(seed * 7919 + 17)
        super().__init__(head.paths, ("dsl", "teacher", "behaviour"), rng=rng, today=today)
        self.roll = list(roll)
        self.now = now
        self.made = 0
        self.story: dict[str, str] = {}  # the rich pupil's records by their key in the story
        self.rich = rich_pupil(self.roll) if with_story else None
        if self.rich is not None:
            self._tell(self.rich)

    # --- TermHooks ------------------------------------------------------------------------

    def start_of_day(self, day: date) -> int:
        made = self.made
        self.run_until(datetime.combine(day, time()).astimezone())
        if self.rng.random() < 0.08:
            self._police_notification(day, self.rng.choice(self.roll))
        return self.made - made

    def concern_recorded(
        self, ref: str, pupil: PupilDetails, category: str, urgency: str, recorded_at: datetime
    ) -> None:
        """The DSL's first look (sometimes acknowledging it), then the story for its kind."""
        surname = pupil.legal_surname
        parent = self.rng.choice((f"Mum (Ms {surname})", f"Dad (Mr {surname})"))
        chain = Chain(self, ref, recorded_at, words_about(pupil, parent))
        low, high = stories.FIRST_LOOK[urgency]
        if self.rng.random() < 0.07 and urgency == "urgent":
            low, high = stories.LATE_LOOK
        if self.rng.random() < 0.75:
            chain.plan((parts.Acknowledge(parts.hours(low, high)),))
            chain.moment += self.draw(parts.hours(0.1, 1.5))
        else:
            chain.moment += self.draw(parts.hours(low, high))
        chain.plan(stories.CASES.get(category, stories.MONITOR))

    def finish(self, *, leave_open: bool) -> int:
        """Everything planned up to ``now``; then, if asked, today's waiting items."""
        made = self.made
        self.run_until(self.now)
        self.forget()  # what the DSL would do after now stays undone
        if leave_open:
            self._waiting_today()
            # The DSL's session has taken in what staff recorded, as the app does at sign-in:
            # otherwise whoever opens the demo first takes it in, dated after ``now``.
            dsl = self.as_user("dsl", self.now)
            for compartment in list(dsl.compartments):
                intake.take_in(dsl, compartment)
        return self.made - made

    # --- records --------------------------------------------------------------------------

    def record(self, author: str, at: datetime, kind: Kind | None, payload: parts.Payload) -> str:
        """A record made by ``author`` at ``at``; a police notification when ``kind`` is None."""
        session = self.as_user(author, at)
        if kind is None:
            ref = casework.record_notification(session, payload)
        else:
            ref = records.record(session, kind, payload)
        self.made += 1
        return ref

    def _tell(self, pupil: PupilDetails) -> None:
        """The rich pupil's story: each scene on its day, its steps planned when it is made."""
        other = next(p for p in self.roll[1:] if p != pupil)
        words = words_about(pupil, f"Mum (Ms {pupil.legal_surname})", other.known_as)
        words["refs"] = self.story
        for scene in pupil_story.STORY:
            play = partial(self._scene, scene, (pupil.upn, other.upn), words)
            self.schedule(self.day(scene.days_back, scene.at), scene.by, play)

    def _scene(
        self, scene: parts.Scene, upns: tuple[str, str], words: dict[str, Any], at: datetime
    ) -> None:
        made = scene.record
        payload = made.payload(at, upns, parts.Fill(words, {}, self.today))
        ref = self.record(scene.by, at, made.kind, payload)
        words["refs"][made.key] = ref
        Chain(self, ref, at, words, payload).plan(scene.steps)

    def _police_notification(self, day: date, pupil: PupilDetails) -> None:
        rng = self.rng
        evening = datetime.combine(day - timedelta(days=1), time(18, 30)).astimezone()
        incident = evening + timedelta(minutes=rng.randrange(0, 240))
        received = incident + timedelta(minutes=rng.randrange(60, 300))
        recorded = datetime.combine(day, time(7, 35)).astimezone() + timedelta(
            minutes=rng.randrange(0, 40)
        )
        if recorded > self.now:
            return
        notice = rng.choice(stories.NOTICES)
        payload = {
            "pupils": [pupil.upn],
            "received_at": received.isoformat(),
            "received_from": rng.choice(stories.OFFICERS),
            "police_reference": f"OE/{day.year}/{rng.randrange(10000, 99999)}",
            "incident_at": incident.isoformat(),
            "summary": notice.summary.format(name=pupil.known_as),
        }
        ref = self.record("dsl", recorded, None, payload)
        chain = Chain(self, ref, recorded, words_about(pupil, ""))
        chain.plan(stories.NOTICE_FIRST + notice.steps)

    def _waiting_today(self) -> None:
        """Concerns raised today that the DSL has not yet reached, relative to ``now``."""
        others = [p for p in self.roll if p != self.rich] or self.roll
        for waiting in stories.WAITING:
            pupil = self.rng.choice(others)
            recorded = self.now - waiting.before
            payload = waiting.payload(recorded, pupil.upn, pupil.known_as)
            self.record("teacher", recorded, Kind.CONCERN, payload)


def words_about(pupil: PupilDetails, parent: str, other: str = "") -> dict[str, Any]:
    """What a story's words are filled in from (its records' refs are added as made)."""
    return {
        "name": pupil.known_as,
        "parent": parent,
        "other": other,
        "teacher": stories.TEACHER,
        "refs": {},
    }


class Chain:
    """A record's steps, each at a moment after the one before, drawn when it is planned."""

    def __init__(
        self,
        worker: Caseworker,
        ref: str,
        start: datetime,
        words: dict[str, Any],
        written: Mapping[str, Any] | None = None,
    ) -> None:
        self.worker = worker
        self.ref = ref
        self.moment = start
        self.ids: dict[str, int] = {}
        self.fill = parts.Fill(words, self.ids, worker.today)
        self.written = written or {}  # the record as it was made, for amending it

    def plan(self, steps: parts.Steps) -> None:
        rng = self.worker.rng
        for step in steps:
            if isinstance(step, parts.Chance):
                self.plan(step.then if rng.random() < step.chance else step.otherwise)
            elif isinstance(step, parts.OneOf):
                self.plan(rng.choice(step.options))
            else:
                self._plan(step)

    def _plan(self, step: parts.Act | parts.Amend) -> None:
        worker, when = self.worker, step.after
        if isinstance(when, parts.After):
            base = self.moment + worker.draw(when)
        elif isinstance(when, parts.NextMorning):
            base = datetime.combine(self.moment.date() + timedelta(days=1), time(5))
        else:
            base = max(self.moment, worker.day(when.days_back, when.at) - _MINUTE) + _MINUTE
        fill = self.fill
        if isinstance(step, parts.Referral) and step.serial:
            fill = replace(fill, number=worker.rng.randrange(*step.serial))
        self.moment = max(worker.working(base), self.moment + _MINUTE)
        if isinstance(step, parts.Amend):
            worker.schedule(self.moment, step.by, partial(self._amend, step))
        else:
            worker.schedule(self.moment, "dsl", partial(self._act, step, fill))

    def _act(self, step: parts.Act, fill: parts.Fill, at: datetime) -> None:
        act_id = casework.act(self.worker.as_user("dsl", at), self.ref, step.payload(at, fill))
        if isinstance(step, parts.Referral):
            self.ids["referral"] = act_id
        elif isinstance(step, parts.Action) and step.key:
            self.ids[step.key] = act_id

    def _amend(self, step: parts.Amend, at: datetime) -> None:
        value = step.value
        if isinstance(value, parts.Later):
            text = (datetime.fromisoformat(self.written[step.field]) + value.by).isoformat()
        else:
            text = self.fill(value)
        session = self.worker.as_user(step.by, at)
        amendments.amend(session, self.ref, step.field, text, self.fill(step.reason))
