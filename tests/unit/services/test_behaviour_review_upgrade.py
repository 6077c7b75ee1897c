"""A school whose behaviour file was made before reviews existed (schema 1): the first member's
sign-in brings it to the reviews' schema and keeps its records; verify must still pass, and
must still find a row changed behind the program's back before the upgrade."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.services import behaviour_review, integrity, records
from safedesk.store import migrate
from tests import factories
from tests.conftest import HEAD_PASSWORD, SchoolStore, new_school
from tests.security import attacker
from tests.unit.services.test_behaviour_review import SIGN_OFF, at, record_at
from tests.unit.services.test_step10_upgrade import older_payload


def school_before_reviews(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[SchoolStore, str]:
    """A school whose behaviour file is at schema 1 (before reviews), with one incident."""
    shipped = migrate.available_migrations

    def before_reviews(compartment: str) -> list[migrate.Migration]:
        found = shipped(compartment)
        return found[:1] if compartment == "behaviour" else found

    with monkeypatch.context() as patch:
        patch.setattr(migrate, "available_migrations", before_reviews)
        # That version's records had none of the fields Step 10 added, nor asked for them.
        validate = records.validate_new_entry
        patch.setattr(
            records,
            "validate_new_entry",
            lambda *a, **k: validate(*a, **{**k, "required_since": {}}),
        )
        patch.setitem(factories.PAYLOADS, Kind.BEHAVIOUR, lambda: older_payload(Kind.BEHAVIOUR))
        school = new_school(tmp_path / "data")
        head = school.sign_in()
        factories.add_pupils(head)
        ref = record_at(head, Kind.BEHAVIOUR, "2026-11-23T10:00")
        with head.compartments[behaviour_review.BEHAVIOUR].read() as conn:
            assert migrate.current_version(conn) == 1
        head.lock()
    return school, ref


def raw_behaviour_file(school: SchoolStore) -> AbstractContextManager[Any]:
    """The behaviour file opened behind the program's back with the head's own key."""
    root = school.paths.root
    loot = attacker.loot((root / "keys.json").read_bytes(), "head", HEAD_PASSWORD)
    key = attacker.opening_key(root / "behaviour.db", loot.file_keys)
    return attacker.raw_write(root / "behaviour.db", key)


def verify_problems(school: SchoolStore) -> list[str]:
    head = school.sign_in()  # the shipped migrations: upgraded now, by the program
    try:
        return integrity.verify(head).problems
    finally:
        head.lock()


def test_an_old_behaviour_file_is_upgraded_at_sign_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school, ref = school_before_reviews(tmp_path, monkeypatch)
    head = school.sign_in()  # the shipped migrations again
    try:
        with head.compartments[behaviour_review.BEHAVIOUR].read() as conn:
            assert migrate.current_version(conn) == migrate.latest_version("behaviour")
        assert [i.ref for i in behaviour_review.load_inbox(head).items] == [ref]
        head.clock = FixedClock(at("2026-11-23T12:00"))
        behaviour_review.record_review(head, ref, SIGN_OFF)
        report = integrity.verify(head)
        assert report.ok, report.problems
    finally:
        head.lock()


def test_a_row_changed_before_the_upgrade_is_still_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school, ref = school_before_reviews(tmp_path, monkeypatch)
    with raw_behaviour_file(school) as conn:
        conn.execute("DROP TRIGGER behaviour_no_update")
        conn.execute("UPDATE behaviour_incident SET description = 'Nothing.'")
    problems = verify_problems(school)
    assert any("behaviour_incident row" in p and ref in p for p in problems), problems


def test_a_trigger_dropped_before_the_upgrade_is_not_recorded_as_the_programs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school, _ref = school_before_reviews(tmp_path, monkeypatch)
    with raw_behaviour_file(school) as conn:
        conn.execute("DROP TRIGGER behaviour_no_delete")
    problems = verify_problems(school)
    assert any("a trigger may have been dropped" in p for p in problems), problems
