"""A child on a child protection plan: her chronology says so, on its header (screen and PDF)
and among the DSL's casework; a behaviour lead's chronology never shows safeguarding status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from safedesk.domain.chronology import ItemGroup
from safedesk.domain.entries import Kind
from safedesk.domain.pupil_status import StatusKind
from safedesk.domain.roles import Role
from safedesk.services import chronology, export, pupil_status, records
from safedesk.services.session import Session
from tests import factories
from tests.factories import PUPIL_A


@pytest.fixture
def on_a_plan(head_session: Session) -> Session:
    factories.add_pupils(head_session)
    records.record(head_session, Kind.BEHAVIOUR, factories.behaviour())
    plan = pupil_status.start_status(
        head_session, PUPIL_A, StatusKind.CHILD_PROTECTION_PLAN, date(2026, 2, 3)
    )
    early = pupil_status.start_status(head_session, PUPIL_A, "early_help", date(2025, 9, 1))
    pupil_status.end_status(head_session, early.id, date(2026, 2, 3), "Stepped up to a plan")
    assert plan.current
    return head_session


def cover(path: Path) -> str:
    return " ".join(PdfReader(path).pages[0].extract_text().split())


def test_the_header_and_the_pdf_say_she_is_on_a_plan(on_a_plan: Session, tmp_path: Path) -> None:
    found = chronology.open_chronology(on_a_plan, PUPIL_A)
    assert found.statuses is not None
    assert [p.kind for p in found.statuses if p.current] == [StatusKind.CHILD_PROTECTION_PLAN]
    changes = [i.summary for i in found.items if i.title == "Safeguarding status"]
    assert changes == [
        "Early help started",
        "Child protection plan started",  # the same day, recorded first
        "Early help ended: Stepped up to a plan",
    ]
    target = tmp_path / "plan.pdf"
    export.export_chronology_pdf(on_a_plan, PUPIL_A, target)
    first = cover(target)
    assert "Safeguarding status Child protection plan since 03/02/2026" in first
    assert "Early help from 01/09/2025 to 03/02/2026" in first
    assert "Flags none recorded" not in first
    # On the day it started, without a time nobody recorded.
    whole = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(target).pages)
    assert "On 03/02/2026; recorded" in whole


def test_without_casework_the_header_still_shows_the_status(on_a_plan: Session) -> None:
    found = chronology.open_chronology(on_a_plan, PUPIL_A, groups={ItemGroup.BEHAVIOUR})
    assert found.statuses is not None and len(found.statuses) == 2
    assert all(i.title != "Safeguarding status" for i in found.items)


def test_a_behaviour_lead_never_sees_safeguarding_status(
    on_a_plan: Session, session_as: Callable[[Role], Session], tmp_path: Path
) -> None:
    lead = session_as(Role.BEHAVIOUR_LEAD)
    found = chronology.open_chronology(lead, PUPIL_A)
    assert found.statuses is None
    assert all(i.title != "Safeguarding status" for i in found.items)
    target = tmp_path / "lead.pdf"
    export.export_chronology_pdf(lead, PUPIL_A, target)
    whole = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(target).pages)
    assert "Safeguarding status" not in whole
    assert "protection plan" not in whole
