"""Step 10's fields end to end through the scripting contract: `record behaviour|intervention
--json` takes them as the issue names them, `records --pupil --json` gives them back (further
holds and the body map as JSON lists), `amend` corrects a list as a whole, and search finds the
words in the support given, the pupil's account and a body-map note."""

from __future__ import annotations

import json
from typing import Any

from safedesk.domain.entries import Kind
from safedesk.services import search
from tests import factories
from tests.conftest import SchoolStore
from tests.unit.test_cli_records import Run, run

__all__ = ["run"]  # the fixture, shared with the other record commands' tests

HOLDS = [{"hold": "single_elbow", "minutes": 1}]
MARKS = [
    {"side": "front", "x": 0.42, "y": 0.31, "kind": "bruise", "size_mm": 15, "note": "kneecap"},
    {"side": "back", "x": 0.5, "y": 0.25, "kind": "mark", "size_mm": None, "note": ""},
]


def intervention() -> dict[str, Any]:
    return factories.intervention() | {
        "more_holds": HOLDS,
        "body_map": MARKS,
        "pupil_account": "I was cross because the trampoline was closed.",
        "parent_letter_sent_on": factories.earlier(0)[:10],
        "la_reported_at": factories.earlier(1),
        "la_reported_to": "Children's services front door, Mr Adeyemi",
    }


def records_json(run: Run) -> list[dict[str, Any]]:
    code, out, err = run("records", "--pupil", factories.PUPIL_A, "--json")
    assert (code, err) == (0, ""), err
    found: list[dict[str, Any]] = json.loads(out)
    return found


def test_an_intervention_with_every_new_field_comes_back_from_records(run: Run) -> None:
    code, out, err = run("record", "intervention", user="t.ta", payload=intervention())
    assert (code, err) == (0, ""), err
    ref = out.strip()
    entry = next(e for e in records_json(run) if e["ref"] == ref)
    fields = entry["fields"]
    assert fields["trigger"] == "adult_direction"
    assert fields["intervention_kind"] == "restraint_contact"
    assert fields["support_after"].startswith("Quiet time in the library")
    assert fields["pupil_account"] == "I was cross because the trampoline was closed."
    assert fields["more_holds"] == HOLDS  # a list, not its text
    assert fields["body_map"] == MARKS
    assert fields["parent_letter_sent_on"] == factories.earlier(0)[:10]
    assert fields["la_reported_to"] == "Children's services front door, Mr Adeyemi"
    assert fields["la_reported_at"]
    assert entry["original"]["more_holds"] == HOLDS
    # The fields that were there before keep their form.
    assert fields["restraint_type"] == "double_elbow"
    assert entry["kind"] == "intervention"


def test_a_behaviour_incident_takes_and_gives_back_its_trigger(run: Run) -> None:
    code, out, err = run("record", "behaviour", user="t.ta", payload=factories.behaviour())
    assert (code, err) == (0, ""), err
    entry = next(e for e in records_json(run) if e["ref"] == out.strip())
    assert entry["fields"]["trigger"] == "peer_conflict"


def test_the_new_required_fields_are_asked_for_exit_2(run: Run) -> None:
    payload = factories.intervention()
    for name in ("trigger", "intervention_kind", "support_after"):
        del payload[name]
    code, out, err = run("record", "intervention", user="t.ta", payload=payload)
    assert (code, out) == (2, "")
    for name in ("trigger", "intervention_kind", "support_after"):
        assert f"{name}: is required" in err
    code, _, err = run(
        "record", "behaviour", user="t.ta", payload=factories.behaviour() | {"trigger": "bored"}
    )
    assert code == 2
    assert "trigger: 'bored' is not one of:" in err


def test_a_list_is_amended_as_a_whole(run: Run) -> None:
    code, out, _ = run("record", "intervention", payload=intervention())
    ref = out.strip()
    new = [{"hold": "single_elbow", "minutes": 2}]
    code, _, err = run(
        "amend", ref, "--field", "more_holds", "--value", json.dumps(new), "--reason", "2 min."
    )
    assert (code, err) == (0, ""), err
    entry = next(e for e in records_json(run) if e["ref"] == ref)
    assert entry["fields"]["more_holds"] == new
    assert entry["original"]["more_holds"] == HOLDS
    change = entry["amendments"][0]
    # Kept as the canonical text it is stored as.
    assert (change["field"], change["new_value"]) == (
        "more_holds",
        '[{"hold":"single_elbow","minutes":2}]',
    )
    too_long = json.dumps([{"hold": "single_elbow", "minutes": 500}])
    code, _, err = run(
        "amend", ref, "--field", "more_holds", "--value", too_long, "--reason", "Longer."
    )
    assert code == 2
    assert "longer than the intervention itself" in err


def test_search_finds_the_support_the_account_and_body_map_notes(
    run: Run, school: SchoolStore
) -> None:
    run("record", "intervention", user="t.ta", payload=intervention())
    head = school.sign_in()
    try:
        for words in ("library", "trampoline", "kneecap"):
            hits = search.search(head, words)
            assert [h.kind for h in hits] == [Kind.INTERVENTION.value], words
    finally:
        head.lock()


def test_a_concern_keeps_its_body_map_and_its_notes_are_searched(
    run: Run, school: SchoolStore
) -> None:
    marks = [{"side": "back", "x": 0.5, "y": 0.6, "kind": "burn", "size_mm": 5, "note": "round"}]
    code, out, err = run(
        "record", "concern", user="t.ta", payload=factories.concern() | {"body_map": marks}
    )
    assert (code, err) == (0, ""), err
    entry = next(e for e in records_json(run) if e["ref"] == out.strip())
    assert entry["fields"]["body_map"] == marks
    head = school.sign_in()
    try:
        assert [h.ref for h in search.search(head, "round")] == [out.strip()]
    finally:
        head.lock()
