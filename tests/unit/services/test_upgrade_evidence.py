"""A school made by the first release (schema 1 in every file) is upgraded at the next sign-in:
its records stay, and `verify` passes, because the rows that were sound are hashed again at
the new schema version."""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.services import integrity, records
from safedesk.store import migrate
from tests import factories
from tests.conftest import new_school
from tests.unit.services.test_step10_upgrade import older_payload


def test_a_first_release_school_is_upgraded_and_still_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = migrate.available_migrations
    with monkeypatch.context() as patch:
        patch.setattr(migrate, "available_migrations", lambda c: shipped(c)[:1])
        # That version's records had none of the fields Step 10 added, nor asked for them.
        validate = records.validate_new_entry
        patch.setattr(
            records,
            "validate_new_entry",
            lambda *a, **k: validate(*a, **{**k, "required_since": {}}),
        )
        school = new_school(tmp_path / "data")
        head = school.sign_in()
        factories.add_pupils(head)
        refs = [
            records.record(head, kind, payload)
            for kind, payload in (
                (Kind.CONCERN, older_payload(Kind.CONCERN)),
                (Kind.BEHAVIOUR, older_payload(Kind.BEHAVIOUR)),
                (Kind.INTERVENTION, older_payload(Kind.INTERVENTION)),
            )
        ]
        for compartment in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR):
            with head.compartments[compartment].read() as conn:
                assert migrate.current_version(conn) == 1
        head.lock()
    head = school.sign_in()
    try:
        for compartment in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR):
            with head.compartments[compartment].read() as conn:
                assert migrate.current_version(conn) == migrate.latest_version(compartment.value)
        readable = {e.ref for e in records.pupil_records(head, factories.PUPIL_A)}
        assert set(refs) <= readable
        report = integrity.verify(head)
        assert report.ok, report.problems
    finally:
        head.lock()
