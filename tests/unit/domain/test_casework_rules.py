"""The DSL's acts on a case (DESIGN.md, "What is recorded": DSL work on a case) and the police
notification: which fields each must have, named from the design, and the case timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from safedesk.domain.casework import (
    NOTIFICATION_FIELDS,
    ActType,
    CaseEvent,
    Decision,
    parse_act_type,
    still_open,
    validate_act,
    validate_fields,
)
from safedesk.domain.errors import ValidationError

NOW = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)

# The fields each act must have, named from the design ("triage decision, actions, referrals
# (agency, when, to whom, reference, decision due, outcome, feedback given to the referrer),
# contacts (who, when, what was said, next step), closure with rationale") and the schema's
# NOT NULL, non-blank columns the design asks for. Never read from ACT_FIELDS' own flags.
REQUIRED: dict[ActType, set[str]] = {
    ActType.ACKNOWLEDGE: set(),
    # The decision, and why: what was weighed, who was consulted.
    ActType.TRIAGE: {"decision", "rationale"},
    # What is to be done, by whom, by when (it comes back to the queue when due).
    ActType.ACTION: {"description", "owner", "due_on"},
    ActType.ACTION_DONE: {"action_id"},
    # Agency, when, how and to whom. The agency's reference and its decision date may not be
    # known yet: the decision is chased after one working day when none was given.
    ActType.REFERRAL: {"agency", "made_at", "method", "spoken_to"},
    # The outcome, when it was decided, and the feedback given to the referrer.
    ActType.REFERRAL_DECISION: {"referral_id", "decision", "decided_on", "feedback_to_referrer"},
    # Who, when, how, what was said, the next step.
    ActType.CONTACT: {"with_whom", "contact_at", "method", "what_was_said", "next_step"},
    # Closure with rationale (the outcome shared with the referrer is optional).
    ActType.CLOSURE: {"outcome", "rationale"},
}
# Operation Encompass: when it arrived (it is due before the next school day), from whom, what.
NOTIFICATION_REQUIRED = {"received_at", "received_from", "summary"}


def valid(act_type: ActType) -> dict[str, Any]:
    payloads: dict[ActType, dict[str, Any]] = {
        ActType.ACKNOWLEDGE: {},
        ActType.TRIAGE: {"decision": "social_care", "rationale": "Disclosure of harm at home."},
        ActType.ACTION: {
            "description": "Check attendance daily.",
            "owner": "Mr Okafor",
            "due_on": "27/11/2026",
        },
        ActType.ACTION_DONE: {"action_id": "3", "note": "Attendance checked all week."},
        ActType.REFERRAL: {
            "agency": "social_care",
            "made_at": "2026-11-24T10:05",
            "method": "phone",
            "spoken_to": "Duty social worker J. Patel",
            "reference": "MASH-2211",
            "decision_due": "2026-11-25",
        },
        ActType.REFERRAL_DECISION: {
            "referral_id": 4,
            "decision": "Section 47 enquiry opened.",
            "decided_on": "2026-11-25",
            "feedback_to_referrer": "Told Ms Byrne the referral was accepted.",
        },
        ActType.CONTACT: {
            "with_whom": "Mum",
            "contact_at": "2026-11-24T12:00",
            "method": "phone",
            "what_was_said": "Mum says the bruise came from a fall; agreed to meet.",
            "next_step": "Meeting Wednesday 9am.",
        },
        ActType.CLOSURE: {
            "outcome": "Section 47 concluded; child in need plan in place.",
            "rationale": "Plan owned by social care; school monitoring via the plan.",
            "shared_outcome": "Action was taken and support is in place.",
        },
    }
    return {"type": act_type.value} | payloads[act_type]


def problems(payload: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate_act(payload, now=NOW)
    return caught.value.problems


@pytest.mark.parametrize("act_type", list(ActType))
def test_an_empty_act_names_exactly_its_required_fields(act_type: ActType) -> None:
    if not REQUIRED[act_type]:
        assert validate_act({"type": act_type.value}, now=NOW).values == {}
        return
    found = problems({"type": act_type.value})
    assert set(found) == REQUIRED[act_type]
    assert set(found.values()) == {"is required"}


@pytest.mark.parametrize(
    ("act_type", "field"),
    [(act_type, field) for act_type, fields in REQUIRED.items() for field in sorted(fields)],
)
@pytest.mark.parametrize("blank", [None, "", "  \t"])
def test_each_required_field_left_blank_is_named(
    act_type: ActType, field: str, blank: object
) -> None:
    payload = valid(act_type)
    if blank is None:
        del payload[field]
    else:
        payload[field] = blank
    assert problems(payload) == {field: "is required"}


@pytest.mark.parametrize("act_type", list(ActType))
def test_a_complete_act_is_accepted(act_type: ActType) -> None:
    act = validate_act(valid(act_type), now=NOW)
    assert act.type is act_type
    assert set(REQUIRED[act_type]) <= set(act.values)


def test_a_notification_names_exactly_its_required_fields() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_fields(NOTIFICATION_FIELDS, {}, now=NOW)
    assert caught.value.problems == dict.fromkeys(NOTIFICATION_REQUIRED, "is required")


def test_a_notification_with_what_it_needs_is_accepted() -> None:
    values = validate_fields(
        NOTIFICATION_FIELDS,
        {
            "received_at": "2026-11-24T07:10",
            "received_from": "PC Hale, MASH",
            "summary": "Police called to the home at 23:40; pupil present.",
        },
        now=NOW,
    )
    assert values["received_at"] == datetime(2026, 11, 24, 7, 10, tzinfo=UTC)
    assert values["police_reference"] is None


def test_a_monitor_decision_needs_a_review_date() -> None:
    monitor = valid(ActType.TRIAGE) | {"decision": "monitor"}
    assert problems(monitor) == {"review_on": "is required when the decision is to monitor"}
    assert problems(monitor | {"review_on": " "}) == {
        "review_on": "is required when the decision is to monitor"
    }
    act = validate_act(monitor | {"review_on": "08/12/2026"}, now=NOW)
    assert str(act.values["review_on"]) == "2026-12-08"
    # Other decisions need none.
    assert validate_act(valid(ActType.TRIAGE), now=NOW).values["review_on"] is None


def test_a_bad_review_date_is_named_as_bad_not_as_missing() -> None:
    monitor = valid(ActType.TRIAGE) | {"decision": "monitor", "review_on": "next week"}
    assert problems(monitor) == {"review_on": "must be a date like 2026-11-24 or 24/11/2026"}


def test_dates_on_acts_keep_to_2000_to_2100() -> None:
    assert validate_act(valid(ActType.ACTION) | {"due_on": "31/12/2100"}, now=NOW)
    assert problems(valid(ActType.ACTION) | {"due_on": "01/01/2101"}) == {
        "due_on": "must be a date between 2000 and 2100"
    }
    assert problems(valid(ActType.ACTION) | {"due_on": "1999-12-31"}) == {
        "due_on": "must be a date between 2000 and 2100"
    }


def test_a_referral_or_contact_in_the_future_is_refused() -> None:
    later = (NOW + timedelta(minutes=6)).isoformat()
    assert problems(valid(ActType.REFERRAL) | {"made_at": later}) == {"made_at": "is in the future"}
    assert problems(valid(ActType.CONTACT) | {"contact_at": later}) == {
        "contact_at": "is in the future"
    }


def test_choices_come_from_the_fixed_casework_lists() -> None:
    assert problems(valid(ActType.REFERRAL) | {"agency": "nasa"}) == {
        "agency": "'nasa' is not one of: camhs, early_help, health, lado, other, police, "
        "prevent, social_care"
    }
    assert problems(valid(ActType.CONTACT) | {"method": "pigeon"}) == {
        "method": "'pigeon' is not one of: email, home_visit, letter, meeting, other, phone, video"
    }
    assert problems(valid(ActType.REFERRAL) | {"method": "home_visit"}) == {
        "method": "'home_visit' is not one of: email, in_person, letter, online_form, phone"
    }


def test_every_problem_is_named_at_once_with_unknown_fields() -> None:
    payload = valid(ActType.ACTION) | {"owner": "", "colour": "red", "due_on": "soon"}
    assert problems(payload) == {
        "owner": "is required",
        "colour": "is not a field of this",
        "due_on": "must be a date like 2026-11-24 or 24/11/2026",
    }


@pytest.mark.parametrize("text", ["Triage", " REFERRAL_decision ", "closure"])
def test_act_types_are_read_whatever_their_case(text: str) -> None:
    assert parse_act_type(text).value == text.strip().lower()


@pytest.mark.parametrize("text", ["sing", None, "", 3])
def test_an_unknown_act_type_lists_the_choices(text: object) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_act_type(text)
    assert caught.value.problems == {
        "type": "is required: one of acknowledge, triage, action, action_done, referral, "
        "referral_decision, contact, closure"
    }
    assert caught.value.__suppress_context__


@pytest.mark.parametrize("payload", [["type", "triage"], "triage", None])
def test_an_act_must_be_a_json_object(payload: object) -> None:
    assert problems(payload) == {"act": "must be a JSON object"}


def test_act_and_decision_labels() -> None:
    assert [t.label for t in ActType] == [
        "Acknowledged",
        "Decision",
        "Action",
        "Action done",
        "Referral",
        "Referral decision",
        "Contact",
        "Closed",
    ]
    assert Decision.MONITOR.label == "Monitor (with a review date)"
    assert Decision.SOCIAL_CARE.label == "Referral to children's social care"


# ---- the case timeline -----------------------------------------------------------------------

AT = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def event(act_type: ActType, id_: int, **values: str | None) -> CaseEvent:
    return CaseEvent(act_type, id_, "dsl", AT, values)


def test_a_referral_or_contact_happened_when_it_says_other_acts_when_recorded() -> None:
    referral = event(ActType.REFERRAL, 1, made_at="2026-11-24T10:05:00+00:00")
    contact = event(ActType.CONTACT, 2, contact_at="2026-11-23T16:00:00+00:00")
    assert referral.happened_at == datetime(2026, 11, 24, 10, 5, tzinfo=UTC)
    assert contact.happened_at == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    assert event(ActType.TRIAGE, 3, decision="monitor").happened_at == AT
    assert event(ActType.REFERRAL, 4, made_at=None).happened_at == AT
    assert event(ActType.CONTACT, 5, made_at="", contact_at="").happened_at == AT


@pytest.mark.parametrize(
    ("case_event", "line"),
    [
        (event(ActType.ACKNOWLEDGE, 1), "Acknowledged"),
        (event(ActType.TRIAGE, 2, decision="early_help"), "Decision: Early help"),
        (
            event(ActType.TRIAGE, 3, decision="monitor", review_on="2026-12-08"),
            "Decision: Monitor (with a review date) (review 08/12/2026)",
        ),
        (event(ActType.TRIAGE, 4, decision="retired_code"), "Decision: retired_code"),
        (
            event(
                ActType.ACTION,
                5,
                description="Check   attendance\ndaily",
                owner="Mr Okafor",
                due_on="2026-11-27",
            ),
            "Action 5: Check attendance daily — Mr Okafor, due 27/11/2026",
        ),
        (event(ActType.ACTION_DONE, 6, action_id="5"), "Action 5 done"),
        (
            event(ActType.REFERRAL, 7, agency="lado", spoken_to="J. Patel"),
            "Referral 7 to LADO, spoke to J. Patel",
        ),
        (
            event(ActType.REFERRAL, 8, agency="unlisted", spoken_to="X"),
            "Referral 8 to unlisted, spoke to X",
        ),
        (
            event(ActType.REFERRAL_DECISION, 9, referral_id="7", decision="No further action."),
            "Referral 7 decided: No further action.",
        ),
        (event(ActType.CONTACT, 10, method="home_visit", with_whom="Dad"), "Home visit with Dad"),
        (event(ActType.CONTACT, 11, method="fax", with_whom="Dad"), "fax with Dad"),
        (event(ActType.CLOSURE, 12, outcome="Plan in place."), "Closed: Plan in place."),
    ],
)
def test_each_act_in_one_line(case_event: CaseEvent, line: str) -> None:
    assert case_event.summary() == line


def test_long_text_in_a_summary_is_cut_to_eighty_characters_with_an_ellipsis() -> None:
    exactly = "x" * 80
    assert event(ActType.CLOSURE, 1, outcome=exactly).summary() == f"Closed: {exactly}"
    longer = "y" * 81
    assert event(ActType.CLOSURE, 1, outcome=longer).summary() == f"Closed: {'y' * 79}…"
    assert event(ActType.CLOSURE, 1, outcome=None).summary() == "Closed: "


def test_an_action_without_a_due_date_shows_none() -> None:
    action = event(ActType.ACTION, 5, description="Call", owner="Me", due_on=None)
    assert action.summary() == "Action 5: Call — Me, due "


def test_still_open_actions_and_referrals_in_timeline_order() -> None:
    events = [
        event(ActType.ACTION, 1, description="a"),
        event(ActType.REFERRAL, 2, agency="police"),
        event(ActType.ACTION, 3, description="b"),
        event(ActType.ACTION_DONE, 4, action_id="1"),
        event(ActType.ACTION, 5, description="c"),
        event(ActType.REFERRAL_DECISION, 6, referral_id="3"),  # names an action's number
    ]
    assert [e.id for e in still_open(events, ActType.ACTION)] == [3, 5]
    assert [e.id for e in still_open(iter(events), ActType.REFERRAL)] == [2]
    events.append(event(ActType.REFERRAL_DECISION, 7, referral_id="2"))
    assert still_open(events, ActType.REFERRAL) == []
