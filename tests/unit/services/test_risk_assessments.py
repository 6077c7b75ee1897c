"""Risk assessments and behaviour plans on real encrypted files: versions kept, who writes
which kind, the labels every refusal names, the append-only table, the vulnerable pupils
without a current assessment and the queue's items."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
import sqlcipher3

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.pupil_status import StatusKind
from safedesk.domain.queue import ItemKind
from safedesk.domain.risk_assessment import AssessmentKind
from safedesk.domain.roles import Role
from safedesk.domain.time_to_action import Timeliness
from safedesk.services import integrity, pupil_status, queue, risk_assessments, school_calendar
from safedesk.services.session import Session
from safedesk.store import audit
from tests import factories
from tests.factories import PUPIL_A, PUPIL_B, PUPIL_C
from tests.unit.services.test_targets import record_at


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


def plan(review_on: str = "2027-03-01", **changes: Any) -> dict[str, Any]:
    return {
        "risks": [
            {
                "risk": "Leaves the site at home time without an adult.",
                "measures": "Handed over at the classroom door to a named adult only.",
                "owner": "Class teacher",
            },
            {
                "risk": "Contact with a parent the court order keeps away.",
                "measures": "Office checks the photo list before anyone collects.",
                "owner": "Office manager",
            },
        ],
        "consulted": "Mother, the pupil, the social worker (Ms Reid).",
        "review_on": review_on,
    } | changes


@pytest.fixture
def school_year(head_session: Session) -> Session:
    factories.add_pupils(head_session)
    school_calendar.add_term(head_session, "2026-09-02", "2026-10-23")
    school_calendar.add_term(head_session, "2026-11-02", "2026-12-18")
    school_calendar.add_term(head_session, "2027-01-05", "2027-03-26")
    head_session.clock = FixedClock(at("2026-11-16T09:30"))
    return head_session


@pytest.fixture
def lead(school_year: Session, session_as: Callable[[Role], Session]) -> Session:
    found = session_as(Role.BEHAVIOUR_LEAD)
    found.clock = FixedClock(at("2026-11-16T09:40"))
    return found


def test_versions_are_kept_never_overwritten_and_audited(school_year: Session) -> None:
    head = school_year
    first = risk_assessments.make_assessment(head, PUPIL_A, plan())
    assert first.reference == "RA-2026-0001 version 1"
    assert first.kind is AssessmentKind.SAFEGUARDING
    head.clock = FixedClock(at("2026-12-01T10:00"))
    changed = plan("2027-02-01", consulted="Mother, the pupil and the virtual school head.")
    second = risk_assessments.make_assessment(head, PUPIL_A, changed)
    assert second.reference == "RA-2026-0001 version 2"
    [history] = risk_assessments.pupil_assessments(head, PUPIL_A)
    assert [v.version for v in history.versions] == [2, 1]
    assert history.versions[1].content.consulted == plan()["consulted"]  # as it was
    assert history.current.content.review_on == date(2027, 2, 1)
    assert history.current.content.risks[1].owner == "Office manager"
    assert risk_assessments.make_assessment(head, PUPIL_B, plan()).ref == "RA-2026-0002"
    with head.compartment(Compartment.SAFEGUARDING).read() as conn:
        events = [e for e in audit.events(conn) if e.action.startswith("risk_assessment.")]
    saved = [e for e in events if e.action == "risk_assessment.saved"]
    assert [(e.object_id, e.detail["version"]) for e in saved] == [
        ("RA-2026-0001", 1),
        ("RA-2026-0001", 2),
        ("RA-2026-0002", 1),
    ]
    assert "risk_assessment.viewed" in {e.action for e in events}
    # Ids in the audit log, never the words.
    assert all("court order" not in str(e.detail) for e in events)
    report = integrity.verify(head)
    assert report.ok, report.problems


def test_a_version_from_a_form_showing_an_older_one_is_refused(school_year: Session) -> None:
    head = school_year
    risk_assessments.make_assessment(head, PUPIL_A, plan())
    risk_assessments.make_assessment(head, PUPIL_A, plan("2027-02-02"), after_version=1)
    with pytest.raises(ValidationError, match="newer version meanwhile"):
        risk_assessments.make_assessment(head, PUPIL_A, plan("2027-02-03"), after_version=1)
    with pytest.raises(ValidationError, match="as the last version has them"):
        risk_assessments.make_assessment(head, PUPIL_A, plan("2027-02-02"))


def test_every_problem_is_named_by_the_forms_label(school_year: Session) -> None:
    head = school_year
    with pytest.raises(ValidationError) as refused:
        risk_assessments.make_assessment(head, PUPIL_A, {})
    assert refused.value.problems == {
        "Risks": "at least one risk is required",
        "Who was consulted": "is required",
        "Review date": "is required",
    }
    incomplete = plan(
        "2026-11-16",
        risks=[{"risk": "Runs off.", "measures": "  ", "owner": ""}],
        consulted="Mum\x07",
    )
    with pytest.raises(ValidationError) as refused:
        risk_assessments.make_assessment(head, PUPIL_A, incomplete)
    assert refused.value.problems == {
        "Risks 1: What reduces it": "is required",
        "Risks 1: Who does it": "is required",
        "Who was consulted": refused.value.problems["Who was consulted"],
        "Review date": "must be after today (16/11/2026)",
    }
    assert "control character" in refused.value.problems["Who was consulted"]
    with pytest.raises(ValidationError) as refused:
        risk_assessments.make_assessment(head, PUPIL_A, plan("17/11/2027"))
    assert refused.value.problems == {"Review date": "must be within 12 months (by 16/11/2027)"}
    with pytest.raises(ValidationError, match="Review date: must be a date"):
        risk_assessments.make_assessment(head, PUPIL_A, plan("next spring"))
    with pytest.raises(ValidationError, match="Kind of assessment"):
        risk_assessments.make_assessment(head, PUPIL_A, plan(), "care_plan")
    with pytest.raises(NotFound, match="no pupil with UPN"):
        risk_assessments.make_assessment(head, "A123456789012", plan())
    assert risk_assessments.pupil_assessments(head, PUPIL_A) == []  # nothing was saved


def test_the_table_refuses_changes_deletions_and_incomplete_rows(school_year: Session) -> None:
    head = school_year
    risk_assessments.make_assessment(head, PUPIL_A, plan())
    conn = head.compartment(Compartment.SAFEGUARDING).connection()
    for sql in ("UPDATE risk_assessment SET consulted = 'Nobody'", "DELETE FROM risk_assessment"):
        with pytest.raises(sqlcipher3.dbapi2.Error, match="append-only"):
            conn.execute(sql)
    insert = (
        "INSERT INTO risk_assessment (ref, version, pupil_id, risks, consulted, review_on, "
        "author, made_at) VALUES (?, ?, (SELECT id FROM pupil LIMIT 1), ?, 'Mum', "
        "'2027-01-01', 'head', '2026-11-16T09:30:00+00:00')"
    )
    one = '[{"risk": "r", "measures": "m", "owner": "o"}]'
    with pytest.raises(sqlcipher3.dbapi2.Error):
        conn.execute(insert, ("RA-2026-0009", 2, "[]"))  # no risk at all
    with pytest.raises(sqlcipher3.dbapi2.Error, match="each risk needs"):
        conn.execute(insert, ("RA-2026-0001", 2, '[{"risk": "r", "measures": " ", "owner": "o"}]'))
    with pytest.raises(sqlcipher3.dbapi2.Error, match="follows the one before"):
        conn.execute(insert, ("RA-2026-0001", 3, one))  # a version skipped
    with pytest.raises(sqlcipher3.dbapi2.Error, match="already has one"):
        conn.execute(insert, ("RA-2026-0005", 1, one))  # a second one for the same pupil
    with pytest.raises(sqlcipher3.dbapi2.Error):
        conn.execute(insert, ("BP-2026-0001", 2, one))  # a behaviour plan's reference here


def test_who_writes_which_kind(
    school_year: Session, lead: Session, session_as: Callable[[Role], Session]
) -> None:
    made = risk_assessments.make_assessment(lead, PUPIL_B, plan())
    assert (made.reference, made.kind) == ("BP-2026-0001 version 1", AssessmentKind.BEHAVIOUR_PLAN)
    with pytest.raises(PermissionDenied):
        risk_assessments.make_assessment(lead, PUPIL_B, plan(), "safeguarding")
    with pytest.raises(PermissionDenied):
        risk_assessments.make_assessment(lead, PUPIL_B, plan(kind="safeguarding"))
    head = school_year
    risk_assessments.make_assessment(head, PUPIL_B, plan())  # the head's own: safeguarding
    second = risk_assessments.make_assessment(head, PUPIL_B, plan("2027-01-20"), "behaviour_plan")
    assert second.reference == "BP-2026-0001 version 2"
    kinds = [h.kind for h in risk_assessments.pupil_assessments(head, PUPIL_B)]
    assert kinds == [AssessmentKind.SAFEGUARDING, AssessmentKind.BEHAVIOUR_PLAN]
    [mine] = risk_assessments.pupil_assessments(lead, PUPIL_B)  # the plan only
    assert [v.version for v in mine.versions] == [2, 1]
    assert [a.ref for a in risk_assessments.records_listing(lead, PUPIL_B)] == ["BP-2026-0001"]
    staff = session_as(Role.STAFF)
    for kind in AssessmentKind:
        with pytest.raises(PermissionDenied):
            risk_assessments.make_assessment(staff, PUPIL_C, plan(), kind)
    with pytest.raises(PermissionDenied):
        risk_assessments.pupil_assessments(staff, PUPIL_B)
    with pytest.raises(PermissionDenied):
        risk_assessments.vulnerable_pupils(staff)
    assert risk_assessments.records_listing(staff, PUPIL_B) == []


def _interventions(session: Session, upn: str, days: list[str]) -> None:
    for day in days:
        record_at(session, Kind.INTERVENTION, f"{day}T10:00", pupil=upn)


def test_vulnerable_pupils_and_the_queue(school_year: Session, lead: Session) -> None:
    head = school_year
    pupil_status.start_status(head, PUPIL_A, StatusKind.CHILD_PROTECTION_PLAN, "2026-11-02")
    pupil_status.start_status(head, PUPIL_C, StatusKind.YOUNG_CARER, "2026-10-01")  # not one
    _interventions(head, PUPIL_B, ["2026-03-02", "2026-10-05", "2026-11-03", "2026-11-10"])
    _interventions(head, PUPIL_C, ["2026-11-04", "2026-11-05"])  # two: under the number
    head.clock = lead.clock = FixedClock(at("2026-11-16T09:30"))
    found = {v.upn: v for v in risk_assessments.vulnerable_pupils(head)}
    assert set(found) == {PUPIL_A, PUPIL_B}
    assert found[PUPIL_A].reasons == ("Child protection plan",)
    assert found[PUPIL_B].reasons == ("3 physical interventions in the last 180 days",)
    assert found[PUPIL_B].since == date(2026, 10, 5)  # the third of the three
    # The behaviour lead sees only what the behaviour file says.
    assert [v.upn for v in risk_assessments.vulnerable_pupils(lead)] == [PUPIL_B]

    now = head.clock.now()
    items = [i for i in queue.load_queue(head).items if i.kind is ItemKind.RISK_MISSING]
    assert {i.pupils[0][0] for i in items} == {PUPIL_A, PUPIL_B}
    missing_b = next(i for i in items if i.pupils[0][0] == PUPIL_B)
    assert missing_b.status(now) is Timeliness.OVERDUE  # five school days have passed

    # A behaviour plan for B (the lead's) counts as B's current assessment; A's review is soon.
    risk_assessments.make_assessment(lead, PUPIL_B, plan("2027-01-15"))
    risk_assessments.make_assessment(head, PUPIL_A, plan("2026-11-26"))
    assert risk_assessments.vulnerable_pupils(head) == []
    [review] = [i for i in queue.load_queue(head).items if i.kind.value.startswith("risk")]
    assert (review.kind, review.case_ref, review.item_id) == (
        ItemKind.RISK_REVIEW,
        "RA-2026-0001",
        1,
    )
    assert review.due_at == at("2026-11-26T08:30")  # the start of the review day's school day
    assert review.started_at == at("2026-11-12T08:30")  # in the queue 14 days before
    assert review.status(now) is Timeliness.ON_TIME
    assert review.status(at("2026-11-23T09:00")) is Timeliness.DUE_SOON
    assert review.pupils == ((PUPIL_A, "Shiv O'Connor-Nguyễn"),)

    # Once the review date has passed, the review is overdue; A lacks a current one again.
    head.clock = FixedClock(at("2026-11-27T09:00"))
    kinds = sorted(i.kind.value for i in queue.load_queue(head).items if i.pupils == review.pupils)
    assert kinds == ["risk_review"]  # the overdue review says it: no second item
    [again] = risk_assessments.vulnerable_pupils(head)
    assert (again.upn, again.last_review_on) == (PUPIL_A, date(2026, 11, 26))
    head.clock = FixedClock(at("2026-11-27T09:05"))
    risk_assessments.make_assessment(head, PUPIL_A, plan("2027-02-26"))
    assert not [i for i in queue.load_queue(head).items if i.kind.value.startswith("risk")]
