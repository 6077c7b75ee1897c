"""The demo DSL's casework, done through the real services as the term's records come in.

Each concern is planned when it is recorded (acknowledged, decided, actions, referrals,
contacts, closure) and the plan is carried out in time order alongside later records, so the
audit log and the numbering read as a term would. A few police notifications arrive; one pupil
has a long story for a chronology worth printing; and, relative to the real ``now``, some
items are left open so the queue shows on-time, due-soon and overdue rows. Nothing is written
after ``now``.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from safedesk.demo.records import record_a_term
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.services import amendments, casework, intake, records, vault
from safedesk.services.session import Session

DSL = "Mr Tom Hughes, DSL"
TEACHER = "Miss Priya Shah"
OFFICE = "Mrs Sue Bennett, office"
BEHAVIOUR_LEAD = "Mr Dan Kowalski"
NURSE = "Mrs Grace Okafor, school nurse"

Payload = dict[str, Any]
Build = Callable[[datetime], Payload]
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


class _Case:
    """One case's plan: each step at a later moment than the one before."""

    def __init__(self, worker: Caseworker, ref: str, start: datetime) -> None:
        self.worker = worker
        self.ref = ref
        self.moment = start
        self.ids: dict[str, int] = {}

    def step(self, after: timedelta, author: str, do: Callable[[datetime], None]) -> datetime:
        moment = self.worker.working(self.moment + after)
        self.moment = max(moment, self.moment + _MINUTE)
        self.worker.schedule(self.moment, author, do)
        return self.moment

    def act(self, after: timedelta, build: Build | Payload, *, key: str | None = None) -> datetime:
        def do(at: datetime) -> None:
            payload = build(at) if callable(build) else build
            act_id = casework.act(self.worker.as_user("dsl", at), self.ref, payload)
            if key:
                self.ids[key] = act_id

        return self.step(after, "dsl", do)

    def done(self, after: timedelta, key: str, note: str) -> datetime:
        return self.act(
            after, lambda _: {"type": "action_done", "action_id": self.ids[key], "note": note}
        )

    def close(self, after: timedelta, outcome: str, rationale: str, shared: str) -> datetime:
        payload = {
            "type": "closure",
            "outcome": outcome,
            "rationale": rationale,
            "shared_outcome": shared,
        }
        return self.act(after, payload)


class Caseworker:
    """record_a_term's hooks: plans each concern as it is recorded, and does the work in time
    order before each new school day's records."""

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
            _Story(self, self.rich).plan()

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
        case = _Case(self, ref, recorded_at)
        _plan_concern(case, self.rng, pupil, category, urgency)

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

    def record(self, author: str, at: datetime, kind: Kind, payload: Payload) -> str:
        ref = records.record(self.as_user(author, at), kind, payload)
        self.made += 1
        return ref

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
        name = pupil.known_as
        summary, decision = rng.choice(NOTIFICATIONS)
        payload = {
            "pupils": [pupil.upn],
            "received_at": received.isoformat(),
            "received_from": rng.choice(OFFICERS),
            "police_reference": f"OE/{day.year}/{rng.randrange(10000, 99999)}",
            "incident_at": incident.isoformat(),
            "summary": summary.format(name=name),
        }
        ref = casework.record_notification(self.as_user("dsl", recorded), payload)
        self.made += 1
        case = _Case(self, ref, recorded)
        case.act(timedelta(minutes=rng.randrange(1, 6)), {"type": "acknowledge"})
        case.act(
            timedelta(minutes=rng.randrange(10, 30)),
            lambda at: _contact(
                f"{TEACHER} (class teacher)",
                at,
                "meeting",
                f"Told her, need to know only, that there was an incident at home last night "
                f"and {name} may be tired or unsettled today.",
                f"Key adult check-in with {name} at morning break; tell the DSL of anything said.",
            ),
        )
        _triage_then_close(case, rng, name, decision)

    def _waiting_today(self) -> None:
        """Concerns raised today that the DSL has not yet reached, relative to ``now``."""
        others = [p for p in self.roll if p != self.rich] or self.roll
        for before, (category, urgency, text, words) in zip(
            (timedelta(hours=2), timedelta(hours=3, minutes=30), timedelta(minutes=45)),
            WAITING,
            strict=True,
        ):
            pupil = self.rng.choice(others)
            recorded = self.now - before
            self.record(
                "teacher",
                recorded,
                Kind.CONCERN,
                {
                    "pupils": [pupil.upn],
                    "occurred_at": (recorded - timedelta(minutes=15)).isoformat(),
                    "category": category,
                    "urgency": urgency,
                    "description": text.format(name=pupil.known_as),
                    "child_words": f"“{words}”",
                    "action_taken": "Listened; told the child I would pass it on to Mr Hughes.",
                    "others_told": "Nobody yet",
                },
            )


# --- generic plans ------------------------------------------------------------------------


def _contact(with_whom: str, at: datetime, method: str, said: str, next_step: str) -> Payload:
    return {
        "type": "contact",
        "with_whom": with_whom,
        "contact_at": (at - timedelta(minutes=10)).isoformat(),
        "method": method,
        "what_was_said": said,
        "next_step": next_step,
    }


def _action(description: str, owner: str, days: int) -> Build:
    return lambda at: {
        "type": "action",
        "description": description,
        "owner": owner,
        "due_on": (at.astimezone().date() + timedelta(days=days)).isoformat(),
    }


def _triage(decision: str, rationale: str, review_days: int | None = None) -> Build:
    def build(at: datetime) -> Payload:
        payload: Payload = {"type": "triage", "decision": decision, "rationale": rationale}
        if review_days is not None:
            payload["review_on"] = (
                at.astimezone().date() + timedelta(days=review_days)
            ).isoformat()
        return payload

    return build


def _referral(agency: str, method: str, spoken_to: str, reference: str, days: int) -> Build:
    return lambda at: {
        "type": "referral",
        "agency": agency,
        "made_at": (at - timedelta(minutes=5)).isoformat(),
        "method": method,
        "spoken_to": spoken_to,
        "reference": reference,
        "decision_due": (at.astimezone().date() + timedelta(days=days)).isoformat(),
    }


def _decided(case: _Case, decision: str, feedback: str) -> Build:
    return lambda at: {
        "type": "referral_decision",
        "referral_id": case.ids["referral"],
        "decision": decision,
        "decided_on": at.astimezone().date().isoformat(),
        "feedback_to_referrer": feedback,
    }


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(minutes=rng.randrange(int(low * 60), int(high * 60) + 1))


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high), minutes=rng.randrange(-90, 90))


_FIRST_LOOK = {  # urgency: (hours to acknowledge, low and high)
    "immediate": (0.05, 0.6),
    "urgent": (0.25, 3.5),
    "routine": (1.0, 20.0),
}


def _plan_concern(
    case: _Case, rng: random.Random, pupil: PupilDetails, category: str, urgency: str
) -> None:
    name = pupil.known_as
    parent = rng.choice((f"Mum (Ms {pupil.legal_surname})", f"Dad (Mr {pupil.legal_surname})"))
    low, high = _FIRST_LOOK[urgency]
    if rng.random() < 0.07 and urgency == "urgent":
        low, high = 4.0, 7.0  # now and then the DSL is teaching or out: late
    if rng.random() < 0.75:
        case.act(_hours(rng, low, high), {"type": "acknowledge"})
        case.moment += _hours(rng, 0.1, 1.5)
    else:
        case.moment += _hours(rng, low, high)
    plan = _PLANS.get(category, _plan_monitor)
    plan(case, rng, name, parent)


def _plan_monitor(case: _Case, rng: random.Random, name: str, parent: str) -> None:
    """Neglect, attendance and the like: often nothing more, else monitor and support."""
    if rng.random() < 0.2:
        case.act(
            timedelta(0),
            _triage(
                "no_further_action",
                f"Spoke to {name}'s class teacher and checked the records: the explanation "
                "(a coat left at Grandma's; a family illness) is consistent and there is "
                "nothing else on file.",
            ),
        )
        case.close(
            _hours(rng, 0.1, 2),
            "No further action: explanation checked and consistent.",
            "Single concern with a consistent explanation and no other indicators.",
            "Looked into; no further action needed. Thank you for passing it on.",
        )
        return
    case.act(
        timedelta(0),
        _triage(
            "monitor",
            f"First concern of this kind for {name}. Monitor for two weeks: class teacher to "
            "note attendance, lunch and clothing; offer breakfast club and speak to the "
            "family.",
            review_days=14,
        ),
    )
    case.act(
        _days(rng, 0, 1),
        lambda at: _contact(
            parent,
            at,
            "phone",
            "Said things have been hard since a job was lost; grateful for the offer of "
            "breakfast club and did not want any other help for now.",
            "Breakfast club place from Monday; signposted to the food bank and Family Hub.",
        ),
    )
    case.act(
        _hours(rng, 0.1, 1),
        _action("Breakfast club place and a coat from the pre-loved rail", OFFICE, 5),
        key="action",
    )
    case.done(_days(rng, 1, 3), "action", "Breakfast club booked; coat given.")
    if rng.random() < 0.25:
        case.act(
            _days(rng, 10, 12),
            _triage(
                "early_help",
                f"Over the two weeks {name} was hungry on Mondays and missed two days. The "
                "family agreed to an Early Help assessment.",
            ),
        )
        case.act(
            _hours(rng, 0.1, 1),
            _action("Early Help assessment with the family", DSL, 10),
            key="eha",
        )
        case.done(_days(rng, 6, 9), "eha", "Assessment done; plan agreed with the family.")
        case.close(
            _days(rng, 1, 3),
            "Early Help plan in place: family support worker visiting weekly, food bank "
            "vouchers, breakfast club daily.",
            "Support now led through the Early Help plan, reviewed every six weeks.",
            "The family are getting support; thank you for raising it.",
        )
    else:
        case.close(
            _days(rng, 11, 13),
            f"{name} has come to breakfast club every day, arrives with a coat, and "
            "attendance is back to normal.",
            "No further concerns over the monitoring period.",
            "Support put in place; no further concerns.",
        )


def _plan_early_help(case: _Case, rng: random.Random, name: str, parent: str) -> None:
    case.act(
        timedelta(0),
        _triage(
            "early_help",
            f"{name}'s distress about going home and the shouting described point to stress "
            "at home, not to significant harm. Offer Early Help with the family's consent.",
        ),
    )
    case.act(
        _days(rng, 0, 1),
        lambda at: _contact(
            parent,
            at,
            "meeting",
            "Met after school. Acknowledged there has been a lot of arguing at home; agreed "
            "to an Early Help assessment and to a check-in for the child each morning.",
            "Early Help assessment; morning check-in with the learning mentor.",
        ),
    )
    case.act(
        _hours(rng, 0.1, 1), _action("Early Help assessment with the family", DSL, 10), key="eha"
    )
    case.done(_days(rng, 5, 9), "eha", "Assessment completed with the family; plan agreed.")
    case.close(
        _days(rng, 5, 14),
        "Early Help plan agreed: parenting course for both parents, learning-mentor check-in "
        "each morning.",
        "Support is led through the Early Help plan; new concerns will be recorded.",
        "The family are being supported; thank you for passing it on.",
    )


_PROTECTION_OUTCOMES = (
    (
        "Section 47 enquiry; child protection medical arranged.",
        "Initial child protection conference held: {name} is subject to a child protection "
        "plan (physical abuse). School is part of the core group.",
    ),
    (
        "Assessment under section 17 (child in need).",
        "Child in need plan agreed with the family; school attends the reviews.",
    ),
    (
        "No further action by social care: the explanation (a fall at football, confirmed by "
        "the coach) is consistent. Advice to school to keep monitoring.",
        "Social care took no further action; school monitored for a month without further concern.",
    ),
)


def _plan_social_care(case: _Case, rng: random.Random, name: str, parent: str) -> None:
    year = case.moment.year % 100
    case.act(
        timedelta(0),
        _triage(
            "social_care",
            f"An injury with an account that names an adult at home: the threshold for a "
            f"referral is met. Parents not told first, on MASH's advice, as that could put "
            f"{name} at risk.",
        ),
    )
    case.act(
        _hours(rng, 0.1, 0.4),
        _referral(
            "social_care",
            "phone",
            "Duty social worker, MASH",
            f"MASH-{year:02d}-{rng.randrange(10000, 99999)}",
            1,
        ),
        key="referral",
    )
    case.act(
        _hours(rng, 0.3, 1),
        _action("Body map and the adult's written account sent to MASH", TEACHER, 1),
        key="bodymap",
    )
    case.act(
        _hours(rng, 1, 3),
        lambda at: _contact(
            "Duty social worker (MASH)",
            at,
            "phone",
            f"Strategy discussion held. Police and social care will see {name} at school "
            "after lunch; school is not to tell the parents before then.",
            f"Keep {name} in school; DSL to stay on site and sit in if asked.",
        ),
    )
    case.done(_hours(rng, 1, 5), "bodymap", "Body map and account e-mailed to MASH securely.")
    decision, outcome = rng.choice(_PROTECTION_OUTCOMES)
    case.act(
        _days(rng, 1, 2),
        _decided(
            case,
            decision,
            f"Told {TEACHER} the referral was accepted and social care are involved; no "
            "detail beyond that.",
        ),
    )
    case.close(
        _days(rng, 10, 20),
        outcome.format(name=name),
        "Social care lead; the school's part is tracked in their plan. Any new concern "
        "will be recorded and shared with the social worker.",
        "Referred to children's social care, who are now involved.",
    )


def _plan_police(case: _Case, rng: random.Random, name: str, parent: str) -> None:
    case.act(
        timedelta(0),
        _triage(
            "police",
            f"An adult online asking {name} for photographs: possible grooming. Police "
            "referral; parents to be told today and devices not to be wiped.",
        ),
    )
    case.act(
        _hours(rng, 0.1, 0.5),
        _referral(
            "police",
            "phone",
            "PC Ahmed, Online Child Safety Team",
            f"CAD {rng.randrange(1000, 9999)}",
            3,
        ),
        key="referral",
    )
    case.act(
        _hours(rng, 0.2, 2),
        lambda at: _contact(
            parent,
            at,
            "phone",
            "Explained what was shared and that the police are involved; asked them not to "
            "confront the account or delete messages.",
            "Police will contact the family; school to support at home time.",
        ),
    )
    case.act(
        _hours(rng, 0.1, 1),
        _action(f"Online-safety lesson for {name}'s class", TEACHER, 14),
        key="lesson",
    )
    case.act(
        _days(rng, 2, 5),
        _decided(
            case,
            "Police investigating the account; CEOP informed. No further role for school "
            "beyond support.",
            f"Told {TEACHER} the police are dealing with it and thanked her.",
        ),
    )
    case.done(_days(rng, 3, 9), "lesson", "Lesson taught using the Thinkuknow materials.")
    case.close(
        _days(rng, 1, 4),
        "Police investigation under way; family supported; class lesson done.",
        "The police lead; nothing outstanding for school.",
        "Passed to the police; the family are supported.",
    )


def _plan_camhs(case: _Case, rng: random.Random, name: str, parent: str) -> None:
    case.act(
        timedelta(0),
        _triage(
            "other_agency",
            f"Self-harm: referral to CAMHS with the family's consent; school nurse to check "
            f"{name}'s arms and see them weekly meanwhile.",
        ),
    )
    case.act(
        _hours(rng, 0.2, 2),
        lambda at: _contact(
            parent,
            at,
            "phone",
            "Had noticed sleeves pulled down; upset but agreed to a CAMHS referral.",
            "DSL to make the CAMHS referral today; GP appointment booked by the family.",
        ),
    )
    case.act(
        _hours(rng, 0.5, 3),
        _referral(
            "camhs",
            "online_form",
            "CAMHS single point of access",
            f"SPA-{rng.randrange(100000, 999999)}",
            10,
        ),
        key="referral",
    )
    case.act(_hours(rng, 0.1, 1), _action(f"Weekly check-in with {name}", NURSE, 21), key="nurse")
    case.act(
        _days(rng, 6, 10),
        _decided(
            case,
            "Accepted by CAMHS: assessment appointment in six weeks; self-help pack sent.",
            f"Told {TEACHER} CAMHS have accepted the referral.",
        ),
    )
    case.done(_days(rng, 8, 12), "nurse", "Three check-ins; no new marks seen.")
    case.close(
        _days(rng, 1, 3),
        "CAMHS assessment booked; no new marks; family engaged.",
        "CAMHS and the GP are involved; school's part is the weekly check-in in the pastoral plan.",
        "Referred on for specialist support.",
    )


def _plan_child_on_child(case: _Case, rng: random.Random, name: str, parent: str) -> None:
    case.act(
        timedelta(0),
        _triage(
            "monitor",
            f"Child-on-child: physical and theft. Behaviour lead to deal with the pupils "
            f"involved; supervision of the toilets at break; check on {name} daily.",
            review_days=10,
        ),
    )
    case.act(
        _hours(rng, 0.5, 3),
        lambda at: _contact(
            parent,
            at,
            "phone",
            "Told them what happened and what school is doing; phone returned.",
            "Daily check-in for two weeks; parents to ring if anything happens on the way home.",
        ),
    )
    case.act(
        _hours(rng, 0.1, 1),
        _action("Adult on the Key Stage 2 toilets at every break", BEHAVIOUR_LEAD, 2),
        key="toilets",
    )
    case.done(_days(rng, 1, 2), "toilets", "Rota changed; staff briefed.")
    case.close(
        _days(rng, 8, 10),
        f"No repeat in two weeks; {name} says they feel safe at break.",
        "Review showed no further incidents; behaviour sanctions recorded separately.",
        "Dealt with; no further incidents.",
    )


def _plan_domestic(case: _Case, rng: random.Random, name: str, parent: str) -> None:
    year = case.moment.year % 100
    case.act(
        timedelta(0),
        _triage(
            "social_care",
            f"{name}'s drawing and words describe a knife at home and police attending. "
            "Referral to social care to check what is known.",
        ),
    )
    case.act(
        _hours(rng, 0.1, 0.5),
        _referral(
            "social_care",
            "phone",
            "Duty social worker, MASH",
            f"MASH-{year:02d}-{rng.randrange(10000, 99999)}",
            1,
        ),
        key="referral",
    )
    case.act(
        _days(rng, 1, 2),
        _decided(
            case,
            "Already known: allocated social worker; school's information added to the assessment.",
            f"Told {TEACHER} the family are known to social care and the information is "
            "with the social worker.",
        ),
    )
    case.act(
        _hours(rng, 0.5, 3),
        lambda at: _contact(
            "Allocated social worker",
            at,
            "phone",
            f"Shared the drawing and {name}'s words; the social worker will see {name} at "
            "home this week.",
            "Invite school to the next child in need review.",
        ),
    )
    case.close(
        _days(rng, 3, 10),
        "Information shared with the allocated social worker; school attends the reviews.",
        "Social care lead; nothing further for school beyond the review meetings.",
        "Shared with the social worker already working with the family.",
    )


_PLANS: dict[str, Callable[[_Case, random.Random, str, str], None]] = {
    "neglect": _plan_monitor,
    "attendance": _plan_monitor,
    "emotional_abuse": _plan_early_help,
    "physical_abuse": _plan_social_care,
    "online": _plan_police,
    "mental_health": _plan_camhs,
    "child_on_child": _plan_child_on_child,
    "domestic_abuse": _plan_domestic,
}


def _triage_then_close(case: _Case, rng: random.Random, name: str, decision: str) -> None:
    if decision == "monitor":
        case.act(
            _hours(rng, 0.5, 3),
            _triage(
                "monitor",
                f"Operation Encompass: silent support for {name} in school; watch for "
                "changes in mood and attendance for two weeks.",
                review_days=14,
            ),
        )
        case.close(
            _days(rng, 13, 15),
            f"{name} settled; nothing further noticed over two weeks.",
            "No further concerns; the notification stays on the chronology.",
            "",
        )
    elif decision == "early_help":
        case.act(
            _hours(rng, 0.5, 3),
            _triage(
                "early_help",
                "Second notification this term: offer Early Help to the non-abusing parent.",
            ),
        )
        case.act(
            _hours(rng, 0.1, 1), _action("Offer Early Help to Mum in person", DSL, 5), key="offer"
        )
        case.done(_days(rng, 1, 4), "offer", "Mum accepted; referral to the Family Hub made.")
        case.close(
            _days(rng, 1, 3),
            "Early Help accepted through the Family Hub.",
            "Support now led by Early Help.",
            "",
        )
    else:
        case.act(
            _hours(rng, 0.5, 3),
            _triage(
                "no_further_action",
                f"{name} was asleep and did not witness the incident (police note); seen "
                "in school and settled.",
            ),
        )
        case.close(
            _hours(rng, 0.1, 1), "No further action.", "Child seen and settled in school.", ""
        )


# --- one pupil's term in full -------------------------------------------------------------


class _Story:
    """A term for one pupil: concerns, behaviour, a physical intervention, a police
    notification, amendments, and the DSL's work, ending with a referral awaiting its
    decision past its chase date and an action due tomorrow."""

    def __init__(self, worker: Caseworker, pupil: PupilDetails) -> None:
        self.worker = worker
        self.pupil = pupil
        self.name = pupil.known_as
        self.mum = f"Mum (Ms {pupil.legal_surname})"
        self.refs: dict[str, str] = {}
        self.hold: tuple[datetime, datetime] | None = None
        self.plans: dict[str, Callable[[_Case], None]] = {
            "hungry": self.hungry,
            "shouting": self.shouting,
            "bruise": self.bruise,
            "arms": self.arms,
        }

    def day(self, days_back: int, at: time) -> datetime:
        day = self.worker.today - timedelta(days=days_back)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return datetime.combine(day, at).astimezone()

    def next_morning(self, at: datetime) -> datetime:
        return self.worker.working(datetime.combine(at.date() + timedelta(days=1), time(5)))

    def other(self) -> PupilDetails:
        return next(p for p in self.worker.roll[1:] if p != self.pupil)

    def concern(
        self, key: str, category: str, urgency: str, text: str, words: str
    ) -> Callable[[datetime], None]:
        def do(moment: datetime) -> None:
            self.refs[key] = self.worker.record(
                "teacher",
                moment,
                Kind.CONCERN,
                {
                    "pupils": [self.pupil.upn],
                    "occurred_at": (moment - timedelta(minutes=25)).isoformat(),
                    "category": category,
                    "urgency": urgency,
                    "description": text.format(name=self.name),
                    "child_words": f"“{words}”",
                    "action_taken": "Listened, did not ask leading questions, told the DSL.",
                    "others_told": "Class teacher",
                },
            )
            self.plans[key](_Case(self.worker, self.refs[key], moment))

        return do

    def plan(self) -> None:
        w = self.worker
        w.schedule(
            self.day(74, time(9, 40)),
            "teacher",
            self.concern(
                "hungry",
                "neglect",
                "routine",
                "{name} came in soaked without a coat and ate two breakfasts at breakfast "
                "club; said there was no food at home at the weekend.",
                "Mum was in bed all weekend.",
            ),
        )
        w.schedule(self.day(66, time(11, 20)), "teacher", self.behaviour("chair"))
        w.schedule(self.day(59, time(7, 50)), "dsl", self.notification)
        w.schedule(
            self.day(52, time(15, 35)),
            "teacher",
            self.concern(
                "shouting",
                "emotional_abuse",
                "urgent",
                "At home time {name} hid in the cloakroom and said they did not want to go "
                "home because of the shouting.",
                "They shout all night and I have to put my headphones on.",
            ),
        )
        w.schedule(self.day(45, time(14, 5)), "behaviour", self.intervention)
        w.schedule(self.day(38, time(12, 40)), "behaviour", self.behaviour("punch"))
        w.schedule(
            self.day(31, time(10, 5)),
            "teacher",
            self.concern(
                "bruise",
                "physical_abuse",
                "immediate",
                "Changing for PE I saw a row of finger-shaped bruises on {name}'s upper arm. "
                "{name} pulled their sleeve down and said it happened at home.",
                "Mum's boyfriend grabbed me when I wouldn't go to my room.",
            ),
        )
        w.schedule(
            self.day(9, time(13, 30)),
            "teacher",
            self.concern(
                "arms",
                "mental_health",
                "urgent",
                "{name} has fresh scratches on both forearms and has eaten nothing at lunch "
                "all week.",
                "I do it when my head is too loud.",
            ),
        )

    # The pupil's records ----------------------------------------------------------------

    def behaviour(self, which: str) -> Callable[[datetime], None]:
        def do(at: datetime) -> None:
            other = self.other()
            chair = which == "chair"
            payload = {
                "pupils": [
                    {"upn": self.pupil.upn, "role": "instigator"},
                    {"upn": other.upn, "role": "target"},
                ],
                "occurred_at": (at - timedelta(minutes=30)).isoformat(),
                "location": "classroom" if chair else "playground",
                "behaviour_type": "disruption" if chair else "physical_assault_pupil",
                "severity": "low" if chair else "medium",
                "antecedent": "Asked to put the tablet away." if chair else "Lost at football.",
                "escalation": "Others laughed." if chair else "Called names by the other team.",
                "description": (
                    f"{self.name} pushed a chair over and shouted at the TA."
                    if chair
                    else f"{self.name} punched {other.known_as} twice on the back."
                ),
                "action_taken": "Time in the calm room; parents phoned."
                if chair
                else "Restorative meeting; missed two lunchtimes.",
                "parents_informed": True,
            }
            author = "teacher" if chair else "behaviour"
            self.refs[which] = self.worker.record(author, at, Kind.BEHAVIOUR, payload)
            if chair:  # corrected the next morning
                self.worker.schedule(self.next_morning(at), author, self.amend_behaviour)

        return do

    def amend_behaviour(self, at: datetime) -> None:
        amendments.amend(
            self.worker.as_user("teacher", at),
            self.refs["chair"],
            "severity",
            "medium",
            "Spoke to the TA: the chair was thrown towards her, not pushed over.",
        )
        amendments.amend(
            self.worker.as_user("teacher", at + _MINUTE),
            self.refs["chair"],
            "description",
            f"{self.name} threw a chair towards the TA and shouted at her.",
            "Corrected after speaking to the TA.",
        )

    def intervention(self, at: datetime) -> None:
        started = at - timedelta(minutes=50)
        ended = started + timedelta(minutes=4)
        payload = {
            "pupil": self.pupil.upn,
            "started_at": started.isoformat(),
            "ended_at": ended.isoformat(),
            "location": "corridor",
            "staff_involved": f"{BEHAVIOUR_LEAD}, {TEACHER}",
            "witnesses": "Mrs Sue Bennett",
            "cause": f"{self.name} ran out of class after a row over a missing PE kit.",
            "escalation": "Kicked the fire door, then ran at a Year 2 child in the corridor.",
            "deescalation": "Calm voice, offered the calm room and a choice of adult, cleared "
            "the corridor.",
            "reason_for_force": "Imminent risk of injury to a younger pupil.",
            "restraint_type": "double_elbow",
            "injuries_pupil": "none",
            "injuries_staff": "none",
            "parent_informed_at": (ended + timedelta(minutes=40)).isoformat(),
            "parent_informed_by": BEHAVIOUR_LEAD,
            "parent_informed_how": "phone",
            "debrief": f"Debrief with both staff and with {self.name} the same afternoon.",
        }
        self.refs["hold"] = self.worker.record("behaviour", at, Kind.INTERVENTION, payload)
        self.hold = (started, ended)
        self.worker.schedule(self.next_morning(at), "behaviour", self.amend_intervention)

    def amend_intervention(self, at: datetime) -> None:
        assert self.hold is not None
        _, ended = self.hold
        amendments.amend(
            self.worker.as_user("behaviour", at),
            self.refs["hold"],
            "ended_at",
            (ended + timedelta(minutes=3)).isoformat(),
            "Checked against the office log: the hold ended three minutes later.",
        )

    def notification(self, at: datetime) -> None:
        w = self.worker
        received = at - timedelta(hours=8, minutes=10)
        ref = casework.record_notification(
            w.as_user("dsl", at),
            {
                "pupils": [self.pupil.upn],
                "received_at": received.isoformat(),
                "received_from": "PC 4471 Jones, Safeguarding Hub",
                "police_reference": f"OE/{at.year}/11873",
                "incident_at": (received - timedelta(hours=2)).isoformat(),
                "summary": f"Police called to a domestic incident at {self.name}'s home: a "
                "loud argument between Mum and her partner, who left before officers "
                f"arrived. {self.name} was upstairs. No arrests.",
            },
        )
        w.made += 1
        case = _Case(w, ref, at)
        case.act(timedelta(minutes=4), {"type": "acknowledge"})
        case.act(
            timedelta(minutes=20),
            lambda m: _contact(
                f"{TEACHER} (class teacher)",
                m,
                "meeting",
                f"Need to know only: an incident at home last night; {self.name} may be "
                "tired and unsettled today.",
                "Key adult check-in at morning break.",
            ),
        )
        case.act(
            timedelta(hours=2),
            _triage(
                "monitor",
                f"First notification for this family. {self.name} is already open to Early "
                "Help (case " + self.refs.get("hungry", "") + "): share with the family "
                "support worker and give silent support in school.",
                review_days=14,
            ),
        )
        case.act(
            timedelta(hours=1),
            lambda m: _contact(
                "Early Help family support worker",
                m,
                "phone",
                "Shared the notification; she will raise it with Mum at Thursday's visit.",
                "Review in two weeks.",
            ),
        )
        case.close(
            timedelta(days=14),
            f"No change seen in {self.name} over two weeks; the family support worker has "
            "discussed it with Mum.",
            "Held within the Early Help plan.",
            "",
        )

    # The DSL's work on the pupil's concerns ---------------------------------------------

    def hungry(self, case: _Case) -> None:
        name = self.name
        case.act(timedelta(hours=2, minutes=10), {"type": "acknowledge"})
        case.act(
            timedelta(minutes=35),
            _triage(
                "monitor",
                f"Hunger and no coat; {name} has been tired in class. First concern: monitor "
                "for two weeks and speak to Mum.",
                review_days=8,
            ),
        )
        case.act(
            timedelta(hours=20),
            lambda m: _contact(
                self.mum,
                m,
                "phone",
                "Mum said she has been unwell and money is short since her hours were cut.",
                "Breakfast club place; signpost to the food bank.",
            ),
        )
        case.act(
            timedelta(minutes=10),
            _action("Breakfast club place and a coat from the pre-loved rail", OFFICE, 3),
            key="club",
        )
        case.done(timedelta(days=2), "club", "Booked from Monday; coat given.")
        case.act(
            timedelta(days=6),
            _triage(
                "early_help",
                f"Review: {name} still hungry on Mondays and absent twice. Mum agreed to an "
                "Early Help assessment.",
            ),
        )
        case.act(
            timedelta(minutes=15), _action("Early Help assessment with Mum", DSL, 10), key="eha"
        )
        case.done(timedelta(days=7), "eha", "Assessment done at home; Mum engaged well.")
        case.close(
            timedelta(days=1),
            "Early Help plan: family support worker weekly, food bank vouchers, breakfast "
            "club daily.",
            "Support continues through the Early Help plan.",
            "The family are getting support; thank you.",
        )

    def shouting(self, case: _Case) -> None:
        name = self.name
        case.act(timedelta(minutes=25), {"type": "acknowledge"})
        case.act(
            timedelta(minutes=40),
            _triage(
                "early_help",
                f"With the police notification, this points to conflict at home. {name} "
                "went home with Mum, who was calm. Raise at the Early Help review.",
            ),
        )
        case.act(
            timedelta(hours=18),
            lambda m: _contact(
                "Early Help family support worker",
                m,
                "phone",
                f"Shared {name}'s words. She will bring the review forward and talk to Mum "
                "about the partner.",
                "Early Help review next week; DSL to attend.",
            ),
        )
        case.close(
            timedelta(days=8),
            "Discussed at the Early Help review: Mum has asked her partner to leave.",
            "Held within the Early Help plan.",
            "Shared with the family's support worker.",
        )

    def bruise(self, case: _Case) -> None:
        name = self.name
        case.act(timedelta(minutes=6), {"type": "acknowledge"})
        case.act(
            timedelta(minutes=15),
            _triage(
                "social_care",
                f"Grip-mark bruising with {name}'s account naming Mum's partner, after a "
                "police notification and Early Help: the threshold for a referral is met. "
                "Mum not told first, on MASH's advice.",
            ),
        )
        case.act(
            timedelta(minutes=10),
            _referral(
                "social_care",
                "phone",
                "Sam Reid, duty social worker, MASH",
                f"MASH-{case.moment.year % 100:02d}-40213",
                1,
            ),
            key="referral",
        )
        case.act(
            timedelta(minutes=20),
            _action("Body map and the PE teacher's written account to MASH", TEACHER, 1),
            key="bodymap",
        )
        case.step(timedelta(minutes=30), "dsl", self.amend_concern)
        case.act(
            timedelta(hours=2),
            lambda m: _contact(
                "Sam Reid (MASH)",
                m,
                "phone",
                f"Strategy discussion: police and social care will see {name} at school at "
                "3 pm. School not to tell Mum before then.",
                f"Keep {name} in school; DSL to sit in.",
            ),
        )
        case.done(timedelta(hours=1), "bodymap", "Sent securely to MASH.")
        case.act(
            timedelta(days=1),
            _decided(
                case,
                "Section 47 enquiry; child protection medical the same day.",
                f"Told {TEACHER} the referral was accepted and social care are involved.",
            ),
        )
        case.act(
            timedelta(days=13),
            lambda m: _contact(
                "Sam Reid, social worker",
                m,
                "meeting",
                f"Initial child protection conference: {name} is on a child protection plan "
                "(physical abuse). Mum's partner has moved out.",
                "Core group meets in two weeks; school to report attendance and wellbeing.",
            ),
        )
        case.close(
            timedelta(hours=1),
            f"{name} is subject to a child protection plan; school is in the core group.",
            "Social care lead the plan; school's actions are in the core group minutes.",
            "Referred to children's social care, who are now involved.",
        )

    def amend_concern(self, at: datetime) -> None:
        amendments.amend(
            self.worker.as_user("dsl", at),
            self.refs["bruise"],
            "others_told",
            "Class teacher; PE teacher (Mr Patel), who also saw the bruises",
            "The PE teacher saw the bruises too; added so MASH have both accounts.",
        )

    def arms(self, case: _Case) -> None:
        w, name = self.worker, self.name
        case.act(timedelta(minutes=40), {"type": "acknowledge"})
        case.act(
            timedelta(minutes=30),
            _triage(
                "other_agency",
                f"Self-harm, on a child protection plan: CAMHS referral with Mum's consent; "
                f"tell the social worker today; school nurse to see {name} weekly.",
            ),
        )
        case.act(
            timedelta(minutes=30),
            lambda m: _contact(
                "Sam Reid, social worker",
                m,
                "email",
                "Told her of the scratches and the CAMHS referral.",
                "She will visit this week.",
            ),
        )
        # The agency said it would decide two days ago: chased in the queue, overdue.
        decision_due = max(w.today - timedelta(days=2), self.day(9, time()).date())
        case.act(
            timedelta(hours=1),
            lambda m: {
                **_referral(
                    "camhs",
                    "online_form",
                    "CAMHS single point of access",
                    "SPA-552910",
                    1,
                )(m),
                "decision_due": decision_due.isoformat(),
            },
            key="referral",
        )
        # An action due tomorrow, set three days ago.
        tomorrow = (w.today + timedelta(days=1)).isoformat()
        case.moment = max(case.moment, self.day(3, time(15, 40)) - _MINUTE)
        case.act(
            timedelta(minutes=1),
            lambda _: {
                "type": "action",
                "description": f"Weekly check-in with {name} until CAMHS see them",
                "owner": NURSE,
                "due_on": tomorrow,
            },
        )


# --- texts ---------------------------------------------------------------------------------

OFFICERS = (
    "PC 4471 Jones, Safeguarding Hub",
    "DC 2290 Okafor, Domestic Abuse Unit",
    "Operation Encompass desk (e-mail)",
)
NOTIFICATIONS = (
    (
        "Police attended a domestic incident at {name}'s home late last night: a verbal "
        "argument between the parents. {name} was in the house. No arrests.",
        "monitor",
    ),
    (
        "Police called by a neighbour to shouting at {name}'s address. Dad arrested for "
        "criminal damage; {name} was present and upset.",
        "early_help",
    ),
    (
        "Police attended a disturbance at {name}'s home; {name} was asleep throughout and "
        "did not witness it.",
        "no_further_action",
    ),
)
WAITING = (
    (
        "physical_abuse",
        "immediate",
        "{name} flinched when I touched their shoulder and showed me red marks on the back "
        "of their neck.",
        "He held me down by my neck last night.",
    ),
    (
        "online",
        "urgent",
        "{name} showed me messages from someone they met on a game asking to meet at the "
        "park after school.",
        "He said not to tell my mum.",
    ),
    (
        "neglect",
        "routine",
        "{name} has had the same uniform on all week and it smells; other children are "
        "starting to comment.",
        "The washing machine is broken.",
    ),
)
