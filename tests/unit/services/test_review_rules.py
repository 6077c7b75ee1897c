"""Found by the Step 9 break-it pass: a leader signed off a physical intervention they had
recorded themselves, and it left the headteacher's queue; a "signed off" review carried a
follow-up, a date and a target that nothing would ever chase."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.services import behaviour_review, queue
from safedesk.services.session import Session
from tests import factories
from tests.unit.services.test_behaviour_review import SIGN_OFF, at, record_at


def test_nobody_reviews_their_own_use_of_force(
    head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    lead = session_as(Role.BEHAVIOUR_LEAD)
    ref = record_at(lead, Kind.INTERVENTION, "2026-11-23T10:00")
    lead.clock = FixedClock(at("2026-11-23T11:00"))
    with pytest.raises(PermissionDenied, match="another leader reviews it"):
        behaviour_review.record_review(lead, ref, SIGN_OFF)
    waiting = queue.load_queue(head_session, at("2026-11-23T11:30")).items
    assert ref in [i.case_ref for i in waiting if i.kind is ItemKind.BEHAVIOUR_REVIEW]

    head_session.clock = FixedClock(at("2026-11-23T12:00"))
    behaviour_review.record_review(head_session, ref, SIGN_OFF)
    waiting = queue.load_queue(head_session, at("2026-11-23T12:30")).items
    assert ref not in [i.case_ref for i in waiting]


def test_a_leader_may_sign_off_a_behaviour_incident_they_recorded(
    head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    lead = session_as(Role.BEHAVIOUR_LEAD)
    ref = record_at(lead, Kind.BEHAVIOUR, "2026-11-23T10:00")
    lead.clock = FixedClock(at("2026-11-23T11:00"))
    assert behaviour_review.record_review(lead, ref, SIGN_OFF) > 0


def test_a_decision_keeps_only_what_it_asks_for(head_session: Session) -> None:
    factories.add_pupils(head_session)
    ref = record_at(head_session, Kind.BEHAVIOUR, "2026-11-23T10:00")
    head_session.clock = FixedClock(at("2026-11-23T11:00"))
    with pytest.raises(ValidationError) as refused:
        behaviour_review.record_review(
            head_session,
            ref,
            SIGN_OFF
            | {"follow_up": "Check on Friday", "follow_up_by": "2026-11-27", "target": "x"},
        )
    assert set(refused.value.problems) == {"Follow-up", "Follow-up by", "Target"}
    assert all("leave it empty" in p for p in refused.value.problems.values())
