"""safedesk-admin retention / dispose / hold: the headteacher's scripting contract."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from safedesk import cli
from safedesk.cli.common import EXIT_NOT_ALLOWED, EXIT_OK
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import records
from tests import factories
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore, add_account


@pytest.fixture
def run(
    school: SchoolStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    def invoke(*args: str, user: str = "head") -> tuple[int, str, str]:
        monkeypatch.setenv(cli.PASSWORD_ENV, HEAD_PASSWORD if user == "head" else OTHER_PASSWORD)
        code = cli.main([*args, "--user", user, "--data-dir", str(school.paths.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def old_incident(school: SchoolStore) -> str:
    """A behaviour incident that happened over a year ago, and a DSL's account."""
    session = school.sign_in()
    factories.add_pupils(session)
    happened = (datetime.now() - timedelta(days=400)).replace(microsecond=0).isoformat()
    ref = records.record(session, Kind.BEHAVIOUR, factories.behaviour() | {"occurred_at": happened})
    factories.take_in_all(session)
    add_account(session, "dee.dsl", {Role.DSL})
    session.lock()
    return ref


def test_list_rules_hold_and_dispose(run, old_incident: str) -> None:
    code, out, _err = run("retention", "list", "--json")
    assert (code, json.loads(out)) == (EXIT_OK, [])
    code, out, _err = run(
        "retention", "rules", "--kind", "behaviour", "--basis", "occurred", "--years", "1"
    )
    assert code == EXIT_OK
    assert "Behaviour incident: kept until the date it happened + 1 year\n" in out
    code, out, _err = run("retention", "list", "--json")
    (due,) = json.loads(out)
    assert due["ref"] == old_incident and due["held"] is False
    assert set(due) == {"ref", "kind", "occurred_on", "due_on", "pupil_ids", "held"}

    code, out, _err = run("hold", "add", "--ref", old_incident, "--reason", "Inquiry asked us")
    assert code == EXIT_OK
    hold = out.split()[1]
    code, _out, err = run("dispose", old_incident, "--reason", "Past its date")
    assert code != EXIT_OK and "on hold" in err
    code, _out, _err = run("hold", "remove", hold, "--reason", "Inquiry over")
    assert code == EXIT_OK

    code, _out, err = run("dispose", old_incident, "--reason", "Past its date", user="dee.dsl")
    assert code == EXIT_NOT_ALLOWED and "not allowed" in err
    code, out, err = run("dispose", old_incident, "--reason", "Past its date")
    assert (code, err) == (EXIT_OK, "") and "disposed of" in out
    code, out, _err = run("retention", "list", "--json")
    assert json.loads(out) == []
    code, out, err = run("verify")
    assert code == EXIT_OK, out + err


def test_a_hold_on_a_pupil_is_in_every_file_and_lifted_in_each(run, old_incident: str) -> None:
    code, out, _err = run("hold", "add", "--pupil", factories.PUPIL_C, "--reason", "Inquiry")
    assert code == EXIT_OK
    placed = sorted(line.split()[1] for line in out.splitlines())
    assert [h.split(":")[0] for h in placed] == ["behaviour", "safeguarding"]
    assert all(line.endswith(f"on pupil {factories.PUPIL_C}") for line in out.splitlines())
    code, out, _err = run("hold", "list", "--json")
    assert sorted(h["hold"] for h in json.loads(out)) == placed
    code, out, _err = run("hold", "remove", placed[1], "--reason", "Inquiry over")
    assert code == EXIT_OK
    assert out.splitlines()[0] == f"hold {placed[1]} lifted"
    assert f"hold {placed[0]} lifted with it" in out
    code, out, _err = run("hold", "list", "--json")
    assert json.loads(out) == []
    code, _out, err = run("hold", "add", "--pupil", "Z999999999999", "--reason", "Inquiry")
    assert code != EXIT_OK and "no pupil with UPN Z999999999999" in err
