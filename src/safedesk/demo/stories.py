"""The demo's casework as data: what the DSL does with each kind of concern, with a police
notification, and today's concerns not yet reached. Told in the words of
safedesk.demo.story_parts; played by safedesk.demo.casework.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from safedesk.demo.story_parts import (
    NOW,
    Acknowledge,
    Action,
    Chance,
    Closure,
    Contact,
    Decision,
    Done,
    Notice,
    OneOf,
    Referral,
    Steps,
    Triage,
    Waiting,
    days,
    hours,
    minutes,
)

DSL = "Mr Tom Hughes, DSL"
TEACHER = "Miss Priya Shah"
OFFICE = "Mrs Sue Bennett, office"
BEHAVIOUR_LEAD = "Mr Dan Kowalski"
NURSE = "Mrs Grace Okafor, school nurse"


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
