"""safedesk-admin queue / act / notification / figures / calendar: the DSL's scripting contract."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from safedesk import cli
from safedesk.domain.casework import ACT_FIELDS, ActType
from safedesk.domain.roles import Role
from safedesk.services import users
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore

QUEUE_FIELDS = {"ref", "pupils", "kind", "urgency", "due_at", "status"}


@pytest.fixture
def run(
    school: SchoolStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    session = school.sign_in()
    factories.add_pupils(session)
    users.add_user(
        session,
        username="t.ta",
        display_name="Teaching Assistant",
        roles={Role.STAFF},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    session.lock()

    def invoke(*args: str, user: str = "head", payload: object = None) -> tuple[int, str, str]:
        extra: list[str] = []
        if payload is not None:
            source = tmp_path / "act.json"
            source.write_text(json.dumps(payload), "utf-8")
            extra = ["--json", str(source)]
        monkeypatch.setenv(cli.PASSWORD_ENV, HEAD_PASSWORD if user == "head" else OTHER_PASSWORD)
        code = cli.main([*args, *extra, "--user", user, "--data-dir", str(school.paths.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def concern(run, urgency: str = "urgent") -> str:
    code, out, err = run(
        "record", "concern", user="t.ta", payload=factories.concern() | {"urgency": urgency}
    )
    assert (code, err) == (0, "")
    return out.strip()


def queue(run, *extra: str) -> list[dict[str, object]]:
    code, out, err = run("queue", "--json", *extra)
    assert (code, err) == (0, "")
    found = json.loads(out)
    assert isinstance(found, list)
    return found


def test_queue_json_has_the_contract_fields(run) -> None:
    ref = concern(run)
    (item,) = queue(run)
    assert set(item) >= QUEUE_FIELDS
    assert item["ref"] == ref
    assert item["pupils"] == [factories.PUPIL_A]
    assert (item["kind"], item["urgency"], item["status"]) == ("concern", "urgent", "on_time")
    due = datetime.fromisoformat(str(item["due_at"]))
    assert due.tzinfo is not None


def test_queue_at_another_time(run) -> None:
    concern(run, "immediate")
    (item,) = queue(run)
    due = datetime.fromisoformat(str(item["due_at"]))
    soon = (due - timedelta(minutes=5)).isoformat()
    late = (due + timedelta(minutes=5)).isoformat()
    assert queue(run, "--at", soon)[0]["status"] == "due_soon"
    assert queue(run, "--at", late)[0]["status"] == "overdue"
    code, _, err = run("queue", "--at", "tomorrow")
    assert code == 2
    assert "--at" in err


def test_staff_may_not_see_the_queue_exit_3(run) -> None:
    concern(run)
    code, out, err = run("queue", "--json", user="t.ta")
    assert (code, out) == (3, "")
    assert "not allowed" in err


def test_act_applies_each_type_and_closure_empties_the_queue(run) -> None:
    ref = concern(run)
    now = datetime.now().replace(microsecond=0)
    for payload in (
        {"type": "triage", "decision": "social_care", "rationale": "Threshold met"},
        {
            "type": "referral",
            "agency": "social_care",
            "made_at": (now - timedelta(minutes=5)).isoformat(),
            "method": "phone",
            "spoken_to": "Duty social worker",
        },
        {
            "type": "contact",
            "with_whom": "Mum",
            "contact_at": now.isoformat(),
            "method": "phone",
            "what_was_said": "Told mum about the referral.",
            "next_step": "Await MASH decision.",
        },
    ):
        code, out, err = run("act", ref, payload=payload)
        assert (code, err) == (0, "")
        assert out.startswith(f"{ref}: {payload['type']}")
    (waiting,) = queue(run)
    assert waiting["kind"] == "referral"
    assert str(waiting["what"]).startswith("Referral to Children's social care (MASH / front door)")
    closure = {"type": "closure", "outcome": "Done", "rationale": "OK"}
    # A referral still waiting for the agency: the closure must say what became of it.
    code, out, err = run("act", ref, payload=closure)
    assert (code, out) == (2, "")
    assert "open_items: " in err and "1 referral open (Referral to Children's social" in err
    assert [i["kind"] for i in queue(run)] == ["referral"]
    settled = {"referral_id": waiting["item_id"], "outcome": "monitoring", "note": "School nurse"}
    code, _, err = run("act", ref, payload=closure | {"open_items": [settled]})
    assert (code, err) == (0, "")
    assert queue(run) == []


@pytest.mark.parametrize("act_type", [t for t in ActType if ACT_FIELDS[t]])
def test_act_names_every_missing_field_exit_2(run, act_type: ActType) -> None:
    ref = concern(run)
    code, out, err = run("act", ref, payload={"type": act_type.value})
    assert (code, out) == (2, "")
    for spec in ACT_FIELDS[act_type]:
        if spec.required:
            assert f"{spec.name}: is required" in err


def test_act_without_a_type_or_on_an_unknown_case(run) -> None:
    ref = concern(run)
    code, _, err = run("act", ref, payload={"rationale": "x"})
    assert code == 2
    assert "type: is required" in err
    code, _, err = run("act", "C-2026-0999", payload={"type": "acknowledge"})
    assert code == 2
    assert "no concern" in err


def test_staff_may_not_act_exit_3(run) -> None:
    ref = concern(run)
    code, _, _ = run("act", ref, user="t.ta", payload={"type": "acknowledge"})
    assert code == 3


def test_notification_joins_the_queue(run) -> None:
    code, out, err = run(
        "notification",
        payload={
            "pupils": [factories.PUPIL_B],
            "received_at": factories.earlier(1),
            "received_from": "Operation Encompass",
            "summary": "Police attended a domestic incident.",
        },
    )
    assert (code, err) == (0, "")
    ref = out.strip()
    assert ref.startswith("E-")
    (item,) = queue(run)
    assert (item["ref"], item["kind"], item["pupils"]) == (ref, "notification", [factories.PUPIL_B])


def test_figures_json(run) -> None:
    ref = concern(run)
    assert run("act", ref, payload={"type": "acknowledge"})[0] == 0
    today = datetime.now().date().isoformat()
    code, out, err = run("figures", "--from", today, "--to", today, "--json")
    assert (code, err) == (0, "")
    rows = {row["urgency"]: row for row in json.loads(out)}
    assert rows["urgent"]["recorded"] == 1
    assert rows["urgent"]["acknowledged_in_target"] == 1
    assert rows["urgent"]["share_in_target"] == 1.0
    code, _, err = run("figures", "--from", today, "--to", "2000-01-01")
    assert code == 2


def test_calendar_terms_and_closures(run) -> None:
    code, _, err = run("calendar", "--add-term", "2026-09-02", "2026-10-23")
    assert (code, err) == (0, "")
    code, _, err = run("calendar", "--add-closure", "2026-09-02", "--reason", "INSET day")
    assert (code, err) == (0, "")
    code, _, err = run("calendar", "--add-term", "2026-10-01", "2026-12-18")
    assert code == 2
    assert "overlaps" in err
    code, out, _ = run("calendar", "--json")
    assert json.loads(out) == {
        "terms": [{"first_day": "2026-09-02", "last_day": "2026-10-23"}],
        "closures": [{"day": "2026-09-02", "reason": "INSET day"}],
    }
    code, _, _ = run("calendar", "--add-closure", "2026-09-03", user="t.ta")
    assert code == 3
    assert run("calendar", "--remove-closure", "02/09/2026")[0] == 0
    assert run("calendar", "--remove-closure", "02/09/2026")[0] == 2
