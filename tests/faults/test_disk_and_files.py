"""Proof: a full disk, a read-only folder, corrupt or foreign files, a second instance, a clock
that goes backwards and a disabled account each get a clear message and change nothing."""

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
from safedesk.services import backup, integrity, records, users, vault
from safedesk.store.db import StoreDamaged, StoreLocked
from safedesk.store.instance_lock import InstanceLock
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import (
    HEAD_PASSWORD,
    HEAD_USER,
    OTHER_PASSWORD,
    SchoolStore,
    new_school,
)
from tests.faults.conftest import check_store, file_state, new_pupils, start_writer
from tests.faults.writer import DRAFT_MARK, RECORD_MARK

STORE_FILES = ("safedesk.db", "keyring.json")


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

    0 and 40 KiB fail at sign-in (the WAL and its index cannot be written); 120 and 400 KiB
    fail part-way through recording, at a different record or draft each time.
    """
    paths = pupil_school.paths
    args = ["--records", "200", "--pad", "3000", "--draft-every", "2"]
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
        assert len(writer.refs()) == 200
    else:
        assert returncode == 3, (writer.texts(), writer.stderr)
    if room_kib >= 120:
        assert reached_loop and writer.refs(), "the limit should bite mid-write"

    facts = check_store(paths)  # the limit only ever applied to the writer
    assert facts.refs == set(writer.refs()), "a record was half-written or lost"
    assert facts.audited_refs == facts.refs
    draft = writer.last_draft()
    if draft is not None:
        draft_id, seq = draft
        text = facts.drafts[draft_id].payload["description"]
        assert text == f"{DRAFT_MARK} run 0 seq {seq}"


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
    """A school holding one record, signed out (so the WAL has been folded into the file)."""
    session = pupil_school.sign_in()
    records.record(session, Kind.CONCERN, factories.concern())
    session.lock()
    return pupil_school


def assert_refused_and_untouched(
    school: SchoolStore,
    expected: type[SafedeskError] | tuple[type[SafedeskError], ...],
    match: str | None,
    username: str = HEAD_USER,
    password: str = HEAD_PASSWORD,
) -> SafedeskError:
    """Sign-in fails with ``expected``; the database and key file keep their bytes and times."""
    before = file_state(school.paths.root, STORE_FILES)
    with pytest.raises(expected, match=match) as caught:
        school.sign_in(username, password)
    assert_plain("", str(caught.value))
    assert file_state(school.paths.root, STORE_FILES) == before
    assert not Path(f"{school.paths.database}-wal").exists()
    return caught.value


def damaged(text: str) -> None:
    assert "damaged" in text and "Nothing has been changed" in text, text


@pytest.mark.parametrize("keep", ["nothing", "100 bytes", "one page", "half"])
def test_truncated_database_is_refused(recorded_school: SchoolStore, keep: str) -> None:
    db = recorded_school.paths.database
    data = db.read_bytes()
    cut = {"nothing": 0, "100 bytes": 100, "one page": 4096, "half": len(data) // 2}[keep]
    db.write_bytes(data[:cut])
    error = assert_refused_and_untouched(recorded_school, StoreDamaged, "damaged")
    damaged(str(error))


def test_database_missing_its_last_page_fails_verify(recorded_school: SchoolStore) -> None:
    """Pages beyond what sign-in reads are caught by verify, not silently used."""
    db = recorded_school.paths.database
    db.write_bytes(db.read_bytes()[:-4096])
    try:
        session = recorded_school.sign_in()
    except StoreDamaged as exc:
        damaged(str(exc))
        return
    try:
        report = integrity.verify(session)
    finally:
        session.store.close()
    assert not report.ok and report.problems


@pytest.mark.parametrize("kind", ["random bytes", "plain sqlite"])
def test_foreign_database_file_is_refused(recorded_school: SchoolStore, kind: str) -> None:
    db = recorded_school.paths.database
    size = db.stat().st_size
    db.unlink()
    if kind == "random bytes":
        db.write_bytes(os.urandom(size))
    else:
        with sqlite3.connect(db) as plain:
            plain.execute("CREATE TABLE school (id INTEGER, name TEXT)")
            plain.execute("INSERT INTO school VALUES (1, 'Somewhere Else')")
        plain.close()
    error = assert_refused_and_untouched(recorded_school, StoreDamaged, "damaged")
    damaged(str(error))


def edit_keyring(school: SchoolStore, change: str) -> None:
    raw: dict[str, Any] = json.loads(school.paths.keyring.read_text("utf-8"))
    slot = raw["slots"][0]
    if change == "version":
        raw["version"] = 2
    elif change == "store id cut short":
        raw["store_id"] = raw["store_id"][:-1]
    elif change == "kdf name":
        slot["kdf"]["name"] = "scrypt"
    elif change == "kdf memory huge":
        slot["kdf"]["memory_kib"] = 99_999_999_999
    elif change == "kdf passes huge":
        slot["kdf"]["time_cost"] = 4_000_000
    elif change == "slots not a list":
        raw["slots"] = {"0": slot}
    else:
        raise AssertionError(change)
    school.paths.keyring.write_text(json.dumps(raw, indent=2), "utf-8")


def test_keyring_that_is_not_json_is_refused(recorded_school: SchoolStore) -> None:
    ring = recorded_school.paths.keyring
    ring.write_text(ring.read_text("utf-8")[:-40] + "\n,,}", "utf-8")
    error = assert_refused_and_untouched(recorded_school, StoreDamaged, "key file")
    damaged(str(error))
    assert not recorded_school.paths.signin_failures.exists()


@pytest.mark.parametrize(
    "change",
    [
        "version",
        "store id cut short",
        "kdf name",
        "kdf memory huge",
        "kdf passes huge",
        "slots not a list",
    ],
)
def test_hand_edited_keyring_is_refused_as_damaged(
    recorded_school: SchoolStore, change: str
) -> None:
    edit_keyring(recorded_school, change)
    error = assert_refused_and_untouched(recorded_school, StoreDamaged, "key file")
    damaged(str(error))


@pytest.mark.parametrize("field", ["store_id", "lookup_salt", "wrapped_key", "salt"])
def test_hand_edited_key_material_refuses_sign_in(recorded_school: SchoolStore, field: str) -> None:
    """Edits that still parse cannot be told from a wrong password: the key no longer unwraps.

    The refusal must still change nothing in the store (only the failure counter is written).
    """
    ring = recorded_school.paths.keyring
    raw: dict[str, Any] = json.loads(ring.read_text("utf-8"))
    target = raw if field in {"store_id", "lookup_salt"} else raw["slots"][0]
    text = target[field]
    target[field] = ("A" if text[0] != "A" else "B") + text[1:]
    ring.write_text(json.dumps(raw, indent=2), "utf-8")
    error = assert_refused_and_untouched(recorded_school, (AuthenticationError, StoreDamaged), None)
    assert str(error) in {"Wrong username or password.", damaged_keyring_message(ring)}


def damaged_keyring_message(ring: Path) -> str:
    return (
        f"The key file {ring} is damaged or is not a safedesk key file, so the database "
        "cannot be unlocked. Nothing has been changed. Restore the folder from a backup."
    )


def test_backup_of_another_school_is_refused(recorded_school: SchoolStore, tmp_path: Path) -> None:
    other_paths = DataPaths(tmp_path / "other")
    vault.create_school(
        other_paths,
        school_name="Other School",
        username=HEAD_USER,
        display_name="Someone Else",
        password=HEAD_PASSWORD,
        kdf=FAST_KDF,
    )
    other = vault.sign_in(other_paths, HEAD_USER, HEAD_PASSWORD)
    foreign = backup.create_backup(other, tmp_path / "foreign-backups")
    other.lock()
    paths = recorded_school.paths
    before = file_state(paths.root)

    with InstanceLock(paths.lock), pytest.raises(SafedeskError) as caught:
        backup.restore_backup(paths, foreign, HEAD_USER, HEAD_PASSWORD)
    message = str(caught.value)
    assert "belongs to a different school" in message and "Nothing has been changed" in message
    after = file_state(paths.root)
    after.pop("safedesk.lock", None)  # made by the lock itself
    assert after == before
    assert not list(paths.root.glob(".restore-*")) and not paths.replaced.exists()
    assert check_store(paths).refs


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


def concern_at(moment: datetime) -> dict[str, Any]:
    payload = factories.concern()
    payload["occurred_at"] = (moment - timedelta(hours=3)).astimezone().replace(tzinfo=None)
    payload["occurred_at"] = payload["occurred_at"].replace(microsecond=0).isoformat()
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
        refs = [records.record(session, Kind.CONCERN, concern_at(start))]
        clock.set(start - timedelta(hours=1))
        refs.append(records.record(session, Kind.CONCERN, concern_at(start)))
        refs.append(records.record(session, Kind.CONCERN, concern_at(start)))
        clock.set(start + timedelta(minutes=5))
        refs.append(records.record(session, Kind.CONCERN, concern_at(start)))
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


def test_disabled_account_is_refused_even_with_an_old_key_file(
    recorded_school: SchoolStore,
) -> None:
    paths = recorded_school.paths
    head = recorded_school.sign_in()
    users.add_user(
        head,
        username="mr.jones",
        display_name="Mr Jones",
        roles={Role.STAFF},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    old_ring = paths.keyring.read_bytes()  # still holds Mr Jones's key slot
    users.disable_user(head, "mr.jones")
    head.lock()

    for ring in (paths.keyring.read_bytes(), old_ring):
        paths.keyring.write_bytes(ring)
        error = assert_refused_and_untouched(
            recorded_school, AccountDisabled, None, "mr.jones", OTHER_PASSWORD
        )
        assert str(error).startswith("This account has been disabled.")
    paths.keyring.write_bytes(old_ring)
    with pytest.raises(AuthenticationError, match="Wrong username or password"):
        vault.sign_in(paths, "mr.jones", "not the password at all")
    session = recorded_school.sign_in()
    try:
        with session.store.read() as conn:
            signins = conn.execute(
                "SELECT count(*) FROM audit_log WHERE action = 'signin' AND actor = 'mr.jones'"
            ).fetchone()[0]
        assert signins == 0
        assert integrity.verify(session).ok
    finally:
        session.lock()
