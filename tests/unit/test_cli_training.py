"""safedesk-admin training add / confirm / list: the training log's scripting contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safedesk import cli
from safedesk.domain.roles import Role
from tests import factories
from tests.conftest import HEAD_PASSWORD, SchoolStore

FIELDS = {"id", "who", "course", "provider", "on", "expires", "added_by", "added_at"}
STAFF = "t.ta"


@pytest.fixture
def run(school: SchoolStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    session = school.sign_in()
    passwords = {"head": HEAD_PASSWORD}
    passwords[STAFF] = factories.account_with_own_password(session, STAFF)
    passwords["b.lead"] = factories.account_with_own_password(
        session, "b.lead", {Role.BEHAVIOUR_LEAD}
    )
    session.lock()

    def invoke(*args: str, user: str = "head") -> tuple[int, str, str]:
        monkeypatch.setenv(cli.PASSWORD_ENV, passwords[user])
        code = cli.main([*args, "--user", user, "--data-dir", str(Path(school.paths.root))])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def listing(run, user: str = "head") -> list[dict[str, object]]:
    code, out, err = run("training", "list", "--json", user=user)
    assert (code, err) == (0, "")
    found = json.loads(out)
    assert isinstance(found, list)
    return found


def add(run, *extra: str) -> int:
    code, out, err = run("training", "add", *extra)
    assert (code, err) == (0, ""), err
    return int(out.strip())


def test_add_prints_the_id_and_list_shows_the_entry(run) -> None:
    number = add(
        run, "--who", STAFF, "--course", "WHOLE-STAFF SAFEGUARDING UPDATE", "--on", "02/09/2026",
        "--provider", "Local authority",
    )  # fmt: skip
    (entry,) = listing(run)
    assert FIELDS | {"confirmed_at"} <= set(entry)
    assert entry["id"] == number
    assert entry["who"] == STAFF
    assert entry["course"] == "Whole-staff safeguarding update"
    assert entry["provider"] == "Local authority"
    assert (entry["on"], entry["expires"]) == ("2026-09-02", "2027-09-02")
    assert entry["added_by"] == "head"
    assert entry["confirmed_at"] is None


@pytest.mark.parametrize(
    ("course", "kind", "shown"),
    [
        ("dsl", "dsl", "DSL training"),
        ("Prevent", "prevent", "Prevent"),
        ("positive handling / restraint", "positive_handling", "Positive handling / restraint"),
        ("Paediatric first aid", "other", "Paediatric first aid"),
    ],
)
def test_the_course_is_a_kind_or_kept_as_typed(run, course: str, kind: str, shown: str) -> None:
    add(run, "--who", STAFF, "--course", course, "--on", "2026-01-10", "--expires", "2028-01-10")
    (entry,) = listing(run)
    assert (entry["kind"], entry["course"], entry["expires"]) == (kind, shown, "2028-01-10")
    assert entry["provider"] is None


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--who", STAFF, "--course", "Prevent", "--on", "30/02/2026"), "Date taken"),
        (("--who", STAFF, "--course", "dsl", "--on", "2026-01-10", "--expires", "x"), "Expires"),
        (("--who", "no.such", "--course", "Prevent", "--on", "2026-01-10"), "Member of staff"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_naming_the_field(run, extra: tuple[str, ...], words: str) -> None:
    code, out, err = run("training", "add", *extra)
    assert (code, out) == (2, "")
    assert words in err
    assert listing(run) == []


def test_staff_and_the_behaviour_lead_are_not_allowed_to_add(run) -> None:
    for user in (STAFF, "b.lead"):
        code, out, err = run(
            "training", "add", "--who", user, "--course", "Prevent", "--on", "2026-01-10",
            user=user,
        )  # fmt: skip
        assert (code, out) == (3, "")
        assert "not allowed" in err
    assert listing(run) == []


def test_a_member_of_staff_lists_and_confirms_their_own(run) -> None:
    mine = add(run, "--who", STAFF, "--course", "Prevent", "--on", "2026-01-10")
    add(run, "--who", "head", "--course", "DSL training", "--on", "2025-01-10")
    assert [e["id"] for e in listing(run, STAFF)] == [mine]
    code, _out, err = run("training", "list", "--json", "--who", "head", user=STAFF)
    assert code == 3
    assert "not allowed" in err
    code, _out, err = run("training", "confirm", str(mine))  # the head: not theirs
    assert code == 3
    code, out, err = run("training", "confirm", str(mine), user=STAFF)
    assert (code, err) == (0, "")
    assert f"Training entry {mine} confirmed" in out
    (entry,) = listing(run, STAFF)
    assert isinstance(entry["confirmed_at"], str)
    code, _out, err = run("training", "confirm", str(mine), user=STAFF)
    assert code == 2
    assert "already confirmed" in err
    code, _out, err = run("training", "confirm", "4242", user=STAFF)
    assert code == 2
