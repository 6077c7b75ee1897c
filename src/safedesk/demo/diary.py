"""The demo's diary: work kept in time order and done as the people it names, in working
hours, with waits drawn from one seeded random source."""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

from safedesk.demo.story_parts import After
from safedesk.domain.clock import FixedClock
from safedesk.paths import DataPaths
from safedesk.services import vault
from safedesk.services.session import Session


class Diary:
    """Steps written as one of the demo's accounts at a given moment, done in time order."""

    def __init__(
        self, paths: DataPaths, people: Iterable[str], *, rng: random.Random, today: date
    ) -> None:
        self.rng = rng
        self.today = today
        self.sessions = {name: vault.sign_in(paths, name, "demo-password") for name in people}
        self._heap: list[tuple[datetime, int, str, Callable[[datetime], None]]] = []
        self._order = itertools.count()

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

    def forget(self) -> None:
        """What is still planned stays undone."""
        self._heap.clear()

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
