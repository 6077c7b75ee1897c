"""A school set up before allegations were kept (its school file at schema 2, no allegations
file): the head's next sign-in upgrades the school file and makes the allegations file, sealed
to the head alone; verify still passes. Allegations files made before corrections were kept
(schema 1) are upgraded at their holder's next sign-in, and still verify."""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.local_time import to_local
from safedesk.domain.roles import Role
from safedesk.services import allegations, integrity, records, setup, upkeep
from safedesk.services.session import Session
from safedesk.store import keyfile, migrate
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore, add_account, new_school
from tests.security import attacker

SCHOOL_SCHEMA_BEFORE = 2  # the school file's schema before the chair of governors' role


def school_before_allegations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SchoolStore:
    shipped = migrate.available_migrations

    def before(compartment: str) -> list[migrate.Migration]:
        found = shipped(compartment)
        return found[:SCHOOL_SCHEMA_BEFORE] if compartment == "school" else found

    with monkeypatch.context() as patch:
        patch.setattr(migrate, "available_migrations", before)
        patch.setattr(setup, "make_restricted_compartment", lambda *_a, **_k: None)
        school = new_school(tmp_path / "data")
        head = school.sign_in()
        try:
            factories.add_pupils(head)
            records.record(head, Kind.CONCERN, factories.concern())
            with head.store.read() as conn:
                assert migrate.current_version(conn) == SCHOOL_SCHEMA_BEFORE
        finally:
            head.lock()
    assert Compartment.ALLEGATIONS.value not in keyfile.load(school.paths.keys).epochs
    assert not school.paths.database(Compartment.ALLEGATIONS.value).exists()
    return school


def test_the_heads_next_sign_in_makes_the_allegations_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = school_before_allegations(tmp_path, monkeypatch)
    head = school.sign_in()
    try:
        with head.store.read() as conn:
            assert migrate.current_version(conn) == migrate.latest_version("school")
        upkeep.after_sign_in(head)
        assert head.member_of(Compartment.ALLEGATIONS)
        number = allegations.record_allegation(
            head,
            {
                "subject_name": "Mr Drax Destroyer",
                "subject_role": "Caretaker",
                "happened_at": factories.earlier(1),
                "alleged": "Took photographs of pupils on his own phone",
                "raised_by": "Year 5 teacher",
            },
        )
        assert [a.id for a in allegations.list_allegations(head)] == [number]
        assert integrity.verify(head).problems == []
    finally:
        head.lock()
    sealed = [
        s
        for s in keyfile.load(school.paths.keys).sealed
        if s.compartment == Compartment.ALLEGATIONS.value
    ]
    assert len(sealed) == 1  # the head's; never the recovery key's
    again = school.sign_in()  # and the next sign-in opens it as made
    try:
        assert again.member_of(Compartment.ALLEGATIONS)
        assert upkeep.after_sign_in(again).problems == []
    finally:
        again.lock()


ALLEGATIONS_SCHEMA_BEFORE = 1  # the allegations files' schema before corrections were kept
CHAIR, CHAIR_PASSWORD = "cleo.chair", "cleo's own long password"


def _about(**more: str) -> dict[str, str]:
    return {
        "subject_name": "Mr Drax Destroyer",
        "subject_role": "Caretaker",
        "happened_at": factories.earlier(30),
        "raised_by": "Year 5 teacher",
        **more,
    }


def school_before_corrections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SchoolStore:
    """Both allegations files at schema 1, each with an allegation decided and a low-level
    concern, written by the version before corrections."""
    shipped = migrate.available_migrations

    def before(compartment: str) -> list[migrate.Migration]:
        found = shipped(compartment)
        return found[:ALLEGATIONS_SCHEMA_BEFORE] if "allegations" in compartment else found

    with monkeypatch.context() as patch:
        patch.setattr(migrate, "available_migrations", before)
        school = new_school(tmp_path / "data")
        head = school.sign_in()
        try:
            add_account(head, CHAIR, {Role.CHAIR_OF_GOVERNORS}, CHAIR_PASSWORD)
            number = allegations.record_allegation(head, _about(alleged="Took photographs"))
            allegations.record_outcome(
                head, number, {"outcome": "unfounded", "decided_on": _today(head)}
            )
            allegations.record_low_level(head, _about(what="Swore in front of pupils"))
            with head.compartments[Compartment.ALLEGATIONS].read() as conn:
                assert migrate.current_version(conn) == ALLEGATIONS_SCHEMA_BEFORE
        finally:
            head.lock()
        chair = school.sign_in(CHAIR, CHAIR_PASSWORD)
        try:
            about_head = {"subject_username": HEAD_USER, "subject_role": "Headteacher"}
            number = allegations.record_allegation(
                chair, _about(alleged="Shouted at a pupil", **about_head), about_head=True
            )
            allegations.record_outcome(
                chair,
                number,
                {"outcome": "false", "decided_on": _today(chair)},
                about_head=True,
            )
            allegations.record_low_level(
                chair, _about(what="Late to a meeting", **about_head), about_head=True
            )
            with chair.compartments[Compartment.ALLEGATIONS_HEAD].read() as conn:
                assert migrate.current_version(conn) == ALLEGATIONS_SCHEMA_BEFORE
        finally:
            chair.lock()
    return school


def _today(session: Session) -> str:
    return to_local(session.clock.now()).date().isoformat()


def _upgraded_and_corrected(
    school: SchoolStore, username: str, password: str, about_head: bool
) -> None:
    compartment = Compartment.ALLEGATIONS_HEAD if about_head else Compartment.ALLEGATIONS
    holder = school.sign_in(username, password)  # this version: the file upgraded now
    try:
        with holder.compartments[compartment].read() as conn:
            assert migrate.current_version(conn) == migrate.latest_version(compartment.value)
        assert integrity.verify(holder).problems == []  # the old rows hashed again
        [concern] = allegations.list_low_level(holder, about_head=about_head)
        allegations.correct_low_level(
            holder, concern.id, "subject_role", "Site manager", "Job title", about_head=about_head
        )
        [found] = allegations.list_allegations(holder, about_head=about_head)
        allegations.correct_outcome(
            holder, found.id, "unsubstantiated", _today(holder), "Misread", about_head=about_head
        )
        [concern] = allegations.list_low_level(holder, about_head=about_head)
        assert concern.current("subject_role") == "Site manager"
        [found] = allegations.list_allegations(holder, about_head=about_head)
        assert found.decision is not None and found.decision.corrected
        assert integrity.verify(holder).problems == []
    finally:
        holder.lock()


def test_both_allegations_files_are_upgraded_at_their_holders_next_sign_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = school_before_corrections(tmp_path, monkeypatch)
    _upgraded_and_corrected(school, HEAD_USER, HEAD_PASSWORD, about_head=False)
    _upgraded_and_corrected(school, CHAIR, CHAIR_PASSWORD, about_head=True)
    # Someone holding the head's password and the key file rewrites the new correction with
    # a raw SQLCipher connection (the trigger dropped and put back): verify finds it.
    person = attacker.loot(school.paths.keys.read_bytes(), HEAD_USER, HEAD_PASSWORD)
    db = school.paths.database(Compartment.ALLEGATIONS.value)
    key = attacker.opening_key(db, person.file_keys)
    assert key is not None
    with attacker.raw_write(db, key) as conn:
        [sql] = conn.execute(  # type: ignore[attr-defined]
            "SELECT sql FROM sqlite_master WHERE name = 'low_level_amendment_no_update'"
        ).fetchone()
        conn.execute("DROP TRIGGER low_level_amendment_no_update")  # type: ignore[attr-defined]
        conn.execute("UPDATE low_level_amendment SET new_value = 'Volunteer'")  # type: ignore[attr-defined]
        conn.execute(sql)  # type: ignore[attr-defined]
    head = school.sign_in()
    try:
        assert (
            "allegations: low_level_amendment row [1] (1) was changed behind the program's back"
            in integrity.verify(head).problems
        )
    finally:
        head.lock()
