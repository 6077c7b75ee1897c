"""The demo's casework as data: what the DSL does with each kind of concern, and one pupil's
term told in full. safedesk.demo.casework plays these through the real services.

A story is a record and then its steps, each some time after the one before (in minutes,
hours or days, fixed or drawn at random) and done by the DSL unless it says who. Words in
braces are filled in when a step is played: {name} (the pupil), {parent}, {teacher}, and
{refs[key]} (another of the story's records).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from safedesk.domain.entries import Kind

DSL = "Mr Tom Hughes, DSL"
TEACHER = "Miss Priya Shah"
OFFICE = "Mrs Sue Bennett, office"
BEHAVIOUR_LEAD = "Mr Dan Kowalski"
NURSE = "Mrs Grace Okafor, school nurse"

Payload = dict[str, Any]


# --- when ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class After:
    """Some time after the step before: exactly ``low``, or between ``low`` and ``high``
    (minutes; with ``days``, whole days give or take an hour and a half)."""

    low: int
    high: int | None = None
    days: bool = False


@dataclass(frozen=True)
class NextMorning:
    """Early on the school day after the step before."""


@dataclass(frozen=True)
class OnDay:
    """At ``at`` on the weekday ``days_back`` days before today (or just after the step
    before, if that is later)."""

    days_back: int
    at: time


When = After | NextMorning | OnDay
NOW = After(0)


def minutes(low: int, high: int | None = None) -> After:
    return After(low, high)


def hours(low: float, high: float | None = None) -> After:
    return After(int(low * 60), None if high is None else int(high * 60))


def days(low: int, high: int | None = None) -> After:
    return After(low, high, days=True)


# --- filling in words ----------------------------------------------------------------------


@dataclass(frozen=True)
class Fill:
    """What a step's words and dates are made from when it is played."""

    words: Mapping[str, object]  # name, parent, teacher, refs
    ids: Mapping[str, int]  # the case's actions and referral by key, as they are made
    today: date
    number: int | None = None  # drawn for a reference when the step was planned

    def __call__(self, template: str, **more: object) -> str:
        return template.format_map({**self.words, **more})


def _day(moment: datetime, later: int = 0) -> str:
    return (moment.astimezone().date() + timedelta(days=later)).isoformat()


# --- the DSL's steps -----------------------------------------------------------------------


@dataclass(frozen=True)
class Acknowledge:
    after: When

    def payload(self, at: datetime, fill: Fill) -> Payload:
        return {"type": "acknowledge"}


@dataclass(frozen=True)
class Triage:
    after: When
    decision: str
    rationale: str
    review_days: int | None = None

    def payload(self, at: datetime, fill: Fill) -> Payload:
        made: Payload = {"type": "triage", "decision": self.decision}
        made["rationale"] = fill(self.rationale)
        if self.review_days is not None:
            made["review_on"] = _day(at, self.review_days)
        return made


@dataclass(frozen=True)
class Action:
    """An action due ``due_days`` after it is set (after today, with ``from_today``); its
    ``key`` lets a later Done mark it done."""

    after: When
    key: str | None
    description: str
    owner: str
    due_days: int
    from_today: bool = False

    def payload(self, at: datetime, fill: Fill) -> Payload:
        due = fill.today + timedelta(days=self.due_days) if self.from_today else None
        return {
            "type": "action",
            "description": fill(self.description),
            "owner": fill(self.owner),
            "due_on": due.isoformat() if due else _day(at, self.due_days),
        }


@dataclass(frozen=True)
class Done:
    after: When
    key: str
    note: str

    def payload(self, at: datetime, fill: Fill) -> Payload:
        return {"type": "action_done", "action_id": fill.ids[self.key], "note": fill(self.note)}


@dataclass(frozen=True)
class Referral:
    """A referral, decision due ``decision_days`` after it (after today, with
    ``from_today``); {yy} in the reference is the year, {serial} a number drawn from
    ``serial`` (randrange's bounds)."""

    after: When
    agency: str
    method: str
    spoken_to: str
    reference: str
    decision_days: int
    serial: tuple[int, int] | None = None
    from_today: bool = False

    def payload(self, at: datetime, fill: Fill) -> Payload:
        due = fill.today + timedelta(days=self.decision_days) if self.from_today else None
        return {
            "type": "referral",
            "agency": self.agency,
            "made_at": (at - timedelta(minutes=5)).isoformat(),
            "method": self.method,
            "spoken_to": fill(self.spoken_to),
            "reference": fill(self.reference, yy=f"{at.year % 100:02d}", serial=fill.number),
            "decision_due": due.isoformat() if due else _day(at, self.decision_days),
        }


@dataclass(frozen=True)
class Decision:
    """The agency's decision on the case's referral."""

    after: When
    decision: str
    feedback: str

    def payload(self, at: datetime, fill: Fill) -> Payload:
        return {
            "type": "referral_decision",
            "referral_id": fill.ids["referral"],
            "decision": fill(self.decision),
            "decided_on": _day(at),
            "feedback_to_referrer": fill(self.feedback),
        }


@dataclass(frozen=True)
class Contact:
    after: When
    with_whom: str
    method: str
    said: str
    next_step: str

    def payload(self, at: datetime, fill: Fill) -> Payload:
        return {
            "type": "contact",
            "with_whom": fill(self.with_whom),
            "contact_at": (at - timedelta(minutes=10)).isoformat(),
            "method": self.method,
            "what_was_said": fill(self.said),
            "next_step": fill(self.next_step),
        }


@dataclass(frozen=True)
class Closure:
    after: When
    outcome: str
    rationale: str
    shared: str

    def payload(self, at: datetime, fill: Fill) -> Payload:
        return {
            "type": "closure",
            "outcome": fill(self.outcome),
            "rationale": fill(self.rationale),
            "shared_outcome": fill(self.shared),
        }


@dataclass(frozen=True)
class Later:
    """The recorded moment of the field, moved later."""

    by: timedelta


@dataclass(frozen=True)
class Amend:
    """A correction of the story's record by ``by`` (its author, or the DSL)."""

    after: When
    field: str
    value: str | Later
    reason: str
    by: str = "dsl"


@dataclass(frozen=True)
class Chance:
    """``then`` with this chance, else ``otherwise``."""

    chance: float
    then: Steps
    otherwise: Steps = ()


@dataclass(frozen=True)
class OneOf:
    """One of these, at random."""

    options: tuple[Steps, ...]


Act = Acknowledge | Triage | Action | Done | Referral | Decision | Contact | Closure
Step = Act | Amend | Chance | OneOf
Steps = tuple[Step, ...]


# --- the records a story starts from -------------------------------------------------------


@dataclass(frozen=True)
class Concern:
    key: str
    category: str
    urgency: str
    description: str
    words: str
    kind: ClassVar[Kind | None] = Kind.CONCERN

    def payload(self, at: datetime, upns: tuple[str, str], fill: Fill) -> Payload:
        return {
            "pupils": [upns[0]],
            "occurred_at": (at - timedelta(minutes=25)).isoformat(),
            "category": self.category,
            "urgency": self.urgency,
            "description": fill(self.description),
            "child_words": f"“{self.words}”",
            "action_taken": "Listened, did not ask leading questions, told the DSL.",
            "others_told": "Class teacher",
        }


@dataclass(frozen=True)
class Behaviour:
    """A behaviour incident: the story's pupil the instigator, another pupil the target."""

    key: str
    location: str
    behaviour_type: str
    severity: str
    antecedent: str
    escalation: str
    description: str
    action_taken: str
    kind: ClassVar[Kind | None] = Kind.BEHAVIOUR

    def payload(self, at: datetime, upns: tuple[str, str], fill: Fill) -> Payload:
        return {
            "pupils": [
                {"upn": upns[0], "role": "instigator"},
                {"upn": upns[1], "role": "target"},
            ],
            "occurred_at": (at - timedelta(minutes=30)).isoformat(),
            "location": self.location,
            "behaviour_type": self.behaviour_type,
            "severity": self.severity,
            "antecedent": self.antecedent,
            "escalation": self.escalation,
            "description": fill(self.description),
            "action_taken": self.action_taken,
            "parents_informed": True,
        }


@dataclass(frozen=True)
class Intervention:
    """A physical intervention that started ``started_before`` it was recorded."""

    key: str
    started_before: timedelta
    lasted: timedelta
    texts: Mapping[str, str]  # the form's text fields
    parent_told_after: timedelta
    kind: ClassVar[Kind | None] = Kind.INTERVENTION

    def payload(self, at: datetime, upns: tuple[str, str], fill: Fill) -> Payload:
        started = at - self.started_before
        ended = started + self.lasted
        return {
            "pupil": upns[0],
            "started_at": started.isoformat(),
            "ended_at": ended.isoformat(),
            **{name: fill(text) for name, text in self.texts.items()},
            "parent_informed_at": (ended + self.parent_told_after).isoformat(),
        }


@dataclass(frozen=True)
class Notification:
    """A police notification (Operation Encompass), recorded by the DSL."""

    key: str
    received_before: timedelta
    received_from: str
    reference: str  # {year}
    incident_before: timedelta  # before it was received
    summary: str
    kind: ClassVar[Kind | None] = None  # recorded through casework, not records

    def payload(self, at: datetime, upns: tuple[str, str], fill: Fill) -> Payload:
        received = at - self.received_before
        return {
            "pupils": [upns[0]],
            "received_at": received.isoformat(),
            "received_from": self.received_from,
            "police_reference": fill(self.reference, year=at.year),
            "incident_at": (received - self.incident_before).isoformat(),
            "summary": fill(self.summary),
        }


@dataclass(frozen=True)
class Scene:
    """One record of the story, made by ``by`` on the weekday ``days_back`` days before
    today, at ``at``, and what followed it."""

    days_back: int
    at: time
    by: str
    record: Concern | Behaviour | Intervention | Notification
    steps: Steps = field(default=())


# --- the DSL's work on each kind of concern ------------------------------------------------

FIRST_LOOK = {  # urgency: hours before the DSL first looks, low and high
    "immediate": (0.05, 0.6),
    "urgent": (0.25, 3.5),
    "routine": (1.0, 20.0),
}
LATE_LOOK = (4.0, 7.0)  # now and then the DSL is teaching or out when an urgent one comes

_TO_EARLY_HELP: Steps = (
    Triage(
        days(10, 12),
        "early_help",
        "Over the two weeks {name} was hungry on Mondays and missed two days. The family "
        "agreed to an Early Help assessment.",
    ),
    Action(hours(0.1, 1), "eha", "Early Help assessment with the family", DSL, 10),
    Done(days(6, 9), "eha", "Assessment done; plan agreed with the family."),
    Closure(
        days(1, 3),
        "Early Help plan in place: family support worker visiting weekly, food bank "
        "vouchers, breakfast club daily.",
        "Support now led through the Early Help plan, reviewed every six weeks.",
        "The family are getting support; thank you for raising it.",
    ),
)

MONITOR: Steps = (  # neglect, attendance and the like: often nothing more, else support
    Chance(
        0.2,
        then=(
            Triage(
                NOW,
                "no_further_action",
                "Spoke to {name}'s class teacher and checked the records: the explanation "
                "(a coat left at Grandma's; a family illness) is consistent and there is "
                "nothing else on file.",
            ),
            Closure(
                hours(0.1, 2),
                "No further action: explanation checked and consistent.",
                "Single concern with a consistent explanation and no other indicators.",
                "Looked into; no further action needed. Thank you for passing it on.",
            ),
        ),
        otherwise=(
            Triage(
                NOW,
                "monitor",
                "First concern of this kind for {name}. Monitor for two weeks: class teacher "
                "to note attendance, lunch and clothing; offer breakfast club and speak to "
                "the family.",
                review_days=14,
            ),
            Contact(
                days(0, 1),
                "{parent}",
                "phone",
                "Said things have been hard since a job was lost; grateful for the offer of "
                "breakfast club and did not want any other help for now.",
                "Breakfast club place from Monday; signposted to the food bank and Family Hub.",
            ),
            Action(
                hours(0.1, 1),
                "action",
                "Breakfast club place and a coat from the pre-loved rail",
                OFFICE,
                5,
            ),
            Done(days(1, 3), "action", "Breakfast club booked; coat given."),
            Chance(
                0.25,
                then=_TO_EARLY_HELP,
                otherwise=(
                    Closure(
                        days(11, 13),
                        "{name} has come to breakfast club every day, arrives with a coat, "
                        "and attendance is back to normal.",
                        "No further concerns over the monitoring period.",
                        "Support put in place; no further concerns.",
                    ),
                ),
            ),
        ),
    ),
)

EARLY_HELP: Steps = (
    Triage(
        NOW,
        "early_help",
        "{name}'s distress about going home and the shouting described point to stress at "
        "home, not to significant harm. Offer Early Help with the family's consent.",
    ),
    Contact(
        days(0, 1),
        "{parent}",
        "meeting",
        "Met after school. Acknowledged there has been a lot of arguing at home; agreed to an "
        "Early Help assessment and to a check-in for the child each morning.",
        "Early Help assessment; morning check-in with the learning mentor.",
    ),
    Action(hours(0.1, 1), "eha", "Early Help assessment with the family", DSL, 10),
    Done(days(5, 9), "eha", "Assessment completed with the family; plan agreed."),
    Closure(
        days(5, 14),
        "Early Help plan agreed: parenting course for both parents, learning-mentor check-in "
        "each morning.",
        "Support is led through the Early Help plan; new concerns will be recorded.",
        "The family are being supported; thank you for passing it on.",
    ),
)


def _protection_outcome(decision: str, outcome: str) -> Steps:
    return (
        Decision(
            days(1, 2),
            decision,
            "Told {teacher} the referral was accepted and social care are involved; no "
            "detail beyond that.",
        ),
        Closure(
            days(10, 20),
            outcome,
            "Social care lead; the school's part is tracked in their plan. Any new concern "
            "will be recorded and shared with the social worker.",
            "Referred to children's social care, who are now involved.",
        ),
    )


SOCIAL_CARE: Steps = (
    Triage(
        NOW,
        "social_care",
        "An injury with an account that names an adult at home: the threshold for a "
        "referral is met. Parents not told first, on MASH's advice, as that could put "
        "{name} at risk.",
    ),
    Referral(
        hours(0.1, 0.4),
        "social_care",
        "phone",
        "Duty social worker, MASH",
        "MASH-{yy}-{serial}",
        1,
        serial=(10000, 99999),
    ),
    Action(
        hours(0.3, 1),
        "bodymap",
        "Body map and the adult's written account sent to MASH",
        TEACHER,
        1,
    ),
    Contact(
        hours(1, 3),
        "Duty social worker (MASH)",
        "phone",
        "Strategy discussion held. Police and social care will see {name} at school after "
        "lunch; school is not to tell the parents before then.",
        "Keep {name} in school; DSL to stay on site and sit in if asked.",
    ),
    Done(hours(1, 5), "bodymap", "Body map and account e-mailed to MASH securely."),
    OneOf(
        (
            _protection_outcome(
                "Section 47 enquiry; child protection medical arranged.",
                "Initial child protection conference held: {name} is subject to a child "
                "protection plan (physical abuse). School is part of the core group.",
            ),
            _protection_outcome(
                "Assessment under section 17 (child in need).",
                "Child in need plan agreed with the family; school attends the reviews.",
            ),
            _protection_outcome(
                "No further action by social care: the explanation (a fall at football, "
                "confirmed by the coach) is consistent. Advice to school to keep monitoring.",
                "Social care took no further action; school monitored for a month without "
                "further concern.",
            ),
        )
    ),
)

POLICE: Steps = (
    Triage(
        NOW,
        "police",
        "An adult online asking {name} for photographs: possible grooming. Police referral; "
        "parents to be told today and devices not to be wiped.",
    ),
    Referral(
        hours(0.1, 0.5),
        "police",
        "phone",
        "PC Ahmed, Online Child Safety Team",
        "CAD {serial}",
        3,
        serial=(1000, 9999),
    ),
    Contact(
        hours(0.2, 2),
        "{parent}",
        "phone",
        "Explained what was shared and that the police are involved; asked them not to "
        "confront the account or delete messages.",
        "Police will contact the family; school to support at home time.",
    ),
    Action(hours(0.1, 1), "lesson", "Online-safety lesson for {name}'s class", TEACHER, 14),
    Decision(
        days(2, 5),
        "Police investigating the account; CEOP informed. No further role for school beyond "
        "support.",
        "Told {teacher} the police are dealing with it and thanked her.",
    ),
    Done(days(3, 9), "lesson", "Lesson taught using the Thinkuknow materials."),
    Closure(
        days(1, 4),
        "Police investigation under way; family supported; class lesson done.",
        "The police lead; nothing outstanding for school.",
        "Passed to the police; the family are supported.",
    ),
)

CAMHS: Steps = (
    Triage(
        NOW,
        "other_agency",
        "Self-harm: referral to CAMHS with the family's consent; school nurse to check "
        "{name}'s arms and see them weekly meanwhile.",
    ),
    Contact(
        hours(0.2, 2),
        "{parent}",
        "phone",
        "Had noticed sleeves pulled down; upset but agreed to a CAMHS referral.",
        "DSL to make the CAMHS referral today; GP appointment booked by the family.",
    ),
    Referral(
        hours(0.5, 3),
        "camhs",
        "online_form",
        "CAMHS single point of access",
        "SPA-{serial}",
        10,
        serial=(100000, 999999),
    ),
    Action(hours(0.1, 1), "nurse", "Weekly check-in with {name}", NURSE, 21),
    Decision(
        days(6, 10),
        "Accepted by CAMHS: assessment appointment in six weeks; self-help pack sent.",
        "Told {teacher} CAMHS have accepted the referral.",
    ),
    Done(days(8, 12), "nurse", "Three check-ins; no new marks seen."),
    Closure(
        days(1, 3),
        "CAMHS assessment booked; no new marks; family engaged.",
        "CAMHS and the GP are involved; school's part is the weekly check-in in the pastoral plan.",
        "Referred on for specialist support.",
    ),
)

CHILD_ON_CHILD: Steps = (
    Triage(
        NOW,
        "monitor",
        "Child-on-child: physical and theft. Behaviour lead to deal with the pupils involved; "
        "supervision of the toilets at break; check on {name} daily.",
        review_days=10,
    ),
    Contact(
        hours(0.5, 3),
        "{parent}",
        "phone",
        "Told them what happened and what school is doing; phone returned.",
        "Daily check-in for two weeks; parents to ring if anything happens on the way home.",
    ),
    Action(
        hours(0.1, 1),
        "toilets",
        "Adult on the Key Stage 2 toilets at every break",
        BEHAVIOUR_LEAD,
        2,
    ),
    Done(days(1, 2), "toilets", "Rota changed; staff briefed."),
    Closure(
        days(8, 10),
        "No repeat in two weeks; {name} says they feel safe at break.",
        "Review showed no further incidents; behaviour sanctions recorded separately.",
        "Dealt with; no further incidents.",
    ),
)

DOMESTIC: Steps = (
    Triage(
        NOW,
        "social_care",
        "{name}'s drawing and words describe a knife at home and police attending. Referral "
        "to social care to check what is known.",
    ),
    Referral(
        hours(0.1, 0.5),
        "social_care",
        "phone",
        "Duty social worker, MASH",
        "MASH-{yy}-{serial}",
        1,
        serial=(10000, 99999),
    ),
    Decision(
        days(1, 2),
        "Already known: allocated social worker; school's information added to the assessment.",
        "Told {teacher} the family are known to social care and the information is with the "
        "social worker.",
    ),
    Contact(
        hours(0.5, 3),
        "Allocated social worker",
        "phone",
        "Shared the drawing and {name}'s words; the social worker will see {name} at home "
        "this week.",
        "Invite school to the next child in need review.",
    ),
    Closure(
        days(3, 10),
        "Information shared with the allocated social worker; school attends the reviews.",
        "Social care lead; nothing further for school beyond the review meetings.",
        "Shared with the social worker already working with the family.",
    ),
)

CASES: Mapping[str, Steps] = {  # concern category: what the DSL does after a first look
    "neglect": MONITOR,
    "attendance": MONITOR,
    "emotional_abuse": EARLY_HELP,
    "physical_abuse": SOCIAL_CARE,
    "online": POLICE,
    "mental_health": CAMHS,
    "child_on_child": CHILD_ON_CHILD,
    "domestic_abuse": DOMESTIC,
}


# --- police notifications (Operation Encompass) --------------------------------------------


@dataclass(frozen=True)
class Notice:
    """What the police said, and what the DSL did after telling the class teacher."""

    summary: str
    steps: Steps


OFFICERS = (
    "PC 4471 Jones, Safeguarding Hub",
    "DC 2290 Okafor, Domestic Abuse Unit",
    "Operation Encompass desk (e-mail)",
)
NOTICE_FIRST: Steps = (
    Acknowledge(minutes(1, 5)),
    Contact(
        minutes(10, 29),
        "{teacher} (class teacher)",
        "meeting",
        "Told her, need to know only, that there was an incident at home last night and "
        "{name} may be tired or unsettled today.",
        "Key adult check-in with {name} at morning break; tell the DSL of anything said.",
    ),
)
NOTICES = (
    Notice(
        "Police attended a domestic incident at {name}'s home late last night: a verbal "
        "argument between the parents. {name} was in the house. No arrests.",
        (
            Triage(
                hours(0.5, 3),
                "monitor",
                "Operation Encompass: silent support for {name} in school; watch for changes "
                "in mood and attendance for two weeks.",
                review_days=14,
            ),
            Closure(
                days(13, 15),
                "{name} settled; nothing further noticed over two weeks.",
                "No further concerns; the notification stays on the chronology.",
                "",
            ),
        ),
    ),
    Notice(
        "Police called by a neighbour to shouting at {name}'s address. Dad arrested for "
        "criminal damage; {name} was present and upset.",
        (
            Triage(
                hours(0.5, 3),
                "early_help",
                "Second notification this term: offer Early Help to the non-abusing parent.",
            ),
            Action(hours(0.1, 1), "offer", "Offer Early Help to Mum in person", DSL, 5),
            Done(days(1, 4), "offer", "Mum accepted; referral to the Family Hub made."),
            Closure(
                days(1, 3),
                "Early Help accepted through the Family Hub.",
                "Support now led by Early Help.",
                "",
            ),
        ),
    ),
    Notice(
        "Police attended a disturbance at {name}'s home; {name} was asleep throughout and "
        "did not witness it.",
        (
            Triage(
                hours(0.5, 3),
                "no_further_action",
                "{name} was asleep and did not witness the incident (police note); seen in "
                "school and settled.",
            ),
            Closure(hours(0.1, 1), "No further action.", "Child seen and settled in school.", ""),
        ),
    ),
)


# --- concerns waiting for the DSL today ----------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A concern recorded by the class teacher ``before`` now, not yet reached."""

    before: timedelta
    category: str
    urgency: str
    description: str
    words: str

    def payload(self, recorded: datetime, upn: str, name: str) -> Payload:
        return {
            "pupils": [upn],
            "occurred_at": (recorded - timedelta(minutes=15)).isoformat(),
            "category": self.category,
            "urgency": self.urgency,
            "description": self.description.format(name=name),
            "child_words": f"“{self.words}”",
            "action_taken": "Listened; told the child I would pass it on to Mr Hughes.",
            "others_told": "Nobody yet",
        }


WAITING = (
    Waiting(
        timedelta(hours=2),
        "physical_abuse",
        "immediate",
        "{name} flinched when I touched their shoulder and showed me red marks on the back "
        "of their neck.",
        "He held me down by my neck last night.",
    ),
    Waiting(
        timedelta(hours=3, minutes=30),
        "online",
        "urgent",
        "{name} showed me messages from someone they met on a game asking to meet at the "
        "park after school.",
        "He said not to tell my mum.",
    ),
    Waiting(
        timedelta(minutes=45),
        "neglect",
        "routine",
        "{name} has had the same uniform on all week and it smells; other children are "
        "starting to comment.",
        "The washing machine is broken.",
    ),
)


# --- one pupil's term in full --------------------------------------------------------------
# Concerns, behaviour, a physical intervention, a police notification, amendments, and the
# DSL's work, ending with a referral awaiting its decision past its chase date and an action
# due tomorrow.

STORY: tuple[Scene, ...] = (
    Scene(
        74,
        time(9, 40),
        "teacher",
        Concern(
            "hungry",
            "neglect",
            "routine",
            "{name} came in soaked without a coat and ate two breakfasts at breakfast club; "
            "said there was no food at home at the weekend.",
            "Mum was in bed all weekend.",
        ),
        (
            Acknowledge(minutes(130)),
            Triage(
                minutes(35),
                "monitor",
                "Hunger and no coat; {name} has been tired in class. First concern: monitor "
                "for two weeks and speak to Mum.",
                review_days=8,
            ),
            Contact(
                hours(20),
                "{parent}",
                "phone",
                "Mum said she has been unwell and money is short since her hours were cut.",
                "Breakfast club place; signpost to the food bank.",
            ),
            Action(
                minutes(10),
                "club",
                "Breakfast club place and a coat from the pre-loved rail",
                OFFICE,
                3,
            ),
            Done(days(2), "club", "Booked from Monday; coat given."),
            Triage(
                days(6),
                "early_help",
                "Review: {name} still hungry on Mondays and absent twice. Mum agreed to an "
                "Early Help assessment.",
            ),
            Action(minutes(15), "eha", "Early Help assessment with Mum", DSL, 10),
            Done(days(7), "eha", "Assessment done at home; Mum engaged well."),
            Closure(
                days(1),
                "Early Help plan: family support worker weekly, food bank vouchers, breakfast "
                "club daily.",
                "Support continues through the Early Help plan.",
                "The family are getting support; thank you.",
            ),
        ),
    ),
    Scene(
        66,
        time(11, 20),
        "teacher",
        Behaviour(
            "chair",
            "classroom",
            "disruption",
            "low",
            "Asked to put the tablet away.",
            "Others laughed.",
            "{name} pushed a chair over and shouted at the TA.",
            "Time in the calm room; parents phoned.",
        ),
        (  # corrected the next morning
            Amend(
                NextMorning(),
                "severity",
                "medium",
                "Spoke to the TA: the chair was thrown towards her, not pushed over.",
                by="teacher",
            ),
            Amend(
                minutes(1),
                "description",
                "{name} threw a chair towards the TA and shouted at her.",
                "Corrected after speaking to the TA.",
                by="teacher",
            ),
        ),
    ),
    Scene(
        59,
        time(7, 50),
        "dsl",
        Notification(
            "police",
            timedelta(hours=8, minutes=10),
            "PC 4471 Jones, Safeguarding Hub",
            "OE/{year}/11873",
            timedelta(hours=2),
            "Police called to a domestic incident at {name}'s home: a loud argument between "
            "Mum and her partner, who left before officers arrived. {name} was upstairs. No "
            "arrests.",
        ),
        (
            Acknowledge(minutes(4)),
            Contact(
                minutes(20),
                "{teacher} (class teacher)",
                "meeting",
                "Need to know only: an incident at home last night; {name} may be tired and "
                "unsettled today.",
                "Key adult check-in at morning break.",
            ),
            Triage(
                hours(2),
                "monitor",
                "First notification for this family. {name} is already open to Early Help "
                "(case {refs[hungry]}): share with the family support worker and give silent "
                "support in school.",
                review_days=14,
            ),
            Contact(
                hours(1),
                "Early Help family support worker",
                "phone",
                "Shared the notification; she will raise it with Mum at Thursday's visit.",
                "Review in two weeks.",
            ),
            Closure(
                days(14),
                "No change seen in {name} over two weeks; the family support worker has "
                "discussed it with Mum.",
                "Held within the Early Help plan.",
                "",
            ),
        ),
    ),
    Scene(
        52,
        time(15, 35),
        "teacher",
        Concern(
            "shouting",
            "emotional_abuse",
            "urgent",
            "At home time {name} hid in the cloakroom and said they did not want to go home "
            "because of the shouting.",
            "They shout all night and I have to put my headphones on.",
        ),
        (
            Acknowledge(minutes(25)),
            Triage(
                minutes(40),
                "early_help",
                "With the police notification, this points to conflict at home. {name} went "
                "home with Mum, who was calm. Raise at the Early Help review.",
            ),
            Contact(
                hours(18),
                "Early Help family support worker",
                "phone",
                "Shared {name}'s words. She will bring the review forward and talk to Mum "
                "about the partner.",
                "Early Help review next week; DSL to attend.",
            ),
            Closure(
                days(8),
                "Discussed at the Early Help review: Mum has asked her partner to leave.",
                "Held within the Early Help plan.",
                "Shared with the family's support worker.",
            ),
        ),
    ),
    Scene(
        45,
        time(14, 5),
        "behaviour",
        Intervention(
            "hold",
            timedelta(minutes=50),
            timedelta(minutes=4),
            {
                "location": "corridor",
                "staff_involved": f"{BEHAVIOUR_LEAD}, {TEACHER}",
                "witnesses": "Mrs Sue Bennett",
                "cause": "{name} ran out of class after a row over a missing PE kit.",
                "escalation": "Kicked the fire door, then ran at a Year 2 child in the corridor.",
                "deescalation": "Calm voice, offered the calm room and a choice of adult, "
                "cleared the corridor.",
                "reason_for_force": "Imminent risk of injury to a younger pupil.",
                "restraint_type": "double_elbow",
                "injuries_pupil": "none",
                "injuries_staff": "none",
                "parent_informed_by": BEHAVIOUR_LEAD,
                "parent_informed_how": "phone",
                "debrief": "Debrief with both staff and with {name} the same afternoon.",
            },
            timedelta(minutes=40),
        ),
        (
            Amend(
                NextMorning(),
                "ended_at",
                Later(timedelta(minutes=3)),
                "Checked against the office log: the hold ended three minutes later.",
                by="behaviour",
            ),
        ),
    ),
    Scene(
        38,
        time(12, 40),
        "behaviour",
        Behaviour(
            "punch",
            "playground",
            "physical_assault_pupil",
            "medium",
            "Lost at football.",
            "Called names by the other team.",
            "{name} punched {other} twice on the back.",
            "Restorative meeting; missed two lunchtimes.",
        ),
    ),
    Scene(
        31,
        time(10, 5),
        "teacher",
        Concern(
            "bruise",
            "physical_abuse",
            "immediate",
            "Changing for PE I saw a row of finger-shaped bruises on {name}'s upper arm. "
            "{name} pulled their sleeve down and said it happened at home.",
            "Mum's boyfriend grabbed me when I wouldn't go to my room.",
        ),
        (
            Acknowledge(minutes(6)),
            Triage(
                minutes(15),
                "social_care",
                "Grip-mark bruising with {name}'s account naming Mum's partner, after a police "
                "notification and Early Help: the threshold for a referral is met. Mum not "
                "told first, on MASH's advice.",
            ),
            Referral(
                minutes(10),
                "social_care",
                "phone",
                "Sam Reid, duty social worker, MASH",
                "MASH-{yy}-40213",
                1,
            ),
            Action(
                minutes(20),
                "bodymap",
                "Body map and the PE teacher's written account to MASH",
                TEACHER,
                1,
            ),
            Amend(
                minutes(30),
                "others_told",
                "Class teacher; PE teacher (Mr Patel), who also saw the bruises",
                "The PE teacher saw the bruises too; added so MASH have both accounts.",
            ),
            Contact(
                hours(2),
                "Sam Reid (MASH)",
                "phone",
                "Strategy discussion: police and social care will see {name} at school at "
                "3 pm. School not to tell Mum before then.",
                "Keep {name} in school; DSL to sit in.",
            ),
            Done(hours(1), "bodymap", "Sent securely to MASH."),
            Decision(
                days(1),
                "Section 47 enquiry; child protection medical the same day.",
                "Told {teacher} the referral was accepted and social care are involved.",
            ),
            Contact(
                days(13),
                "Sam Reid, social worker",
                "meeting",
                "Initial child protection conference: {name} is on a child protection plan "
                "(physical abuse). Mum's partner has moved out.",
                "Core group meets in two weeks; school to report attendance and wellbeing.",
            ),
            Closure(
                hours(1),
                "{name} is subject to a child protection plan; school is in the core group.",
                "Social care lead the plan; school's actions are in the core group minutes.",
                "Referred to children's social care, who are now involved.",
            ),
        ),
    ),
    Scene(
        9,
        time(13, 30),
        "teacher",
        Concern(
            "arms",
            "mental_health",
            "urgent",
            "{name} has fresh scratches on both forearms and has eaten nothing at lunch all week.",
            "I do it when my head is too loud.",
        ),
        (
            Acknowledge(minutes(40)),
            Triage(
                minutes(30),
                "other_agency",
                "Self-harm, on a child protection plan: CAMHS referral with Mum's consent; "
                "tell the social worker today; school nurse to see {name} weekly.",
            ),
            Contact(
                minutes(30),
                "Sam Reid, social worker",
                "email",
                "Told her of the scratches and the CAMHS referral.",
                "She will visit this week.",
            ),
            # The agency said it would decide two days ago: chased in the queue, overdue.
            Referral(
                hours(1),
                "camhs",
                "online_form",
                "CAMHS single point of access",
                "SPA-552910",
                -2,
                from_today=True,
            ),
            # An action due tomorrow, set three days ago.
            Action(
                OnDay(3, time(15, 40)),
                None,
                "Weekly check-in with {name} until CAMHS see them",
                NURSE,
                1,
                from_today=True,
            ),
        ),
    ),
)
