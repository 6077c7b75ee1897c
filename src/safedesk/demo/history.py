"""The demo school's earlier years, written fast: each record validated as taking in does and
stored with the store's repository functions (pupils copied, entry, statuses, amendment-free),
the DSL's work on each concern and the behaviour lead's review of each behaviour record with
them, every row in the ledger and every write audited, in one transaction per file a year.

What it leaves out, against recording through the sealed inbox: the authors' "My records"
copies and receipts (older years' records are not in their authors' own lists), and police
notifications. References come from the school file's counters as recording's do.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from safedesk.demo import trends
from safedesk.demo.behaviour_reviews import CYCLE, NOTES
from safedesk.domain.behaviour_review import Decision, validate_review
from safedesk.domain.casework import ActType, validate_act
from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import KIND_COMPARTMENT, Compartment
from safedesk.domain.entries import Kind, Status
from safedesk.domain.entry_validation import pupil_problems, validate_new_entry
from safedesk.domain.errors import ValidationError
from safedesk.domain.people import PupilDetails
from safedesk.services import intake
from safedesk.services.session import Session
from safedesk.store import access, behaviour_review, casework, entries, members, pupils
from safedesk.store.db import Connection


@dataclass(frozen=True)
class Planned:
    kind: Kind
    payload: dict[str, Any]
    author: str
    recorded_at: datetime
    ref: str = ""


def plan_year(
    rng: random.Random,
    roll: Sequence[PupilDetails],
    shape: trends.Shape,
    first: date,
    last: date,
) -> list[Planned]:
    """The records of the school days from ``first`` to ``last``, in the order recorded."""
    found: list[Planned] = []
    day = first
    while day <= last:
        if not trends.is_holiday(day):
            found += _day(rng, roll, shape, day)
        day += timedelta(days=1)
    return sorted(found, key=lambda p: p.recorded_at)


def _day(
    rng: random.Random, roll: Sequence[PupilDetails], shape: trends.Shape, day: date
) -> list[Planned]:
    found = []
    for _ in range(trends.concerns_today(rng, shape, day)):
        payload = trends.concern(rng, roll, day, shape)
        at = datetime.fromisoformat(payload["occurred_at"]) + timedelta(
            minutes=rng.randrange(5, 50)
        )
        author = "dsl" if rng.random() < 0.2 else "teacher"
        found.append(Planned(Kind.CONCERN, payload, author, at))
    for _ in range(trends.behaviour_today(rng, shape, day)):
        payload = trends.behaviour(rng, roll, day, shape)
        at = datetime.fromisoformat(payload["occurred_at"]) + timedelta(
            minutes=rng.randrange(10, 90)
        )
        author = "behaviour" if rng.random() < 0.3 else "teacher"
        found.append(Planned(Kind.BEHAVIOUR, payload, author, at))
    for _ in range(trends.interventions_today(rng, shape, day)):
        payload = trends.intervention(rng, roll, day, shape)
        told = datetime.fromisoformat(payload["parent_informed_at"])
        ended = datetime.fromisoformat(payload["ended_at"])
        at = max(ended + timedelta(hours=2), told + timedelta(minutes=20))
        # Nobody reviews their own use of force: the behaviour lead reviews these.
        author = "dsl" if rng.random() < 0.3 else "teacher"
        found.append(Planned(Kind.INTERVENTION, payload, author, at))
    return found


@dataclass
class _Writer:
    """Writes one file's year in time order: each step at its moment on the session's clock."""

    session: Session
    conn: Connection
    steps: list[tuple[datetime, int, Callable[[], object]]] = field(default_factory=list)
    count: int = 0

    def at(self, moment: datetime, step: Callable[[], object]) -> None:
        self.count += 1
        heapq.heappush(self.steps, (moment, self.count, step))

    def run(self) -> None:
        clock = self.session.clock
        try:
            # Steps planned by earlier steps (a case's next act) join the queue in time order.
            while self.steps:
                moment, _, step = heapq.heappop(self.steps)
                self.session.clock = FixedClock(moment)
                step()
        finally:
            self.session.clock = clock


def take_refs(head: Session, planned: list[Planned]) -> list[Planned]:
    """References from the school file's counters, as recording hands them out."""
    with head.store.write() as conn:
        return [
            Planned(
                p.kind,
                p.payload,
                p.author,
                p.recorded_at,
                access.next_ref(
                    conn,
                    KIND_COMPARTMENT[p.kind].value,
                    p.kind.ref_prefix,
                    p.recorded_at.astimezone().year,
                ),
            )
            for p in planned
        ]


def _store(session: Session, conn: Connection, p: Planned, lists: dict[str, set[str]]) -> int:
    """As taking in stores a record: validated again, pupils copied, inserted, audited."""
    entry = validate_new_entry(p.kind, p.payload, lists=lists, now=p.recorded_at)
    found = pupils.by_upns(conn, [x.upn for x in entry.pupils], schema="school")
    known = {upn: (x.display_name, x.details.date_of_birth) for upn, x in found.items()}
    if problems := pupil_problems(p.kind, entry, known):
        raise ValidationError(problems)
    ids = {upn: pupils.upsert_copy(conn, x.details) for upn, x in found.items()}
    entry_id = entries.insert(
        conn, entry, ref=p.ref, author=p.author, recorded_at=p.recorded_at, pupil_ids=ids
    )
    session.audit(
        conn,
        "record.received",
        object_type=p.kind.value,
        object_id=p.ref,
        detail={"author": p.author, "written": "demo history"},
    )
    return entry_id


def _told(conn: Connection, refs: list[str]) -> None:
    """The authors are not sent receipts for these years (they hold no copies of them)."""
    marks = ",".join("?" * len(refs))
    for ref, status_id in conn.execute(
        "SELECT e.ref, max(s.id) FROM entry e JOIN entry_status s ON s.entry_id = e.id "
        f"WHERE e.ref IN ({marks}) GROUP BY e.ref",
        refs,
    ).fetchall():
        members.receipt_sent(conn, ref, int(status_id))


# --- safeguarding: concerns and the DSL's work on each -----------------------------------

DECISIONS = {
    "physical_abuse": {"social_care": 50, "monitor": 30, "early_help": 20},
    "domestic_abuse": {"social_care": 35, "monitor": 40, "early_help": 25},
    "emotional_abuse": {"early_help": 35, "monitor": 45, "social_care": 20},
    "online": {"monitor": 45, "other_agency": 15, "police": 15, "no_further_action": 25},
    "mental_health": {"other_agency": 40, "monitor": 40, "early_help": 20},
    "child_on_child": {"monitor": 50, "no_further_action": 35, "police": 15},
}
DEFAULT_DECISIONS = {"early_help": 35, "monitor": 40, "no_further_action": 25}
AGENCY = {
    "social_care": "social_care",
    "police": "police",
    "early_help": "early_help",
    "other_agency": "camhs",
}


def write_safeguarding(dsl: Session, planned: list[Planned], rng: random.Random) -> None:
    concerns = [p for p in planned if p.kind is Kind.CONCERN]
    if not concerns:
        return
    store = dsl.compartment(Compartment.SAFEGUARDING)
    with store.write() as conn:
        lists = intake.all_list_values(conn)
        writer = _Writer(dsl, conn)
        for p in concerns:
            writer.at(p.recorded_at, _concern_step(writer, p, lists, rng))
        writer.run()
        _told(conn, [p.ref for p in concerns])


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(minutes=rng.randrange(int(low * 60), int(high * 60) + 1))


def _concern_step(
    writer: _Writer, p: Planned, lists: dict[str, set[str]], rng: random.Random
) -> Callable[[], None]:
    def record() -> None:
        entry_id = _store(writer.session, writer.conn, p, lists)
        urgency = p.payload["urgency"]
        low, high = {"immediate": (0.1, 0.8), "urgent": (0.5, 3.0)}.get(urgency, (2.0, 20.0))
        looked = p.recorded_at + _hours(rng, low, high)
        writer.at(looked, lambda: _work_case(writer, p, entry_id, looked, rng))

    return record


def _act(writer: _Writer, p: Planned, entry_id: int, payload: dict[str, object]) -> int:
    session, conn = writer.session, writer.conn
    now = session.clock.now()
    act = validate_act(payload, now=now)
    act_id = casework.insert_act(conn, p.ref, act, author=session.user.username, at=now)
    if act.type is ActType.ACKNOWLEDGE:
        entries.add_status(conn, entry_id, Status.IN_PROGRESS, None, session.user.username, now)
        session.audit(conn, "case.acknowledge", object_type="concern", object_id=p.ref)
        return act_id
    if act.type is ActType.CLOSURE:
        shared = act.values.get("shared_outcome")
        outcome = str(shared) if shared else None
        entries.add_status(conn, entry_id, Status.CLOSED, outcome, session.user.username, now)
    session.audit(
        conn,
        f"case.{act.type.value}",
        object_type="concern",
        object_id=p.ref,
        detail={"act_id": act_id},
    )
    return act_id


def _work_case(
    writer: _Writer, p: Planned, entry_id: int, looked: datetime, rng: random.Random
) -> None:
    """Acknowledged, decided, referred or monitored, a call home, closed: each at its time."""
    _act(writer, p, entry_id, {"type": "acknowledge"})
    category = p.payload["category"]
    table = DECISIONS.get(category, DEFAULT_DECISIONS)
    decision = rng.choices(list(table), weights=list(table.values()))[0]
    decided = looked + _hours(rng, 0.3, 4)
    review_on = (decided + timedelta(days=14)).date()

    def triage() -> None:
        payload: dict[str, object] = {
            "type": "triage",
            "decision": decision,
            "rationale": "Read the concern and the pupil's file; spoke to the class teacher.",
        }
        if decision == "monitor":
            payload["review_on"] = review_on.isoformat()
        _act(writer, p, entry_id, payload)

    writer.at(decided, triage)
    last = decided
    if decision in AGENCY:
        referred = decided + _hours(rng, 0.2, 2)
        answered = referred + timedelta(days=rng.randrange(1, 4), hours=rng.randrange(1, 5))
        holder: dict[str, int] = {}

        def referral() -> None:
            holder["id"] = _act(
                writer,
                p,
                entry_id,
                {
                    "type": "referral",
                    "agency": AGENCY[decision],
                    "made_at": writer.session.clock.now().isoformat(),
                    "method": rng.choice(["phone", "online_form"]),
                    "spoken_to": "Duty worker at the front door",
                    "decision_due": (referred + timedelta(days=3)).date().isoformat(),
                },
            )

        def decided_by_agency() -> None:
            _act(
                writer,
                p,
                entry_id,
                {
                    "type": "referral_decision",
                    "referral_id": holder["id"],
                    "decision": "Accepted for an assessment; a worker allocated.",
                    "decided_on": answered.date().isoformat(),
                    "feedback_to_referrer": "Told the class teacher the referral was accepted.",
                },
            )

        writer.at(referred, referral)
        writer.at(answered, decided_by_agency)
        last = answered
    if rng.random() < 0.5:
        called = decided + _hours(rng, 1, 24)
        writer.at(
            called,
            lambda: _act(
                writer,
                p,
                entry_id,
                {
                    "type": "contact",
                    "with_whom": "Parent",
                    "contact_at": writer.session.clock.now().isoformat(),
                    "method": "phone",
                    "what_was_said": "Shared what school had noticed and the support offered.",
                    "next_step": "Check in with the family at the end of the week.",
                },
            ),
        )
        last = max(last, called)
    closed = (
        datetime.combine(review_on, time(15, 30)).astimezone()
        if decision == "monitor"
        else last + timedelta(days=rng.randrange(1, 8))
    )
    writer.at(
        max(closed, last + timedelta(minutes=5)),
        lambda: _act(
            writer,
            p,
            entry_id,
            {
                "type": "closure",
                "outcome": "Support in place; no further concerns raised.",
                "rationale": "The plan agreed is working and the family are engaging.",
                "shared_outcome": "Followed up by the DSL",
            },
        ),
    )


# --- behaviour: incidents, interventions and the behaviour lead's reviews -----------------


def write_behaviour(lead: Session, planned: list[Planned], rng: random.Random) -> None:
    mine = [p for p in planned if p.kind is not Kind.CONCERN]
    if not mine:
        return
    store = lead.compartment(Compartment.BEHAVIOUR)
    with store.write() as conn:
        lists = intake.all_list_values(conn)
        writer = _Writer(lead, conn)
        for number, p in enumerate(mine):
            writer.at(p.recorded_at, _behaviour_step(writer, p, lists, number, rng))
        writer.run()
        _told(conn, [p.ref for p in mine])


def _behaviour_step(
    writer: _Writer, p: Planned, lists: dict[str, set[str]], number: int, rng: random.Random
) -> Callable[[], None]:
    def record() -> None:
        entry_id = _store(writer.session, writer.conn, p, lists)
        when = p.recorded_at + _hours(rng, 1, 20)
        writer.at(when, lambda: _review(writer, p, entry_id, CYCLE[number % len(CYCLE)]))

    return record


def _review(writer: _Writer, p: Planned, entry_id: int, decision: Decision) -> None:
    session, conn = writer.session, writer.conn
    now = session.clock.now()
    by = (now + timedelta(days=7)).date().isoformat()
    payload: dict[str, object] = {"decision": decision.value, "note": NOTES[decision]}
    if decision is Decision.FOLLOW_UP:
        payload |= {"follow_up": "Talk to the lunchtime team about the field", "follow_up_by": by}
    elif decision is Decision.TARGET:
        payload["target"] = "Uses the calm-down corner when frustrated, without being asked"
    elif decision is Decision.PARENTS:
        payload |= {"parents_who": "The class teacher, at home time", "parents_by": by}
    review = validate_review(payload, today=now.astimezone().date())
    review_id = behaviour_review.insert_review(
        conn, p.ref, review, author=session.user.username, at=now
    )
    signed_off = decision is Decision.SIGNED_OFF
    status = Status.CLOSED if signed_off else Status.IN_PROGRESS
    outcome = (
        "Reviewed and signed off by a leader."
        if signed_off
        else "Reviewed by a leader, who is following it up."
    )
    entries.add_status(conn, entry_id, status, outcome, session.user.username, now)
    session.audit(
        conn,
        "behaviour.reviewed",
        object_type=p.kind.value,
        object_id=p.ref,
        detail={"review_id": review_id, "decision": decision.value},
    )


def write_year(
    head: Session,
    dsl: Session,
    lead: Session,
    roll: Sequence[PupilDetails],
    shape: trends.Shape,
    *,
    first: date,
    last: date,
    seed: int,
) -> int:
    """One earlier school year's records with their casework and reviews; returns how many."""
    rng = random.Random(seed)
    planned = take_refs(head, plan_year(rng, roll, shape, first, last))
    write_safeguarding(dsl, planned, random.Random(seed * 31 + 1))
    write_behaviour(lead, planned, random.Random(seed * 31 + 2))
    return len(planned)
