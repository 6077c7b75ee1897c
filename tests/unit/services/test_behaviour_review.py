"""The behaviour lead's inbox and leaders' reviews: order, timing, permissions, the schema and
verify, on real encrypted files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlcipher3

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.domain.time_to_action import Timeliness
from safedesk.services import behaviour_review, integrity, records, settings
from safedesk.services.session import Session
from safedesk.store import audit
from tests import factories
from tests.factories import PUPIL_B

SIGN_OFF = {"decision": "signed_off", "note": "Spoke to both pupils; the plan is working."}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


@pytest.fixture
def lead(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    return session_as(Role.BEHAVIOUR_LEAD)


@pytest.fixture
def teacher(lead: Session, session_as: Callable[[Role], Session]) -> Session:
    return session_as(Role.STAFF)


def record_at(session: Session, kind: Kind, when: str, **changes: Any) -> str:
    """A record made at ``when`` (local), which happened ten minutes before."""
    session.clock = FixedClock(at(when))
    payload = factories.PAYLOADS[kind]() | changes
    before = (at(when) - timedelta(minutes=10)).isoformat()
    if kind is Kind.INTERVENTION:
        payload |= {
            "started_at": (at(when) - timedelta(minutes=40)).isoformat(),
            "ended_at": before,
            "parent_informed_at": before,
        }
    else:
        payload["occurred_at"] = before
    return records.record(session, kind, payload)


def test_interventions_first_then_severity_then_oldest(teacher: Session, lead: Session) -> None:
    low = record_at(teacher, Kind.BEHAVIOUR, "2026-11-23T09:00", severity="low")
    medium = record_at(teacher, Kind.BEHAVIOUR, "2026-11-23T09:05")
    high = record_at(teacher, Kind.BEHAVIOUR, "2026-11-23T09:30", severity="high")
    intervention = record_at(teacher, Kind.INTERVENTION, "2026-11-23T10:00")
    older_high = record_at(teacher, Kind.BEHAVIOUR, "2026-11-23T09:10", severity="high")
    inbox = behaviour_review.load_inbox(lead, at("2026-11-23T11:00"))  # takes them in
    assert [i.ref for i in inbox.items] == [intervention, older_high, high, medium, low]
    first = inbox.items[0]
    assert first.what == "Physical intervention, Corridor"
    assert [name for _, name in first.pupils] == ["Shiv O'Connor-Nguyễn"]
    assert first.recorded_by.startswith("Test staff")
    assert inbox.items[3].what == "Verbal abuse (Medium), Playground"


def test_review_timing_in_school_days_amber_then_red(teacher: Session, lead: Session) -> None:
    intervention = record_at(teacher, Kind.INTERVENTION, "2026-11-20T14:00")  # a Friday
    high = record_at(teacher, Kind.BEHAVIOUR, "2026-11-20T14:00", severity="high")
    medium = record_at(teacher, Kind.BEHAVIOUR, "2026-11-20T14:00")

    def status(when: str) -> dict[str, tuple[Timeliness, str]]:
        inbox = behaviour_review.load_inbox(lead, at(when))
        return {
            i.ref: (i.status(inbox.at), f"{i.due_at.astimezone():%a %d %H:%M}") for i in inbox.items
        }

    # Interventions and the most serious incidents within 1 school day; others within 3.
    assert status("2026-11-21T10:00") == {
        intervention: (Timeliness.ON_TIME, "Mon 23 14:00"),
        high: (Timeliness.ON_TIME, "Mon 23 14:00"),
        medium: (Timeliness.ON_TIME, "Wed 25 14:00"),
    }
    # Amber in the last quarter of the 72 hours allowed, as in the DSL queue.
    assert status("2026-11-22T19:59")[intervention][0] is Timeliness.ON_TIME
    assert status("2026-11-22T20:00")[intervention][0] is Timeliness.DUE_SOON
    late = status("2026-11-23T14:01")
    assert late[intervention][0] is Timeliness.OVERDUE
    assert late[medium][0] is Timeliness.ON_TIME
    inbox = behaviour_review.load_inbox(lead, at("2026-11-23T14:01"))
    assert inbox.count("overdue") == 2


def test_targets_are_settings(teacher: Session, lead: Session, head_session: Session) -> None:
    settings.update_settings(
        head_session, intervention_review_school_days=2, behaviour_review_school_days=5
    )
    intervention = record_at(teacher, Kind.INTERVENTION, "2026-11-23T10:00")  # a Monday
    medium = record_at(teacher, Kind.BEHAVIOUR, "2026-11-23T10:00")
    inbox = behaviour_review.load_inbox(lead, at("2026-11-23T11:00"))
    due = {i.ref: i.due_at for i in inbox.items}
    assert due[intervention] == at("2026-11-25T10:00")
    assert due[medium] == at("2026-11-30T10:00")


def test_a_setting_out_of_range_is_named_as_people_see_it(head_session: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        settings.update_settings(head_session, intervention_review_school_days=0)
    assert caught.value.problems == {
        "Review a physical intervention within": "must be between 1 and 20 school days"
    }


def test_a_review_takes_the_record_off_the_list(teacher: Session, lead: Session) -> None:
    ref = record_at(teacher, Kind.INTERVENTION, "2026-11-23T10:00")
    lead.clock = FixedClock(at("2026-11-23T12:00"))
    review_id = behaviour_review.record_review(lead, ref, SIGN_OFF)
    assert behaviour_review.load_inbox(lead).items == ()
    everything = behaviour_review.load_inbox(lead, include_reviewed=True)
    [item] = everything.items
    assert item.reviewed and item.review is not None
    assert item.review.id == review_id
    assert item.review.review.note == SIGN_OFF["note"]
    assert item.review.author_name.startswith("Test behaviour.lead")
    with lead.compartment(Compartment.BEHAVIOUR).read() as conn:
        events = [e for e in audit.events(conn) if e.action == "behaviour.reviewed"]
    assert [(e.object_id, e.detail["decision"]) for e in events] == [(ref, "signed_off")]


def test_one_review_per_record(teacher: Session, lead: Session, head_session: Session) -> None:
    ref = record_at(teacher, Kind.BEHAVIOUR, "2026-11-23T10:00")
    lead.clock = FixedClock(at("2026-11-23T12:00"))
    behaviour_review.record_review(lead, ref, SIGN_OFF)
    head_session.clock = FixedClock(at("2026-11-23T13:00"))
    with pytest.raises(ValidationError) as caught:
        behaviour_review.record_review(head_session, ref, SIGN_OFF)
    assert "already reviewed by Test behaviour.lead" in caught.value.problems["Record"]


def test_the_fields_each_decision_needs(teacher: Session, lead: Session) -> None:
    ref = record_at(teacher, Kind.BEHAVIOUR, "2026-11-23T10:00")
    lead.clock = FixedClock(at("2026-11-23T12:00"))
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({}, {"Decision": "is required: choose one", "Note": "is required"}),
        ({"decision": "signed_off", "note": "   "}, {"Note": "is required"}),
        (
            {"decision": "follow_up", "note": "Check in."},
            {"Follow-up": "is required", "Follow-up by": "is required"},
        ),
        ({"decision": "target", "note": "Set one."}, {"Target": "is required"}),
        (
            {"decision": "parents", "note": "Call home.", "parents_by": "2026-11-20"},
            {"Who contacts the parents": "is required", "Contact parents by": "today or later"},
        ),
        ({"decision": "maybe", "note": "x"}, {"Decision": "must be one of"}),
    ]
    for payload, expected in cases:
        with pytest.raises(ValidationError) as caught:
            behaviour_review.record_review(lead, ref, payload)
        assert set(caught.value.problems) == set(expected), payload
        for field, words in expected.items():
            assert words in caught.value.problems[field], (payload, field)
    assert behaviour_review.load_inbox(lead).items[0].ref == ref  # still waiting
    behaviour_review.record_review(
        lead,
        ref,
        {
            "decision": "parents",
            "note": "Call home.",
            "parents_who": "Mrs Patel (class teacher)",
            "parents_by": "2026-11-24",
        },
    )


def test_an_unknown_record_is_not_found(lead: Session) -> None:
    with pytest.raises(NotFound):
        behaviour_review.record_review(lead, "B-2026-0999", SIGN_OFF)


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_staff_and_administrators_are_refused_and_audited(
    role: Role, teacher: Session, session_as: Callable[[Role], Session]
) -> None:
    ref = record_at(teacher, Kind.INTERVENTION, "2026-11-23T10:00")
    other = session_as(role)
    for call in (
        lambda: behaviour_review.load_inbox(other),
        lambda: behaviour_review.record_review(other, ref, SIGN_OFF),
        lambda: behaviour_review.open_for_review(other, ref),
    ):
        with pytest.raises(PermissionDenied, match="not allowed to review behaviour records"):
            call()
    with other.store.read() as conn:
        refused = [e for e in audit.events(conn) if e.action == "permission.refused"]
    assert len([e for e in refused if e.actor == other.user.username]) == 3


def test_the_dsl_and_head_may_review(
    teacher: Session, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    ref = record_at(teacher, Kind.INTERVENTION, "2026-11-23T10:00")
    dsl = session_as(Role.DSL)
    assert [i.ref for i in behaviour_review.load_inbox(dsl).items] == [ref]
    opened = behaviour_review.open_for_review(head_session, ref)
    assert opened.entry.ref == ref and opened.review is None


def test_the_table_refuses_blank_notes_updates_and_deletes(teacher: Session, lead: Session) -> None:
    ref = record_at(teacher, Kind.BEHAVIOUR, "2026-11-23T10:00")
    behaviour_review.load_inbox(lead)
    store = lead.compartment(Compartment.BEHAVIOUR)
    conn = store.connection()
    insert = (
        "INSERT INTO behaviour_review (entry_ref, decision, note, author, at) "
        "VALUES (?, ?, ?, 'x', '2026-11-23T10:00:00+00:00')"
    )
    unknown = "B-2026-0999"
    for bad in ((ref, "signed_off", " "), (ref, "whatever", "n"), (unknown, "signed_off", "n")):
        with pytest.raises(sqlcipher3.dbapi2.Error):
            conn.execute(insert, bad)
    for bad_extra in (
        "INSERT INTO behaviour_review (entry_ref, decision, note, author, at) "
        f"VALUES ('{ref}', 'follow_up', 'n', 'x', 'y')",
        "INSERT INTO behaviour_review (entry_ref, decision, note, author, at) "
        f"VALUES ('{ref}', 'target', 'n', 'x', 'y')",
        "INSERT INTO behaviour_review (entry_ref, decision, note, author, at) "
        f"VALUES ('{ref}', 'parents', 'n', 'x', 'y')",
    ):
        with pytest.raises(sqlcipher3.dbapi2.Error):
            conn.execute(bad_extra)
    lead.clock = FixedClock(at("2026-11-23T12:00"))
    behaviour_review.record_review(lead, ref, SIGN_OFF)
    with pytest.raises(sqlcipher3.dbapi2.Error, match="append-only"):
        conn.execute("UPDATE behaviour_review SET note = 'changed'")
    with pytest.raises(sqlcipher3.dbapi2.Error, match="append-only"):
        conn.execute("DELETE FROM behaviour_review")


def test_verify_passes_after_reviews(
    teacher: Session, lead: Session, head_session: Session
) -> None:
    first = record_at(teacher, Kind.INTERVENTION, "2026-11-23T10:00")
    pupils = [{"upn": PUPIL_B, "role": "instigator"}]
    second = record_at(teacher, Kind.BEHAVIOUR, "2026-11-23T10:00", pupils=pupils)
    lead.clock = FixedClock(at("2026-11-23T12:00"))
    behaviour_review.record_review(lead, first, SIGN_OFF)
    behaviour_review.record_review(
        lead, second, {"decision": "target", "note": "Agreed.", "target": "Lines up calmly."}
    )
    report = integrity.verify(head_session)
    assert report.ok, report.problems


def test_the_behaviour_files_alarms_are_shown_to_its_members(lead: Session) -> None:
    from safedesk.store import members

    with lead.compartment(Compartment.BEHAVIOUR).write() as conn:
        members.raise_alarm(
            conn, "gap", "Item 3 from t.jones never arrived.", at("2026-11-23T09:00")
        )
    inbox = behaviour_review.load_inbox(lead)
    assert [a.detail for a in inbox.alarms] == ["Item 3 from t.jones never arrived."]


def test_whoever_recorded_it_hears_it_was_reviewed_not_what_was_decided(
    teacher: Session, lead: Session
) -> None:
    from safedesk.domain.entries import Status

    signed = record_at(teacher, Kind.INTERVENTION, "2026-11-23T10:00")
    followed = record_at(teacher, Kind.BEHAVIOUR, "2026-11-23T10:05")
    lead.clock = FixedClock(at("2026-11-23T12:00"))
    behaviour_review.load_inbox(lead)
    behaviour_review.record_review(lead, signed, SIGN_OFF)
    behaviour_review.record_review(
        lead,
        followed,
        {"decision": "target", "note": "Private: his dad's illness", "target": "Calm at lunch"},
    )
    mine = {e.ref: e for e in records.my_records(teacher)}
    assert (mine[signed].status, mine[signed].outcome) == (
        Status.CLOSED,
        "Reviewed and signed off by a leader.",
    )
    assert mine[followed].status is Status.IN_PROGRESS
    assert "dad" not in str(mine[followed].outcome)
