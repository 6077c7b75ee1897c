"""The words people read for casework: the queue's items and the case timeline name actions
and referrals by what they are, never by an internal number; a closure's account of what was
still open is checked and written down in plain words."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from safedesk.domain.casework import (
    ActType,
    CaseEvent,
    Outcome,
    Settled,
    action_words,
    event_words,
    referral_words,
    review_words,
    unsettled,
    validate_act,
)
from safedesk.domain.errors import ValidationError

AT = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
CLOSE = {"type": "closure", "outcome": "Support in place.", "rationale": "Plan agreed."}


def event(act_type: ActType, id_: int, **values: str | None) -> CaseEvent:
    return CaseEvent(act_type, id_, "dsl", AT, values)


VISIT = event(
    ActType.ACTION, 18, description="Home  visit\n", owner="Ms Patel", due_on="2026-11-28"
)
REFERRAL = event(
    ActType.REFERRAL, 20, agency="social_care", spoken_to="Sam Reid", decision_due="2026-12-02"
)


def test_queue_words_say_what_is_due_without_numbers() -> None:
    assert action_words("Home visit", "Ms Patel", date(2026, 11, 28)) == (
        "Action: Home visit (Ms Patel), due 28/11/2026"
    )
    assert referral_words("social_care", None, date(2026, 12, 2)) == (
        "Referral to Children's social care (MASH / front door), decision due 02/12/2026"
    )
    assert referral_words("police", AT, None) == (
        "Referral to Police: waiting for its decision (made 24/11/2026)"
    )
    assert review_words(date(2026, 12, 8)) == "Review of monitoring, due 08/12/2026"
    long = action_words("x " * 60, "Me", None)
    assert long.endswith("… (Me)") and len(long) < 80


@pytest.mark.parametrize(
    ("case_event", "line"),
    [
        (VISIT, "Action: Home visit (Ms Patel), due 28/11/2026"),
        (event(ActType.ACTION_DONE, 3, action_id="18"), "Action done: Home visit (Ms Patel)"),
        (REFERRAL, "Referral to Children's social care (MASH / front door), spoke to Sam Reid"),
        (
            event(ActType.REFERRAL_DECISION, 4, referral_id="20", decision="Section 47."),
            "Referral to Children's social care (MASH / front door) decided: Section 47.",
        ),
        (event(ActType.TRIAGE, 5, decision="early_help"), "Decision: Early help"),
    ],
)
def test_the_timeline_names_what_each_act_was_on(case_event: CaseEvent, line: str) -> None:
    assert event_words(case_event, [VISIT, REFERRAL, case_event]) == line
    assert not re.search(r"\b(Action|Referral) \d", line)  # never "Action 18"


def test_a_closure_reads_what_became_of_each_open_item() -> None:
    act = validate_act(
        CLOSE
        | {
            "open_items": [
                {"action_id": 18, "outcome": "done", "note": ""},
                {"referral_id": "20", "outcome": "MONITORING", "note": " School nurse. "},
            ]
        },
        now=AT,
    )
    assert act.settled == (
        Settled(ActType.ACTION, 18, Outcome.DONE, ""),
        Settled(ActType.REFERRAL, 20, Outcome.MONITORING, " School nurse. "),
    )
    assert act.settled[0].written() == "Done (recorded when the case was closed)."
    assert act.settled[1].written() == (
        "Carried into monitoring (recorded when the case was closed): School nurse."
    )
    assert unsettled([VISIT, REFERRAL], act.settled) == []
    assert unsettled([VISIT, REFERRAL], act.settled[:1]) == [REFERRAL]


@pytest.mark.parametrize(
    ("items", "field", "words"),
    [
        ("all done", "open_items", "must be a list"),
        ([{"action_id": 1, "referral_id": 2, "outcome": "done"}], "open_items[1]", "one of them"),
        ([{"action_id": True, "outcome": "done"}], "open_items[1].action_id", "a number"),
        ([{"action_id": 1, "outcome": "closed", "note": "  "}], "open_items[1].note", "reason"),
        ([{"action_id": 1, "outcome": "done", "note": 5}], "open_items[1].note", "text"),
        (
            [{"action_id": 1, "outcome": "done"}, {"action_id": 1, "outcome": "done"}],
            "open_items[2]",
            "listed twice",
        ),
    ],
)
def test_a_closure_with_a_bad_account_names_the_problem(
    items: object, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_act(CLOSE | {"open_items": items}, now=AT)
    assert words in caught.value.problems[field]


def test_only_a_closure_takes_open_items() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_act({"type": "contact", "open_items": []}, now=AT)
    assert caught.value.problems["open_items"] == "is not a field of this"
