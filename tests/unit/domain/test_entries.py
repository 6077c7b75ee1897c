"""The three kinds of record: names people see, references, and a record's current values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from safedesk.domain.entries import (
    Amendment,
    FieldSpec,
    Kind,
    PupilRole,
    Status,
    StatusEvent,
    StoredEntry,
    StoredPupil,
    Urgency,
    spec,
    stored_text,
    when_field,
)

RECORDED = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_kinds_as_people_read_them_and_their_reference_letters() -> None:
    assert [k.label for k in Kind] == [
        "Safeguarding concern",
        "Behaviour incident",
        "Physical intervention",
    ]
    assert [k.ref_prefix for k in Kind] == ["C", "B", "PI"]


def test_urgencies_in_the_designs_words() -> None:
    assert Urgency.IMMEDIATE.label == "Immediate risk of harm"
    assert Urgency.URGENT.label == "Urgent"
    assert Urgency.ROUTINE.label == "Routine"


def test_statuses_as_the_person_who_recorded_sees_them() -> None:
    assert [s.label for s in Status] == [
        "Sent, not yet received",
        "Received",
        "Being acted on",
        "Closed",
    ]


def test_long_text_may_be_twenty_thousand_characters_everything_else_two_hundred() -> None:
    assert FieldSpec("description", "What happened", "long_text").limit == 20_000
    assert FieldSpec("owner", "Who", "text").limit == 200
    assert FieldSpec("category", "Category", "choice").limit == 200


def test_when_it_happened_is_an_interventions_start() -> None:
    assert when_field(Kind.INTERVENTION) == "started_at"
    assert when_field(Kind.CONCERN) == "occurred_at"
    assert when_field(Kind.BEHAVIOUR) == "occurred_at"


def test_spec_finds_a_field_of_that_kind_only() -> None:
    found = spec(Kind.INTERVENTION, "restraint_type")
    assert found is not None and found.name == "restraint_type"
    assert spec(Kind.CONCERN, "restraint_type") is None
    assert spec(Kind.BEHAVIOUR, "no_such_field") is None


def amendment(field: str, old: str | None, new: str | None, minutes: int) -> Amendment:
    return Amendment(field, old, new, "typo", "dsl", RECORDED + timedelta(minutes=minutes))


def entry(**changes: object) -> StoredEntry:
    base = StoredEntry(
        id=1,
        ref="PI-2026-0001",
        kind=Kind.INTERVENTION,
        author="t.ash",
        recorded_at=RECORDED,
        pupils=(StoredPupil("B801200005001", "Shiv O'Connor", None, "2017-05-01"),),
        original={
            "started_at": "2026-11-24T13:00:00.000000+00:00",
            "location": "hall",
            "witnesses": None,
        },
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_current_values_are_the_original_with_every_amendment_applied_in_order() -> None:
    amended = entry(
        amendments=(
            amendment("location", "hall", "playground", 5),
            amendment("witnesses", None, "Mr Ng", 6),
            amendment("location", "playground", "classroom", 7),
        )
    )
    assert amended.current() == {
        "started_at": "2026-11-24T13:00:00.000000+00:00",
        "location": "classroom",
        "witnesses": "Mr Ng",
    }
    assert amended.original["location"] == "hall"  # the original is kept, as in a bound book


def test_when_it_happened_follows_an_amended_start() -> None:
    assert entry().occurred_at == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    moved = entry(
        amendments=(
            amendment(
                "started_at",
                "2026-11-24T13:00:00.000000+00:00",
                "2026-11-24T12:45:00.000000+00:00",
                3,
            ),
        )
    )
    assert moved.occurred_at == datetime(2026, 11, 24, 12, 45, tzinfo=UTC)


def test_a_record_with_no_status_events_is_received_with_no_outcome() -> None:
    assert entry().status is Status.RECEIVED
    assert entry().outcome is None


def test_status_is_the_last_event_and_the_outcome_the_last_one_shared() -> None:
    events = (
        StatusEvent(Status.IN_PROGRESS, None, "dsl", RECORDED),
        StatusEvent(Status.CLOSED, "Support is in place.", "dsl", RECORDED + timedelta(days=1)),
        StatusEvent(Status.IN_PROGRESS, None, "dsl", RECORDED + timedelta(days=2)),
    )
    reopened = entry(statuses=events)
    assert reopened.status is Status.IN_PROGRESS
    assert reopened.outcome == "Support is in place."
    closed_twice = entry(
        statuses=(*events, StatusEvent(Status.CLOSED, "Case closed again.", "dsl", RECORDED))
    )
    assert closed_twice.outcome == "Case closed again."


def test_the_author_is_shown_by_name_when_known() -> None:
    assert entry().author_label == "t.ash"
    assert entry(author_name="Tom Ash").author_label == "Tom Ash"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        (True, "true"),
        (False, "false"),
        ("hall", "hall"),
        (12, "12"),
        (
            datetime(2026, 6, 1, 9, 30, tzinfo=timezone(timedelta(hours=1))),
            "2026-06-01T08:30:00.000000+00:00",
        ),
    ],
)
def test_the_stored_text_of_each_kind_of_value(value: object, text: str | None) -> None:
    assert stored_text(value) == text


def test_pupil_roles_on_a_behaviour_incident() -> None:
    assert [r.value for r in PupilRole] == ["instigator", "target", "witness"]
