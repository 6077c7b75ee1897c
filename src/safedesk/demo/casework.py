"""The demo DSL's casework: the stories in safedesk.demo.stories played through the real
services as the term's records come in.

Each story is planned when its record is made (every step's moment drawn then) and carried
out in time order alongside later records, so the audit log and the numbering read as a term
would. A few police notifications arrive; one pupil has a long story for a chronology worth
printing; and, relative to the real ``now``, some items are left open so the queue shows
on-time, due-soon and overdue rows. Nothing is written after ``now``.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from safedesk.demo import stories
from safedesk.demo.records import record_a_term
from safedesk.demo.stories import Act, After, Amend, Chance, Fill, Later, OneOf, Scene, Steps
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.services import amendments, casework, intake, records, vault
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


class Caseworker:
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
        self.rng = random.Random(seed * 7919 + 17)
        self.roll = list(roll)
        self.today = today
        self.now = now
        self.sessions = {
            name: vault.sign_in(head.paths, name, "demo-password")
            for name in ("dsl", "teacher", "behaviour")
        }
        self._heap: list[tuple[datetime, int, str, Callable[[datetime], None]]] = []
        self._order = itertools.count()
        self.made = 0
        self.rich = rich_pupil(self.roll) if with_story else None
        if self.rich is not None:
            self._tell(self.rich)

    # --- running the plan -----------------------------------------------------------------

    def schedule(self, moment: datetime, author: str, do: Callable[[datetime], None]) -> None:
        """``do`` writes as ``author`` (and only as them) at ``moment``."""
        heapq.heappush(self._heap, (moment, next(self._order), author, do))

    def run_until(self, moment: datetime) -> None:
        """Every step due by ``moment``, in time order. One author's consecutive steps share
        a transaction (each service call joins it): the same rows, far fewer commits."""
        heap = self._heap
        while heap and heap[0][0] <= moment:
            author = heap[0][2]
            with self.sessions[author].store.write():
                while heap and heap[0][0] <= moment and heap[0][2] == author:
                    at, _, _, do = heapq.heappop(heap)
                    do(at)

    def as_user(self, username: str, at: datetime) -> Session:
        session = self.sessions[username]
        session.clock = FixedClock(at)
        return session

    def working(self, moment: datetime) -> datetime:
        """``moment`` if it falls in the working day, else early on the next weekday."""
        local = moment.astimezone()
        day, clock = local.date(), local.time()
        if day.weekday() < 5 and time(7, 30) <= clock <= time(17, 30):
            return local
        if clock > time(7, 30):
            day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        start = datetime.combine(day, time(7, 40)).astimezone()
        return start + timedelta(minutes=self.rng.randrange(0, 80))

    def draw(self, after: After) -> timedelta:
        """How long ``after`` is this time."""
        if after.high is None:
            return timedelta(days=after.low) if after.days else timedelta(minutes=after.low)
        if after.days:
            return timedelta(
                days=self.rng.randint(after.low, after.high), minutes=self.rng.randrange(-90, 90)
            )
        return timedelta(minutes=self.rng.randrange(after.low, after.high + 1))

    def day(self, days_back: int, at: time) -> datetime:
        """``at`` on the weekday ``days_back`` days before today (or the Friday before)."""
        day = self.today - timedelta(days=days_back)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return datetime.combine(day, at).astimezone()

    def close(self) -> None:
        for session in self.sessions.values():
            session.lock()

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
        chain = _Chain(self, ref, recorded_at, _words(pupil, parent))
        low, high = stories.FIRST_LOOK[urgency]
        if self.rng.random() < 0.07 and urgency == "urgent":
            low, high = stories.LATE_LOOK
        if self.rng.random() < 0.75:
            chain.plan((stories.Acknowledge(stories.hours(low, high)),))
            chain.moment += self.draw(stories.hours(0.1, 1.5))
        else:
            chain.moment += self.draw(stories.hours(low, high))
        chain.plan(stories.CASES.get(category, stories.MONITOR))

    def finish(self, *, leave_open: bool) -> int:
        """Everything planned up to ``now``; then, if asked, today's waiting items."""
        made = self.made
        self.run_until(self.now)
        self._heap.clear()  # what the DSL would do after now stays undone
        if leave_open:
            self._waiting_today()
            # The DSL's session has taken in what staff recorded, as the app does at sign-in:
            # otherwise whoever opens the demo first takes it in, dated after ``now``.
            dsl = self.as_user("dsl", self.now)
            for compartment in list(dsl.compartments):
                intake.take_in(dsl, compartment)
        return self.made - made

    # --- records --------------------------------------------------------------------------

    def record(self, author: str, at: datetime, kind: Kind, payload: dict[str, Any]) -> str:
        ref = records.record(self.as_user(author, at), kind, payload)
        self.made += 1
        return ref

    def _tell(self, pupil: PupilDetails) -> None:
        """The rich pupil's story: each scene on its day, its steps planned when it is made."""
        other = next(p for p in self.roll[1:] if p != pupil)
        words = _words(pupil, f"Mum (Ms {pupil.legal_surname})", other.known_as)
        for scene in stories.STORY:
            play = partial(self._scene, scene, (pupil.upn, other.upn), words)
            self.schedule(self.day(scene.days_back, scene.at), scene.by, play)

    def _scene(
        self, scene: Scene, upns: tuple[str, str], words: dict[str, Any], at: datetime
    ) -> None:
        made = scene.record
        payload = made.payload(at, upns, Fill(words, {}, self.today))
        if made.kind is None:
            ref = casework.record_notification(self.as_user(scene.by, at), payload)
            self.made += 1
        else:
            ref = self.record(scene.by, at, made.kind, payload)
        words["refs"][made.key] = ref
        _Chain(self, ref, at, words, payload).plan(scene.steps)

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
        ref = casework.record_notification(self.as_user("dsl", recorded), payload)
        self.made += 1
        chain = _Chain(self, ref, recorded, _words(pupil, ""))
        chain.plan(stories.NOTICE_FIRST + notice.steps)

    def _waiting_today(self) -> None:
        """Concerns raised today that the DSL has not yet reached, relative to ``now``."""
        others = [p for p in self.roll if p != self.rich] or self.roll
        for waiting in stories.WAITING:
            pupil = self.rng.choice(others)
            recorded = self.now - waiting.before
            self.record(
                "teacher",
                recorded,
                Kind.CONCERN,
                {
                    "pupils": [pupil.upn],
                    "occurred_at": (recorded - timedelta(minutes=15)).isoformat(),
                    "category": waiting.category,
                    "urgency": waiting.urgency,
                    "description": waiting.description.format(name=pupil.known_as),
                    "child_words": f"“{waiting.words}”",
                    "action_taken": "Listened; told the child I would pass it on to Mr Hughes.",
                    "others_told": "Nobody yet",
                },
            )


def _words(pupil: PupilDetails, parent: str, other: str = "") -> dict[str, Any]:
    return {
        "name": pupil.known_as,
        "parent": parent,
        "other": other,
        "teacher": stories.TEACHER,
        "refs": {},
    }


class _Chain:
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
        self.fill = Fill(words, self.ids, worker.today)
        self.written = written or {}  # the record as it was made, for amending it

    def plan(self, steps: Steps) -> None:
        rng = self.worker.rng
        for step in steps:
            if isinstance(step, Chance):
                self.plan(step.then if rng.random() < step.chance else step.otherwise)
            elif isinstance(step, OneOf):
                self.plan(rng.choice(step.options))
            else:
                self._plan(step)

    def _plan(self, step: Act | Amend) -> None:
        worker, when = self.worker, step.after
        if isinstance(when, After):
            base = self.moment + worker.draw(when)
        elif isinstance(when, stories.NextMorning):
            base = datetime.combine(self.moment.date() + timedelta(days=1), time(5))
        else:
            base = max(self.moment, worker.day(when.days_back, when.at) - _MINUTE) + _MINUTE
        fill = self.fill
        if isinstance(step, stories.Referral) and step.serial:
            fill = replace(fill, number=worker.rng.randrange(*step.serial))
        self.moment = max(worker.working(base), self.moment + _MINUTE)
        if isinstance(step, Amend):
            worker.schedule(self.moment, step.by, partial(self._amend, step))
        else:
            worker.schedule(self.moment, "dsl", partial(self._act, step, fill))

    def _act(self, step: Act, fill: Fill, at: datetime) -> None:
        act_id = casework.act(self.worker.as_user("dsl", at), self.ref, step.payload(at, fill))
        if isinstance(step, stories.Referral):
            self.ids["referral"] = act_id
        elif isinstance(step, stories.Action) and step.key:
            self.ids[step.key] = act_id

    def _amend(self, step: Amend, at: datetime) -> None:
        value = step.value
        if isinstance(value, Later):
            text = (datetime.fromisoformat(self.written[step.field]) + value.by).isoformat()
        else:
            text = self.fill(value)
        session = self.worker.as_user(step.by, at)
        amendments.amend(session, self.ref, step.field, text, self.fill(step.reason))
