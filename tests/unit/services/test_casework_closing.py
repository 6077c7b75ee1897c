"""Closing a case accounts for every action and referral still open: the service refuses a
closure that leaves one unsaid, and records each one's outcome in the closure's transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from safedesk.domain.casework import ActType, still_open
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.errors import ValidationError
from safedesk.domain.roles import Role
from safedesk.services import casework, queue, records
from safedesk.services.session import Session
from tests import factories

NOW = datetime.fromisoformat("2026-11-23T10:00").astimezone()  # a Monday
CLOSE = {"type": "closure", "outcome": "Support in place.", "rationale": "Plan agreed."}
VISIT = {"type": "action", "description": "Home visit", "owner": "Ms Patel", "due_on": "2026-11-28"}
REFER = {
    "type": "referral",
    "agency": "social_care",
    "made_at": "2026-11-23T09:50",
    "method": "phone",
    "spoken_to": "Jo Bloggs, MASH",
    "decision_due": "2026-12-02",
}


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    session = session_as(Role.DSL)
    session.clock = FixedClock(NOW)
    return session


@pytest.fixture
def ref(dsl: Session) -> str:
    return records.record(
        dsl, Kind.CONCERN, factories.concern() | {"occurred_at": "2026-11-23T09:15"}
    )


def test_a_case_with_an_open_action_and_referral_does_not_close(dsl: Session, ref: str) -> None:
    casework.act(dsl, ref, VISIT)
    casework.act(dsl, ref, REFER)
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, ref, CLOSE)
    said = caught.value.problems["open_items"]
    assert said.startswith(f"{ref} still has 1 action and 1 referral open (")
    assert "Action: Home visit (Ms Patel), due 28/11/2026" in said
    assert "Referral to Children's social care (MASH / front door), decision due 02/12" in said
    assert "Action 1" not in said and "Referral 1" not in said  # people read words, not numbers
    assert not casework.open_case(dsl, ref).head.closed
    assert {i.kind.value for i in queue.load_queue(dsl).items} >= {"action", "referral"}


def test_a_closure_that_accounts_for_only_some_is_refused(dsl: Session, ref: str) -> None:
    action = casework.act(dsl, ref, VISIT)
    casework.act(dsl, ref, REFER)
    told = [{"action_id": action, "outcome": "done", "note": "Visited on Friday."}]
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, ref, CLOSE | {"open_items": told})
    assert "1 referral open" in caught.value.problems["open_items"]
    case = casework.open_case(dsl, ref)
    assert not case.head.closed
    assert still_open(case.events, ActType.ACTION)  # nothing half-done: one transaction


def test_closing_records_what_became_of_each(dsl: Session, ref: str) -> None:
    action = casework.act(dsl, ref, VISIT)
    referral = casework.act(dsl, ref, REFER)
    told = [
        {"action_id": action, "outcome": "monitoring", "note": "Class teacher keeps watch."},
        {
            "referral_id": referral,
            "outcome": "closed",
            "note": "MASH never replied; no concern now.",
        },
    ]
    casework.act(dsl, ref, CLOSE | {"shared_outcome": "Support in place.", "open_items": told})
    case = casework.open_case(dsl, ref)
    assert case.head.closed
    done = next(e for e in case.events if e.type is ActType.ACTION_DONE)
    assert done.values["note"] == (
        "Carried into monitoring (recorded when the case was closed): Class teacher keeps watch."
    )
    decided = next(e for e in case.events if e.type is ActType.REFERRAL_DECISION)
    assert decided.values["decision"] == (
        "Closed without the agency's decision (recorded when the case was closed): "
        "MASH never replied; no concern now."
    )
    assert decided.values["decided_on"] == "2026-11-23"
    assert decided.values["feedback_to_referrer"] == (
        "The outcome line shared when the case was closed: Support in place."
    )
    assert [e.type for e in case.events][-1] is ActType.CLOSURE
    assert not [i for i in queue.load_queue(dsl).items if i.case_ref == ref]


@pytest.mark.parametrize(
    ("item", "field", "words"),
    [
        ({"action_id": 1, "outcome": "closed"}, "open_items[1].note", "the reason"),
        ({"referral_id": 2, "outcome": "done"}, "open_items[1].note", "what the agency decided"),
        ({"action_id": 1, "outcome": "forgotten"}, "open_items[1].outcome", "one of done"),
        ({"outcome": "done"}, "open_items[1]", "action_id or referral_id"),
    ],
)
def test_each_outcome_is_checked(
    dsl: Session, ref: str, item: dict[str, object], field: str, words: str
) -> None:
    casework.act(dsl, ref, VISIT)
    casework.act(dsl, ref, REFER)
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, ref, CLOSE | {"open_items": [item]})
    assert words in caught.value.problems[field]


def test_an_item_not_open_on_this_case_is_refused(dsl: Session, ref: str) -> None:
    action = casework.act(dsl, ref, VISIT)
    casework.act(dsl, ref, {"type": "action_done", "action_id": action, "note": "Visited."})
    told = [{"action_id": action, "outcome": "done", "note": ""}]
    with pytest.raises(ValidationError) as caught:
        casework.act(dsl, ref, CLOSE | {"open_items": told})
    assert caught.value.problems == {"open_items[1]": f"{ref} has no open action {action}"}
    casework.act(dsl, ref, CLOSE)  # nothing open: closes as before
    assert casework.open_case(dsl, ref).head.closed
