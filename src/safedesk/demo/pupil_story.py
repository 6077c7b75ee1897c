"""One pupil's term told in full, for a chronology worth printing: concerns, behaviour, a
physical intervention, a police notification, amendments, and the DSL's work, ending with a
referral awaiting its decision past its chase date and an action due tomorrow.
"""

from __future__ import annotations

from datetime import time, timedelta

from safedesk.demo.stories import BEHAVIOUR_LEAD, DSL, NURSE, OFFICE, TEACHER
from safedesk.demo.story_parts import (
    Acknowledge,
    Action,
    Amend,
    Behaviour,
    Closure,
    Concern,
    Contact,
    Decision,
    Done,
    Intervention,
    Later,
    NextMorning,
    Notification,
    OnDay,
    Referral,
    Scene,
    Triage,
    days,
    hours,
    minutes,
)

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
                "trigger": "adult_direction",
                "intervention_kind": "restraint_contact",
                "restraint_type": "double_elbow",
                "injuries_pupil": "Red mark on the left forearm where {name} pulled against it.",
                "injuries_staff": "none",
                "support_after": "Calm room with a trusted adult, water, first aid check; "
                "{name} chose to rejoin class after 20 minutes.",
                "pupil_account": "{name} said the PE kit had been taken and nobody listened.",
                "parent_informed_by": BEHAVIOUR_LEAD,
                "parent_informed_how": "phone",
                "debrief": "Debrief with both staff and with {name} the same afternoon.",
            },
            timedelta(minutes=40),
            {
                "more_holds": [{"hold": "seated_hold", "minutes": 2}],
                "body_map": [
                    {
                        "side": "front",
                        "x": 0.27,
                        "y": 0.45,
                        "kind": "mark",
                        "size_mm": 30,
                        "note": "Red mark, faded by home time",
                    }
                ],
            },
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
