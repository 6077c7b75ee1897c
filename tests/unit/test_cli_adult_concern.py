"""safedesk-admin adult-concern: any member of staff passes on a concern about an adult, sealed
to the headteacher (or, about the head, the chair of governors); only they read it, through
their own `allegation list` / `low-level list`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from safedesk import cli
from safedesk.cli.common import EXIT_BAD_INPUT, EXIT_NOT_ALLOWED, EXIT_OK
from safedesk.domain.roles import Role
from safedesk.services import membership
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore, add_account
from tests.factories import earlier

WORDS = "Kept a Year 3 pupil behind alone after the club 5521"  # must never be printed or logged
CHAIR = "cleo.chair"
Run = Callable[..., tuple[int, str, str]]


def concern(**changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "subject": "dee.dsl",
        "subject_role": "Year 3 teacher",
        "what": WORDS,
        "occurred_at": earlier(2),
    }
    payload.update(changes)
    return payload


def make_runner(
    school: SchoolStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    counter = iter(range(1000))

    def invoke(*args: str, user: str, payload: object = None) -> tuple[int, str, str]:
        extra: list[str] = []
        if payload is not None:
            file = tmp_path / f"payload-{next(counter)}.json"
            text = payload if isinstance(payload, str) else json.dumps(payload)
            file.write_text(text, "utf-8")
            extra = ["--json", str(file)]
        monkeypatch.setenv(cli.PASSWORD_ENV, HEAD_PASSWORD if user == "head" else OTHER_PASSWORD)
        code = cli.main([*args, *extra, "--user", user, "--data-dir", str(school.paths.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def run(
    school: SchoolStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """The head, a teaching assistant, a DSL who is not the head, and no chair of governors."""
    head = school.sign_in()
    try:
        add_account(head, "tia.ta", {Role.STAFF})
        add_account(head, "dee.dsl", {Role.DSL})
    finally:
        head.lock()
    return make_runner(school, tmp_path, monkeypatch, capsys)


def listed(run: Run, what: str, user: str = "head") -> list[dict[str, object]]:
    code, out, err = run(what, "list", "--json", user=user)
    assert (code, err) == (EXIT_OK, ""), err
    found: list[dict[str, object]] = json.loads(out)
    return found


def logged_text(school: SchoolStore) -> str:
    return "".join(
        p.read_text("utf-8", errors="replace") for p in school.paths.root.rglob("*.log*")
    )


def test_a_teaching_assistant_passes_on_an_allegation_only_the_head_reads(
    run: Run, school: SchoolStore
) -> None:
    code, out, err = run("adult-concern", user="tia.ta", payload=concern())
    assert (code, err) == (EXIT_OK, "")
    assert "passed to the headteacher" in out and WORDS not in out

    # The author, and a DSL who is not the head, read nothing of it.
    assert run("allegation", "list", "--json", user="tia.ta")[0] == EXIT_NOT_ALLOWED
    assert run("allegation", "list", "--json", user="dee.dsl")[0] == EXIT_NOT_ALLOWED
    (found,) = listed(run, "allegation")
    assert found["alleged"] == WORDS
    assert (found["subject_username"], found["subject"]) == ("dee.dsl", "Test dee.dsl")
    assert found["recorded_by"] == "tia.ta"
    assert WORDS not in logged_text(school)


def test_a_low_level_concern_about_someone_without_an_account_is_logged_as_one(run: Run) -> None:
    payload = concern(subject="Mr Ray Stone", subject_role="Sports coach", low_level=True)
    assert run("adult-concern", user="tia.ta", payload=payload)[0] == EXIT_OK
    assert listed(run, "allegation") == []
    (found,) = listed(run, "low-level")
    assert (found["subject"], found["subject_username"]) == ("Mr Ray Stone", None)
    assert found["what"] == WORDS and found["about_head"] is False


def test_about_the_head_with_no_chair_nothing_is_kept_and_it_says_whom_to_tell(
    run: Run, school: SchoolStore
) -> None:
    code, out, err = run("adult-concern", user="tia.ta", payload=concern(subject="head"))
    assert (code, out) == (EXIT_NOT_ALLOWED, "")
    assert "chair of governors" in err and "Nothing was kept" in err and WORDS not in err
    assert listed(run, "allegation") == []


def test_about_the_head_it_reaches_the_chair_and_never_the_head(
    school: SchoolStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    head = school.sign_in()
    try:
        add_account(head, "tia.ta", {Role.STAFF})
        add_account(head, CHAIR, {Role.CHAIR_OF_GOVERNORS})
    finally:
        head.lock()
    run = make_runner(school, tmp_path, monkeypatch, capsys)
    # Before the chair confirms the account in person, it cannot seal to the chair's file.
    code, out, err = run("adult-concern", user="tia.ta", payload=concern(about_head=True))
    assert (code, out) == (EXIT_NOT_ALLOWED, "") and "confirm" in err
    chair = school.sign_in(CHAIR, OTHER_PASSWORD)
    try:
        membership.confirm(chair, "tia.ta", OTHER_PASSWORD)
    finally:
        chair.lock()

    code, out, err = run(
        "adult-concern", user="tia.ta", payload=concern(subject="head", subject_role="Head")
    )
    assert (code, err) == (EXIT_OK, "") and "passed to the chair of governors" in out
    # The head (Ms Ada Ngozi) named as staff name her, with an everyday job: still the chair's.
    for subject, job in (("Ms Ngozi", "Teacher"), ("Mrs O", "Acting Head")):
        code, out, _err = run(
            "adult-concern", user="tia.ta", payload=concern(subject=subject, subject_role=job)
        )
        assert code == EXIT_OK and "passed to the chair of governors" in out
    assert listed(run, "allegation") == []
    found = listed(run, "allegation", user=CHAIR)
    assert [a["alleged"] for a in found] == [WORDS] * 3
    assert all(a["about_head"] is True for a in found)
    assert found[0]["reference"] == "ALLEGATION-HEAD-1"
    # A deputy head is not the head: that one goes to the head.
    payload = concern(subject="Mr Deputy", subject_role="Deputy Headteacher")
    code, out, _err = run("adult-concern", user="tia.ta", payload=payload)
    assert code == EXIT_OK and "passed to the headteacher" in out
    assert [a["subject"] for a in listed(run, "allegation")] == ["Mr Deputy"]


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        (concern(what=""), "what"),
        (concern(what=" \u200b "), "what"),  # only an invisible character
        (concern(occurred_at="yesterday-ish"), "occurred_at"),
        (concern(subject=""), "subject"),
        (concern(colour="red"), "colour"),
        (concern(low_level="yes"), "low_level"),
        ("[1, 2]", "json"),
    ],
)
def test_bad_input_is_named_and_nothing_is_passed_on(run: Run, payload: object, named: str) -> None:
    code, out, err = run("adult-concern", user="tia.ta", payload=payload)
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert named in err and WORDS not in err
    assert listed(run, "allegation") == [] and listed(run, "low-level") == []


def test_a_wrong_password_passes_nothing_on(
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    school: SchoolStore,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = tmp_path / "concern.json"
    file.write_text(json.dumps(concern()), "utf-8")
    monkeypatch.setenv(cli.PASSWORD_ENV, "not the password")
    folder = str(school.paths.root)
    code = cli.main(
        ["adult-concern", "--json", str(file), "--user", "tia.ta", "--data-dir", folder]
    )
    assert code == EXIT_NOT_ALLOWED
    assert "Wrong username or password" in capsys.readouterr().err
    assert listed(run, "allegation") == []


def test_every_problem_is_named_at_once(run: Run) -> None:
    payload = {"raised_by": "head", "what": "X", "about_head": "yes"}
    code, out, err = run("adult-concern", user="tia.ta", payload=payload)
    assert (code, out) == (EXIT_BAD_INPUT, "")
    for named in ("raised_by", "about_head", "subject", "subject_role", "occurred_at"):
        assert named in err, named
    assert listed(run, "allegation") == []


def test_an_account_the_office_made_reaches_the_chair(
    school: SchoolStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A new user found a teaching assistant the office had just added told "passed to the
    chair of governors", while the chair's file kept it unopened as "not vouched for": the
    chair had confirmed the office in person, but the office was no authority in that file."""
    from safedesk.services import users
    from safedesk.store.crypto import FAST_KDF

    head = school.sign_in()
    try:
        add_account(head, "office", {Role.ADMIN})
        add_account(head, CHAIR, {Role.CHAIR_OF_GOVERNORS})
    finally:
        head.lock()
    chair = school.sign_in(CHAIR, OTHER_PASSWORD)
    try:
        membership.confirm(chair, "office", OTHER_PASSWORD)
    finally:
        chair.lock()
    office = school.sign_in("office", OTHER_PASSWORD)
    try:
        users.add_user(
            office,
            username="new.ta",
            display_name="Mr New Assistant",
            roles={Role.STAFF},
            password=OTHER_PASSWORD,
            kdf=FAST_KDF,
        )
    finally:
        office.lock()
    run = make_runner(school, tmp_path, monkeypatch, capsys)
    code, out, err = run("adult-concern", user="new.ta", payload=concern(subject="head"))
    assert (code, err) == (EXIT_OK, "") and "passed to the chair of governors" in out
    (found,) = listed(run, "allegation", user=CHAIR)
    assert found["alleged"] == WORDS and found["recorded_by"] == "new.ta"
    assert listed(run, "allegation") == []
