"""The DSL queue with a frozen clock: weekends, term dates, closures, bank holidays, Encompass."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind, Urgency
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.domain.time_to_action import Timeliness
from safedesk.services import (
    amendments,
    casework,
    membership,
    queue,
    records,
    school_calendar,
    settings,
    users,
)
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import OTHER_PASSWORD
from tests.factories import PUPIL_A, PUPIL_B


def at(text: str) -> datetime:
    """A local (Europe/London) time, as the school's clock shows it."""
    return datetime.fromisoformat(text).astimezone()


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    return session_as(Role.DSL)


def raise_concern(session: Session, when: str, urgency: str, pupil: str = PUPIL_A) -> str:
    session.clock = FixedClock(at(when))
    payload = factories.concern() | {
        "pupils": [pupil],
        "urgency": urgency,
        "occurred_at": (at(when) - timedelta(minutes=10)).isoformat(),
    }
    return records.record(session, Kind.CONCERN, payload)


def state(session: Session, when: str) -> list[tuple[str, str, Timeliness, str]]:
    found = queue.load_queue(session, at(when))
    return [
        (i.case_ref, i.kind.value, i.status(found.at), f"{i.due_at.astimezone():%a %d %H:%M}")
        for i in found.items
    ]


def test_routine_concern_on_friday_is_due_monday(dsl: Session) -> None:
    ref = raise_concern(dsl, "2026-11-20T16:00", "routine")  # a Friday
    assert state(dsl, "2026-11-21T12:00") == [(ref, "concern", Timeliness.ON_TIME, "Mon 23 16:00")]
    # Amber in the last quarter of the 72 hours allowed: from Monday 22:00 … 16:00 minus 18 h.
    assert state(dsl, "2026-11-22T21:59")[0][2] is Timeliness.ON_TIME
    assert state(dsl, "2026-11-22T22:00")[0][2] is Timeliness.DUE_SOON
    assert state(dsl, "2026-11-23T16:01")[0][2] is Timeliness.OVERDUE


def test_immediate_and_urgent_targets_in_hours(dsl: Session) -> None:
    immediate = raise_concern(dsl, "2026-11-23T10:00", "immediate")
    urgent = raise_concern(dsl, "2026-11-23T10:00", "urgent", PUPIL_B)
    found = queue.load_queue(dsl, at("2026-11-23T10:50"))
    by_ref = {i.case_ref: i for i in found.items}
    assert by_ref[immediate].due_at == at("2026-11-23T11:00")
    assert by_ref[urgent].due_at == at("2026-11-23T14:00")
    assert by_ref[immediate].status(found.at) is Timeliness.DUE_SOON
    assert by_ref[immediate].time_left(found.at) == "due in 10 min"
    later = at("2026-11-23T12:10")
    assert by_ref[immediate].time_left(later) == "overdue by 1 h 10 min"
    assert by_ref[immediate].escalated(later)  # overdue by more than its hour again
    assert not by_ref[urgent].escalated(later)
    # Most urgent first: immediate before urgent, whatever the order of recording.
    assert [i.case_ref for i in found.items] == [immediate, urgent]


def test_overdue_comes_first_then_urgency_then_oldest(dsl: Session) -> None:
    old_routine = raise_concern(dsl, "2026-11-16T09:00", "routine")
    new_routine = raise_concern(dsl, "2026-11-23T09:00", "routine", PUPIL_B)
    urgent = raise_concern(dsl, "2026-11-23T09:30", "urgent")
    refs = [row[0] for row in state(dsl, "2026-11-23T10:00")]
    assert refs == [old_routine, urgent, new_routine]


def test_term_dates_and_closures_move_the_deadline(dsl: Session, head_session: Session) -> None:
    school_calendar.add_term(head_session, "2026-09-02", "2026-10-23")
    school_calendar.add_term(head_session, "02/11/2026", "18/12/2026")
    school_calendar.add_closure(head_session, "2026-11-02", "INSET day")
    ref = raise_concern(dsl, "2026-10-23T14:00", "routine")  # last day of the autumn half-term
    # Half term, then an INSET day: the next school day is Tuesday 3 November.
    assert state(dsl, "2026-10-24T09:00") == [(ref, "concern", Timeliness.ON_TIME, "Tue 03 14:00")]


def test_encompass_is_due_before_the_next_school_day_starts(dsl: Session) -> None:
    dsl.clock = FixedClock(at("2026-11-20T21:00"))
    ref = casework.record_notification(
        dsl,
        {
            "pupils": [PUPIL_B],
            "received_at": "2026-11-20T20:30",
            "received_from": "Operation Encompass",
            "summary": "Police attended a domestic incident; Zoë was at home.",
        },
    )
    assert state(dsl, "2026-11-21T09:00") == [
        (ref, "notification", Timeliness.ON_TIME, "Mon 23 08:30")
    ]
    assert state(dsl, "2026-11-23T08:31")[0][2] is Timeliness.OVERDUE


def test_encompass_skips_christmas_bank_holidays_and_follows_the_start_time(
    dsl: Session, head_session: Session
) -> None:
    settings.update_settings(head_session, school_day_start="08:45")
    dsl.clock = FixedClock(at("2026-12-24T19:00"))
    casework.record_notification(
        dsl,
        {
            "pupils": [PUPIL_A],
            "received_at": "2026-12-24T18:00",
            "received_from": "Operation Encompass",
            "summary": "Incident at home on Christmas Eve.",
        },
    )
    # 25 Dec (Fri) and 28 Dec (Boxing Day observed, Mon) are bank holidays.
    assert state(dsl, "2026-12-24T19:00")[0][3] == "Tue 29 08:45"


def test_acknowledging_stops_the_first_clock(dsl: Session) -> None:
    ref = raise_concern(dsl, "2026-11-23T10:00", "urgent")
    dsl.clock = FixedClock(at("2026-11-23T13:00"))
    casework.act(dsl, ref, {"type": "acknowledge"})
    found = queue.load_queue(dsl, at("2026-11-23T15:00"))
    (item,) = found.items
    assert item.what == "Decision needed"
    assert item.started_at == at("2026-11-23T13:00")
    assert item.due_at == at("2026-11-23T17:00")
    assert item.status(found.at) is Timeliness.ON_TIME


def test_follow_ups_feed_the_queue_until_done(dsl: Session) -> None:
    ref = raise_concern(dsl, "2026-11-23T09:00", "urgent")
    dsl.clock = FixedClock(at("2026-11-23T10:00"))
    casework.act(
        dsl,
        ref,
        {"type": "triage", "decision": "monitor", "rationale": "Watch", "review_on": "2026-12-07"},
    )
    action = casework.act(
        dsl,
        ref,
        {"type": "action", "description": "Ring mum", "owner": "TH", "due_on": "2026-11-24"},
    )
    referral = casework.act(
        dsl,
        ref,
        {
            "type": "referral",
            "agency": "early_help",
            "made_at": "2026-11-23T09:45",
            "method": "online_form",
            "spoken_to": "Early help hub",
        },
    )
    rows = {(kind, due) for _, kind, _, due in state(dsl, "2026-11-23T11:00")}
    assert rows == {
        ("review", "Mon 07 08:30"),
        ("action", "Wed 25 00:00"),
        ("referral", "Tue 24 09:45"),  # chased after one working day
    }
    # Late on the day after, the action and the referral are overdue.
    late = {kind: status for _, kind, status, _ in state(dsl, "2026-11-25T09:00")}
    assert late == {
        "action": Timeliness.OVERDUE,
        "referral": Timeliness.OVERDUE,
        "review": Timeliness.ON_TIME,
    }
    casework.act(dsl, ref, {"type": "action_done", "action_id": action})
    casework.act(
        dsl,
        ref,
        {
            "type": "referral_decision",
            "referral_id": referral,
            "decision": "Family support worker allocated.",
            "decided_on": "2026-11-23",
            "feedback_to_referrer": "Told the class teacher.",
        },
    )
    assert [kind for _, kind, _, _ in state(dsl, "2026-11-25T09:00")] == ["review"]
    casework.act(dsl, ref, {"type": "closure", "outcome": "Support in place", "rationale": "OK"})
    assert state(dsl, "2026-11-25T09:00") == []


def test_referral_decision_date_is_used_when_given(dsl: Session) -> None:
    ref = raise_concern(dsl, "2026-11-23T09:00", "urgent")
    dsl.clock = FixedClock(at("2026-11-23T10:00"))
    casework.act(dsl, ref, {"type": "triage", "decision": "social_care", "rationale": "Met"})
    casework.act(
        dsl,
        ref,
        {
            "type": "referral",
            "agency": "social_care",
            "made_at": "2026-11-23T09:50",
            "method": "phone",
            "spoken_to": "MASH duty worker",
            "decision_due": "2026-11-26",
        },
    )
    found = queue.load_queue(dsl, at("2026-11-23T11:00"))
    (item,) = found.items
    assert item.kind is ItemKind.REFERRAL
    assert item.due_at == at("2026-11-26T08:30")
    assert "Children's social care" in item.what


def test_amended_urgency_changes_the_deadline(dsl: Session) -> None:
    ref = raise_concern(dsl, "2026-11-23T09:00", "routine")
    amendments.amend(dsl, ref, "urgency", "immediate", "Child said it happened again today")
    (item,) = queue.load_queue(dsl, at("2026-11-23T09:30")).items
    assert item.due_at == at("2026-11-23T10:00")


def test_targets_are_settings(dsl: Session, head_session: Session) -> None:
    settings.update_settings(head_session, urgent_minutes=120)
    ref = raise_concern(dsl, "2026-11-23T09:00", "urgent")
    (item,) = queue.load_queue(dsl, at("2026-11-23T09:30")).items
    assert (item.case_ref, item.due_at) == (ref, at("2026-11-23T11:00"))


@pytest.mark.parametrize("role", [Role.STAFF, Role.BEHAVIOUR_LEAD, Role.ADMIN])
def test_only_casework_roles_see_the_queue(
    dsl: Session, session_as: Callable[[Role], Session], role: Role
) -> None:
    raise_concern(dsl, "2026-11-23T09:00", "urgent")
    with pytest.raises(PermissionDenied):
        queue.load_queue(session_as(role))
    with pytest.raises(PermissionDenied):
        queue.figures(session_as(role), date(2026, 11, 1), date(2026, 11, 30))


def test_head_sees_the_queue(head_session: Session) -> None:
    factories.add_pupils(head_session)
    ref = raise_concern(head_session, "2026-11-23T09:00", "urgent")
    assert [i.case_ref for i in queue.load_queue(head_session).items] == [ref]


def ack(session: Session, ref: str, when: str, **extra: Any) -> None:
    session.clock = FixedClock(at(when))
    casework.act(session, ref, {"type": "acknowledge"} | extra)


def test_time_to_action_figures(dsl: Session) -> None:
    quick = raise_concern(dsl, "2026-11-23T09:00", "urgent")
    slow = raise_concern(dsl, "2026-11-23T09:00", "urgent", PUPIL_B)
    waiting = raise_concern(dsl, "2026-11-16T09:00", "routine")
    raise_concern(dsl, "2026-11-23T09:00", "immediate")  # not yet due at the time asked
    outside = raise_concern(dsl, "2026-10-01T09:00", "urgent")
    ack(dsl, quick, "2026-11-23T10:00")
    ack(dsl, slow, "2026-11-23T14:00")
    ack(dsl, outside, "2026-10-01T09:30")
    dsl.clock = FixedClock(at("2026-11-23T16:00"))
    casework.act(dsl, quick, {"type": "triage", "decision": "early_help", "rationale": "Help"})

    rows = {
        r.urgency.value: r
        for r in queue.figures(
            dsl, date(2026, 11, 1), date(2026, 11, 30), at=at("2026-11-23T09:30")
        )
    }
    urgent = rows["urgent"]
    assert (urgent.recorded, urgent.acknowledged, urgent.acknowledged_in_target) == (2, 2, 1)
    assert urgent.share_in_target == 0.5
    assert urgent.median_to_acknowledge == timedelta(hours=3)  # 1 h and 5 h
    assert (urgent.acted, urgent.median_to_first_action) == (1, timedelta(hours=7))
    routine = rows["routine"]
    assert (routine.recorded, routine.waiting_overdue, routine.share_in_target) == (1, 1, 0.0)
    immediate = rows["immediate"]
    assert (immediate.recorded, immediate.waiting_overdue, immediate.share_in_target) == (
        1,
        0,
        None,
    )
    assert waiting  # recorded in range, never acknowledged


def test_a_requested_dsl_role_waits_in_the_queue_until_granted(
    dsl: Session, head_session: Session
) -> None:
    head_session.clock = FixedClock(at("2026-11-23T09:00"))
    users.add_user(
        head_session,
        username="new.dsl",
        display_name="Mrs Rhiannon Pryce",
        roles={Role.DSL},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    users.add_user(
        head_session,
        username="new.ta",
        display_name="Mr Ola Adeyemi",
        roles={Role.STAFF},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    found = queue.load_queue(dsl, at("2026-11-23T10:00"))
    (item,) = found.items  # staff is given at once: nothing to grant
    assert (item.kind, item.case_ref, item.urgency) == (
        ItemKind.REQUEST,
        "new.dsl",
        Urgency.ROUTINE,
    )
    assert "Mrs Rhiannon Pryce" in item.what and Role.DSL.label in item.what
    assert item.due_at == at("2026-11-24T09:00")  # a school day to do it in person
    assert item.status(found.at) is Timeliness.ON_TIME
    membership.grant(dsl, "new.dsl", Role.DSL, OTHER_PASSWORD, new_password="new.dsl chose this")
    assert queue.load_queue(dsl, at("2026-11-23T10:00")).items == ()


def test_a_gap_in_a_writers_sequence_is_an_alarm_in_the_queue(
    dsl: Session, session_as: Callable[[Role], Session]
) -> None:
    staff = session_as(Role.STAFF)
    first = raise_concern(staff, "2026-11-23T09:00", "routine")
    second = raise_concern(staff, "2026-11-23T09:05", "routine", PUPIL_B)
    # Someone with the school key removes the first item from the inbox before it is taken in.
    with staff.store.write() as conn:
        conn.execute(
            "DELETE FROM inbox_item WHERE id = (SELECT min(id) FROM inbox_item "
            "WHERE compartment = 'safeguarding')"
        )
    dsl.clock = FixedClock(at("2026-11-23T09:30"))
    found = queue.load_queue(dsl, at("2026-11-23T09:30"))
    alarms = [i for i in found.items if i.kind is ItemKind.ALARM]
    (alarm,) = alarms
    assert staff.user.username in alarm.what and "never arrived" in alarm.what
    assert (alarm.urgency, alarm.started_at) == (Urgency.URGENT, at("2026-11-23T09:30"))
    assert alarm.case_ref.startswith("ALARM-S")
    assert [i.case_ref for i in found.items if i.kind is ItemKind.CONCERN] == [second]
    assert first not in {i.case_ref for i in found.items}
    # It stays in the queue: looking again neither clears nor repeats it.
    again = queue.load_queue(dsl, at("2026-11-23T09:45")).items
    assert [i.key for i in again if i.kind is ItemKind.ALARM] == [alarm.key]
