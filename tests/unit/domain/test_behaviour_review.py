"""Leaders' reviews of behaviour records: which is most serious, when each review is due in
school days, what each decision needs, and the settings behind the targets."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date, datetime

import pytest

from safedesk.domain.behaviour_review import (
    Decision,
    ReviewTargets,
    review_due,
    seriousness,
    validate_review,
)
from safedesk.domain.calendar import SchoolCalendar, Term
from safedesk.domain.entries import Kind
from safedesk.domain.errors import ValidationError
from safedesk.domain.settings import LABELS, Settings

TODAY = date(2026, 11, 23)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


def test_interventions_are_most_serious_then_incidents_by_severity() -> None:
    order = sorted(
        [
            (Kind.BEHAVIOUR, "low"),
            (Kind.BEHAVIOUR, "a school's own severity"),
            (Kind.BEHAVIOUR, "high"),
            (Kind.INTERVENTION, None),
            (Kind.BEHAVIOUR, "medium"),
        ],
        key=lambda pair: seriousness(*pair),
    )
    assert order[:3] == [(Kind.INTERVENTION, None), (Kind.BEHAVIOUR, "high"), order[2]]
    assert order[-1] == (Kind.BEHAVIOUR, "low")


def test_the_defaults_interventions_and_high_in_one_school_day_others_in_three() -> None:
    calendar = SchoolCalendar()
    friday = at("2026-11-20T14:00")
    targets = ReviewTargets()
    assert review_due(Kind.INTERVENTION, None, friday, targets, calendar) == at("2026-11-23T14:00")
    assert review_due(Kind.BEHAVIOUR, "high", friday, targets, calendar) == at("2026-11-23T14:00")
    assert review_due(Kind.BEHAVIOUR, "medium", friday, targets, calendar) == at("2026-11-25T14:00")


def test_review_dates_skip_holidays_and_closures() -> None:
    calendar = SchoolCalendar(
        terms=(
            Term(date(2026, 9, 2), date(2026, 10, 23)),
            Term(date(2026, 11, 2), date(2026, 12, 18)),
        ),
        closures=frozenset({date(2026, 11, 2)}),
    )
    last_day = at("2026-10-23T11:00")
    assert review_due(Kind.INTERVENTION, None, last_day, ReviewTargets(), calendar) == at(
        "2026-11-03T11:00"
    )


def test_settings_hold_the_review_targets_with_their_labels() -> None:
    s = Settings()
    assert (
        s.intervention_review_school_days,
        s.serious_behaviour_review_school_days,
        s.behaviour_review_school_days,
    ) == (1, 1, 3)
    for name in (
        "intervention_review_school_days",
        "serious_behaviour_review_school_days",
        "behaviour_review_school_days",
    ):
        assert replace(s, **{name: 20}).problems() == {}
        assert replace(s, **{name: 0}).problems() == {name: "must be between 1 and 20 school days"}
    # Every setting has the name people see on screen, for its messages.
    assert {f.name for f in fields(Settings)} <= set(LABELS)


def test_a_review_needs_a_decision_and_a_note() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_review({"note": "\t "}, today=TODAY)
    assert set(caught.value.problems) == {"Decision", "Note"}


def test_dates_are_read_and_must_not_be_past() -> None:
    review = validate_review(
        {
            "decision": "follow_up",
            "note": "Check in.",
            "follow_up": "See him on Friday",
            "follow_up_by": "2026-11-27",
            "target": "   ",
        },
        today=TODAY,
    )
    assert review.decision is Decision.FOLLOW_UP
    assert review.follow_up_by == date(2026, 11, 27)
    assert review.target is None  # blank is nothing, not ''
    with pytest.raises(ValidationError) as caught:
        validate_review(
            {"decision": "follow_up", "note": "x", "follow_up": "y", "follow_up_by": "27/11"},
            today=TODAY,
        )
    assert caught.value.problems == {"Follow-up by": "must be a date, like 2026-03-14"}


def test_text_that_is_not_text_or_too_long_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_review({"decision": "signed_off", "note": 42}, today=TODAY)
    assert caught.value.problems == {"Note": "must be text"}
    with pytest.raises(ValidationError) as caught:
        validate_review(
            {"decision": "parents", "note": "x", "parents_who": "a" * 201, "parents_by": TODAY},
            today=TODAY,
        )
    assert list(caught.value.problems) == ["Who contacts the parents"]
