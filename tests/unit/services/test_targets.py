"""Behaviour targets on real encrypted files: who sets and who reads them, the baseline and
weekly figures across a half-term, amendments moving a record's week, pupil and year-group
targets, versions and retirement, the append-only table and verify."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlcipher3

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import amendments, integrity, records, school_calendar, targets
from safedesk.services.session import Session
from safedesk.store import audit, ledger
from tests import factories
from tests.factories import PUPIL_A, PUPIL_C

INCIDENTS = {"measure": "incidents_per_week", "goal": "0.5", "goal_on": "18/12/2026"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


@pytest.fixture
def school_year(head_session: Session) -> Session:
    """Pupils, and the autumn term with half-term in the week of 26 October 2026."""
    factories.add_pupils(head_session)
    school_calendar.add_term(head_session, "2026-09-02", "2026-10-23")
    school_calendar.add_term(head_session, "2026-11-02", "2026-12-18")
    school_calendar.add_term(head_session, "2027-01-05", "2027-03-26")
    return head_session


@pytest.fixture
def lead(school_year: Session, session_as: Callable[[Role], Session]) -> Session:
    return session_as(Role.BEHAVIOUR_LEAD)


def record_at(session: Session, kind: Kind, when: str, **changes: Any) -> str:
    """A record of something that happened at ``when`` (local), recorded an hour later."""
    session.clock = FixedClock(at(when) + timedelta(hours=1))
    payload = factories.PAYLOADS[kind]() | changes
    if kind is Kind.INTERVENTION:
        payload |= {
            "started_at": at(when).isoformat(),
            "ended_at": (at(when) + timedelta(minutes=10)).isoformat(),
            "parent_informed_at": (at(when) + timedelta(minutes=30)).isoformat(),
        }
    else:
        payload["occurred_at"] = at(when).isoformat()
    return records.record(session, kind, payload)


def set_on(session: Session, when: str, payload: dict[str, Any]) -> int:
    session.clock = FixedClock(at(when))
    return targets.set_target(session, payload)


def view_on(session: Session, when: str) -> list[targets.TargetView]:
    session.clock = FixedClock(at(when))
    return targets.current_targets(session)


def figures(view: targets.TargetView) -> dict[date, tuple[int | None, float | None]]:
    return {w.monday: (w.figure, w.line) for w in view.progress.weeks}


def test_baseline_and_weeks_across_half_term_with_amended_times(
    school_year: Session, lead: Session
) -> None:
    head = school_year
    # Six incidents in the six school weeks before it is set; two in half-term, not counted.
    for day in ("09-15", "09-22", "09-29", "10-06", "10-13", "10-20"):
        record_at(head, Kind.BEHAVIOUR, f"2026-{day}T10:00")
    half_term = [record_at(head, Kind.BEHAVIOUR, "2026-10-27T10:00") for _ in range(2)]
    record_at(head, Kind.INTERVENTION, "2026-10-14T10:00")  # not an incident
    number = set_on(lead, "2026-11-04T12:00", INCIDENTS)  # a Wednesday after half-term
    record_at(head, Kind.BEHAVIOUR, "2026-11-10T10:00")
    # An amended time moves a record to another week.
    head.clock = FixedClock(at("2026-11-17T09:00"))
    amendments.amend(head, half_term[0], "occurred_at", "2026-11-16T10:00", "Wrong week typed.")
    [view] = view_on(lead, "2026-11-18T12:00")
    assert view.target.number == number
    assert view.target.baseline == 1.0
    assert (view.applies_to, view.measure) == ("Whole school", "Behaviour incidents a week")
    weeks = figures(view)
    assert weeks[date(2026, 11, 2)] == (0, 1.0)
    assert weeks[date(2026, 11, 9)] == (1, 0.92)  # 1 of 6 school weeks to 18 December
    assert weeks[date(2026, 11, 16)] == (1, 0.83)  # the amended one, this week
    assert weeks[date(2026, 12, 14)] == (None, 0.5)
    assert view.progress.on_track is False  # 1 is over 0.92, the last week that is over
    # The half-term record left where it was does not count: the target began after it.
    assert date(2026, 10, 26) not in weeks


def test_pupil_and_year_group_targets_count_the_pupils_named(
    school_year: Session, lead: Session
) -> None:
    head = school_year
    # A (year 3) and B (year 4) in an incident; A alone in an intervention.
    record_at(head, Kind.BEHAVIOUR, "2026-11-09T10:00")
    record_at(head, Kind.INTERVENTION, "2026-11-10T10:00")
    record_at(
        head, Kind.BEHAVIOUR, "2026-11-11T10:00", behaviour_type="bullying", bullying_type="verbal"
    )
    goal = {"goal": "0", "goal_on": "18/12/2026"}
    plans = {
        "pupil A, interventions": {
            "scope": "pupil",
            "pupil": PUPIL_A,
            "measure": "interventions_per_week",
        },
        "pupil C, incidents": {"scope": "pupil", "pupil": PUPIL_C, "measure": "incidents_per_week"},
        "year 4, incidents": {
            "scope": "year_group",
            "year_group": "4",
            "measure": "incidents_per_week",
        },
        "year 4, bullying": {
            "scope": "year_group",
            "year_group": "4",
            "measure": "bullying_per_week",
        },
        "school, verbal abuse": {
            "measure": "incidents_of_type_per_week",
            "behaviour_type": "verbal_abuse",
        },
    }
    for plan in plans.values():
        set_on(lead, "2026-11-02T08:00", plan | goal)
    views = view_on(lead, "2026-11-20T12:00")
    found = {(v.applies_to, v.measure): figures(v)[date(2026, 11, 9)][0] for v in views}
    assert found == {
        ("Shiv O'Connor-Nguyễn", "Physical interventions a week"): 1,
        ("Mateo De la Cruz", "Behaviour incidents a week"): 0,
        ("Year 4", "Behaviour incidents a week"): 2,
        ("Year 4", "Bullying incidents a week"): 1,
        ("Whole school", "Verbal abuse incidents a week"): 1,
    }


def test_the_behaviour_lead_and_head_set_a_dsl_reads_others_are_refused(
    school_year: Session, lead: Session, session_as: Callable[[Role], Session]
) -> None:
    set_on(lead, "2026-11-04T12:00", INCIDENTS)
    set_on(school_year, "2026-11-04T12:00", INCIDENTS)
    dsl = session_as(Role.DSL)
    assert len(view_on(dsl, "2026-11-18T12:00")) == 2
    with dsl.store.read() as conn:
        viewed = [e for e in audit.events(conn) if e.action == "targets.viewed"]
    assert [(e.actor, e.detail) for e in viewed] == [(dsl.user.username, {"targets": [1, 2]})]
    assert not targets.may_set(dsl)
    assert targets.may_set(lead)
    with pytest.raises(PermissionDenied, match="not allowed to set behaviour targets"):
        set_on(dsl, "2026-11-04T12:00", INCIDENTS)
    with pytest.raises(PermissionDenied):
        targets.revise_target(dsl, 1, {"goal": "1", "goal_on": "01/01/2027"})
    with pytest.raises(PermissionDenied):
        targets.retire_target(dsl, 1, "Done.")
    for role in (Role.STAFF, Role.ADMIN):
        other = session_as(role)
        with pytest.raises(PermissionDenied, match="not allowed to see behaviour targets"):
            targets.current_targets(other)
        with pytest.raises(PermissionDenied):
            set_on(other, "2026-11-04T12:00", INCIDENTS)
    with school_year.store.read() as conn:
        refused = [e for e in audit.events(conn) if e.action == "permission.refused"]
    assert len(refused) == 3 + 2 * 2


def test_versions_and_retirement_are_kept_and_audited(school_year: Session, lead: Session) -> None:
    number = set_on(lead, "2026-11-04T12:00", INCIDENTS | {"note": "Lunchtimes."})
    lead.clock = FixedClock(at("2026-11-11T12:00"))
    assert targets.revise_target(lead, number, {"goal": "1", "goal_on": "15/01/2027"}) == 2
    [view] = view_on(lead, "2026-11-11T12:00")
    assert (view.target.version, view.target.target.goal) == (2, 1.0)
    assert view.target.target.goal_on == date(2027, 1, 15)
    assert view.target.target.note is None
    assert view.target.start_week == date(2026, 11, 2)  # the line still starts where it did
    with pytest.raises(ValidationError) as refused:
        targets.revise_target(lead, number, {"goal": "", "goal_on": "01/11/2026"})
    assert refused.value.problems == {
        "Goal a week": "is required",
        "Goal date": "must be after today (11/11/2026)",
    }
    with pytest.raises(ValidationError, match="Why it is retired: is required"):
        targets.retire_target(lead, number, "  ")
    targets.retire_target(school_year, number, "The new behaviour plan replaces it.")
    assert view_on(lead, "2026-11-12T12:00") == []
    with pytest.raises(ValidationError, match="was retired"):
        targets.revise_target(lead, number, {"goal": "2", "goal_on": "15/01/2027"})
    with lead.compartment(Compartment.BEHAVIOUR).read() as conn:
        actions = [e.action for e in audit.events(conn) if e.action.startswith("target.")]
        versions = [
            tuple(row)
            for row in conn.execute("SELECT version, goal, note FROM behaviour_target ORDER BY id")
        ]
    assert actions == ["target.set", "target.revised", "target.retired"]
    assert versions == [(1, 0.5, "Lunchtimes."), (2, 1.0, None)]
    report = integrity.verify(school_year)
    assert report.ok, report.problems


def test_the_tables_refuse_updates_deletes_and_a_changed_measure(
    school_year: Session, lead: Session
) -> None:
    number = set_on(lead, "2026-11-04T12:00", INCIDENTS)
    targets.retire_target(lead, number, "Met early.")
    conn = lead.compartment(Compartment.BEHAVIOUR).connection()
    for sql in (
        "UPDATE behaviour_target SET goal = 9",
        "DELETE FROM behaviour_target",
        "UPDATE behaviour_target_retired SET reason = 'x'",
        "DELETE FROM behaviour_target_retired",
    ):
        with pytest.raises(sqlcipher3.dbapi2.Error, match="append-only"):
            conn.execute(sql)
    insert = (
        "INSERT INTO behaviour_target (number, version, scope, measure, behaviour_type, "
        "baseline, goal, goal_on, author, set_at) VALUES (?, ?, 'school', ?, NULL, 1.0, 0, "
        "'2027-01-01', 'x', '2026-11-04T12:00:00+00:00')"
    )
    with pytest.raises(sqlcipher3.dbapi2.Error, match="retired target"):
        conn.execute(insert, (number, 2, "incidents_per_week"))
    second = set_on(lead, "2026-11-05T12:00", INCIDENTS)
    with pytest.raises(sqlcipher3.dbapi2.Error, match="same measure"):
        conn.execute(insert, (second, 2, "bullying_per_week"))
    with pytest.raises(sqlcipher3.dbapi2.Error, match="same measure"):
        conn.execute(insert, (second, 3, "incidents_per_week"))  # a version skipped
    with pytest.raises(sqlcipher3.dbapi2.Error):
        conn.execute(insert, (99, 1, "incidents_of_type_per_week"))  # no type named


def test_a_target_is_refused_with_the_forms_labels(school_year: Session, lead: Session) -> None:
    with pytest.raises(ValidationError) as refused:
        set_on(
            lead,
            "2026-11-04T12:00",
            {
                "scope": "year_group",
                "year_group": "9",
                "measure": "incidents_per_week",
                "goal": "1",
                "goal_on": "18/12/2026",
            },
        )
    assert refused.value.problems == {"Year group": "9 has no pupil on roll"}


def test_a_goal_rewritten_behind_the_programs_back_is_found_by_verify(
    school_year: Session, lead: Session
) -> None:
    number = set_on(lead, "2026-11-04T12:00", INCIDENTS)
    assert integrity.verify(school_year).ok
    with lead.compartment(Compartment.BEHAVIOUR, "test").write() as conn:
        row_id = conn.execute("SELECT id FROM behaviour_target WHERE number = ?", (number,))
        target_id = row_id.fetchone()[0]
        kept = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'behaviour_target_no_update'"
        ).fetchone()[0]
        conn.execute("DROP TRIGGER behaviour_target_no_update")
        conn.execute("UPDATE behaviour_target SET goal = 3 WHERE id = ?", (target_id,))
        conn.execute(kept)
        ledger.touched(conn, "behaviour_target", [target_id], ledger.UPDATE)  # signed, even
    problems = integrity.verify(school_year).problems
    assert any(
        "behaviour_target row" in p and "changed after it was written" in p for p in problems
    ), problems
