"""verify and alarms over the allegations files.

The attacker holds only what the headteacher (or the chair of governors) holds: their own
password and the key file. With a raw SQLCipher connection keyed by the file key that
password unseals, they change an allegation behind the program's back and put the trigger
back as it was. The member's verify must name the row, and an alarm must wait for them,
saying nothing of what the allegation says. Everyone else's verify says nothing of the
file's contents: at most that it exists and that they did not check it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from safedesk import cli
from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.services import alarms, allegations, integrity, queue
from safedesk.services.session import Session
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, OTHER_PASSWORD, SchoolStore, add_account
from tests.security import attacker

ALLEGED = "Grabbed a Year 4 pupil by the wrist in the corridor 4471"
FORGED = "Raised their voice once 4471"
CHAIR = "carys.chair"


def _payload(what: str, **more: str) -> dict[str, str]:
    return {
        "subject_name": "Mr Peter Quill",
        "subject_role": "Year 4 teacher",
        "happened_at": factories.earlier(2),
        "alleged": what,
        "raised_by": "A midday supervisor",
        **more,
    }


def _change_behind_the_back(school: SchoolStore, file: str, username: str, password: str) -> None:
    """With only this person's password and the key file: the allegation's words changed
    in the live file, and the trigger that refuses it put back exactly as it was."""
    person = attacker.loot(school.paths.keys.read_bytes(), username, password)
    db = school.paths.root / f"{file}.db"
    key = attacker.opening_key(db, person.file_keys)
    assert key is not None, f"{username} holds the {file} key"
    with attacker.raw_write(db, key) as conn:
        [sql] = conn.execute(  # type: ignore[attr-defined]
            "SELECT sql FROM sqlite_master WHERE name = 'allegation_no_update'"
        ).fetchone()
        conn.execute("DROP TRIGGER allegation_no_update")  # type: ignore[attr-defined]
        conn.execute("UPDATE allegation SET alleged = ?", (FORGED,))  # type: ignore[attr-defined]
        conn.execute(sql)  # type: ignore[attr-defined]


@pytest.fixture
def tampered(school: SchoolStore) -> SchoolStore:
    """A school with a DSL, an administrator and an allegation about staff, whose words
    were then changed behind the program's back by someone holding the head's keys."""
    head = school.sign_in()
    try:
        add_account(head, "d.lead", {Role.DSL})
        add_account(head, "office", {Role.ADMIN})
        allegations.record_allegation(head, _payload(ALLEGED))
        assert integrity.verify(head).ok
        assert alarms.open_alarms(head) == []
    finally:
        head.close()
    _change_behind_the_back(school, "allegations", HEAD_USER, HEAD_PASSWORD)
    return school


def _verified(school: SchoolStore, username: str, password: str) -> integrity.VerifyReport:
    session = school.sign_in(username, password)
    try:
        return integrity.verify(session)
    finally:
        session.close()


def test_the_heads_verify_names_the_changed_allegation_and_raises_an_alarm(
    tampered: SchoolStore,
) -> None:
    head = tampered.sign_in()
    try:
        report = integrity.verify(head)
        assert not report.ok
        assert [p for p in report.problems if p.startswith("allegations: ")] == [
            "allegations: allegation row [1] (1) was changed behind the program's back"
        ], report.problems
        assert all(p.startswith("allegations: ") for p in report.problems), report.problems
        [listed] = alarms.open_alarms(head)
        assert listed.compartment is Compartment.ALLEGATIONS
        assert listed.ref == f"ALARM-A{listed.alarm.id}"
        assert "allegation row [1]" in listed.alarm.detail
        assert "allegations about staff" in listed.alarm.detail
        for words in (ALLEGED, FORGED, "Peter Quill", "4471"):
            assert words not in listed.alarm.detail
        # It waits in the head's queue, named by its reference only.
        [waiting] = [i for i in queue.load_queue(head).items if i.kind is ItemKind.ALARM]
        assert waiting.case_ref == listed.ref
        # Verify again: the same alarm, not a second one.
        integrity.verify(head)
        assert [a.ref for a in alarms.open_alarms(head)] == [listed.ref]
        # It lives in the allegations file only: the pupils' files and the school file
        # hold nothing of it.
        for compartment in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR):
            with head.compartment(compartment).read() as conn:
                assert "allegation" not in attacker.dump(conn).lower()
        # Dealt with by the head, by its reference.
        where, alarm_id = alarms.alarm_from_ref(listed.ref)
        alarms.resolve_alarm(head, where, alarm_id, "Restored last night's backup.")
        assert alarms.open_alarms(head) == []
    finally:
        head.close()


@pytest.mark.parametrize(("username", "role"), [("d.lead", "DSL"), ("office", "administrator")])
def test_others_verify_says_nothing_of_the_allegations_file(
    tampered: SchoolStore, username: str, role: str
) -> None:
    report = _verified(tampered, username, OTHER_PASSWORD)
    assert report.ok, f"the {role}'s verify: {report.problems}"
    assert Compartment.ALLEGATIONS not in report.heads
    assert Compartment.ALLEGATIONS in report.waiting  # it exists; they did not check it
    assert Compartment.ALLEGATIONS_HEAD not in report.waiting  # no chair: no such file
    assert not any("allegation" in p for p in report.problems)
    session = tampered.sign_in(username, OTHER_PASSWORD)
    try:
        assert alarms.open_alarms(session) == []
        with pytest.raises(PermissionDenied):
            alarms.resolve_alarm(session, Compartment.ALLEGATIONS, 1, "Not theirs to close.")
    finally:
        session.close()


def test_an_administrator_is_not_told_of_an_allegations_file_that_does_not_exist(
    school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, "office", {Role.ADMIN})
    (school.paths.root / "allegations.db").rename(school.paths.root / "moved-aside")
    report = _verified(school, "office", OTHER_PASSWORD)
    assert report.waiting == (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR)


def test_the_chairs_verify_covers_allegations_about_the_head(school: SchoolStore) -> None:
    head = school.sign_in()
    try:
        add_account(head, CHAIR, {Role.CHAIR_OF_GOVERNORS}, OTHER_PASSWORD)
    finally:
        head.close()
    chair = school.sign_in(CHAIR, OTHER_PASSWORD)
    try:
        allegations.record_allegation(
            chair,
            _payload(ALLEGED, subject_username=HEAD_USER, subject_role="Headteacher"),
            about_head=True,
        )
        assert integrity.verify(chair).ok
    finally:
        chair.close()
    _change_behind_the_back(school, "allegations_head", CHAIR, OTHER_PASSWORD)

    chair = school.sign_in(CHAIR, OTHER_PASSWORD)
    try:
        report = integrity.verify(chair)
        assert (
            "allegations_head: allegation row [1] (1) was changed behind the program's back"
            in report.problems
        ), report.problems
        [listed] = alarms.open_alarms(chair)
        assert (listed.compartment, listed.ref) == (
            Compartment.ALLEGATIONS_HEAD,
            f"ALARM-H{listed.alarm.id}",
        )
        assert FORGED not in listed.alarm.detail and ALLEGED not in listed.alarm.detail
        assert alarms.alarm_from_ref(listed.ref) == (Compartment.ALLEGATIONS_HEAD, listed.alarm.id)
        alarms.resolve_alarm(
            chair, Compartment.ALLEGATIONS_HEAD, listed.alarm.id, "Told the clerk; restored."
        )
        assert alarms.open_alarms(chair) == []
    finally:
        chair.close()

    # The head, whom the file is about, learns nothing of it: it is sound for them, and
    # named only as a file they could not check.
    head_report = _verified(school, HEAD_USER, HEAD_PASSWORD)
    assert head_report.ok, head_report.problems
    assert Compartment.ALLEGATIONS_HEAD in head_report.waiting
    assert Compartment.ALLEGATIONS_HEAD not in head_report.heads
    head = school.sign_in()
    try:
        found = alarms.open_alarms(head)
        assert all(a.compartment is not Compartment.ALLEGATIONS_HEAD for a in found)
        with pytest.raises(PermissionDenied):
            alarms.resolve_alarm(head, Compartment.ALLEGATIONS_HEAD, 1, "Not the head's.")
    finally:
        head.close()


Run = Callable[[Path, str, str], tuple[int, str, str]]


@pytest.fixture
def cli_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setenv(cli.FAST_KDF_ENV, "1")

    def run(data: Path, username: str, password: str) -> tuple[int, str, str]:
        monkeypatch.setenv(cli.PASSWORD_ENV, password)
        code = cli.main(["verify", "--user", username, "--data-dir", str(data)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_safedesk_admin_verify_for_the_head_and_for_a_dsl(
    tampered: SchoolStore, cli_run: Run
) -> None:
    run = cli_run
    code, out, err = run(tampered.paths.root, HEAD_USER, HEAD_PASSWORD)
    assert code == cli.EXIT_FAILED_CHECK, (out, err)
    assert "allegations audit chain head: seq " in out
    assert "allegations newest trusted signed head: seq " in out
    assert (
        "FAILED: allegations: allegation row [1] (1) was changed behind the program's back" in err
    )
    for words in (ALLEGED, FORGED, "Peter Quill"):
        assert words not in out + err

    code, out, err = run(tampered.paths.root, "d.lead", OTHER_PASSWORD)
    assert code == cli.EXIT_OK, (out, err)
    assert "allegations audit chain" not in out
    assert "Not checked (allegations about staff): your account cannot open them" in out
    assert "OK: " in out and "allegations" not in out.split("OK: ")[1]
    assert err == ""


def test_safedesk_admin_verify_for_the_head_of_a_sound_store(
    school: SchoolStore, cli_run: Run
) -> None:
    run = cli_run
    head = school.sign_in()
    try:
        allegations.record_allegation(head, _payload(ALLEGED))
    finally:
        head.close()
    code, out, err = run(school.paths.root, HEAD_USER, HEAD_PASSWORD)
    assert code == cli.EXIT_OK, (out, err)
    checked = out.split("signed heads are sound (")[1].split(")")[0]
    assert set(checked.split(", ")) == {"school", "safeguarding", "behaviour", "allegations"}
    assert "Not checked" not in out
