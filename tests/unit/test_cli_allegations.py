"""safedesk-admin allegation / low-level: the headteacher's (and the chair of governors')
scripting contract for allegations about staff and the low-level concerns log."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from safedesk import cli
from safedesk.cli.common import EXIT_BAD_INPUT, EXIT_NOT_ALLOWED, EXIT_OK
from safedesk.domain.roles import Role
from safedesk.services import allegations
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore, add_account
from tests.factories import earlier

ALLEGED = "Shouted at a pupil and pulled her by the sleeve"  # words that must never leak
FIELDS = {
    "id",
    "reference",
    "about_head",
    "subject",
    "subject_username",
    "subject_role",
    "alleged",
    "raised_by",
    "occurred_at",
    "recorded_by",
    "recorded_at",
    "lado_due",
    "lado_contacted_at",
    "lado_officer",
    "outcome",
    "outcome_on",
    "outcome_corrections",  # added with corrections of a recorded outcome
}
# `low-level list --json`: the fields it had, and the one added with corrections.
LOW_LEVEL_FIELDS = {
    "id",
    "about_head",
    "subject",
    "subject_username",
    "subject_role",
    "what",
    "raised_by",
    "occurred_at",
    "recorded_by",
    "recorded_at",
    "corrections",
}
CHAIR = "cleo.chair"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    school: SchoolStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """The head (head and administrator), a teaching assistant, a DSL who is not the head,
    the office (administrator) and the chair of governors; ``invoke(..., json=payload)``."""
    head = school.sign_in()
    try:
        add_account(head, "tia.ta", {Role.STAFF})
        add_account(head, "dee.dsl", {Role.DSL})
        add_account(head, "office", {Role.ADMIN})
        add_account(head, CHAIR, {Role.CHAIR_OF_GOVERNORS})
    finally:
        head.lock()
    counter = iter(range(1000))

    def invoke(*args: str, user: str = "head", payload: object = None) -> tuple[int, str, str]:
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


def allegation(**changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "subject": "tia.ta",
        "subject_role": "Teaching assistant, Year 2",
        "alleged": ALLEGED,
        "raised_by": "The pupil's mother, in person",
        "occurred_at": earlier(5),
    }
    payload.update(changes)
    return payload


def low_level(**changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "subject": "Mr Ray Stone",
        "subject_role": "Sports coach (agency)",
        "what": "Gave a pupil a lift home without telling the office",
        "raised_by": "Office manager",
        "occurred_at": earlier(30),
    }
    payload.update(changes)
    return payload


def listed(run: Run, user: str = "head") -> list[dict[str, object]]:
    code, out, err = run("allegation", "list", "--json", user=user)
    assert (code, err) == (EXIT_OK, ""), err
    found: list[dict[str, object]] = json.loads(out)
    return found


def test_the_head_records_an_allegation_tells_the_lado_and_records_the_outcome(run: Run) -> None:
    code, out, err = run("allegation", "add", payload=allegation())
    assert (code, out, err) == (EXIT_OK, "ALLEGATION-1\n", "")

    (found,) = listed(run)
    assert set(found) == FIELDS
    assert found["reference"] == "ALLEGATION-1" and found["id"] == 1
    # "subject" names an account: its name is recorded with it
    assert (found["subject"], found["subject_username"]) == ("Test tia.ta", "tia.ta")
    assert found["alleged"] == ALLEGED and found["about_head"] is False
    assert found["lado_contacted_at"] is None and found["outcome"] is None
    recorded = datetime.fromisoformat(str(found["recorded_at"]))
    due = datetime.fromisoformat(str(found["lado_due"]))
    assert recorded < due <= recorded + timedelta(days=5)  # a working day, over a weekend

    # the head's queue says to tell the LADO, by the same reference
    code, out, _err = run("queue", "--json")
    assert "ALLEGATION-1" in [i["ref"] for i in json.loads(out) if i["kind"] == "lado"]

    told = earlier(1)
    code, out, err = run("allegation", "lado", "ALLEGATION-1", "--officer", "Ms Lee", "--at", told)
    assert (code, err) == (EXIT_OK, "") and "ALLEGATION-1" in out
    today = date.today().isoformat()
    code, out, err = run(
        "allegation", "outcome", "1", "--outcome", "unsubstantiated", "--on", today
    )
    assert (code, err) == (EXIT_OK, "")
    (found,) = listed(run)
    assert found["lado_officer"] == "Ms Lee"
    assert (
        datetime.fromisoformat(str(found["lado_contacted_at"]))
        == datetime.fromisoformat(told).astimezone()
    )
    assert (found["outcome"], found["outcome_on"]) == ("unsubstantiated", today)
    code, out, _err = run("queue", "--json")
    assert "ALLEGATION-1" not in [i["ref"] for i in json.loads(out)]

    code, out, err = run("allegation", "list")
    assert code == EXIT_OK and "ALLEGATION-1" in out and "Unsubstantiated" in out

    # an outcome is recorded once
    code, out, err = run("allegation", "outcome", "1", "--outcome", "false", "--on", today)
    assert code == EXIT_BAD_INPUT and "--outcome: has already been recorded" in err


def test_the_low_level_log_and_its_patterns_per_member_of_staff(run: Run) -> None:
    assert run("low-level", "add", payload=low_level()) == (EXIT_OK, "1\n", "")
    again = low_level(what="Messaged a parent from his own phone", occurred_at=earlier(3))
    assert run("low-level", "add", payload=again)[0] == EXIT_OK
    other = low_level(subject="tia.ta", subject_role="Teaching assistant", what="Swore in class")
    assert run("low-level", "add", payload=other)[0] == EXIT_OK

    code, out, err = run("low-level", "list", "--json")
    assert (code, err) == (EXIT_OK, "")
    concerns = json.loads(out)
    assert [c["subject"] for c in concerns].count("Mr Ray Stone") == 2
    assert {c["subject_username"] for c in concerns} == {None, "tia.ta"}

    code, out, err = run("low-level", "list", "--patterns", "--json")
    assert (code, err) == (EXIT_OK, "")
    first, second = json.loads(out)
    assert (first["subject"], first["total"]) == ("Mr Ray Stone", 2)
    assert sum(first["by_month"].values()) == 2
    assert (second["subject"], second["total"]) == ("Test tia.ta", 1)
    code, out, _err = run("low-level", "list", "--patterns")
    assert "Mr Ray Stone (Sports coach (agency)): 2 concerns" in out


@pytest.mark.parametrize("who", ["dee.dsl", "office", "tia.ta"])
def test_nobody_but_the_head_records_or_reads_them(run: Run, who: str) -> None:
    """A DSL who is not the head, the administrator and staff, each with their own password:
    refused (exit 3), and nothing of the content is printed."""
    assert run("allegation", "add", payload=allegation(subject="Mr Ray Stone"))[0] == EXIT_OK
    assert run("low-level", "add", payload=low_level())[0] == EXIT_OK
    today = date.today().isoformat()
    for args, payload in (
        (("allegation", "add"), allegation(subject="Mr Ray Stone")),
        (("allegation", "list", "--json"), None),
        (("allegation", "list"), None),
        (("allegation", "lado", "ALLEGATION-1", "--officer", "Ms Lee"), None),
        (("allegation", "outcome", "1", "--outcome", "false", "--on", today), None),
        (("low-level", "add"), low_level()),
        (("low-level", "list", "--json"), None),
        (("low-level", "list", "--patterns"), None),
    ):
        code, out, err = run(*args, user=who, payload=payload)
        assert code == EXIT_NOT_ALLOWED, (args, out, err)
        assert out == ""
        for word in ("Ray Stone", "sleeve", "lift home", "Ms Lee"):
            assert word not in err
    # nothing was added by the refused calls
    assert [a["subject"] for a in listed(run)] == ["Mr Ray Stone"]


def test_bad_input_is_named_by_the_field_and_nothing_is_recorded(run: Run, tmp_path: Path) -> None:
    code, _out, err = run("allegation", "add", payload="{not json")
    assert code == EXIT_BAD_INPUT and "json: is not valid JSON" in err
    code, _out, err = run("allegation", "add", payload=["a list"])
    assert code == EXIT_BAD_INPUT and "json: must be one JSON object" in err
    code, _out, err = run(
        "allegation", "add", payload={"subject": " ", "occurred_on": "2026-11-20"}
    )
    assert code == EXIT_BAD_INPUT
    assert "occurred_on: is not a field here" in err  # said before the password is asked
    code, _out, err = run("allegation", "add", payload={"subject": " "})
    assert code == EXIT_BAD_INPUT
    for field in ("subject", "subject_role", "alleged", "raised_by", "occurred_at"):
        assert f"\n{field}: is required" in err, err
    code, _out, err = run("allegation", "add", payload=allegation(occurred_at="2026-11-20"))
    assert code == EXIT_BAD_INPUT and "occurred_at: needs the time as well as the date" in err
    code, _out, err = run("allegation", "add", payload=allegation(about_head="yes"))
    assert code == EXIT_BAD_INPUT and "about_head: must be true or false" in err
    code, _out, err = run("low-level", "add", payload=low_level(what=""))
    assert code == EXIT_BAD_INPUT and "what: is required" in err
    assert listed(run) == []

    assert run("allegation", "add", payload=allegation())[0] == EXIT_OK
    code, _out, err = run("allegation", "lado", "ALLEGATION-1", "--officer", " ", "--at", "soon")
    assert code == EXIT_BAD_INPUT
    assert "--officer: is required" in err and "--at: must be a date and time" in err
    code, _out, err = run("allegation", "outcome", "1", "--outcome", "proven", "--on", "someday")
    assert code == EXIT_BAD_INPUT
    assert "--outcome: must be one of substantiated, false, malicious" in err
    assert "--on: must be a date" in err
    code, _out, err = run("allegation", "lado", "C-2026-0001", "--officer", "Ms Lee")
    assert code == EXIT_BAD_INPUT and "not an allegation's reference" in err
    code, _out, err = run("allegation", "lado", "ALLEGATION-9", "--officer", "Ms Lee")
    assert code == EXIT_BAD_INPUT and "no allegation number 9" in err
    # the head's own account, or another account holding the head's role, is not for this file
    code, _out, err = run("allegation", "add", payload=allegation(subject="head"))
    assert code == EXIT_BAD_INPUT and "subject: is you" in err
    (found,) = listed(run)
    assert found["lado_contacted_at"] is None and found["outcome"] is None


def test_allegations_about_the_head_are_the_chairs_alone(run: Run) -> None:
    about_head = allegation(subject="Ms Ada Ngozi", subject_role="Headteacher", about_head=True)
    # the head cannot write into (nor read) the chair's file
    code, out, err = run("allegation", "add", payload=about_head)
    assert (code, out) == (EXIT_NOT_ALLOWED, "") and ALLEGED not in err

    assert run("allegation", "add", user=CHAIR, payload=about_head) == (
        EXIT_OK,
        "ALLEGATION-HEAD-1\n",
        "",
    )
    # the chair's own file is their default
    without = allegation(subject="Ms Ada Ngozi", subject_role="Headteacher")
    assert run("allegation", "add", user=CHAIR, payload=without)[1] == "ALLEGATION-HEAD-2\n"
    code, out, err = run(
        "allegation", "lado", "ALLEGATION-HEAD-1", "--officer", "Mr Cole", user=CHAIR
    )
    assert (code, err) == (EXIT_OK, "")
    first, second = listed(run, CHAIR)
    assert (first["reference"], first["about_head"]) == ("ALLEGATION-HEAD-1", True)
    assert first["lado_officer"] == "Mr Cole" and second["lado_contacted_at"] is None
    assert run("low-level", "add", user=CHAIR, payload=low_level(subject="Ms Ada Ngozi"))[0] == 0
    code, out, _err = run("low-level", "list", "--json", user=CHAIR)
    assert [c["about_head"] for c in json.loads(out)] == [True]

    # the head sees none of it, and cannot act on it by its reference
    assert listed(run) == []
    code, out, _err = run("low-level", "list", "--json")
    assert json.loads(out) == []
    code, out, err = run("allegation", "lado", "ALLEGATION-HEAD-2", "--officer", "Mr Cole")
    assert (code, out) == (EXIT_NOT_ALLOWED, "")
    # nor does the chair see the head's file
    assert run("allegation", "add", payload=allegation())[0] == EXIT_OK
    code, out, err = run("allegation", "lado", "ALLEGATION-1", "--officer", "Mr Cole", user=CHAIR)
    assert (code, out) == (EXIT_NOT_ALLOWED, "") and ALLEGED not in err
    assert [a["reference"] for a in listed(run, CHAIR)] == [
        "ALLEGATION-HEAD-1",
        "ALLEGATION-HEAD-2",
    ]


def test_the_log_holds_no_word_of_an_allegation(run: Run, school: SchoolStore) -> None:
    assert run("allegation", "add", payload=allegation())[0] == EXIT_OK
    assert run("allegation", "add", user="dee.dsl", payload=allegation())[0] == EXIT_NOT_ALLOWED
    assert run("allegation", "list")[0] == EXIT_OK
    logs = list(school.paths.logs.glob("*.log*"))
    assert logs
    for log in logs:
        text = log.read_text("utf-8", errors="replace")
        assert "sleeve" not in text and "mother" not in text


def test_the_head_corrects_a_low_level_concern_and_a_recorded_outcome(
    run: Run, school: SchoolStore
) -> None:
    assert run("low-level", "add", payload=low_level(subject="Mr Ray Ston"))[0] == EXIT_OK
    assert run("low-level", "add", payload=low_level())[0] == EXIT_OK
    code, out, err = run(
        "low-level", "correct", "1", "--field", "subject", "--value", "Mr Ray Stone",
        "--reason", "Surname mistyped",
    )  # fmt: skip
    assert (code, out, err) == (EXIT_OK, "Low-level concern 1: subject corrected.\n", "")
    moved = earlier(60)
    code, _out, err = run(
        "low-level", "correct", "1", "--field", "occurred_at", "--value", moved,
        "--reason", "It was the day before",
    )  # fmt: skip
    assert (code, err) == (EXIT_OK, "")
    code, out, _err = run("low-level", "list", "--json")
    first, second = json.loads(out)  # by when it happened, as corrected
    assert set(first) == LOW_LEVEL_FIELDS
    assert (first["id"], first["subject"]) == (1, "Mr Ray Stone")
    assert (
        datetime.fromisoformat(first["occurred_at"]) == datetime.fromisoformat(moved).astimezone()
    )
    assert [(c["field"], c["was"], c["now"], c["reason"]) for c in first["corrections"][:1]] == [(
        "subject", "Mr Ray Ston", "Mr Ray Stone", "Surname mistyped"
    )]  # fmt: skip
    assert len(first["corrections"]) == 2 and second["corrections"] == []
    code, out, _err = run("low-level", "list", "--patterns", "--json")
    [pattern] = json.loads(out)  # one person now: the corrected name
    assert (pattern["subject"], pattern["total"]) == ("Mr Ray Stone", 2)

    # bad corrections are named by the flag, and nothing is kept
    for args, said in (
        (("--field", "recorded_by", "--value", "x", "--reason", "y"), "--field: must be one of"),
        (("--field", "what", "--value", "x", "--reason", " "), "--reason: is required"),
        (
            ("--field", "subject", "--value", "Mr Ray Stone", "--reason", "y"),
            "--value: is the same",
        ),
        (("--field", "occurred_at", "--value", "2100-01-01T09:00", "--reason", "y"), "future"),
    ):
        code, _out, err = run("low-level", "correct", "1", *args)
        assert code == EXIT_BAD_INPUT and said in err, err
    code, out, _err = run("low-level", "list", "--json")
    assert len(json.loads(out)[0]["corrections"]) == 2

    assert run("allegation", "add", payload=allegation())[0] == EXIT_OK
    today = date.today().isoformat()
    # no outcome yet: nothing to correct
    code, _out, err = run(
        "allegation", "outcome", "1", "--outcome", "false", "--on", today, "--reason", "x"
    )
    assert code == EXIT_BAD_INPUT and "--outcome: has not been recorded yet" in err
    assert run("allegation", "outcome", "1", "--outcome", "unfounded", "--on", today)[0] == 0
    # without a reason, a second outcome is refused as before
    code, _out, err = run("allegation", "outcome", "1", "--outcome", "false", "--on", today)
    assert code == EXIT_BAD_INPUT and "--outcome: has already been recorded" in err
    code, out, err = run(
        "allegation", "outcome", "ALLEGATION-1", "--outcome", "false", "--on", today,
        "--reason", "The LADO's letter says false",
    )  # fmt: skip
    assert (code, out, err) == (EXIT_OK, "ALLEGATION-1: the outcome is corrected.\n", "")
    (found,) = listed(run)
    assert set(found) == FIELDS
    assert (found["outcome"], found["outcome_on"]) == ("false", today)
    [correction] = found["outcome_corrections"]
    assert (correction["was"], correction["outcome"], correction["reason"]) == (
        "unfounded", "false", "The LADO's letter says false"
    )  # fmt: skip
    code, out, _err = run("allegation", "list")
    assert "False" in out and "(corrected)" in out
    # A time corrected in the app is listed as corrected, like every other field.
    head = school.sign_in()
    try:
        allegations.amend_allegation(head, 1, "happened_at", moved, "It was the day before")
    finally:
        head.lock()
    (found,) = listed(run)
    assert (
        datetime.fromisoformat(found["occurred_at"]) == datetime.fromisoformat(moved).astimezone()
    )


@pytest.mark.parametrize("who", ["dee.dsl", "office", "tia.ta", CHAIR])
def test_nobody_but_the_head_corrects_the_heads_file(run: Run, who: str) -> None:
    """Refused (exit 3), nothing printed of the content. A bare number is in the chair's own
    file for the chair, where there is no such concern (exit 2): they cannot reach the head's."""
    assert run("low-level", "add", payload=low_level())[0] == EXIT_OK
    assert run("allegation", "add", payload=allegation())[0] == EXIT_OK
    today = date.today().isoformat()
    assert run("allegation", "outcome", "1", "--outcome", "unfounded", "--on", today)[0] == 0
    for args in (
        ("low-level", "correct", "1", "--field", "what", "--value", "Nothing", "--reason", "x"),
        ("allegation", "outcome", "ALLEGATION-1", "--outcome", "false", "--on", today,
         "--reason", "x"),
    ):  # fmt: skip
        code, out, err = run(*args, user=who)
        own_file = who == CHAIR and args[0] == "low-level"
        refused = EXIT_BAD_INPUT if own_file else EXIT_NOT_ALLOWED
        assert (code, out) == (refused, ""), (args, err)
        assert "lift home" not in err and ALLEGED not in err
    code, out, _err = run("low-level", "list", "--json")
    assert json.loads(out)[0]["corrections"] == []
    assert listed(run)[0]["outcome_corrections"] == []


def test_a_line_break_in_a_name_cannot_make_a_second_row_in_the_list(run: Run) -> None:
    """An outside tester wrote a name with a line break that printed like another concern."""
    forged = "Mr Ron Weasel\n    9  01/11/2026 09:00  Ms Fake Person"
    assert run("low-level", "add", payload=low_level(subject=forged))[0] == EXIT_OK
    code, out, _err = run("low-level", "list")
    assert code == EXIT_OK
    assert len(out.splitlines()) == 1 and "Ms Fake Person" in out
    code, out, _err = run("low-level", "list", "--patterns")
    assert code == EXIT_OK and len(out.splitlines()) == 1


@pytest.mark.parametrize("number", ["\u00b2", "3a", "-1", ""])
def test_a_number_that_is_not_one_is_refused_plainly(run: Run, number: str) -> None:
    args = ("--field", "what", "--value", "x", "--reason", "y")
    code, out, err = run("low-level", "correct", number, *args)
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert "is not a low-level concern's number" in err and "int()" not in err
