"""Risk assessments and behaviour plans in a pupil's chronology: each version on the day it
was saved, for those who may read that kind; on the page's list and in the PDF."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from safedesk.domain.chronology import ItemGroup
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.risk_assessment import AssessmentKind
from safedesk.domain.roles import Role
from safedesk.services import chronology, export, records, risk_assessments
from safedesk.services.session import Session
from tests import factories
from tests.factories import PUPIL_A, PUPIL_B


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


def risk(n: int, words: str = "") -> dict[str, str]:
    return {
        "risk": f"Risk number {n}: leaves the classroom without telling anyone{words}.",
        "measures": f"Measure {n}: a named adult checks the door at each change of lesson.",
        "owner": f"Owner {n}",
    }


def plan(review_on: str, risks: list[dict[str, str]]) -> dict[str, Any]:
    return {"risks": risks, "consulted": "Mother and the pupil", "review_on": review_on}


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    """Shiv's file: a behaviour incident naming Zoë; a safeguarding risk assessment saved
    twice (2 risks, then 3, one naming Zoë); a behaviour plan; Zoë's own assessment."""
    factories.add_pupils(head_session)
    session = session_as(Role.DSL)
    session.clock = FixedClock(at("2026-11-02T12:00"))
    records.record(
        session, Kind.BEHAVIOUR, factories.behaviour() | {"occurred_at": "2026-11-02T11:30"}
    )
    session.clock = FixedClock(at("2026-11-05T09:00"))
    risk_assessments.make_assessment(
        session, PUPIL_A, plan("2027-01-15", [risk(1), risk(2)]), AssessmentKind.SAFEGUARDING
    )
    session.clock = FixedClock(at("2026-11-07T10:00"))
    risk_assessments.make_assessment(
        session, PUPIL_A, plan("2027-02-01", [risk(1)]), AssessmentKind.BEHAVIOUR_PLAN
    )
    session.clock = FixedClock(at("2026-11-12T14:00"))
    risk_assessments.make_assessment(
        session,
        PUPIL_A,
        plan("2027-03-01", [risk(1), risk(2), risk(3, " with Zoë Wiśniewska")]),
        AssessmentKind.SAFEGUARDING,
    )
    risk_assessments.make_assessment(
        session, PUPIL_B, plan("2027-03-01", [risk(9)]), AssessmentKind.SAFEGUARDING
    )
    session.clock = FixedClock(at("2026-11-20T09:00"))
    return session


def _assessments(found: chronology.Chronology) -> list[tuple[str, str, ItemGroup, str]]:
    return [
        (i.happened_at.astimezone().strftime("%d %H:%M"), i.title, i.group, i.summary)
        for i in found.items
        if i.ref.startswith(("RA-", "BP-"))
    ]


def test_each_version_on_its_day_for_the_dsl(dsl: Session) -> None:
    found = chronology.open_chronology(dsl, PUPIL_A)
    assert _assessments(found) == [
        (
            "05 09:00",
            "Safeguarding risk assessment",
            ItemGroup.RISK_ASSESSMENT,
            "RA-2026-0001 version 1: 2 risks, review by 15/01/2027",
        ),
        (
            "07 10:00",
            "Behaviour plan",
            ItemGroup.RISK_ASSESSMENT,
            "BP-2026-0001 version 1: 1 risk, review by 01/02/2027",
        ),
        (
            "12 14:00",
            "Safeguarding risk assessment",
            ItemGroup.RISK_ASSESSMENT,
            "RA-2026-0001 version 2: 3 risks, review by 01/03/2027",
        ),
    ]
    # In time order among the records: the incident of the 2nd comes first.
    assert found.items[0].title == "Behaviour incident"
    latest = next(i for i in found.items if "version 2" in i.summary)
    detail = dict(latest.detail)
    assert detail["Version"] == "2 (replaces version 1)"
    assert dict(found.items[1].detail)["Version"] == "1 (the first)"
    assert detail["Risk 1"].startswith("Risk number 1: leaves the classroom")
    assert "What reduces it: Measure 1" in detail["Risk 1"]
    assert "Who does it: Owner 1" in detail["Risk 1"]
    assert detail["Who was consulted"] == "Mother and the pupil"
    assert detail["Review date"] == "01/03/2027"
    assert latest.author == dsl.user.display_name
    # Zoë, on Shiv's records as another pupil, is masked in the assessment's words too.
    assert "Wiśniewska" not in detail["Risk 3"]
    assert "another pupil (A)" in detail["Risk 3"]
    # Zoë's own assessment is not on Shiv's chronology.
    assert "Risk number 9" not in str([i.detail for i in found.items])


def test_the_behaviour_lead_sees_the_behaviour_plans_only(
    dsl: Session, session_as: Callable[[Role], Session]
) -> None:
    lead = session_as(Role.BEHAVIOUR_LEAD)
    assert risk_assessments.kinds_for(lead) == [AssessmentKind.BEHAVIOUR_PLAN]
    assert ItemGroup.RISK_ASSESSMENT in chronology.allowed_groups(lead.user)
    only_plans = chronology.open_chronology(lead, PUPIL_A, groups={ItemGroup.RISK_ASSESSMENT})
    assert [i.ref for i in only_plans.items] == ["BP-2026-0001"]
    found = chronology.open_chronology(lead, PUPIL_A)
    assert [(s, g) for _d, _t, g, s in _assessments(found)] == [
        ("BP-2026-0001 version 1: 1 risk, review by 01/02/2027", ItemGroup.RISK_ASSESSMENT)
    ]
    assert not any("RA-" in i.ref or "Risk number 2" in str(i.detail) for i in found.items)


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_others_still_may_not_open_it(
    dsl: Session, session_as: Callable[[Role], Session], role: Role
) -> None:
    from safedesk.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        chronology.open_chronology(session_as(role), PUPIL_A)


def test_filters_by_group_and_date(dsl: Session) -> None:
    # Risk assessments and behaviour plans have their own filter (a new user looked for one).
    assessments_only = chronology.open_chronology(dsl, PUPIL_A, groups={ItemGroup.RISK_ASSESSMENT})
    assert [i.ref for i in assessments_only.items] == [
        "RA-2026-0001",
        "BP-2026-0001",
        "RA-2026-0001",
    ]
    casework_only = chronology.open_chronology(dsl, PUPIL_A, groups={ItemGroup.CASEWORK})
    assert _assessments(casework_only) == []
    behaviour_only = chronology.open_chronology(dsl, PUPIL_A, groups={ItemGroup.BEHAVIOUR})
    assert [i.ref for i in behaviour_only.items] == ["B-2026-0001"]
    ranged = chronology.open_chronology(
        dsl, PUPIL_A, first_day=date(2026, 11, 6), last_day=date(2026, 11, 20)
    )
    assert [s for _d, _t, _g, s in _assessments(ranged)] == [
        "BP-2026-0001 version 1: 1 risk, review by 01/02/2027",
        "RA-2026-0001 version 2: 3 risks, review by 01/03/2027",
    ]


def test_the_view_is_audited_by_reference_never_content(dsl: Session) -> None:
    from safedesk.domain.compartments import Compartment
    from safedesk.store import audit

    chronology.open_chronology(dsl, PUPIL_A)
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        [*_, event] = audit.events_with_action(conn, "chronology.opened")
    assert event.detail["risk_assessments"] == ["BP-2026-0001", "RA-2026-0001"]
    assert "Risk number" not in str(event.detail)


def test_the_pdf_lists_each_version_and_prints_it_in_full(dsl: Session, tmp_path: Path) -> None:
    target = tmp_path / "chronology.pdf"
    export.export_chronology_pdf(dsl, PUPIL_A, target)
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    whole = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for line in (
        "RA-2026-0001 version 1: 2 risks, review by 15/01/2027",
        "RA-2026-0001 version 2: 3 risks, review by 01/03/2027",
        "BP-2026-0001 version 1: 1 risk, review by 01/02/2027",
    ):
        assert line in whole, line
    assert "What reduces it: Measure 3" in whole
    assert "Who was consulted" in whole
    assert "Wiśniewska" not in whole.split("Risk number 3")[1][:200]
    assert "Risk number 9" not in whole
