"""Step 10's dates that cannot be true (the local authority told before the intervention, a
letter sent before it or in the future), a further hold that repeats the main hold, and a
correction of further holds on a record holding a hold the school has retired since."""

from __future__ import annotations

import json
from typing import Any

import pytest

from safedesk.domain.amendment_rules import validated_amendment
from safedesk.domain.entries import Kind
from safedesk.domain.entry_validation import validate_new_entry
from safedesk.domain.errors import ValidationError
from tests.unit.domain.test_entry_validation import NOW
from tests.unit.domain.test_step10_fields import LISTS, full_intervention, problems, stored


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("la_reported_at", "2020-11-24T13:30", "is before the intervention started"),
        ("la_reported_at", "2026-11-24T10:59", "is before the intervention started"),
        ("parent_letter_sent_on", "2001-01-01", "is before the intervention"),
        ("parent_letter_sent_on", "23/11/2026", "is before the intervention"),
        ("parent_letter_sent_on", "2099-01-01", "is in the future"),
        ("parent_letter_sent_on", "25/11/2026", "is in the future"),
    ],
)
def test_a_date_that_cannot_be_true_is_refused(field: str, value: str, problem: str) -> None:
    assert problems(Kind.INTERVENTION, full_intervention() | {field: value})[field] == problem


def test_the_day_itself_and_the_minute_it_started_are_fine() -> None:
    payload = full_intervention() | {
        "la_reported_at": "2026-11-24T11:00",
        "parent_letter_sent_on": "24/11/2026",
    }
    assert validate_new_entry(Kind.INTERVENTION, payload, lists=LISTS, now=NOW)


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("la_reported_at", "2020-11-24T13:30", "is before the intervention started"),
        ("parent_letter_sent_on", "2001-01-01", "is before the intervention"),
        ("parent_letter_sent_on", "2099-01-01", "is in the future"),
    ],
)
def test_an_amendment_to_a_date_that_cannot_be_true_is_refused(
    field: str, value: str, problem: str
) -> None:
    entry = stored(Kind.INTERVENTION, full_intervention() | {"parent_letter_sent_on": None})
    with pytest.raises(ValidationError) as caught:
        validated_amendment(entry, field, value, "Typed wrongly.", LISTS, NOW)
    assert caught.value.problems[field] == problem


def test_moving_the_start_after_the_report_is_refused_too() -> None:
    entry = stored(Kind.INTERVENTION, full_intervention())
    with pytest.raises(ValidationError) as caught:
        validated_amendment(entry, "started_at", "2026-11-24T13:45", "Later.", LISTS, NOW)
    assert caught.value.problems["la_reported_at"] == "is before the intervention started"


def test_a_further_hold_may_not_be_the_main_hold_again() -> None:
    payload = full_intervention() | {
        "restraint_type": "double_elbow",
        "restraint_detail": "Both arms.",
        "more_holds": [{"hold": "other", "minutes": 1}, {"hold": "double_elbow", "minutes": 2}],
    }
    assert problems(Kind.INTERVENTION, payload) == {
        "more_holds": "include the main hold (“Type of hold”) again, as other hold 2: the main "
        "hold's minutes are the rest of the time, so list only the other holds"
    }


def retired_lists() -> dict[str, Any]:
    return {**LISTS, "restraint_types": {"other", "seated_hold"}}  # double_elbow retired


def test_a_correction_may_keep_a_hold_retired_since() -> None:
    entry = stored(Kind.INTERVENTION, full_intervention())
    assert json.loads(entry.original["more_holds"] or "")[0]["hold"] == "double_elbow"
    new = [{"hold": "double_elbow", "minutes": 3}]
    text = validated_amendment(entry, "more_holds", new, "3 minutes.", retired_lists(), NOW)
    assert text == '[{"hold":"double_elbow","minutes":3}]'


def test_a_correction_may_not_add_a_hold_retired_before_it() -> None:
    entry = stored(
        Kind.INTERVENTION,
        full_intervention() | {"more_holds": [{"hold": "other", "minutes": 2}]},
    )
    lists = retired_lists()
    with pytest.raises(ValidationError) as caught:
        validated_amendment(
            entry, "more_holds", [{"hold": "double_elbow", "minutes": 2}], "Wrong.", lists, NOW
        )
    assert caught.value.problems["more_holds"].startswith("hold 1: 'double_elbow' is not one of")
