"""A school set up before allegations were kept (its school file at schema 2, no allegations
file): the head's next sign-in upgrades the school file and makes the allegations file, sealed
to the head alone; verify still passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.services import allegations, integrity, records, setup, upkeep
from safedesk.store import keyfile, migrate
from tests import factories
from tests.conftest import SchoolStore, new_school

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
