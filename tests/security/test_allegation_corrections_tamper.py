"""Corrections in the allegations files, changed behind the program's back.

The attacker holds only what the holder of the file (the headteacher, or the chair of
governors for the file about the head) holds: their own password and the key file. With a
raw SQLCipher connection keyed by the file key that password unseals, they rewrite a
correction - a low-level concern's amendment, or an allegation's corrected outcome - and put
the trigger that refuses it back as it was. The holder's verify must name the row."""

from __future__ import annotations

import pytest

from safedesk.domain.local_time import to_local
from safedesk.domain.roles import Role
from safedesk.services import allegations, integrity
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, OTHER_PASSWORD, SchoolStore, add_account
from tests.security import attacker

CHAIR = "carys.chair"
NEW_WORDS = "Raised his voice once 5582"

# table, its trigger refusing UPDATE, the forged change
EDITS = {
    "low_level_amendment": (
        "low_level_amendment_no_update",
        "UPDATE low_level_amendment SET new_value = ?",
        NEW_WORDS,
    ),
    "allegation_outcome_correction": (
        "allegation_outcome_correction_no_update",
        "UPDATE allegation_outcome_correction SET outcome = ?",
        "malicious",
    ),
}


def _corrections(session: object, *, about_head: bool) -> None:
    """A low-level concern corrected, and an allegation whose outcome is corrected."""
    about = {"subject_username": HEAD_USER, "subject_role": "Headteacher"} if about_head else {}
    payload = {
        "subject_name": "Mr Peter Quill",
        "subject_role": "Year 4 teacher",
        "happened_at": factories.earlier(5),
        "raised_by": "A midday supervisor",
        **about,
    }
    concern = allegations.record_low_level(
        session,  # type: ignore[arg-type]
        {**payload, "what": "Sat alone with a pupil in a closed room"},
        about_head=about_head,
    )
    allegations.correct_low_level(
        session,  # type: ignore[arg-type]
        concern,
        "what",
        "Sat alone with a pupil in the library office, door closed",
        "The room was wrong",
        about_head=about_head,
    )
    number = allegations.record_allegation(
        session,  # type: ignore[arg-type]
        {**payload, "alleged": "Grabbed a pupil by the wrist"},
        about_head=about_head,
    )
    today = to_local(session.clock.now()).date().isoformat()  # type: ignore[attr-defined]
    allegations.record_outcome(
        session,  # type: ignore[arg-type]
        number,
        {"outcome": "unfounded", "decided_on": today},
        about_head=about_head,
    )
    allegations.correct_outcome(
        session,  # type: ignore[arg-type]
        number,
        "unsubstantiated",
        today,
        "The LADO's letter says unsubstantiated",
        about_head=about_head,
    )


def tamper(school: SchoolStore, file: str, username: str, password: str, table: str) -> None:
    trigger, update, value = EDITS[table]
    person = attacker.loot(school.paths.keys.read_bytes(), username, password)
    db = school.paths.root / f"{file}.db"
    key = attacker.opening_key(db, person.file_keys)
    assert key is not None, f"{username} holds the {file} key"
    with attacker.raw_write(db, key) as conn:
        [sql] = conn.execute(  # type: ignore[attr-defined]
            "SELECT sql FROM sqlite_master WHERE name = ?", (trigger,)
        ).fetchone()
        conn.execute(f"DROP TRIGGER {trigger}")  # type: ignore[attr-defined]
        conn.execute(update, (value,))  # type: ignore[attr-defined]
        conn.execute(sql)  # type: ignore[attr-defined]


@pytest.mark.parametrize("table", list(EDITS))
def test_the_heads_verify_finds_a_correction_changed_behind_its_back(
    school: SchoolStore, table: str
) -> None:
    head = school.sign_in()
    try:
        _corrections(head, about_head=False)
        assert integrity.verify(head).ok
    finally:
        head.close()
    tamper(school, "allegations", HEAD_USER, HEAD_PASSWORD, table)
    head = school.sign_in()
    try:
        report = integrity.verify(head)
        assert f"allegations: {table} row [1] (1) was changed behind the program's back" in (
            report.problems
        ), report.problems
        for problem in report.problems:
            assert NEW_WORDS not in problem and "Peter Quill" not in problem
    finally:
        head.close()


@pytest.mark.parametrize("table", list(EDITS))
def test_the_chairs_verify_finds_a_correction_changed_behind_its_back(
    school: SchoolStore, table: str
) -> None:
    head = school.sign_in()
    try:
        add_account(head, CHAIR, {Role.CHAIR_OF_GOVERNORS}, OTHER_PASSWORD)
    finally:
        head.close()
    chair = school.sign_in(CHAIR, OTHER_PASSWORD)
    try:
        _corrections(chair, about_head=True)
        assert integrity.verify(chair).ok
    finally:
        chair.close()
    tamper(school, "allegations_head", CHAIR, OTHER_PASSWORD, table)
    chair = school.sign_in(CHAIR, OTHER_PASSWORD)
    try:
        report = integrity.verify(chair)
        assert (
            f"allegations_head: {table} row [1] (1) was changed behind the program's back"
            in report.problems
        ), report.problems
    finally:
        chair.close()
