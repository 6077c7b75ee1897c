"""What the demo school's records say over its years, as payloads for any writer: lunchtime and
unstructured time worst, positive-handling training (four years ago) after which physical
interventions fall and gentler holds replace the restrictive ones, one cohort's hard spring,
a few pupils who keep coming back, bullying with some of it prejudice-based, and online and
mental-health concerns rising. Pure: nothing here writes; the same draws for the same seed."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from safedesk.demo.pupils import YEAR_GROUPS
from safedesk.domain.people import PupilDetails

# (start, end, weight per quarter hour, slot): when incidents happen in a school day.
DAY_SLOTS = (
    (time(8, 45), time(10, 30), 2.0, "lesson"),
    (time(10, 30), time(10, 45), 6.0, "break"),
    (time(10, 45), time(12, 0), 2.0, "lesson"),
    (time(12, 0), time(13, 15), 7.0, "lunch"),
    (time(13, 15), time(15, 15), 2.5, "lesson"),
)
TRAINING_YEARS_BACK = 4  # positive-handling training in the January of that school year
SPIKE_YEARS_BACK = 2  # the spring a cohort (then in Year 3) had a hard term

CONCERNS = (
    # category, urgency, weight ten years ago, weight now, what was seen, the child's words
    (
        "neglect",
        "routine",
        16,
        12,
        "{name} arrived without a coat again and said they had no breakfast.",
        "There's nothing in the cupboards.",
    ),
    (
        "emotional_abuse",
        "urgent",
        10,
        8,
        "{name} became very upset at home time and said "
        "they did not want to go home because of shouting.",
        "Dad shouts at me and says I'm stupid.",
    ),
    (
        "physical_abuse",
        "immediate",
        8,
        6,
        "I noticed a round bruise on {name}'s upper arm "
        "during PE. When asked, {name} went quiet and then said it happened at home.",
        "Mum's friend grabbed me.",
    ),
    (
        "online",
        "urgent",
        3,
        14,
        "{name} told me an older person on a game keeps asking for photos.",
        "He said he'd be my boyfriend.",
    ),
    (
        "mental_health",
        "urgent",
        4,
        15,
        "{name} has scratches on both forearms and has been withdrawn for a week.",
        "I do it when my head is too loud.",
    ),
    (
        "attendance",
        "routine",
        12,
        10,
        "{name} has been absent 6 of the last 10 days with no "
        "reason given; calls to parents not answered.",
        "",
    ),
    (
        "child_on_child",
        "urgent",
        6,
        8,
        "{name} said a group of older pupils pushed them into the toilets and took their phone.",
        "They said they'd do it again tomorrow.",
    ),
    (
        "domestic_abuse",
        "urgent",
        9,
        9,
        "{name} drew a picture of Mum crying and Dad with a knife.",
        "That's when the police came.",
    ),
)

# behaviour type: weight, severities (weights low, medium, high), needs a target
BEHAVIOUR_TYPES = {
    "disruption": (25, (70, 25, 5), False),
    "verbal_abuse": (18, (50, 40, 10), True),
    "defiance": (15, (45, 45, 10), False),
    "physical_assault_pupil": (14, (20, 55, 25), True),
    "bullying": (8, (10, 50, 40), True),
    "damage": (6, (35, 45, 20), False),
    "physical_assault_adult": (4, (5, 45, 50), False),
    "absconding": (4, (20, 50, 30), False),
    "racist_incident": (2, (10, 50, 40), True),
    "other": (4, (60, 35, 5), False),
}
WHAT_HAPPENED = {
    "disruption": ("{name} repeatedly called out and threw pencils.", "Moved seat; reward chart."),
    "verbal_abuse": ("{name} shouted insults at a classmate.", "Time out and apology."),
    "defiance": (
        "{name} refused to line up and swore at the adult.",
        "Missed playtime; parents phoned.",
    ),
    "physical_assault_pupil": ("{name} punched another pupil on the arm.", "Restorative meeting."),
    "bullying": (
        "{name} and friends excluded and mocked the target for a week.",
        "Parents met; friendship support group.",
    ),
    "damage": ("{name} tore down a classroom display.", "Helped put it back up at lunch."),
    "physical_assault_adult": (
        "{name} kicked a teaching assistant who asked them to stop.",
        "Calm room; meeting with parents.",
    ),
    "absconding": (
        "{name} ran out of class and hid behind the hall.",
        "Found by the office; safety plan reviewed.",
    ),
    "racist_incident": (
        "{name} used a racist name for another pupil.",
        "Recorded; parents of both told; education work with the class.",
    ),
    "other": (
        "{name} climbed onto the roof of the shed.",
        "Talked through the risk; parents told.",
    ),
}
BEFORE = {
    "unstructured_time": ("A game on the field fell apart.", "More children gathered round."),
    "peer_conflict": ("A falling-out over a friendship group.", "Messages over the weekend."),
    "task_demand": ("Asked to start written work.", "Peers laughed at comments."),
    "adult_direction": ("Asked to walk, not run.", "An audience of Year 6s."),
    "transition": ("Coming in from break to a supply teacher.", "The line was pushed."),
    "sensory": ("A noisy assembly in the hall.", "Hands over ears, then shouting."),
    "hunger_tiredness": ("Had no breakfast and was tired.", "Refused the snack offered."),
    "home": ("Said things were hard at home this morning.", "Became tearful, then angry."),
    "not_known": ("Nothing obvious beforehand.", "Could not say what had upset them."),
}
LESSON_TRIGGERS = {
    "task_demand": 28,
    "adult_direction": 20,
    "transition": 14,
    "peer_conflict": 12,
    "sensory": 8,
    "hunger_tiredness": 6,
    "home": 6,
    "not_known": 6,
}
FREE_TRIGGERS = {"unstructured_time": 60, "peer_conflict": 28, "sensory": 4, "not_known": 8}
LOCATIONS = {
    "lesson": {"classroom": 70, "corridor": 14, "hall": 8, "toilets": 4, "entrance": 4},
    "break": {"playground": 80, "toilets": 10, "corridor": 10},
    "lunch": {"playground": 45, "dining_hall": 30, "field": 15, "toilets": 10},
}
BULLYING = {"verbal": 30, "relational": 25, "physical": 15, "online": 15, "prejudice": 15}
PREJUDICE = {
    "race": 40,
    "disability": 20,
    "sexual_orientation": 15,
    "religion": 10,
    "appearance": 10,
    "sex": 5,
}
# Holds before the training, and after it (less restrictive, shorter).
HOLDS_BEFORE = {
    "double_elbow": 30,
    "figure_of_four": 20,
    "seated_hold": 15,
    "single_elbow": 15,
    "friendly_escort": 10,
    "caring_c_guide": 5,
    "guide": 5,
}
HOLDS_AFTER = {
    "friendly_escort": 30,
    "caring_c_guide": 25,
    "guide": 20,
    "single_elbow": 15,
    "block": 5,
    "double_elbow": 5,
}
KINDS_BEFORE = {"restraint_contact": 90, "restraint_no_contact": 8, "seclusion": 2}
KINDS_AFTER = {"restraint_contact": 60, "restraint_no_contact": 36, "seclusion": 4}
SUPPORT = (
    "Time in the calm room with a trusted adult; checked in at home time.",
    "First aid checked; a drink and quiet time with the TA, then back to class.",
    "Sat with the learning mentor; drew what happened; back to class after lunch.",
)
ACCOUNTS = (
    "I was cross because they took my ball and nobody listened.",
    "I didn't want to go in, it was too loud.",
    "I wanted my mum. I'm sorry I kicked.",
    "They were laughing at me so I ran.",
)


HOLIDAYS = (  # (month, first day, month, last day): school holidays, roughly
    (10, 24, 11, 1),
    (12, 20, 12, 31),
    (1, 1, 1, 4),
    (2, 14, 2, 22),
    (4, 1, 4, 14),
    (5, 25, 5, 31),
)


def is_holiday(day: date) -> bool:
    """A weekend or a school holiday (the demo's own, the same every year)."""
    return day.weekday() >= 5 or any(
        (m1, d1) <= (day.month, day.day) <= (m2, d2) for m1, d1, m2, d2 in HOLIDAYS
    )


@dataclass(frozen=True)
class Shape:
    """The school's years, in dates: the first September of the records, the training day,
    the spike's spring, the pupils who keep coming back."""

    first_year: int  # the September of the current school year
    training_on: date
    spike_from: date
    spike_to: date
    spike_cohort: str  # the cohort's year group now
    frequent: tuple[str, ...]  # UPNs of pupils with many incidents
    held: tuple[str, ...]  # UPNs of pupils (EHCP) with repeated interventions


def shape_for(roll: Sequence[PupilDetails], first_year: int) -> Shape:
    """Chosen from today's roll, so each is on roll in the years that need them."""

    def pick(year: str, *, ehcp: bool = False) -> str:
        found = [p for p in roll if p.year_group == year and (p.sen == "E" or not ehcp)]
        found = found or [p for p in roll if p.year_group == year] or list(roll)
        return found[len(found) // 2].upn

    spring = first_year - SPIKE_YEARS_BACK + 1
    return Shape(
        first_year=first_year,
        training_on=date(first_year - TRAINING_YEARS_BACK + 1, 1, 6),
        spike_from=date(spring, 1, 5),
        spike_to=date(spring, 3, 31),
        spike_cohort=YEAR_GROUPS[min(3 + SPIKE_YEARS_BACK, 6)],
        frequent=(pick("5"), pick("3")),
        held=(pick("6", ehcp=True), pick("2", ehcp=True)),
    )


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def moment(rng: random.Random, day: date) -> tuple[datetime, str]:
    """A time in the school day, lunch and break the likeliest; and which slot it is."""
    weights = []
    for start, end, weight, _ in DAY_SLOTS:
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        weights.append(weight * minutes / 15)
    start, end, _, slot = rng.choices(DAY_SLOTS, weights=weights)[0]
    span = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    at = datetime.combine(day, start).astimezone() + timedelta(minutes=rng.randrange(span))
    return at, slot


def concerns_today(rng: random.Random, shape: Shape, day: date) -> int:
    rate = 0.45 + 0.02 * (day.year - (shape.first_year - 9))  # more raised, year by year
    return _count(rng, rate)


def behaviour_today(rng: random.Random, shape: Shape, day: date) -> int:
    rate = 1.0
    if day.month in (9, 10):
        rate *= 1.2  # a new class, new routines
    elif day.month in (6, 7):
        rate *= 0.85
    if day.weekday() == 4:
        rate *= 1.15
    if shape.spike_from <= day <= shape.spike_to:
        rate *= 1.6
    return _count(rng, rate)


def interventions_today(rng: random.Random, shape: Shape, day: date) -> int:
    if day < shape.training_on:
        rate = 0.2
    else:  # falling over the two terms after the training, then steady
        weeks = (day - shape.training_on).days / 7
        rate = max(0.06, 0.2 - 0.14 * weeks / 26)
    return _count(rng, rate)


def _count(rng: random.Random, rate: float) -> int:
    whole = int(rate)
    return whole + (1 if rng.random() < rate - whole else 0)


def _instigator(
    rng: random.Random, shape: Shape, roll: Sequence[PupilDetails], day: date
) -> PupilDetails:
    by_upn = {p.upn: p for p in roll}
    frequent = [by_upn[u] for u in shape.frequent if u in by_upn]
    if frequent and rng.random() < 0.12:
        return rng.choice(frequent)
    if shape.spike_from <= day <= shape.spike_to and rng.random() < 0.45:
        then = YEAR_GROUPS[YEAR_GROUPS.index(shape.spike_cohort) - SPIKE_YEARS_BACK]
        cohort = [p for p in roll if p.year_group == then]
        if cohort:
            return rng.choice(cohort)
    return rng.choice(list(roll))


def concern(
    rng: random.Random, roll: Sequence[PupilDetails], day: date, shape: Shape
) -> dict[str, Any]:
    back = shape.first_year - day.year + (1 if day.month < 9 else 0)
    share = min(1.0, max(0.0, 1 - back / 9))  # 0 ten years ago, 1 this year
    weights = [old + (new - old) * share for _, _, old, new, _, _ in CONCERNS]
    category, urgency, _, _, text, words = rng.choices(CONCERNS, weights=weights)[0]
    pupil = rng.choice(list(roll))
    happened = datetime.combine(day, time(9, 0)).astimezone() + timedelta(
        minutes=rng.randrange(390)
    )
    payload: dict[str, Any] = {
        "pupils": [pupil.upn],
        "occurred_at": happened.isoformat(),
        "category": category,
        "urgency": urgency,
        "description": text.format(name=pupil.known_as),
        "child_words": f"“{words}”" if words else "",
        "action_taken": "Reassured the child; did not ask leading questions.",
        "others_told": "Class teacher",
    }
    if category == "physical_abuse" and rng.random() < 0.5:
        payload["body_map"] = [
            {
                "side": "front",
                "x": 0.27,
                "y": 0.3,
                "kind": "bruise",
                "size_mm": 30,
                "note": "Round, yellowing at the edge",
            },
        ]
    return payload


def behaviour(
    rng: random.Random, roll: Sequence[PupilDetails], day: date, shape: Shape
) -> dict[str, Any]:
    happened, slot = moment(rng, day)
    kind = _weighted(rng, {k: v[0] for k, v in BEHAVIOUR_TYPES.items()})
    _, severities, with_target = BEHAVIOUR_TYPES[kind]
    severity = rng.choices(("low", "medium", "high"), weights=severities)[0]
    trigger = _weighted(rng, LESSON_TRIGGERS if slot == "lesson" else FREE_TRIGGERS)
    first = _instigator(rng, shape, roll, day)
    pupils = [{"upn": first.upn, "role": "instigator"}]
    if with_target or rng.random() < 0.3:
        second = rng.choice([p for p in roll if p.upn != first.upn] or list(roll))
        if second.upn != first.upn:
            pupils.append({"upn": second.upn, "role": "target"})
    what, done = WHAT_HAPPENED[kind]
    before, escalated = BEFORE[trigger]
    payload: dict[str, Any] = {
        "pupils": pupils,
        "occurred_at": happened.isoformat(),
        "location": _weighted(rng, LOCATIONS[slot]),
        "behaviour_type": kind,
        "severity": severity,
        "trigger": trigger,
        "antecedent": before,
        "escalation": escalated,
        "description": what.format(name=first.known_as),
        "action_taken": done,
        "parents_informed": severity != "low",
    }
    if slot != "lesson":
        payload["activity"] = "Lunchtime" if slot == "lunch" else "Morning break"
    if kind == "bullying":
        bullying = _weighted(rng, BULLYING)
        payload["bullying_type"] = bullying
        if bullying == "prejudice":
            payload["prejudice_type"] = _weighted(rng, PREJUDICE)
    return payload


def intervention(
    rng: random.Random,
    roll: Sequence[PupilDetails],
    day: date,
    shape: Shape,
    *,
    next_day_ok: bool = True,
) -> dict[str, Any]:
    """``next_day_ok``: a parent may be told the next day (not when that is still to come)."""
    after = day >= shape.training_on
    by_upn = {p.upn: p for p in roll}
    held = [by_upn[u] for u in shape.held if u in by_upn]
    if held and rng.random() < 0.4:
        pupil = rng.choice(held)
    else:
        needs = [p for p in roll if p.sen] or list(roll)
        pupil = rng.choice(needs if rng.random() < 0.6 else list(roll))
    started, slot = moment(rng, day)
    minutes = rng.randrange(2, 9) if after else rng.randrange(5, 21)
    ended = started + timedelta(minutes=minutes)
    hold = _weighted(rng, HOLDS_AFTER if after else HOLDS_BEFORE)
    trigger = _weighted(rng, LESSON_TRIGGERS if slot == "lesson" else FREE_TRIGGERS)
    before, escalated = BEFORE[trigger]
    hurt = rng.random() < (0.05 if after else 0.12)
    payload: dict[str, Any] = {
        "pupil": pupil.upn,
        "started_at": started.isoformat(),
        "ended_at": ended.isoformat(),
        "location": _weighted(rng, LOCATIONS[slot]),
        "staff_involved": "Mr Kowalski, Miss Shah",
        "witnesses": "Mrs Bennett",
        "cause": before,
        "escalation": f"{escalated} Kicked out at a passing pupil.",
        "deescalation": "Calm voice, offered choices, cleared the area.",
        "reason_for_force": "Imminent risk of injury to another pupil.",
        "trigger": trigger,
        "intervention_kind": _weighted(rng, KINDS_AFTER if after else KINDS_BEFORE),
        "restraint_type": hold,
        "injuries_pupil": "Graze to the left knee." if hurt else "none",
        "injuries_staff": "Scratch to the forearm." if rng.random() < 0.06 else "none",
        "support_after": rng.choice(SUPPORT),
        "debrief": "Debrief with both staff the same afternoon.",
    }
    if rng.random() < 0.3:
        # Another hold than the main one: the main hold's minutes are the rest of the time.
        more = rng.choice([h for h in ("seated_hold", "guide", "single_elbow") if h != hold])
        payload["more_holds"] = [{"hold": more, "minutes": rng.randrange(1, min(4, minutes))}]
    if hurt:
        payload["body_map"] = [
            {
                "side": "front",
                "x": 0.58,
                "y": 0.78,
                "kind": "cut",
                "size_mm": 15,
                "note": "Graze from the playground surface",
            },
        ]
    if rng.random() < (0.6 if after else 0.1):
        payload["pupil_account"] = rng.choice(ACCOUNTS)
    late = next_day_ok and rng.random() < 0.15
    told = ended + timedelta(hours=20 if late else 1)
    payload |= {
        "parent_informed_at": told.isoformat(),
        "parent_informed_by": "Mr Kowalski",
        "parent_informed_how": "phone",
    }
    return payload
