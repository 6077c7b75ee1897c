"""Proof: a full disk, a read-only folder, corrupt or foreign files (each compartment file and
the key file), a store from safedesk 0.1, a second instance, a clock that goes backwards and a
disabled account each get a clear message and change nothing."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.errors import AccountDisabled, AuthenticationError, SafedeskError
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import backup, intake, integrity, records, users, vault
from safedesk.store import keyfile
from safedesk.store.crypto import FAST_KDF
from safedesk.store.db import StoreDamaged, StoreFull, StoreLocked
from safedesk.store.instance_lock import InstanceLock
from tests import factories
from tests.conftest import (
    HEAD_PASSWORD,
    HEAD_USER,
    OTHER_PASSWORD,
    SchoolStore,
    add_account,
    new_school,
)
from tests.faults.conftest import (
    assert_old_copy_opens_nothing,
    check_store,
    file_state,
    new_pupils,
    start_writer,
)
from tests.faults.writer import DRAFT_MARK, RECORD_MARK

RECORDS = 60  # the writer's limit when the disk is full: at 400 KiB it is hit at about 6
DB_FILES = ("school.db", "safeguarding.db", "behaviour.db")
STORE_FILES = (*DB_FILES, "keys.json")


def assert_plain(writer_stderr: str, message: str) -> None:
    """A message fit for a user: no traceback, no record or draft text."""
    for text in (writer_stderr, message):
        assert "Traceback" not in text, text
        assert RECORD_MARK not in text and DRAFT_MARK not in text, text


# --- a full disk ------------------------------------------------------------------------------


@pytest.mark.parametrize("recover", [False, True], ids=["exit", "free-space-and-retry"])
@pytest.mark.parametrize("room_kib", [0, 40, 120, 400])
def test_disk_full_is_reported_plainly_and_nothing_is_half_written(
    pupil_school: SchoolStore, room_kib: int, recover: bool
) -> None:
    """Every file the writer touches may grow only to ``room_kib`` KiB (RLIMIT_FSIZE, EFBIG).

    0 KiB fails at sign-in (the WAL and its index cannot be written); 40 KiB at the first
    record; 120 and 400 KiB part-way through recording, at a different record or draft each
    time, in `school` (the sealed inbox) or in the compartment taking the record in.
    """
    paths = pupil_school.paths
    args = ["--records", str(RECORDS), "--pad", "3000", "--draft-every", "2"]
    writer = start_writer(
        paths.root, *args, *(["--recover"] if recover else []), file_size_limit=room_kib * 1024
    )
    returncode = writer.finish()
    errors = writer.errors()
    assert errors, (writer.texts(), writer.stderr)
    first = errors[0]
    assert first["type"] == "StoreFull", first
    assert "is full or failing, so nothing was saved" in first["message"]
    assert "what was saved before is safe" in first["message"]
    assert_plain(writer.stderr, first["message"])
    reached_loop = "READY" in writer.texts()
    if recover and reached_loop:
        assert returncode == 0 and writer.texts()[-1] == "DONE", writer.texts()
        assert len(writer.refs()) == RECORDS
    else:
        assert returncode == 3, (writer.texts(), writer.stderr)
    if room_kib >= 120:
        assert reached_loop and writer.refs(), "the limit should bite mid-write"

    facts = check_store(paths)  # the limit only ever applied to the writer
    printed = set(writer.refs())
    assert printed <= facts.refs, f"committed records lost: {printed - facts.refs}"
    assert facts.audited_refs == facts.refs
    assert facts.waiting == 0
    # A record sealed into the inbox whose taking-in then failed was kept, not half-written;
    # only the call that reported the error may have left one.
    failed = {int(e["n"]) for e in errors if e["n"]}
    kept_anyway = record_numbers(paths, facts.refs - printed)
    assert set(kept_anyway.values()) <= failed, (kept_anyway, failed)
    assert len(kept_anyway) <= len(failed)
    draft = writer.last_draft()
    if draft is not None:
        draft_id, seq = draft
        text = facts.drafts[draft_id].payload["description"]
        assert text == f"{DRAFT_MARK} run 0 seq {seq}"


def record_numbers(paths: DataPaths, refs: set[str]) -> dict[str, int]:
    """The writer's number of each record in ``refs`` (from the text it wrote)."""
    if not refs:
        return {}
    session = vault.sign_in(paths, HEAD_USER, HEAD_PASSWORD)
    try:
        texts = {ref: records.open_record(session, ref).original["description"] for ref in refs}
    finally:
        session.lock()
    found = {}
    for ref, text in texts.items():
        assert text is not None and text.startswith(f"{RECORD_MARK} run 0 number "), text
        found[ref] = int(text.split()[4].rstrip("."))
    return found


def test_a_record_sealed_in_the_inbox_is_not_reported_as_unsaved(
    pupil_school: SchoolStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compartment's file cannot grow, but `school` had room for the sealed item: the
    record is saved (it waits in the inbox), so recording must not say it was not."""
    session = pupil_school.sign_in()

    def disk_full(*_args: object, **_kwargs: object) -> object:
        raise StoreFull(
            f"The disk holding {pupil_school.paths.root} is full or failing, so nothing was "
            "saved. Free some space and try again; what was saved before is safe."
        )

    try:
        with monkeypatch.context() as patched:
            patched.setattr(intake, "take_in", disk_full)
            ref = records.record(session, Kind.CONCERN, factories.concern())
    finally:
        session.lock()
    assert ref in check_store(pupil_school.paths).refs


# --- a read-only folder -----------------------------------------------------------------------


@pytest.fixture
def shared_school() -> Iterator[SchoolStore]:
    """A school in a folder any account can read (for a writer run as 'nobody' under root)."""
    top = Path(tempfile.mkdtemp(prefix="safedesk-faults-"))
    top.chmod(0o755)
    store = new_school(top / "data")
    new_pupils(store)
    try:
        yield store
    finally:
        for path in [top, *top.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(top)


def test_read_only_folder_is_reported_plainly_and_left_alone(shared_school: SchoolStore) -> None:
    paths = shared_school.paths
    session = shared_school.sign_in()
    ref = records.record(session, Kind.CONCERN, factories.concern())
    session.lock()
    for path in paths.root.rglob("*"):
        path.chmod(0o555 if path.is_dir() else 0o444)
    paths.root.chmod(0o555)
    before = file_state(paths.root)
    # Root ignores file modes, so as root the writer gives up root first and runs as 'nobody'.
    as_other = ["--as-uid", "65534"] if os.geteuid() == 0 else []
    if not as_other:
        assert not os.access(paths.root, os.W_OK), "chmod had no effect on this file system"

    writer = start_writer(paths.root, "--records", "3", *as_other)
    assert writer.finish() == 3, (writer.texts(), writer.stderr)
    errors = writer.errors()
    assert [e["type"] for e in errors] == ["StoreReadOnly"], (writer.texts(), writer.stderr)
    assert f"safedesk cannot write to {paths.root}" in errors[0]["message"]
    assert "not read-only" in errors[0]["message"]
    assert_plain(writer.stderr, errors[0]["message"])
    assert not writer.refs()
    assert file_state(paths.root) == before

    for path in [paths.root, *paths.root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert check_store(paths).refs == {ref}


# --- corrupt and foreign files ----------------------------------------------------------------


@pytest.fixture
def recorded_school(pupil_school: SchoolStore) -> SchoolStore:
    """A school holding a concern and a behaviour incident (one in each reading compartment)
    and a teacher's account, signed out (so every WAL has been folded into its file)."""
    session = pupil_school.sign_in()
    records.record(session, Kind.CONCERN, factories.concern())
    records.record(session, Kind.BEHAVIOUR, factories.behaviour())
    add_account(session, "teacher", {Role.STAFF})
    session.lock()
    return pupil_school


def assert_refused_and_untouched(
    school: SchoolStore,
    expected: type[SafedeskError] | tuple[type[SafedeskError], ...],
    match: str | None,
    username: str = HEAD_USER,
    password: str = HEAD_PASSWORD,
) -> SafedeskError:
    """Sign-in fails with ``expected``; every database and the key file keep their bytes and
    times, and no WAL is left behind."""
    before = file_state(school.paths.root, STORE_FILES)
    with pytest.raises(expected, match=match) as caught:
        school.sign_in(username, password)
    assert_plain("", str(caught.value))
    assert file_state(school.paths.root, STORE_FILES) == before
    assert not list(school.paths.root.glob("*-wal"))
    return caught.value


def damaged(text: str, name: str) -> None:
    assert "damaged" in text or "missing or empty" in text, text
    assert "Nothing has been changed" in text, text
    assert name in text, f"the message should name {name}: {text}"


@pytest.mark.parametrize("name", DB_FILES)
@pytest.mark.parametrize("keep", ["nothing", "100 bytes", "one page", "half"])
def test_truncated_database_is_refused(recorded_school: SchoolStore, name: str, keep: str) -> None:
    db = recorded_school.paths.root / name
    data = db.read_bytes()
    cut = {"nothing": 0, "100 bytes": 100, "one page": 4096, "half": len(data) // 2}[keep]
    db.write_bytes(data[:cut])
    error = assert_refused_and_untouched(recorded_school, StoreDamaged, None)
    damaged(str(error), name)


@pytest.mark.parametrize("name", DB_FILES)
def test_database_missing_its_last_page_fails_verify(
    recorded_school: SchoolStore, name: str
) -> None:
    """Pages beyond what sign-in reads are caught by verify, not silently used."""
    db = recorded_school.paths.root / name
    db.write_bytes(db.read_bytes()[:-4096])
    try:
        session = recorded_school.sign_in()
    except StoreDamaged as exc:
        damaged(str(exc), name)
        return
    try:
        report = integrity.verify(session)
    finally:
        session.close()
    assert not report.ok and report.problems
    assert any(p.startswith(name.removesuffix(".db")) for p in report.problems), report.problems


def another_school(folder: Path) -> SchoolStore:
    store = new_school(folder)
    session = store.sign_in()
    factories.add_pupils(session)
    records.record(session, Kind.CONCERN, factories.concern())
    records.record(session, Kind.BEHAVIOUR, factories.behaviour())
    session.lock()
    return store


@pytest.mark.parametrize("name", DB_FILES)
@pytest.mark.parametrize("kind", ["random bytes", "plain sqlite", "another school's file"])
def test_foreign_database_file_is_refused(
    recorded_school: SchoolStore, tmp_path: Path, name: str, kind: str
) -> None:
    db = recorded_school.paths.root / name
    size = db.stat().st_size
    db.unlink()
    if kind == "random bytes":
        db.write_bytes(os.urandom(size))
    elif kind == "plain sqlite":
        with sqlite3.connect(db) as plain:
            plain.execute("CREATE TABLE school (id INTEGER, name TEXT)")
            plain.execute("INSERT INTO school VALUES (1, 'Somewhere Else')")
        plain.close()
    else:
        other = another_school(tmp_path / "other")
        shutil.copyfile(other.paths.root / name, db)
    error = assert_refused_and_untouched(recorded_school, StoreDamaged, None)
    damaged(str(error), name)


@pytest.mark.parametrize("name", ["safeguarding.db", "behaviour.db"])
def test_damaged_compartment_does_not_stop_staff_recording(
    recorded_school: SchoolStore, name: str
) -> None:
    """A teacher never opens a reading compartment, so one that is damaged does not stop
    them: their records wait sealed in `school` until the file is restored."""
    db = recorded_school.paths.root / name
    db.write_bytes(os.urandom(db.stat().st_size))
    before = db.read_bytes()
    teacher = recorded_school.sign_in("teacher", OTHER_PASSWORD)
    try:
        kind = Kind.CONCERN if name == "safeguarding.db" else Kind.BEHAVIOUR
        ref = records.record(teacher, kind, factories.PAYLOADS[kind]())
        assert ref in {e.ref for e in records.my_records(teacher)}
    finally:
        teacher.lock()
    assert db.read_bytes() == before
    with pytest.raises(StoreDamaged) as caught:
        recorded_school.sign_in()
    damaged(str(caught.value), name)


# --- the key file -----------------------------------------------------------------------------


def head_slot(raw: dict[str, Any], school: SchoolStore) -> dict[str, Any]:
    wanted = keyfile.load(school.paths.keys).slot_id(HEAD_USER)
    found: dict[str, Any] = next(s for s in raw["accounts"] if s["id"] == wanted)
    return found


def edit_keys(school: SchoolStore, change: str) -> None:
    raw: dict[str, Any] = json.loads(school.paths.keys.read_text("utf-8"))
    slot = head_slot(raw, school)
    if change == "version":
        raw["version"] = 1
    elif change == "format":
        raw["format"] = "safedesk-keyring"
    elif change == "store id cut short":
        raw["store_id"] = raw["store_id"][:-1]
    elif change == "kdf name":
        slot["kdf"]["name"] = "scrypt"
    elif change == "kdf memory huge":
        slot["kdf"]["memory_kib"] = 99_999_999_999
    elif change == "kdf passes huge":
        slot["kdf"]["time_cost"] = 4_000_000
    elif change == "accounts not a list":
        raw["accounts"] = {"0": slot}
    elif change == "account state unknown":
        slot["state"] = "superuser"
    elif change == "nonce wrong length":
        slot["nonce"] = slot["nonce"][:8]
    elif change == "epoch zero":
        raw["epochs"]["school"]["current"] = 0
    elif change == "epoch not a number":
        raw["epochs"]["safeguarding"]["current"] = "2"
    elif change == "sealed key not base64":
        raw["sealed"][0]["blob"] = "not base64!"
    elif change == "sealed keys missing":
        del raw["sealed"]
    else:
        raise AssertionError(change)
    school.paths.keys.write_text(json.dumps(raw, indent=2), "utf-8")


def keys_damaged(text: str, path: Path) -> None:
    assert f"The key file {path} is damaged" in text, text
    assert "Nothing has been changed" in text, text


def test_key_file_that_is_not_json_is_refused(recorded_school: SchoolStore) -> None:
    keys = recorded_school.paths.keys
    keys.write_text(keys.read_text("utf-8")[:-40] + "\n,,}", "utf-8")
    error = assert_refused_and_untouched(recorded_school, StoreDamaged, "key file")
    keys_damaged(str(error), keys)
    assert not recorded_school.paths.signin_failures.exists()


@pytest.mark.parametrize("keep", ["nothing", "half"])
def test_truncated_key_file_is_refused(recorded_school: SchoolStore, keep: str) -> None:
    keys = recorded_school.paths.keys
    data = keys.read_bytes()
    keys.write_bytes(data[: 0 if keep == "nothing" else len(data) // 2])
    error = assert_refused_and_untouched(recorded_school, StoreDamaged, "key file")
    keys_damaged(str(error), keys)


def test_key_file_of_random_bytes_is_refused(recorded_school: SchoolStore) -> None:
    keys = recorded_school.paths.keys
    keys.write_bytes(os.urandom(keys.stat().st_size))
    error = assert_refused_and_untouched(recorded_school, StoreDamaged, "key file")
    assert "damaged" in str(error)


def test_missing_key_file_is_refused(recorded_school: SchoolStore) -> None:
    recorded_school.paths.keys.unlink()
    before = file_state(recorded_school.paths.root)
    with pytest.raises(SafedeskError) as caught:
        recorded_school.sign_in()
    assert_plain("", str(caught.value))
    assert str(recorded_school.paths.root) in str(caught.value)
    assert file_state(recorded_school.paths.root) == before


@pytest.mark.parametrize(
    "change",
    [
        "version",
        "format",
        "store id cut short",
        "kdf name",
        "kdf memory huge",
        "kdf passes huge",
        "accounts not a list",
        "account state unknown",
        "nonce wrong length",
        "epoch zero",
        "epoch not a number",
        "sealed key not base64",
        "sealed keys missing",
    ],
)
def test_hand_edited_key_file_is_refused_as_damaged(
    recorded_school: SchoolStore, change: str
) -> None:
    edit_keys(recorded_school, change)
    error = assert_refused_and_untouched(recorded_school, StoreDamaged, "key file")
    keys_damaged(str(error), recorded_school.paths.keys)


def _flip(text: str) -> str:
    return ("A" if text[0] != "A" else "B") + text[1:]


def flip_key_material(school: SchoolStore, field: str) -> None:
    keys = school.paths.keys
    raw: dict[str, Any] = json.loads(keys.read_text("utf-8"))
    if field in {"store_id", "lookup_salt"}:
        raw[field] = _flip(raw[field])
    elif field == "sealed school key":
        for item in raw["sealed"]:
            if item["compartment"] == "school":
                item["blob"] = _flip(item["blob"])
    else:
        slot = head_slot(raw, school)
        slot[field] = _flip(slot[field])
    keys.write_text(json.dumps(raw, indent=2), "utf-8")


@pytest.mark.parametrize("field", ["store_id", "lookup_salt", "wrapped", "salt", "nonce"])
def test_hand_edited_key_material_refuses_sign_in(recorded_school: SchoolStore, field: str) -> None:
    """Edits that still parse cannot be told from a wrong password: the slot no longer
    unwraps, or is no longer found.

    The refusal must still change nothing in the store (only the failure counter is written).
    """
    flip_key_material(recorded_school, field)
    error = assert_refused_and_untouched(recorded_school, AuthenticationError, None)
    assert str(error) == "Wrong username or password."
    assert recorded_school.paths.signin_failures.exists()


def test_damaged_sealed_key_is_reported_as_damage(recorded_school: SchoolStore) -> None:
    flip_key_material(recorded_school, "sealed school key")
    error = assert_refused_and_untouched(recorded_school, SafedeskError, None)
    assert not isinstance(error, AccountDisabled), str(error)
    assert "Nothing has been changed" in str(error), str(error)


def test_key_file_of_another_school_is_refused(
    recorded_school: SchoolStore, tmp_path: Path
) -> None:
    """Another school's key file, with the same head's username and password: it opens its
    own keys, which open none of these files."""
    other = another_school(tmp_path / "other")
    shutil.copyfile(other.paths.keys, recorded_school.paths.keys)
    error = assert_refused_and_untouched(recorded_school, StoreDamaged, None)
    assert "Nothing has been changed" in str(error), str(error)


# --- a store from safedesk 0.1 ------------------------------------------------------------------


@pytest.fixture
def old_store(tmp_path: Path) -> DataPaths:
    """A data folder as safedesk 0.1 left it: one encrypted database and its key ring."""
    paths = DataPaths(tmp_path / "data")
    paths.root.mkdir()
    paths.legacy_database.write_bytes(os.urandom(64 * 1024))
    (paths.root / "keyring.json").write_text(
        json.dumps({"version": 1, "store_id": "0" * 32, "slots": []}), "utf-8"
    )
    return paths


def test_store_from_version_0_1_is_refused_plainly(old_store: DataPaths) -> None:
    before = file_state(old_store.root)
    with pytest.raises(SafedeskError) as caught:
        vault.sign_in(old_store, HEAD_USER, HEAD_PASSWORD)
    message = str(caught.value)
    assert "safedesk 0.1" in message and "Nothing has been changed" in message, message
    assert str(old_store.root) in message
    assert_plain("", message)
    assert file_state(old_store.root) == before

    writer = start_writer(old_store.root, "--records", "1")
    assert writer.finish() == 3, (writer.texts(), writer.stderr)
    [error] = writer.errors()
    assert "safedesk 0.1" in error["message"], error
    assert_plain(writer.stderr, error["message"])
    after = file_state(old_store.root)
    after.pop("safedesk.lock", None)  # made by the lock itself
    assert after == before


def test_new_school_is_not_made_over_a_0_1_store(old_store: DataPaths) -> None:
    before = file_state(old_store.root)
    with pytest.raises(SafedeskError, match="already a safedesk store"):
        vault.create_school(
            old_store,
            school_name="Somewhere",
            username=HEAD_USER,
            display_name="Someone",
            password=HEAD_PASSWORD,
            kdf=FAST_KDF,
        )
    assert file_state(old_store.root) == before


# --- a backup of another school ---------------------------------------------------------------


def test_backup_of_another_school_is_refused(recorded_school: SchoolStore, tmp_path: Path) -> None:
    other = another_school(tmp_path / "other")
    session = other.sign_in()
    foreign = backup.create_backup(session, tmp_path / "foreign-backups")
    session.lock()
    paths = recorded_school.paths
    refs = check_store(paths).refs
    # Restoring signs in to the live store to ask who may restore (and audits that), so the
    # school file gains audit rows and the restorer's key slot the newest head it signed;
    # nothing else may change.
    before = file_state(paths.root, ("safeguarding.db", "behaviour.db"))
    keys_before = keyfile.load(paths.keys)

    with InstanceLock(paths.lock), pytest.raises(SafedeskError) as caught:
        backup.restore_backup(paths, foreign, HEAD_USER, HEAD_PASSWORD)
    message = str(caught.value)
    assert "belongs to a different school" in message and "Nothing has been changed" in message
    assert file_state(paths.root, ("safeguarding.db", "behaviour.db")) == before
    keys_after = keyfile.load(paths.keys)
    assert (keys_after.epochs, keys_after.sealed) == (keys_before.epochs, keys_before.sealed)
    assert not list(paths.root.glob(".restore-*")) and not paths.replaced.exists()
    assert check_store(paths).refs == refs


# --- a second instance ------------------------------------------------------------------------


def test_second_process_on_the_same_folder_is_told_and_touches_nothing(
    recorded_school: SchoolStore,
) -> None:
    paths = recorded_school.paths
    first = start_writer(paths.root, "--hold", stdin=-1)  # subprocess.PIPE
    try:
        assert first.wait_for("READY"), (first.texts(), first.stderr)
        with pytest.raises(StoreLocked, match="already open on the data folder") as caught:
            InstanceLock(paths.lock).acquire()
        assert str(paths.root) in str(caught.value)

        before = file_state(paths.root, STORE_FILES)
        second = start_writer(paths.root, "--records", "5")
        assert second.finish() == 3, (second.texts(), second.stderr)
        assert [e["type"] for e in second.errors()] == ["StoreLocked"]
        assert "LOCKED" not in second.texts() and not second.refs()
        assert_plain(second.stderr, second.errors()[0]["message"])
        assert file_state(paths.root, STORE_FILES) == before
    finally:
        assert first.proc.stdin is not None
        first.proc.stdin.write("\n")
        first.proc.stdin.close()
        assert first.finish() == 0, first.stderr
    assert first.texts()[-1] == "DONE"
    check_store(paths)  # the lock is free again


# --- the clock moves backwards ----------------------------------------------------------------


def at(moment: datetime, kind: Kind) -> dict[str, Any]:
    payload = factories.PAYLOADS[kind]()
    occurred = (moment - timedelta(hours=3)).astimezone().replace(tzinfo=None, microsecond=0)
    payload["occurred_at"] = occurred.isoformat()
    return payload


@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 3, 10, 14, 0, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 30, tzinfo=UTC),  # back across new year: refs change year
    ],
    ids=["same-day", "across-new-year"],
)
def test_clock_moving_backwards_keeps_records_and_chain(
    pupil_school: SchoolStore, start: datetime
) -> None:
    clock = FixedClock(start)
    session = vault.sign_in(pupil_school.paths, HEAD_USER, HEAD_PASSWORD, clock=clock)
    try:
        refs = [records.record(session, Kind.CONCERN, at(start, Kind.CONCERN))]
        clock.set(start - timedelta(hours=1))
        refs.append(records.record(session, Kind.CONCERN, at(start, Kind.CONCERN)))
        refs.append(records.record(session, Kind.BEHAVIOUR, at(start, Kind.BEHAVIOUR)))
        clock.set(start + timedelta(minutes=5))
        refs.append(records.record(session, Kind.CONCERN, at(start, Kind.CONCERN)))
        assert len(set(refs)) == len(refs), refs
        stored = [records.open_record(session, ref) for ref in refs]
        assert [e.recorded_at for e in stored] == [
            start,
            start - timedelta(hours=1),
            start - timedelta(hours=1),
            start + timedelta(minutes=5),
        ]
        report = integrity.verify(session)
        assert report.ok, report.problems
    finally:
        session.lock()
    assert check_store(pupil_school.paths).refs == set(refs)


# --- a disabled account -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.STAFF, Role.DSL])
def test_disabled_account_is_refused_even_with_an_old_key_file(
    recorded_school: SchoolStore, role: Role
) -> None:
    """Disabling rotates every file the account could open: its password opens nothing, with
    the live key file or with a copy of the key file kept from before."""
    paths = recorded_school.paths
    head = recorded_school.sign_in()
    add_account(head, "mr.jones", {role})
    head.lock()
    jones = recorded_school.sign_in("mr.jones", OTHER_PASSWORD)  # keys made at first sign-in
    jones.lock()
    old_keys = paths.keys.read_bytes()  # still holds Mr Jones's key slot and sealed keys
    head = recorded_school.sign_in()
    users.disable_user(head, "mr.jones")
    head.lock()

    # The same answer as a wrong password: nobody learns which names were disabled.
    assert_refused_and_untouched(
        recorded_school,
        AuthenticationError,
        "Wrong username or password",
        "mr.jones",
        OTHER_PASSWORD,
    )
    assert_old_copy_opens_nothing(paths, old_keys, "mr.jones", OTHER_PASSWORD)

    live_keys = paths.keys.read_bytes()
    paths.keys.write_bytes(old_keys)  # someone puts the old copy back
    try:
        assert_refused_and_untouched(
            recorded_school, SafedeskError, None, "mr.jones", OTHER_PASSWORD
        )
        with pytest.raises(AuthenticationError, match="Wrong username or password"):
            vault.sign_in(paths, "mr.jones", "not the password at all")
    finally:
        paths.keys.write_bytes(live_keys)
    session = recorded_school.sign_in()
    try:
        with session.store.read() as conn:
            signins = conn.execute(
                "SELECT count(*) FROM audit_log WHERE action = 'signin' AND actor = 'mr.jones'"
            ).fetchone()[0]
        assert signins == 1  # the one before the account was disabled
        assert integrity.verify(session).ok
    finally:
        session.lock()
