"""The inspection pack's gaps a new user found: the intervention log's trigger, kind, SEN and
support afterwards; police notifications; pupils with a safeguarding status now; what is
overdue now; an agency's reference kept on one line."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from safedesk.domain.pupil_status import StatusKind
from safedesk.domain.roles import Role
from safedesk.reports.inspection_pdf import (
    Cover,
    InspectionPack,
    ReferralLine,
    render_inspection,
)
from safedesk.services import casework, leader_reports, pupil_status
from safedesk.services.session import Session
from tests.unit.services.test_leader_reports import (
    FIRST,
    LAST,
    NOW,
    UPNS,
    LeadersSchool,
    build_leaders_school,
    pdf_text,
)


@pytest.fixture
def leaders(head_session: Session, session_as: Callable[[Role], Session]) -> LeadersSchool:
    return build_leaders_school(head_session, session_as(Role.DSL))


def _notify(head: Session) -> str:
    return casework.record_notification(
        head,
        {
            "received_at": (NOW - timedelta(hours=7)).isoformat(),
            "received_from": "PC Lomax, Safeguarding Hub",
            "police_reference": "OE 2611 / 4471",
            "summary": "Police attended an incident at home overnight.",
            "pupils": [UPNS[1]],
        },
    )


def test_the_intervention_log_gives_trigger_kind_sen_and_support_after(
    leaders: LeadersSchool,
) -> None:
    pack = leader_reports.inspection_pack(leaders.head, FIRST, LAST)
    first, _, third = pack.interventions
    assert first.trigger == "Adult direction or a sanction"
    assert first.kind.startswith("Restraint")
    assert first.support_after == "Quiet time in Featherstonehaugh library."
    assert first.pupil == "Aoife Ní Bhriain, Year 6, SEN support"
    assert third.pupil == "Chi Oyelaran-Smith, Year 4, EHCP"
    text = pdf_text(render_inspection(pack))
    assert "Trigger: Adult direction or a sanction" in text
    assert "Quiet time in Featherstonehaugh library." in text


def test_police_notifications_in_the_period_are_listed(leaders: LeadersSchool) -> None:
    ref = _notify(leaders.head)
    pack = leader_reports.inspection_pack(leaders.head, FIRST, LAST)
    (notified,) = pack.notifications
    assert notified.ref == ref
    assert notified.received_from == "PC Lomax, Safeguarding Hub"
    assert notified.police_reference == "OE 2611 / 4471"
    assert notified.standing == "Open: not yet acknowledged."
    assert "Police attended" not in pdf_text(render_inspection(pack))  # what was shared stays
    later = leader_reports.inspection_pack(leaders.head, date(2026, 12, 1), date(2026, 12, 31))
    assert later.notifications == ()


def test_pupils_with_a_status_now_are_counted(leaders: LeadersSchool) -> None:
    head = leaders.head
    pupil_status.start_status(head, UPNS[0], StatusKind.CHILD_IN_NEED, date(2026, 11, 12))
    pupil_status.start_status(head, UPNS[1], StatusKind.CHILD_PROTECTION_PLAN, date(2026, 10, 1))
    pupil_status.start_status(head, UPNS[2], StatusKind.CHILD_PROTECTION_PLAN, date(2026, 9, 7))
    pupil_status.start_status(head, UPNS[3], StatusKind.YOUNG_CARER, date(2026, 9, 7))
    pack = leader_reports.inspection_pack(head, FIRST, LAST)
    assert pack.statuses == (
        ("Child protection plan", 2),
        ("Child in need", 1),
        ("Looked after", 0),
    )
    text = pdf_text(render_inspection(pack))
    assert "Pupils with a safeguarding status now" in text and "Child protection plan 2" in text


def test_the_items_overdue_now_are_each_listed(leaders: LeadersSchool) -> None:
    ref = _notify(leaders.head)
    leaders.head.clock.set(NOW + timedelta(days=3))  # type: ignore[attr-defined]
    pack = leader_reports.inspection_pack(leaders.head, FIRST, LAST)
    late = {line.case_ref: line for line in pack.overdue}
    assert ref in late and leaders.open_ref in late
    assert late[ref].pupils != "—"
    text = pdf_text(render_inspection(pack))
    assert "Waiting and overdue now" in text and ref in text
    look = os.environ.get("SAFEDESK_LOOK")  # a file to write the pages to, to look at them
    if look:
        Path(look).write_bytes(render_inspection(pack))


def test_an_agency_reference_stays_on_one_line() -> None:
    at = datetime.fromisoformat("2026-11-16T10:05").astimezone()
    referral = ReferralLine(
        at,
        "C-2026-0004",
        "Ana Kovač",
        "Children's social care (MASH)",
        "Phone; Jo Brackenfield, duty social worker",
        "MASH-26-5 / 2642",
        "Assessment under section 17 (decided 17/11/2026)",
        "Ms Shah",
    )
    cover = Cover("Little School", date(2026, 9, 1), date(2026, 12, 18), "Ms Head", at)
    pdf = render_inspection(InspectionPack(cover, (), (referral,), (), (), ()))
    lines = [
        " ".join(line.replace("\u00a0", " ").split())
        for page in PdfReader(io.BytesIO(pdf)).pages
        for line in page.extract_text().splitlines()
    ]
    assert any("MASH-26-5 / 2642" in line for line in lines)
