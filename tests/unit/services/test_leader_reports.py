"""The leaders' reports: who may make them, what each holds, the audit, the file written once.

``leaders_school`` builds the school the governors' and inspection tests share: pupils with
accented names, preferred names, UPNs and dates of birth; concerns with casework, a referral
to children's social care and its decision; bullying with prejudice; physical interventions
with further holds, one reviewed by another leader. Free text is made of words that appear
nowhere else (the governors' report must show none of them).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from safedesk.domain import upn
from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.people import PupilDetails
from safedesk.domain.roles import Role
from safedesk.services import behaviour_review, casework, leader_reports, records
from safedesk.services.session import Session
from safedesk.store import audit, pupils

NOW = datetime.fromisoformat("2026-11-23T16:00").astimezone()  # a Monday, after school
FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)

# (UPN, surname, legal forename, preferred forename, date of birth, year, class, SEN, PP, CLA)
PUPILS = [
    (
        upn.make("801200006001"),
        "Ní Bhriain",
        "Aoife",
        None,
        date(2015, 11, 24),
        "6",
        "Oak",
        "K",
        True,
        False,
    ),
    (
        upn.make("801200006002"),
        "Łukasiewicz",
        "Bartłomiej",
        "Bartek",
        date(2016, 3, 9),
        "5",
        "Ash",
        None,
        False,
        False,
    ),
    (
        upn.make("801200006003"),
        "Oyelaran-Smith",
        "Chidinma",
        "Chi",
        date(2017, 7, 30),
        "4",
        "Elm",
        "E",
        False,
        True,
    ),
    (
        upn.make("801200006004"),
        "Ðặng",
        "Thị Hương",
        None,
        date(2018, 1, 2),
        "3",
        "Fir",
        None,
        True,
        False,
    ),
    (
        upn.make("801200006005"),
        "Zeller",
        "Émile",
        None,
        date(2019, 10, 17),
        "2",
        "Yew",
        None,
        False,
        False,
    ),
]
UPNS = [p[0] for p in PUPILS]
# Words of the records' free text, none of which is a label, a heading or a list value.
FREE_TEXT_WORDS = [
    "Quibbleton",
    "marmalade",
    "xylophone",
    "Brackenfield",
    "Featherstonehaugh",
    "zigzagged",
    "Okonkwo",
    "Pemberton",
    "trampoline",
    "MASH/2026/77341",
    "Velasquez",
    "gooseberry",
]
STAFF_ON_RECORDS = ["Mr Okonkwo", "Ms Pemberton", "Mrs Velasquez"]


def add_pupils(session: Session) -> None:
    with session.store.write() as conn:
        for number, surname, forename, preferred, born, year, klass, sen, pp, cla in PUPILS:
            details = PupilDetails(
                number, surname, forename, born, preferred, None, year, klass, sen, pp, cla
            )
            pupils.insert(conn, details, session.clock.now())


def _concern(upn: str, when: str, urgency: str, category: str) -> dict[str, object]:
    return {
        "pupils": [upn],
        "occurred_at": when,
        "category": category,
        "urgency": urgency,
        "description": "Quibbleton said the marmalade jar was zigzagged across Brackenfield.",
        "child_words": "“The xylophone is at Featherstonehaugh's house.”",
    }


def _incident(pupils_roles: list[tuple[str, str]], when: str, **extra: object) -> dict[str, object]:
    return {
        "pupils": [{"upn": u, "role": r} for u, r in pupils_roles],
        "occurred_at": when,
        "location": "playground",
        "behaviour_type": "verbal_abuse",
        "severity": "medium",
        "trigger": "peer_conflict",
        "antecedent": "A gooseberry was thrown near the trampoline.",
        "escalation": "Quibbleton laughed.",
        "description": "Shouted at Brackenfield.",
        "action_taken": "Restorative talk with Ms Pemberton about the xylophone.",
        "parents_informed": True,
    } | extra


def _intervention(upn: str, start: str, end: str, **extra: object) -> dict[str, object]:
    return {
        "pupil": upn,
        "started_at": start,
        "ended_at": end,
        "location": "corridor",
        "staff_involved": "Mr Okonkwo, Mrs Velasquez",
        "trigger": "adult_direction",
        "cause": "Refused the trampoline queue at Brackenfield.",
        "escalation": "Kicked the marmalade trolley.",
        "deescalation": "Calm voice, offered the xylophone.",
        "reason_for_force": "Risk of injury to Quibbleton.",
        "intervention_kind": "restraint_contact",
        "restraint_type": "double_elbow",
        "more_holds": [{"hold": "seated_hold", "minutes": 3}],
        "injuries_pupil": "Graze on the gooseberry bush",
        "injuries_staff": "none",
        "support_after": "Quiet time in Featherstonehaugh library.",
        "parent_informed_at": end,
        "parent_informed_by": "Ms Pemberton",
        "parent_informed_how": "phone",
    } | extra


@dataclass
class LeadersSchool:
    head: Session
    dsl: Session
    closed_ref: str
    open_ref: str
    held_refs: list[str]


def build_leaders_school(head: Session, dsl: Session) -> LeadersSchool:
    """The records (see the module's docstring), made by the head; one intervention reviewed
    by the DSL."""
    clock = FixedClock(NOW)
    head.clock = clock
    dsl.clock = FixedClock(NOW)
    add_pupils(head)
    a, b, c, d, e = UPNS

    def record(kind: Kind, payload: dict[str, object]) -> str:
        """Recorded half an hour after it happened (or ended)."""
        happened = str(payload.get("ended_at") or payload["occurred_at"])
        clock.set(datetime.fromisoformat(happened).astimezone() + timedelta(minutes=30))
        return records.record(head, kind, payload)

    def act(ref: str, at: str, payload: dict[str, object]) -> None:
        clock.set(datetime.fromisoformat(at).astimezone())
        casework.act(head, ref, payload)

    record(Kind.CONCERN, _concern(d, "2026-10-05T11:00", "routine", "neglect"))
    closed = record(Kind.CONCERN, _concern(a, "2026-11-09T09:15", "urgent", "neglect"))
    act(closed, "2026-11-09T09:50", {"type": "acknowledge"})
    act(
        closed,
        "2026-11-09T10:00",
        {
            "type": "triage",
            "decision": "social_care",
            "rationale": "Threshold met; Quibbleton consulted.",
        },
    )
    act(
        closed,
        "2026-11-09T10:40",
        {
            "type": "referral",
            "agency": "social_care",
            "made_at": "2026-11-09T10:30",
            "method": "phone",
            "spoken_to": "Jo Brackenfield, MASH",
            "reference": "MASH/2026/77341",
        },
    )
    act(
        closed,
        "2026-11-10T15:00",
        {
            "type": "referral_decision",
            "referral_id": 1,
            "decision": "Assessment under section 17.",
            "decided_on": "2026-11-10",
            "feedback_to_referrer": "Told the class teacher.",
        },
    )
    act(
        closed,
        "2026-11-12T15:00",
        {
            "type": "closure",
            "outcome": "Child in need plan in place.",
            "rationale": "Social care lead the plan.",
        },
    )
    opened = record(Kind.CONCERN, _concern(c, "2026-11-20T11:00", "routine", "online"))
    record(Kind.BEHAVIOUR, _incident([(a, "instigator"), (b, "target")], "2026-11-02T12:10"))
    record(
        Kind.BEHAVIOUR,
        _incident(
            [(b, "instigator"), (c, "target")],
            "2026-11-03T12:20",
            behaviour_type="bullying",
            bullying_type="prejudice",
            prejudice_type="race",
        ),
    )
    for day in (4, 5, 6, 10, 11):
        record(Kind.BEHAVIOUR, _incident([(a, "instigator")], f"2026-11-{day:02d}T10:05"))
    record(Kind.BEHAVIOUR, _incident([(e, "instigator")], "2026-11-12T14:00"))
    held = [
        record(Kind.INTERVENTION, _intervention(a, "2026-11-04T10:10", "2026-11-04T10:22")),
        record(Kind.INTERVENTION, _intervention(a, "2026-11-11T10:10", "2026-11-11T10:15")),
        record(
            Kind.INTERVENTION,
            _intervention(c, "2026-11-16T13:00", "2026-11-16T13:08", more_holds=None),
        ),
    ]
    clock.set(NOW)
    behaviour_review.record_review(
        dsl, held[0], {"decision": "signed_off", "note": "Gooseberry plan agreed."}
    )
    return LeadersSchool(head, dsl, closed, opened, held)


@pytest.fixture
def leaders(head_session: Session, session_as: Callable[[Role], Session]) -> LeadersSchool:
    return build_leaders_school(head_session, session_as(Role.DSL))


def pdf_text(data: bytes) -> str:
    """Every page's text, white space made single."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_pack_holds_each_log_in_the_order_inspectors_ask(leaders: LeadersSchool) -> None:
    pack = leader_reports.inspection_pack(leaders.head, FIRST, LAST)
    assert [c.ref for c in pack.concerns] == [leaders.closed_ref, leaders.open_ref]
    closed, still_open = pack.concerns
    assert closed.pupils == "Aoife Ní Bhriain"
    assert closed.resolution.startswith("Closed 12/11/2026. Decision: Referral to children's")
    assert "Referred to: Children's social care" in closed.resolution
    assert closed.resolution.endswith("Outcome: Child in need plan in place.")
    assert still_open.resolution == "Open: not yet acknowledged."
    (referral,) = pack.referrals
    assert referral.agency.startswith("Children's social care")
    assert referral.reference == "MASH/2026/77341"
    assert referral.decision == "Assessment under section 17. (decided 10/11/2026)"
    assert [i.ref for i in pack.interventions] == leaders.held_refs
    first = pack.interventions[0]
    assert first.minutes == 12
    assert first.pupil == "Aoife Ní Bhriain, Year 6, SEN support"
    assert first.holds == "Double elbow (main hold)\nSeated hold, 3 minutes"
    assert first.reviewed_by.startswith("Test dsl")
    assert first.reviewed_by.endswith("Signed off: no further action")
    assert pack.interventions[1].reviewed_by == "Not yet reviewed"
    assert pack.interventions[2].pupil == "Chi Oyelaran-Smith, Year 4, EHCP"
    (bullying,) = pack.bullying
    assert bullying.pupils == "Bartek Łukasiewicz (instigator); Chi Oyelaran-Smith (target)"
    assert bullying.what == "Bullying: Prejudice-based\nPrejudice: Race or ethnicity"
    assert [t.recorded for t in pack.timings] == [0, 1, 1]


def test_the_pdf_names_the_period_its_maker_and_the_signed_heads(
    leaders: LeadersSchool, tmp_path: Path
) -> None:
    target = tmp_path / "pack.pdf"
    result = leader_reports.write_inspection_pack(leaders.head, FIRST, LAST, target)
    assert result.path == target and result.pages >= 2
    data = target.read_bytes()
    text = pdf_text(data)
    assert "Inspection pack: St Brigid's C of E Primary" in text
    assert "01/11/2026 to 30/11/2026" in text
    assert "Ms Ada Ngozi, 23/11/2026 16:00" in text
    assert f"Page 1 of {result.pages}" in text
    assert "safedesk-admin verify --user NAME --head" in text
    headings = [
        "1. Referrals to the Designated Safeguarding Lead",
        "2. Referrals to children's social care, the police and other agencies",
        "3. Physical interventions",
        "4. Bullying and prejudice",
        "5. Police domestic-abuse notifications (Operation Encompass)",
        "6. Time to action",
        "7. Waiting and overdue now",
        "8. Pupils with a safeguarding status now",
    ]
    places = [text.index(h) for h in headings]
    assert places == sorted(places)
    assert "Aoife Ní Bhriain" in text and "MASH/2026" in text
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata is not None and metadata.title == "Inspection pack"


def test_making_it_is_audited_with_the_dates_never_the_content(leaders: LeadersSchool) -> None:
    leader_reports.inspection_pack(leaders.head, FIRST, LAST)
    for compartment in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR):
        with leaders.head.compartment(compartment).read() as conn:
            (event,) = audit.events_with_action(conn, "report.inspection")
        assert event.actor == "head"
        assert event.detail == {"report": "inspection", "from": "2026-11-01", "to": "2026-11-30"}


@pytest.mark.parametrize("role", [Role.BEHAVIOUR_LEAD, Role.STAFF, Role.ADMIN])
@pytest.mark.parametrize("report", [leader_reports.GOVERNORS, leader_reports.INSPECTION])
def test_only_the_head_and_dsls_may_make_them(
    session_as: Callable[[Role], Session], tmp_path: Path, role: Role, report: str
) -> None:
    session = session_as(role)
    assert not leader_reports.may_make(session.user)
    write = (
        leader_reports.write_governors_report
        if report == leader_reports.GOVERNORS
        else leader_reports.write_inspection_pack
    )
    target = tmp_path / "r.pdf"
    with pytest.raises(PermissionDenied) as caught:
        write(session, FIRST, LAST, target)
    assert not target.exists()
    if role is Role.BEHAVIOUR_LEAD:
        assert "only the headteacher and the Designated Safeguarding Leads" in str(caught.value)
    with session.store.read() as conn:
        refused = audit.events_with_action(conn, "permission.refused")
    assert refused[-1].detail == {"report": report}


def test_a_dsl_may(leaders: LeadersSchool, tmp_path: Path) -> None:
    assert leader_reports.may_make(leaders.dsl.user)
    assert leader_reports.may_make(leaders.head.user)
    result = leader_reports.write_inspection_pack(leaders.dsl, FIRST, LAST, tmp_path / "p.pdf")
    assert result.pages >= 2


def test_an_existing_file_is_never_replaced_unasked(leaders: LeadersSchool, tmp_path: Path) -> None:
    target = tmp_path / "pack.pdf"
    target.write_bytes(b"the governors' minutes")
    with pytest.raises(ValidationError) as caught:
        leader_reports.write_inspection_pack(leaders.head, FIRST, LAST, target)
    assert "already exists" in caught.value.problems["file"]
    assert target.read_bytes() == b"the governors' minutes"
    leader_reports.write_inspection_pack(leaders.head, FIRST, LAST, target, replace=True)
    assert target.read_bytes().startswith(b"%PDF")


def test_the_last_day_before_the_first_is_refused(leaders: LeadersSchool) -> None:
    with pytest.raises(ValidationError) as caught:
        leader_reports.inspection_pack(leaders.head, LAST, FIRST)
    assert "To" in caught.value.problems


def test_an_empty_period_says_so_in_each_section(leaders: LeadersSchool, tmp_path: Path) -> None:
    target = tmp_path / "empty.pdf"
    leader_reports.write_inspection_pack(leaders.head, date(2025, 1, 6), date(2025, 1, 10), target)
    text = pdf_text(target.read_bytes())
    assert "No concerns were recorded in this period." in text
    assert "No referrals were made in this period." in text
    assert "No physical interventions were recorded in this period." in text
    assert "No bullying or prejudice incidents were recorded in this period." in text


def test_a_record_is_placed_by_its_time_as_amended(leaders: LeadersSchool) -> None:
    from safedesk.services import amendments

    ref = leaders.held_refs[2]
    leaders.head.clock.set(NOW)  # type: ignore[attr-defined]
    amendments.amend(leaders.head, ref, "started_at", "2026-10-16T13:00", "Wrong month typed")
    amendments.amend(leaders.head, ref, "ended_at", "2026-10-16T13:08", "Wrong month typed")
    pack = leader_reports.inspection_pack(leaders.head, FIRST, LAST)
    assert ref not in [i.ref for i in pack.interventions]


def test_long_words_in_a_log_are_cut_saying_where_the_rest_is() -> None:
    words = "Talked it through with both children. " * 40
    cut = leader_reports.brief(words, 100, "B-2026-0007")
    assert cut == (
        "Talked it through with both children. Talked it through with both children. "
        "Talked it through with…"
        " (the rest is in B-2026-0007)"
    )
    assert leader_reports.brief("none", 100, "B-2026-0007") == "none"


def test_a_record_whose_time_is_corrected_into_the_period_is_in_it(leaders: LeadersSchool) -> None:
    from safedesk.services import amendments

    before = leader_reports.inspection_pack(leaders.head, date(2026, 3, 2), date(2026, 3, 6))
    assert before.interventions == ()
    ref = leaders.held_refs[2]
    leaders.head.clock.set(NOW)  # type: ignore[attr-defined]
    amendments.amend(leaders.head, ref, "started_at", "2026-03-04T13:00", "Wrong month typed")
    amendments.amend(leaders.head, ref, "ended_at", "2026-03-04T13:08", "Wrong month typed")
    pack = leader_reports.inspection_pack(leaders.head, date(2026, 3, 2), date(2026, 3, 6))
    assert [i.ref for i in pack.interventions] == [ref]
