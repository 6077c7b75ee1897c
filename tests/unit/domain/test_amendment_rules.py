"""A correction (DESIGN.md, "Records are never silently changed"): a field that exists, a
reason, a valid value, a record that still holds together, and never before a pupil's birth."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from safedesk.domain import upn
from safedesk.domain.amendment_rules import check_not_before_birth, validated_amendment
from safedesk.domain.entries import Amendment, Kind, StoredEntry, StoredPupil
from safedesk.domain.errors import ValidationError

NOW = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)
PUPIL = StoredPupil(upn.make("801200005001"), "Shiv O'Connor", None, "2017-05-01")
LISTS = {
    "locations": {"playground", "classroom", "corridor", "hall"},
    "restraint_types": {"double_elbow", "other"},
    "behaviour_types": {"bullying", "verbal_abuse"},
    "bullying_types": {"physical", "verbal"},
    "severities": {"low", "medium"},
    "categories": {"neglect", "physical"},
    "urgencies": {"immediate", "urgent", "routine"},
}
REASON = "Typed the wrong room."


def stored(kind: Kind, **values: str | None) -> StoredEntry:
    originals: dict[Kind, dict[str, str | None]] = {
        Kind.INTERVENTION: {
            "started_at": "2026-11-24T11:00:00.000000+00:00",
            "ended_at": "2026-11-24T11:04:00.000000+00:00",
            "location": "corridor",
            "restraint_type": "double_elbow",
            "restraint_detail": None,
            "parent_informed_at": "2026-11-24T13:00:00.000000+00:00",
            "parent_informed_by": "Ms Byrne",
            "parent_informed_how": "phone",
            "witnesses": None,
        },
        Kind.BEHAVIOUR: {
            "occurred_at": "2026-11-24T12:40:00.000000+00:00",
            "location": "playground",
            "behaviour_type": "verbal_abuse",
            "bullying_type": None,
            "parents_informed": "true",
        },
        Kind.CONCERN: {
            "occurred_at": "2026-11-24T12:15:00.000000+00:00",
            "category": "neglect",
            "urgency": "urgent",
        },
    }
    return StoredEntry(
        id=1,
        ref=f"{kind.ref_prefix}-2026-0001",
        kind=kind,
        author="t.ash",
        recorded_at=NOW,
        pupils=(PUPIL,),
        original=originals[kind] | values,
    )


def refused(entry: StoredEntry, field: str, value: object, reason: str = REASON) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        validated_amendment(entry, field, value, reason, LISTS, NOW)
    return caught.value.problems


def test_a_good_correction_gives_the_new_stored_text() -> None:
    entry = stored(Kind.INTERVENTION)
    assert validated_amendment(entry, "location", "hall", REASON, LISTS, NOW) == "hall"
    assert validated_amendment(entry, "witnesses", "Mr Ng", REASON, LISTS, NOW) == "Mr Ng"


def test_a_time_is_corrected_as_local_time_and_stored_as_utc() -> None:
    entry = stored(Kind.INTERVENTION)
    assert validated_amendment(entry, "ended_at", "2026-11-24T11:06", REASON, LISTS, NOW) == (
        "2026-11-24T11:06:00.000000+00:00"
    )


def test_an_optional_field_can_be_cleared() -> None:
    entry = stored(Kind.INTERVENTION, witnesses="Mr Ng")
    assert validated_amendment(entry, "witnesses", "", REASON, LISTS, NOW) is None


def test_a_field_the_record_does_not_have_lists_those_it_does() -> None:
    assert refused(stored(Kind.CONCERN), "restraint_type", "other") == {
        "field": "'restraint_type' cannot be amended; choose one of: occurred_at, category, "
        "urgency, description, child_words, action_taken, others_told, body_map"
    }


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_correction_needs_a_reason(reason: str | None) -> None:
    assert refused(stored(Kind.INTERVENTION), "location", "hall", reason) == {  # type: ignore[arg-type]
        "reason": "is required: say why the record is being corrected"
    }


def test_a_reason_is_checked_like_any_text() -> None:
    assert refused(stored(Kind.INTERVENTION), "location", "hall", "oops\x07") == {
        "reason": "contains a control character (U+0007) that cannot be stored; please remove it"
    }
    assert refused(stored(Kind.INTERVENTION), "location", "hall", "r" * 20_001) == {
        "reason": "is 20,001 characters long; the limit is 20,000"
    }
    long_reason = "r" * 20_000
    assert validated_amendment(
        stored(Kind.INTERVENTION), "location", "hall", long_reason, LISTS, NOW
    )


def test_a_bad_value_and_a_missing_reason_are_named_together() -> None:
    assert refused(stored(Kind.INTERVENTION), "location", "roof", "") == {
        "reason": "is required: say why the record is being corrected",
        "location": "'roof' is not one of: classroom, corridor, hall, playground",
    }


def test_a_mandatory_field_cannot_be_emptied() -> None:
    assert refused(stored(Kind.INTERVENTION), "location", " ") == {"location": "is required"}


@pytest.mark.parametrize(("typed", "text"), [("no", "false"), ("No", "false"), ("FALSE", "false")])
def test_a_yes_no_field_takes_words(typed: str, text: str) -> None:
    entry = stored(Kind.BEHAVIOUR)
    assert validated_amendment(entry, "parents_informed", typed, REASON, LISTS, NOW) == text


@pytest.mark.parametrize("typed", ["yes", "true", "Yes", True])
def test_a_yes_no_field_already_true_has_nothing_to_amend(typed: object) -> None:
    assert refused(stored(Kind.BEHAVIOUR), "parents_informed", typed) == {
        "parents_informed": "already has that value; nothing to amend"
    }


def test_a_yes_no_field_refuses_other_words() -> None:
    assert refused(stored(Kind.BEHAVIOUR), "parents_informed", "maybe") == {
        "parents_informed": "must be true or false"
    }


def test_the_same_value_again_is_nothing_to_amend() -> None:
    assert refused(stored(Kind.INTERVENTION), "location", "corridor") == {
        "location": "already has that value; nothing to amend"
    }
    # The same moment typed in local time is the same stored value.
    assert refused(stored(Kind.INTERVENTION), "started_at", "2026-11-24T11:00") == {
        "started_at": "already has that value; nothing to amend"
    }


def test_the_corrected_record_must_still_hold_together() -> None:
    entry = stored(Kind.INTERVENTION)
    assert refused(entry, "ended_at", "2026-11-24T10:59") == {"ended_at": "is before the start"}
    assert refused(entry, "started_at", "2026-11-24T11:05") == {"ended_at": "is before the start"}
    assert refused(entry, "restraint_type", "other") == {
        "restraint_detail": "is required when the hold is 'other'"
    }
    described = stored(Kind.INTERVENTION, restraint_detail="Held both wrists.")
    assert validated_amendment(described, "restraint_type", "other", REASON, LISTS, NOW) == "other"


def test_earlier_amendments_count_when_checking_the_record() -> None:
    entry = stored(Kind.INTERVENTION)
    later_end = Amendment(
        "ended_at", entry.original["ended_at"], "2026-11-24T11:30:00+00:00", REASON, "dsl", NOW
    )
    moved = replace(entry, amendments=(later_end,))
    assert validated_amendment(moved, "started_at", "2026-11-24T11:20", REASON, LISTS, NOW)


def test_bullying_set_by_amendment_needs_its_type() -> None:
    assert refused(stored(Kind.BEHAVIOUR), "behaviour_type", "bullying") == {
        "bullying_type": "is required when the behaviour is bullying"
    }


def test_when_it_happened_cannot_be_moved_before_a_pupils_birth() -> None:
    assert refused(stored(Kind.CONCERN), "occurred_at", "2017-04-30T12:00") == {
        "occurred_at": "is before Shiv O'Connor's date of birth"
    }
    assert refused(
        stored(Kind.INTERVENTION, ended_at="2017-04-30T12:10:00+00:00"),
        "started_at",
        "2017-04-30T12:00",
    ) == {"started_at": "is before Shiv O'Connor's date of birth"}
    on_birthday = validated_amendment(
        stored(Kind.CONCERN), "occurred_at", "2017-05-01T09:00", REASON, LISTS, NOW
    )
    assert on_birthday == "2017-05-01T08:00:00.000000+00:00"


def test_other_times_are_not_checked_against_birth() -> None:
    entry = stored(Kind.INTERVENTION)
    assert validated_amendment(entry, "parent_informed_at", "2017-04-30T12:00", REASON, LISTS, NOW)


def test_check_not_before_birth_names_the_records_own_date_field() -> None:
    with pytest.raises(ValidationError) as caught:
        check_not_before_birth(
            Kind.INTERVENTION, "2017-04-30T23:59:00+00:00", stored(Kind.INTERVENTION)
        )
    assert caught.value.problems == {"started_at": "is before Shiv O'Connor's date of birth"}
    check_not_before_birth(Kind.CONCERN, "2017-05-01T00:00:00+00:00", stored(Kind.CONCERN))


def test_a_record_whose_parent_was_not_informed_can_still_be_corrected() -> None:
    # Its optional "informed at" time is empty; correcting another field must not trip on it.
    entry = stored(
        Kind.INTERVENTION,
        parent_informed_at=None,
        parent_informed_by=None,
        parent_informed_how=None,
        parent_not_informed_reason="No answer on either number.",
    )
    assert validated_amendment(entry, "location", "hall", REASON, LISTS, NOW) == "hall"


def test_the_type_of_a_bullying_record_cannot_be_cleared() -> None:
    bullying = stored(Kind.BEHAVIOUR, behaviour_type="bullying", bullying_type="verbal")
    assert refused(bullying, "bullying_type", "") == {
        "bullying_type": "is required when the behaviour is bullying"
    }
    assert validated_amendment(bullying, "bullying_type", "physical", REASON, LISTS, NOW) == (
        "physical"
    )
