"""safedesk-admin record / lists / records / amend: the scripting contract for records."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from safedesk import cli
from safedesk.domain.entries import FIELDS, Kind
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import users, vault
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore

Run = Callable[..., tuple[int, str, str]]  # a command's exit code, stdout and stderr


@pytest.fixture
def run(
    school: SchoolStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    session = school.sign_in()
    factories.add_pupils(session)
    for name, role in (("t.ta", Role.STAFF), ("a.admin", Role.ADMIN)):
        users.add_user(
            session,
            username=name,
            display_name=name,
            roles={role},
            password=OTHER_PASSWORD,
            kdf=FAST_KDF,
        )
    session.lock()
    monkeypatch.setenv(cli.PASSWORD_ENV, HEAD_PASSWORD)

    def invoke(*args: str, user: str = "head", payload: object = None) -> tuple[int, str, str]:
        extra: list[str] = []
        if payload is not None:
            source = tmp_path / "record.json"
            source.write_text(json.dumps(payload), "utf-8")
            extra = ["--json", str(source)]
        if user != "head":
            monkeypatch.setenv(cli.PASSWORD_ENV, OTHER_PASSWORD)
        else:
            monkeypatch.setenv(cli.PASSWORD_ENV, HEAD_PASSWORD)
        code = cli.main([*args, *extra, "--user", user, "--data-dir", str(school.paths.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.mark.parametrize("kind", list(Kind))
def test_record_prints_the_reference(run: Run, kind: Kind) -> None:
    code, out, err = run("record", kind.value, user="t.ta", payload=factories.PAYLOADS[kind]())
    assert (code, err) == (0, "")
    assert out.strip().startswith(f"{kind.ref_prefix}-")


@pytest.mark.parametrize("kind", list(Kind))
def test_record_names_every_missing_field_exit_2(run: Run, kind: Kind) -> None:
    code, out, err = run("record", kind.value, user="t.ta", payload={})
    assert (code, out) == (2, "")
    for field in FIELDS[kind]:
        if field.required:
            assert f"{field.name}: is required" in err


def test_record_refused_for_admin_exit_3(run: Run) -> None:
    code, _, err = run("record", "concern", user="a.admin", payload=factories.concern())
    assert code == 3
    assert "not allowed" in err


def test_record_bad_json_exit_2(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    code, _, err = run("record", "concern", "--json", str(bad), user="t.ta")
    assert code == 2
    assert "not valid JSON" in err


def test_lists_json_has_every_list_with_the_values_record_takes(run: Run) -> None:
    code, out, _ = run("lists", "--json")
    found = json.loads(out)
    assert code == 0
    wanted = {
        "categories",
        "urgencies",
        "locations",
        "behaviour_types",
        "bullying_types",
        "prejudice_types",
        "restraint_types",
        "pupil_roles",
        "severities",
    }
    assert wanted <= set(found)
    assert "neglect" in found["categories"] and "other" in found["restraint_types"]
    assert found["pupil_roles"] == ["instigator", "target", "witness"]


def test_records_and_amend_round_trip(run: Run) -> None:
    _, out, _ = run("record", "concern", user="t.ta", payload=factories.concern())
    ref = out.strip()
    code, out, _ = run(
        "amend",
        ref,
        "--field",
        "category",
        "--value",
        "online",
        "--reason",
        "It happened on a game chat",
    )
    assert code == 0
    code, out, _ = run("records", "--pupil", factories.PUPIL_A, "--json")
    [entry] = json.loads(out)
    assert entry["ref"] == ref
    assert entry["fields"]["category"] == "online"
    assert entry["original"]["category"] == "neglect"
    assert entry["amendments"][0]["reason"] == "It happened on a game chat"
    assert entry["pupils"][0]["upn"] == factories.PUPIL_A


def test_records_refused_for_staff_exit_3(run: Run) -> None:
    code, _, _ = run("records", "--pupil", factories.PUPIL_A, "--json", user="t.ta")
    assert code == 3


def test_records_written_by_cli_are_in_the_store(run: Run, school: SchoolStore) -> None:
    run("record", "behaviour", user="t.ta", payload=factories.behaviour())
    session = vault.sign_in(DataPaths(school.paths.root), "head", HEAD_PASSWORD)
    from safedesk.services import records

    assert [e.kind for e in records.pupil_records(session, factories.PUPIL_B)] == [Kind.BEHAVIOUR]
    session.store.close()


def test_records_list_counts_in_words(run: Run) -> None:
    """One record with one amendment: "1 record", "(1 amendment)", never "1 records"."""
    _, out, _ = run("record", "concern", user="t.ta", payload=factories.concern())
    ref = out.strip()
    run("amend", ref, "--field", "category", "--value", "online", "--reason", "A game chat")
    code, out, _ = run("records", "--pupil", factories.PUPIL_A)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(ref) and lines[0].endswith("(1 amendment)")
    assert lines[-1] == "1 record"


def test_records_list_says_which_of_the_hour_the_clocks_go_back(run: Run) -> None:
    """01:30 happens twice on 26 October 2025: the list says it was the first (BST)."""
    payload = factories.concern() | {"occurred_at": "2025-10-26T01:30+01:00"}
    run("record", "concern", user="t.ta", payload=payload)
    code, out, _ = run("records", "--pupil", factories.PUPIL_A)
    assert code == 0
    assert " 26/10/2025 01:30 BST " in out.splitlines()[0]
