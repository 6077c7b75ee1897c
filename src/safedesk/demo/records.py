"""A term of demo records, written through the real services by the demo's own staff (what
they say comes from demo.trends; CONCERNS and BEHAVIOUR are kept for the benchmarks)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Protocol

from safedesk.demo import trends
from safedesk.demo.pupils import school_year_start
from safedesk.demo.targets import set_targets
from safedesk.domain.calendar import SchoolCalendar
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.services import records, vault
from safedesk.services.session import Session

CONCERNS = (
    (
        "neglect",
        "routine",
        "{name} arrived without a coat again and said they had no breakfast.",
        "There's nothing in the cupboards.",
    ),
    (
        "emotional_abuse",
        "urgent",
        "{name} became very upset at home time and said they did not "
        "want to go home because of shouting.",
        "Dad shouts at me and says I'm stupid.",
    ),
    (
        "physical_abuse",
        "immediate",
        "I noticed a round bruise on {name}'s upper arm during PE. "
        "When asked, {name} went quiet and then said it happened at home.",
        "Mum's friend grabbed me.",
    ),
    (
        "online",
        "urgent",
        "{name} told me an older person on a game keeps asking for photos.",
        "He said he'd be my boyfriend.",
    ),
    (
        "mental_health",
        "urgent",
        "{name} has scratches on both forearms and has been withdrawn for a week.",
        "I do it when my head is too loud.",
    ),
    (
        "attendance",
        "routine",
        "{name} has been absent 6 of the last 10 days with no reason "
        "given; calls to parents not answered.",
        "",
    ),
    (
        "child_on_child",
        "urgent",
        "{name} said a group of older pupils pushed them into the toilets and took their phone.",
        "They said they'd do it again tomorrow.",
    ),
    (
        "domestic_abuse",
        "urgent",
        "{name} drew a picture of Mum crying and Dad with a knife.",
        "That's when the police came.",
    ),
)
BEHAVIOUR = (
    (
        "playground",
        "verbal_abuse",
        "low",
        "Lost a game of tag.",
        "Others joined in the name-calling.",
        "{name} shouted insults at a classmate.",
        "Time out and apology.",
    ),
    (
        "classroom",
        "disruption",
        "low",
        "Asked to start written work.",
        "Peers laughed at comments.",
        "{name} repeatedly called out and threw pencils.",
        "Moved seat; reward chart.",
    ),
    (
        "dining_hall",
        "physical_assault_pupil",
        "medium",
        "Queue jumping dispute.",
        "Pushed back by the other child.",
        "{name} punched another pupil on the arm.",
        "Restorative meeting.",
    ),
    (
        "corridor",
        "defiance",
        "medium",
        "Asked to walk, not run.",
        "Audience of Year 6s.",
        "{name} refused and swore at the adult.",
        "Missed playtime; parents phoned.",
    ),
    (
        "playground",
        "bullying",
        "high",
        "Ongoing falling-out over a friendship group.",
        "Messages over the weekend.",
        "{name} and friends excluded and mocked the target for a week.",
        "Parents met; friendship support group.",
    ),
)
TRIGGERS = (
    "transition",
    "unstructured_time",
    "task_demand",
    "peer_conflict",
    "adult_direction",
    "sensory",
    "hunger_tiredness",
    "home",
    "not_known",
)

INTERVENTION = (
    "corridor",
    "Refused to leave the corridor and began kicking the fire door.",
    "Kicked out at a passing pupil.",
    "Calm voice, offered choices, cleared the corridor.",
    "Imminent risk of injury to another pupil.",
    "double_elbow",
)


class TermHooks(Protocol):
    """Lets other demo work (the DSL's casework) happen day by day alongside the records."""

    def start_of_day(self, day: date) -> int:
        """Before ``day``'s records are written; returns how many records it wrote itself."""
        ...

    def concern_recorded(
        self, ref: str, pupil: PupilDetails, category: str, urgency: str, recorded_at: datetime
    ) -> None: ...


def record_a_term(
    head: Session,
    roll: Sequence[PupilDetails],
    *,
    seed: int = 7,
    today: date | None = None,
    weeks: int = 12,
    hooks: TermHooks | None = None,
) -> int:
    """Records over the last ``weeks`` weeks of school days; returns how many. What they say
    follows the school's years (demo.trends): lunchtime worst, a few pupils again and again."""
    rng = random.Random(seed)
    today = today or date.today()
    calendar = SchoolCalendar()
    shape = trends.shape_for(roll, school_year_start(today))
    authors = {
        name: vault.sign_in(head.paths, name, "demo-password")
        for name in ("teacher", "dsl", "behaviour")
    }
    made = 0
    targets_on: date | None = today - timedelta(weeks=weeks - 6)  # a baseline of six weeks
    try:
        day = today - timedelta(weeks=weeks)
        while day < today - timedelta(days=1):  # up to yesterday: nothing in the future
            day += timedelta(days=1)
            if not calendar.is_school_day(day) or trends.is_holiday(day):
                continue
            if hooks is not None:
                made += hooks.start_of_day(day)
            if targets_on is not None and day >= targets_on:
                # The behaviour lead sets the demo's targets before school that morning.
                at = datetime.combine(day, time(8, 15)).astimezone()
                set_targets(authors["behaviour"], shape, at=at)
                targets_on = None
            for _ in range(trends.concerns_today(rng, shape, day)):
                made += _concern(rng, authors, roll, day, shape, hooks)
            for _ in range(trends.behaviour_today(rng, shape, day)):
                made += _behaviour(rng, authors, roll, day, shape)
            for _ in range(trends.interventions_today(rng, shape, day)):
                made += _intervention(rng, authors, roll, day, shape, today)
    finally:
        for session in authors.values():
            session.lock()
    return made


def _as(session: Session, moment: datetime) -> Session:
    session.clock = FixedClock(moment)
    return session


def _concern(
    rng: random.Random,
    authors: dict[str, Session],
    roll: Sequence[PupilDetails],
    day: date,
    shape: trends.Shape,
    hooks: TermHooks | None = None,
) -> int:
    payload = trends.concern(rng, roll, day, shape)
    pupil = next(p for p in roll if p.upn == payload["pupils"][0])
    happened = datetime.fromisoformat(payload["occurred_at"])
    author = authors["dsl" if rng.random() < 0.2 else "teacher"]
    recorded = happened + timedelta(minutes=rng.randrange(5, 50))
    ref = records.record(_as(author, recorded), Kind.CONCERN, payload)
    if hooks is not None:
        hooks.concern_recorded(ref, pupil, payload["category"], payload["urgency"], recorded)
    return 1


def _behaviour(
    rng: random.Random,
    authors: dict[str, Session],
    roll: Sequence[PupilDetails],
    day: date,
    shape: trends.Shape,
) -> int:
    payload = trends.behaviour(rng, roll, day, shape)
    happened = datetime.fromisoformat(payload["occurred_at"])
    author = authors["behaviour" if rng.random() < 0.3 else "teacher"]
    records.record(
        _as(author, happened + timedelta(minutes=rng.randrange(10, 90))), Kind.BEHAVIOUR, payload
    )
    return 1


def _intervention(
    rng: random.Random,
    authors: dict[str, Session],
    roll: Sequence[PupilDetails],
    day: date,
    shape: trends.Shape,
    today: date,
) -> int:
    payload = trends.intervention(
        rng, roll, day, shape, next_day_ok=day + timedelta(days=1) < today
    )
    ended = datetime.fromisoformat(payload["ended_at"])
    told = datetime.fromisoformat(payload["parent_informed_at"])
    recorded = max(ended + timedelta(hours=2), told + timedelta(minutes=20))
    records.record(_as(authors["behaviour"], recorded), Kind.INTERVENTION, payload)
    return 1
