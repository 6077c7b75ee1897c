"""A school made before Step 10 (behaviour and safeguarding at schema 2, school at 1) opens with
this version: its records stay with no trigger, kind or support ("not recorded"), a record a
member of staff sealed into the inbox with the older version is still taken in, `verify`
passes (rows hashed again, and the rows the upgrade wrote: the new lists and when each field
became required), and from then on new records need the fields, in the service and in the
schema. A row changed behind the program's back after the upgrade is still found."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import ADDED_FIELDS, Kind
from safedesk.domain.errors import ValidationError
from safedesk.domain.roles import Role
from safedesk.services import intake, integrity, lists, records, setup
from safedesk.services.session import Session
from safedesk.store import migrate
from tests import factories
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore, add_account, new_school
from tests.security import attacker

# The schema each file had before Step 10.
BEFORE_STEP_10 = {"behaviour": 2, "safeguarding": 2, "school": 1}


def older_payload(kind: Kind) -> dict[str, Any]:
    """A record as the version before Step 10 made it: none of the fields added since."""
    made = {
        Kind.CONCERN: factories.concern,
        Kind.BEHAVIOUR: factories.behaviour,
        Kind.INTERVENTION: factories.intervention,
    }[kind]()
    return {k: v for k, v in made.items() if k not in ADDED_FIELDS}


@contextmanager
def older_version(patch: pytest.MonkeyPatch, *, schemas: bool = True) -> Iterator[None]:
    """The program as it was before Step 10: the older schemas (``schemas``), and a front door
    that did not know the fields added since (so did not ask for them)."""
    shipped = migrate.available_migrations
    validate = records.validate_new_entry

    def before(compartment: str) -> list[migrate.Migration]:
        # Files made since Step 10 (the allegations files) were not made then at all.
        return shipped(compartment)[: BEFORE_STEP_10.get(compartment)]

    def front_door(*args: Any, **kwargs: Any) -> Any:
        return validate(*args, **{**kwargs, "required_since": {}})

    with patch.context() as patched:
        if schemas:
            patched.setattr(migrate, "available_migrations", before)
            patched.setattr(setup, "make_restricted_compartment", lambda *_a, **_k: None)
        patched.setattr(records, "validate_new_entry", front_door)
        yield


def older_school(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[SchoolStore, list[str]]:
    """A school made before Step 10: the head's incident and intervention taken in, and a
    member of staff's incident sealed into the inbox, not yet taken in."""
    with older_version(monkeypatch):
        school = new_school(tmp_path / "data")
        head = school.sign_in()
        factories.add_pupils(head)
        add_account(head, "staff1", {Role.STAFF})
        refs = [
            records.record(head, Kind.BEHAVIOUR, older_payload(Kind.BEHAVIOUR)),
            records.record(head, Kind.INTERVENTION, older_payload(Kind.INTERVENTION)),
        ]
        head.lock()
        staff = school.sign_in("staff1", OTHER_PASSWORD)
        refs.append(records.record(staff, Kind.BEHAVIOUR, older_payload(Kind.BEHAVIOUR)))
        staff.lock()
    return school, refs


def raw_behaviour_file(school: SchoolStore) -> AbstractContextManager[Any]:
    root = school.paths.root
    loot = attacker.loot((root / "keys.json").read_bytes(), "head", HEAD_PASSWORD)
    key = attacker.opening_key(root / "behaviour.db", loot.file_keys)
    return attacker.raw_write(root / "behaviour.db", key)


def verify_problems(school: SchoolStore) -> list[str]:
    head = school.sign_in()
    try:
        return integrity.verify(head).problems
    finally:
        head.lock()


@pytest.fixture
def upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Session, list[str]]]:
    school, refs = older_school(tmp_path, monkeypatch)
    head = school.sign_in()  # this version: every file upgraded now
    try:
        yield head, refs
    finally:
        head.close()


def test_an_older_school_keeps_its_records_takes_in_the_old_item_and_verifies(
    upgraded: tuple[Session, list[str]],
) -> None:
    head, refs = upgraded
    for compartment in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR):
        with head.compartments[compartment].read() as conn:
            assert migrate.current_version(conn) == migrate.latest_version(compartment.value)
    factories.take_in_all(head)  # what a member's sign-in does: the staff's sealed incident
    found = {e.ref: e for e in records.pupil_records(head, factories.PUPIL_A)}
    assert set(refs) <= set(found)
    for ref in refs:
        current = found[ref].current()
        assert current.get("trigger") is None
        if found[ref].kind is Kind.INTERVENTION:
            assert current.get("intervention_kind") is None
            assert current.get("support_after") is None
    with head.compartments[Compartment.BEHAVIOUR].read() as conn:
        kept = conn.execute("SELECT count(*) FROM quarantine").fetchone()[0]
        since = dict(conn.execute("SELECT field, since FROM field_required_from").fetchall())
    assert kept == 0
    assert set(since) == {"trigger", "intervention_kind", "support_after"}
    assert all(datetime.fromisoformat(s) > found[refs[-1]].recorded_at for s in since.values())
    offered = lists.choices(head)
    assert "peer_conflict" in {v for v, _ in offered["triggers"]}
    assert "seclusion" in {v for v, _ in offered["intervention_kinds"]}
    report = integrity.verify(head)
    assert report.ok, report.problems


def test_after_the_upgrade_new_records_need_the_new_fields(
    upgraded: tuple[Session, list[str]],
) -> None:
    head, _refs = upgraded
    with pytest.raises(ValidationError) as caught:
        records.record(head, Kind.INTERVENTION, older_payload(Kind.INTERVENTION))
    assert {"trigger", "intervention_kind", "support_after"} <= set(caught.value.problems)
    with pytest.raises(ValidationError) as caught:
        records.record(head, Kind.BEHAVIOUR, older_payload(Kind.BEHAVIOUR))
    assert set(caught.value.problems) == {"trigger"}
    ref = records.record(head, Kind.BEHAVIOUR, factories.behaviour())
    assert records.open_record(head, ref).current()["trigger"] == "peer_conflict"


def test_a_record_sealed_after_the_upgrade_without_the_fields_is_kept_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school, _refs = older_school(tmp_path, monkeypatch)
    head = school.sign_in()  # upgraded now
    factories.take_in_all(head)
    head.lock()
    # A copy of the older program's front door, still used afterwards on the upgraded files.
    with older_version(monkeypatch, schemas=False):
        staff = school.sign_in("staff1", OTHER_PASSWORD)
        late = records.record(staff, Kind.BEHAVIOUR, older_payload(Kind.BEHAVIOUR))
        staff.lock()
    head = school.sign_in()
    try:
        report = intake.take_in(head, Compartment.BEHAVIOUR)
        assert (report.taken_in, report.quarantined) == (0, 1)
        with head.compartments[Compartment.BEHAVIOUR].read() as conn:
            alarm = conn.execute("SELECT detail FROM alarm ORDER BY id DESC").fetchone()[0]
        assert late in alarm
        assert "trigger: is required" in alarm
    finally:
        head.lock()


def _incident_row(conn: Any, ref: str) -> dict[str, Any]:
    entry_id = conn.execute("SELECT id FROM entry WHERE ref = ?", (ref,)).fetchone()[0]
    columns = [r[1] for r in conn.execute("PRAGMA table_info(behaviour_incident)")]
    row = conn.execute("SELECT * FROM behaviour_incident WHERE entry_id = ?", (entry_id,))
    return dict(zip(columns, row.fetchone(), strict=True))


def _raw_incident(conn: Any, row: dict[str, Any], recorded_at: datetime, number: int) -> None:
    """An incident written straight into the file, recorded at ``recorded_at``, no trigger."""
    stored = recorded_at.astimezone(UTC).isoformat(timespec="microseconds")
    cursor = conn.execute(
        "INSERT INTO entry (ref, kind, author, occurred_at, recorded_at) "
        "VALUES (?, 'behaviour', 'head', ?, ?)",
        (f"B-2026-09{number:02d}", stored, stored),
    )
    copy = {**row, "entry_id": cursor.lastrowid, "trigger": None}
    conn.execute(
        f"INSERT INTO behaviour_incident ({', '.join(copy)}) VALUES ({', '.join('?' * len(copy))})",
        list(copy.values()),
    )


def test_the_schema_asks_for_a_trigger_only_on_records_recorded_since_the_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school, refs = older_school(tmp_path, monkeypatch)
    head = school.sign_in()  # upgraded now
    with head.compartments[Compartment.BEHAVIOUR].read() as conn:
        since = conn.execute(
            "SELECT since FROM field_required_from WHERE field = 'trigger'"
        ).fetchone()[0]
    head.lock()
    upgrade = datetime.fromisoformat(since)
    with raw_behaviour_file(school) as conn:
        row = _incident_row(conn, refs[0])
        _raw_incident(conn, row, upgrade - timedelta(minutes=5), 1)  # before: allowed
        with pytest.raises(sqlcipher3.IntegrityError, match="needs its trigger"):
            _raw_incident(conn, row, upgrade + timedelta(minutes=5), 2)


def test_verify_still_finds_a_row_changed_after_the_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school, refs = older_school(tmp_path, monkeypatch)
    head = school.sign_in()
    head.lock()
    with raw_behaviour_file(school) as conn:
        conn.execute("DROP TRIGGER behaviour_no_update")
        conn.execute("UPDATE behaviour_incident SET trigger = 'home'")
    problems = verify_problems(school)
    assert any("behaviour_incident row" in p and refs[0] in p for p in problems), problems


def test_verify_finds_when_a_field_became_required_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school, _refs = older_school(tmp_path, monkeypatch)
    head = school.sign_in()
    head.lock()
    with raw_behaviour_file(school) as conn:
        # Moved into the future, so that records without a trigger would pass the schema.
        conn.execute("DROP TRIGGER field_required_from_no_update")
        conn.execute("UPDATE field_required_from SET since = '2099-01-01T00:00:00.000+00:00'")
    problems = verify_problems(school)
    assert any("field_required_from row" in p for p in problems), problems


def test_in_a_school_made_now_the_fields_are_required_from_the_start(
    head_session: Session,
) -> None:
    """Every record in a new file comes from this version, a demo school's past included: a
    record dated years back still needs its trigger."""
    factories.add_pupils(head_session)
    ref = records.record(head_session, Kind.BEHAVIOUR, factories.behaviour())
    store = head_session.compartments[Compartment.BEHAVIOUR]
    with store.read() as conn:
        since = {r[0] for r in conn.execute("SELECT since FROM field_required_from")}
        row = _incident_row(conn, ref)
    assert since == {"2000-01-01T00:00:00.000+00:00"}
    with (
        pytest.raises(sqlcipher3.IntegrityError, match="needs its trigger"),
        store.write() as conn,
    ):
        _raw_incident(conn, row, datetime(2016, 9, 5, 10, tzinfo=UTC), 3)
