"""Step 10's fields in the domain: further holds and the body map as lists (checked, kept as
canonical text), the rules that join them to the rest of an intervention, the fields an
upgrade added required only on records recorded since, amendments of the lists, and how they
read in a chronology."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from safedesk.domain.amendment_rules import validated_amendment
from safedesk.domain.chronology import entry_items, shown
from safedesk.domain.entries import (
    Kind,
    StoredEntry,
    StoredPupil,
    spec,
    stored_text,
)
from safedesk.domain.entry_validation import entry_payload, validate_new_entry
from safedesk.domain.errors import ValidationError
from safedesk.domain.redaction import PupilMask
from tests.unit.domain.test_entry_validation import LISTS as BASE_LISTS
from tests.unit.domain.test_entry_validation import NOW, PUPIL_A, behaviour, intervention
from tests.unit.domain.test_redaction import SHIV, ZOE

LISTS = {**BASE_LISTS, "restraint_types": {"double_elbow", "other", "seated_hold"}}
HOLDS = [{"hold": "double_elbow", "minutes": 2}, {"hold": "other", "minutes": 1}]
MARKS = [
    {"side": "front", "x": 0.3, "y": 0.4, "kind": "bruise", "size_mm": 20, "note": "left forearm"},
    {"side": "back", "x": 0.5, "y": 0.2, "kind": "mark", "note": "red mark on the shoulder"},
]
LABELS = {
    "restraint_types": {"double_elbow": "Double elbow", "other": "Other", "seated_hold": "Seated"},
    "intervention_kinds": {"restraint_contact": "Restraint with physical contact"},
    "triggers": {"adult_direction": "Adult direction or a sanction"},
    "locations": {"corridor": "Corridor"},
}


def problems(kind: Kind, payload: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate_new_entry(kind, payload, lists=LISTS, now=NOW, **kwargs)
    return caught.value.problems


def full_intervention() -> dict[str, Any]:
    return intervention() | {
        "restraint_type": "seated_hold",  # the further holds are other holds than the main one
        "more_holds": HOLDS,
        "restraint_detail": "A standing hold against the wall, both arms.",
        "body_map": MARKS,
        "pupil_account": "I wanted to go outside.",
        "parent_letter_sent_on": "24/11/2026",
        "la_reported_at": "2026-11-24T13:30",
        "la_reported_to": "Children's services duty team, Ms Patel",
    }


def test_every_new_field_is_taken_as_the_contract_names_it() -> None:
    entry = validate_new_entry(Kind.INTERVENTION, full_intervention(), lists=LISTS, now=NOW)
    values = entry.values
    assert values["trigger"] == "adult_direction"
    assert values["intervention_kind"] == "restraint_contact"
    assert values["support_after"] == "Quiet time in the library with Ms Byrne."
    assert values["pupil_account"] == "I wanted to go outside."
    # Lists are kept as canonical JSON text: stored, sealed, amended and hashed as text.
    assert values["more_holds"] == json.dumps(HOLDS, separators=(",", ":"))
    assert json.loads(str(values["body_map"]))[1] == MARKS[1] | {"size_mm": None}
    assert stored_text(values["parent_letter_sent_on"]) == "2026-11-24"
    assert values["la_reported_to"] == "Children's services duty team, Ms Patel"
    # Sealed and taken in again unchanged.
    assert validate_new_entry(
        Kind.INTERVENTION, entry_payload(entry), lists=LISTS, now=NOW
    ).values == {k: v for k, v in values.items()}


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        (
            "trigger",
            "boredom",
            "'boredom' is not one of: adult_direction, not_known, peer_conflict",
        ),
        ("intervention_kind", None, "is required"),
        ("support_after", "   ", "is required"),
        ("more_holds", [{"hold": "headlock", "minutes": 2}], "hold 1: 'headlock' is not one of"),
        (
            "more_holds",
            [{"hold": "double_elbow", "minutes": 0}],
            "hold 1: minutes must be between 1",
        ),
        ("more_holds", "two minutes", "must be a list like"),
        (
            "body_map",
            [{"side": "top", "x": 0.1, "y": 0.1, "kind": "cut"}],
            'mark 1: side must be "front"',
        ),
        (
            "body_map",
            [{"side": "front", "x": 1.5, "y": 0.1, "kind": "cut"}],
            "mark 1: x must be a number",
        ),
        ("parent_letter_sent_on", "32/11/2026", "must be a date like"),
        ("la_reported_at", "2026-11-24", "needs the time as well as the date"),
    ],
)
def test_a_bad_new_field_is_named(field: str, value: object, problem: str) -> None:
    payload = full_intervention() | {field: value}
    assert problems(Kind.INTERVENTION, payload)[field].startswith(problem)


def test_further_holds_may_not_add_up_to_more_than_the_intervention() -> None:
    # 11:00 to 11:04: four minutes in all.
    payload = full_intervention() | {"more_holds": [{"hold": "double_elbow", "minutes": 5}]}
    assert problems(Kind.INTERVENTION, payload) == {
        "more_holds": "add up to 5 minutes, longer than the intervention itself (4 minutes, "
        "from its start to its end)"
    }
    payload["more_holds"] = [{"hold": "double_elbow", "minutes": 4}]
    assert validate_new_entry(Kind.INTERVENTION, payload, lists=LISTS, now=NOW)


def test_a_further_hold_of_other_must_be_described() -> None:
    payload = full_intervention() | {"restraint_detail": None}
    assert problems(Kind.INTERVENTION, payload) == {
        "restraint_detail": "is required when another hold is 'other'"
    }


@pytest.mark.parametrize(
    ("given", "missing", "problem"),
    [
        (
            "la_reported_at",
            "la_reported_to",
            "is required when “Reported to the local authority at”",
        ),
        ("la_reported_to", "la_reported_at", "is required when “Reported to (local authority"),
    ],
)
def test_when_and_to_whom_the_local_authority_was_told_go_together(
    given: str, missing: str, problem: str
) -> None:
    payload = full_intervention() | {missing: None}
    assert problems(Kind.INTERVENTION, payload)[missing].startswith(problem)


def test_the_reason_a_parent_was_not_told_points_to_the_local_authority_report() -> None:
    reason = spec(Kind.INTERVENTION, "parent_not_informed_reason")
    assert reason is not None
    assert "local authority" in reason.help


def test_fields_an_upgrade_added_are_required_only_since_it() -> None:
    since = {name: NOW for name in ("trigger", "intervention_kind", "support_after")}
    older = {k: v for k, v in intervention().items() if k not in since}
    before = NOW - timedelta(minutes=1)
    assert validate_new_entry(
        Kind.INTERVENTION, older, lists=LISTS, now=before, required_since=since
    )
    assert set(problems(Kind.INTERVENTION, older, required_since=since)) == set(since)
    # At the front door (no required_since) they are always required.
    assert set(problems(Kind.INTERVENTION, older)) == set(since)
    # A field the file does not yet know is not asked of a record sealed for it.
    assert validate_new_entry(
        Kind.BEHAVIOUR, behaviour() | {"trigger": None}, lists=LISTS, now=NOW, required_since={}
    )


def stored(kind: Kind, payload: dict[str, Any]) -> StoredEntry:
    entry = validate_new_entry(kind, payload, lists=LISTS, now=NOW)
    original = {k: stored_text(v) for k, v in entry.values.items()}
    return StoredEntry(
        1,
        "PI-2026-0001",
        kind,
        "mokafor",
        NOW,
        (StoredPupil(PUPIL_A, "Shiv O'Connor-Nguyễn", None, "2017-05-01"),),
        original,
    )


def test_further_holds_and_the_body_map_are_amended_as_a_whole_list() -> None:
    entry = stored(Kind.INTERVENTION, full_intervention())
    new = [{"hold": "double_elbow", "minutes": 3}]
    text = validated_amendment(entry, "more_holds", new, "Only one hold, 3 minutes.", LISTS, NOW)
    assert text == '[{"hold":"double_elbow","minutes":3}]'
    # The same text typed (the CLI's --value) is the same value.
    assert (
        validated_amendment(entry, "more_holds", json.dumps(new), "Only one hold.", LISTS, NOW)
        == text
    )
    with pytest.raises(ValidationError) as caught:
        validated_amendment(
            entry, "more_holds", [{"hold": "double_elbow", "minutes": 9}], "Longer.", LISTS, NOW
        )
    assert caught.value.problems["more_holds"].startswith("add up to 9 minutes")
    marks = validated_amendment(
        entry, "body_map", MARKS[:1], "The second mark was not one.", LISTS, NOW
    )
    assert marks is not None and json.loads(marks) == [MARKS[0]]
    assert validated_amendment(entry, "body_map", [], "No marks after all.", LISTS, NOW) is None
    with pytest.raises(ValidationError) as caught:
        validated_amendment(entry, "body_map", [{"side": "front"}], "Wrong.", LISTS, NOW)
    assert "body_map" in caught.value.problems


def test_the_new_fields_read_in_words_in_a_chronology() -> None:
    entry = stored(Kind.INTERVENTION, full_intervention())
    item = entry_items(entry, LABELS, {})[0]
    detail = dict(item.detail)
    assert detail["Other holds used"] == "Double elbow 2 min; Other 1 min"
    assert detail["Body map"] == (
        "Bruise (front, 20 mm): left forearm\nMark (back): red mark on the shoulder"
    )
    assert detail["Kind of intervention"] == "Restraint with physical contact"
    assert detail["Trigger"] == "Adult direction or a sanction"
    assert detail["The pupil's own account"] == "I wanted to go outside."
    assert [m.note for m in item.marks] == ["left forearm", "red mark on the shoulder"]
    assert item.summary.startswith(
        "Restraint with physical contact: Seated, Double elbow, Other, 4 min in all, Corridor: "
        "Refused"
    )


def test_an_older_intervention_reads_as_before_in_a_chronology() -> None:
    added = ("trigger", "intervention_kind", "support_after")
    entry = stored(Kind.INTERVENTION, intervention())
    older = {k: v for k, v in entry.original.items() if k not in added}
    item = entry_items(replace(entry, original=older), LABELS, {})[0]
    assert item.summary.startswith("Double elbow, 4 min in all, Corridor")
    assert dict(item.detail)["Trigger"] == "—"
    assert dict(item.detail)["Body map"] == "—"
    assert item.marks == ()


def test_a_body_map_note_naming_another_pupil_is_masked() -> None:
    entry = stored(
        Kind.INTERVENTION,
        full_intervention() | {"body_map": [MARKS[0] | {"note": "where Zoë kicked him"}]},
    )
    mask = PupilMask([SHIV], [ZOE])
    item = entry_items(entry, LABELS, {}, mask)[0]
    assert dict(item.detail)["Body map"] == (
        "Bruise (front, 20 mm): where another pupil (A) kicked him"
    )
    assert [m.note for m in item.marks] == ["where another pupil (A) kicked him"]


def test_shown_says_a_dash_for_no_list() -> None:
    field = spec(Kind.INTERVENTION, "more_holds")
    assert field is not None
    assert shown(None, field, LABELS) == "—"
