"""safedesk-admin lists: --json stays the contract; --add, --retire and --restore change lists."""

from __future__ import annotations

import json

import pytest

from safedesk import cli
from safedesk.domain.roles import Role
from safedesk.services import lists, users
from safedesk.store import audit
from safedesk.store.crypto import FAST_KDF
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore


@pytest.fixture
def run(school: SchoolStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    session = school.sign_in()
    for name, role in (("a.admin", Role.ADMIN), ("d.dsl", Role.DSL), ("t.ta", Role.STAFF)):
        users.add_user(
            session,
            username=name,
            display_name=name,
            roles={role},
            password=OTHER_PASSWORD,
            kdf=FAST_KDF,
        )
    session.lock()

    def invoke(*args: str, user: str = "a.admin") -> tuple[int, str, str]:
        password = HEAD_PASSWORD if user == "head" else OTHER_PASSWORD
        monkeypatch.setenv(cli.PASSWORD_ENV, password)
        code = cli.main(["lists", *args, "--user", user, "--data-dir", str(school.paths.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def _active(run, list_name: str) -> list[str]:
    code, out, _ = run("--json")
    assert code == 0
    values: list[str] = json.loads(out)[list_name]
    return values


def test_json_is_unchanged_every_list_to_its_active_values(run) -> None:
    code, out, err = run("--json")
    assert (code, err) == (0, "")
    found = json.loads(out)
    assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in found.values())
    assert found["pupil_roles"] == ["instigator", "target", "witness"]
    assert found["locations"][:2] == ["classroom", "playground"]


def test_add_retire_restore_round_trip(run, school: SchoolStore) -> None:
    code, out, err = run("--add", "locations", "--value", "library", "--label", "Library")
    assert (code, out.strip(), err) == (0, "Added library in locations", "")
    assert _active(run, "locations")[-1] == "library"

    code, out, _ = run("--retire", "locations", "--value", "library")
    assert (code, out.strip()) == (0, "Retired library in locations")
    assert "library" not in _active(run, "locations")

    code, out, _ = run("--restore", "locations", "--value", "library")
    assert (code, out.strip()) == (0, "Restored library in locations")
    assert "library" in _active(run, "locations")

    session = school.sign_in()
    try:
        with session.store.read() as conn:
            for action in ("list.value_added", "list.value_retired", "list.value_restored"):
                [event] = audit.events_with_action(conn, action)
                assert (event.actor, event.object_id) == ("a.admin", "locations:library")
        labels = dict(lists.choices(session)["locations"])
        assert labels["library"] == "Library"
    finally:
        session.lock()


def test_change_with_json_prints_the_lists_after_it(run) -> None:
    code, out, _ = run("--retire", "severities", "--value", "low", "--json")
    assert code == 0
    found = json.loads(out)
    assert "low" not in found["severities"]


def test_add_names_every_missing_field_exit_2(run) -> None:
    code, out, err = run("--add", "locations")
    assert (code, out) == (2, "")
    assert "value: is required" in err and "label: is required" in err


def test_add_bad_value_and_blank_label_exit_2(run) -> None:
    code, _, err = run("--add", "locations", "--value", "Library Room", "--label", "  ")
    assert code == 2
    assert "value: must be" in err and "label: is required" in err
    assert "library_room" not in _active(run, "locations")


def test_add_existing_value_exit_2(run) -> None:
    code, _, err = run("--add", "locations", "--value", "playground", "--label", "Yard")
    assert code == 2
    assert "'playground' is already in locations" in err


def test_fixed_list_refused_exit_2(run) -> None:
    code, _, err = run("--add", "urgencies", "--value", "whenever", "--label", "Whenever")
    assert code == 2
    assert "list: urgencies is fixed" in err
    code, _, err = run("--retire", "pupil_roles", "--value", "witness")
    assert code == 2
    assert "pupil_roles is fixed" in err


def test_unknown_list_or_value_exit_2(run) -> None:
    code, _, err = run("--add", "colours", "--value", "red", "--label", "Red")
    assert code == 2 and "no list called 'colours'" in err
    code, _, err = run("--retire", "locations", "--value", "moon")
    assert code == 2 and "locations has no value 'moon'" in err


def test_restore_an_active_value_exit_2(run) -> None:
    code, _, err = run("--restore", "locations", "--value", "playground")
    assert code == 2
    assert "value: 'playground' in locations is already in use" in err


def test_add_retire_restore_are_mutually_exclusive_exit_2(
    run, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        run("--add", "locations", "--retire", "locations", "--value", "hall")
    assert caught.value.code == 2
    assert "--retire: not allowed with argument --add" in capsys.readouterr().err
    assert "hall" in _active(run, "locations")


def test_value_without_a_change_exit_2(run) -> None:
    code, _, err = run("--value", "hall")
    assert code == 2
    assert "--add, --retire or --restore" in err


def test_label_with_retire_exit_2(run) -> None:
    code, _, err = run("--retire", "locations", "--value", "hall", "--label", "Hall")
    assert code == 2
    assert "label: is only used with --add" in err
    assert "hall" in _active(run, "locations")


@pytest.mark.parametrize("user", ["d.dsl", "t.ta"])
def test_only_an_administrator_may_change_lists_exit_3(run, user: str) -> None:
    code, out, err = run(
        "--add", "locations", "--value", "library", "--label", "Library", user=user
    )
    assert (code, out) == (3, "")
    assert "not allowed to change the school's lists" in err
    code, _, _ = run("--retire", "locations", "--value", "playground", user=user)
    assert code == 3
    assert "playground" in _active(run, "locations")
    assert "library" not in _active(run, "locations")


def test_everyone_may_read_the_lists(run) -> None:
    code, out, _ = run("--json", user="t.ta")
    assert code == 0 and "locations" in json.loads(out)
    code, out, _ = run(user="t.ta")
    assert code == 0 and "  playground" in out
