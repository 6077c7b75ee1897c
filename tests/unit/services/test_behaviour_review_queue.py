"""Every physical intervention not yet reviewed waits in the headteacher's queue, with the
behaviour review's amber/red timing, until a leader has reviewed it."""

from __future__ import annotations

from collections.abc import Callable

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.domain.time_to_action import Timeliness
from safedesk.services import behaviour_review, queue
from safedesk.services.session import Session
from tests import factories
from tests.unit.services.test_behaviour_review import SIGN_OFF, at, record_at


def reviews_waiting(session: Session, when: str) -> list[tuple[str, str, Timeliness]]:
    found = queue.load_queue(session, at(when))
    return [
        (i.case_ref, i.what, i.status(found.at))
        for i in found.items
        if i.kind is ItemKind.BEHAVIOUR_REVIEW
    ]


def test_an_unreviewed_intervention_waits_in_the_heads_queue_until_reviewed(
    head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    teacher = session_as(Role.STAFF)
    lead = session_as(Role.BEHAVIOUR_LEAD)
    intervention = record_at(teacher, Kind.INTERVENTION, "2026-11-20T14:00")  # a Friday
    record_at(teacher, Kind.BEHAVIOUR, "2026-11-20T14:00", severity="high")  # not the head's
    assert reviews_waiting(head_session, "2026-11-21T10:00") == [
        (
            intervention,
            "Review this use of force: Physical intervention, Corridor",
            Timeliness.ON_TIME,
        )
    ]
    assert reviews_waiting(head_session, "2026-11-22T20:00")[0][2] is Timeliness.DUE_SOON
    assert reviews_waiting(head_session, "2026-11-23T14:01")[0][2] is Timeliness.OVERDUE
    lead.clock = FixedClock(at("2026-11-23T15:00"))
    behaviour_review.record_review(lead, intervention, SIGN_OFF)
    assert reviews_waiting(head_session, "2026-11-23T15:01") == []


def test_a_dsl_who_is_not_the_head_does_not_get_them(
    head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    teacher = session_as(Role.STAFF)
    record_at(teacher, Kind.INTERVENTION, "2026-11-20T14:00")
    dsl = session_as(Role.DSL)
    assert reviews_waiting(dsl, "2026-11-21T10:00") == []
    assert len(behaviour_review.load_inbox(dsl).items) == 1  # their inbox has it
