"""Fault-test helpers: a writer subprocess to kill or starve, and a full check of a store.

The options live in environment variables, not pytest options (pytest_addoption only works in
the root conftest):

    SAFEDESK_CRASH_KILLS     kills in the crash test (default 20; the full proof is 500)
    SAFEDESK_CRASH_SEED      seed for the kill timings (default 5)
    SAFEDESK_ROTATION_KILLS  "all": every kill point at every file of every rotation
                             (default: each point at least once in `school` and in a
                             reading compartment); a number: that many random-time kills
                             during rotations (default 6)
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from safedesk.domain.compartments import READING, RESTRICTED
from safedesk.domain.entries import StoredEntry
from safedesk.domain.errors import SafedeskError
from safedesk.paths import DataPaths
from safedesk.services import drafts, integrity, records, upkeep, vault
from safedesk.services.drafts import Draft
from safedesk.services.session import Session
from safedesk.store import audit, crypto, entries, keyfile, sealed
from safedesk.store.db import StoreDamaged, connect
from safedesk.store.instance_lock import InstanceLock
from safedesk.store.key_material import CompartmentKeys, open_keys, open_recovery, open_slot
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("writer.py")
ROTATOR = Path(__file__).with_name("rotator.py")
DEFAULT_KILLS = 20
RECORD_COMPARTMENTS = READING  # where records end up (safeguarding, behaviour)


def crash_kills() -> int:
    return int(os.environ.get("SAFEDESK_CRASH_KILLS", str(DEFAULT_KILLS)))


def crash_seed() -> int:
    return int(os.environ.get("SAFEDESK_CRASH_SEED", "5"))


@dataclass
class Writer:
    """One running writer.py (or rotator.py); its stdout lines are collected as they arrive."""

    proc: subprocess.Popen[str]
    lines: list[tuple[float, str]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    stderr: str = ""

    def __post_init__(self) -> None:
        self._seen = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._seen:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self._seen.notify_all()
        with self._seen:
            self._seen.notify_all()

    def wait_for(self, marker: str, timeout: float = 30) -> bool:
        """Wait until a line starting with ``marker`` arrives (False if the process ended)."""
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                if any(text.startswith(marker) for _, text in self.lines):
                    return True
                if not self._reader.is_alive() or time.monotonic() > deadline:
                    return False
                self._seen.wait(0.05)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.finish()

    def finish(self, timeout: float = 60) -> int:
        """Wait for the process to end; collect everything it printed."""
        try:
            returncode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            returncode = self.proc.wait()
        self._reader.join(10)
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()
        self.proc.stderr.close()
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return returncode

    def texts(self) -> list[str]:
        return [text for _, text in self.lines]

    def refs(self) -> list[str]:
        return [t.split()[1] for t in self.texts() if t.startswith("REF ")]

    def last_draft(self) -> tuple[int, int] | None:
        found = [t.split() for t in self.texts() if t.startswith("DRAFT ")]
        return (int(found[-1][1]), int(found[-1][2])) if found else None

    def errors(self) -> list[dict[str, Any]]:
        return [json.loads(t[len("ERROR ") :]) for t in self.texts() if t.startswith("ERROR ")]


def _start(
    script: Path,
    args: Sequence[str],
    *,
    file_size_limit: int | None = None,
    stdin: int | None = subprocess.DEVNULL,
    env: dict[str, str] | None = None,
) -> Writer:
    full_env = dict(os.environ)
    full_env.pop("SAFEDESK_KILL_AT", None)
    full_env.update(env or {})
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), full_env.get("PYTHONPATH")]))
    preexec: Callable[[], None] | None = None
    if file_size_limit is not None:
        limit = file_size_limit

        def preexec() -> None:
            # Ignored, SIGXFSZ no longer kills: a write past the limit fails with EFBIG,
            # as a write to a full disk fails with ENOSPC. Only the soft limit is set, so
            # the writer can lift it again (``--recover``: "space was freed").
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))

    proc = subprocess.Popen(
        [sys.executable, str(script), *args],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=full_env,
        cwd=REPO,
        preexec_fn=preexec,
    )
    return Writer(proc)


def start_writer(
    data_dir: Path,
    *args: str,
    file_size_limit: int | None = None,
    stdin: int | None = subprocess.DEVNULL,
) -> Writer:
    """Start tests/faults/writer.py on ``data_dir``; optionally under RLIMIT_FSIZE."""
    return _start(WRITER, [str(data_dir), *args], file_size_limit=file_size_limit, stdin=stdin)


def start_rotator(data_dir: Path, *args: str, kill_at: str | None = None) -> Writer:
    """Start tests/faults/rotator.py on ``data_dir``, killed at ``kill_at`` if given."""
    env = {"SAFEDESK_KILL_AT": kill_at} if kill_at else {}
    return _start(ROTATOR, [str(data_dir), *args], env=env)


# --- what a store holds -------------------------------------------------------------------


def readable_entries(session: Session) -> dict[str, StoredEntry]:
    """Every record this session reads, by reference: what its keys open and its roles allow
    (a member of staff reads only the copies of what they wrote)."""
    kinds = set(records.session_readable_kinds(session))
    found: dict[str, StoredEntry] = {}
    for compartment in RECORD_COMPARTMENTS:
        if compartment not in session.compartments:
            continue
        with session.compartment(compartment).read() as conn:
            authors = [row[0] for row in conn.execute("SELECT DISTINCT author FROM entry")]
            for author in authors:
                found.update({e.ref: e for e in entries.by_author(conn, author) if e.kind in kinds})
    if not kinds:
        found = {e.ref: e for e in records.my_records(session)}
    return found


@dataclass(frozen=True)
class StoreFacts:
    refs: set[str]
    audited_refs: set[str]  # refs with a record.received audit event in their compartment
    drafts: dict[int, Draft]
    audit_rows: int
    waiting: int  # inbox items still waiting after upkeep (always 0 for a sound store)


def check_store(
    paths: DataPaths, username: str = HEAD_USER, password: str = HEAD_PASSWORD
) -> StoreFacts:
    """Take the lock, sign in, verify, do the upkeep the app does (taking in what waits), verify
    again, and read back what the store holds.

    Fails the test if the store does not open or does not verify, before or after upkeep.
    """
    with InstanceLock(paths.lock):
        session = vault.sign_in(paths, username, password)
        try:
            before = integrity.verify(session)
            assert before.ok, before.problems
            done = upkeep.after_sign_in(session)
            assert not done.problems, done.problems
            return _facts(session)
        finally:
            session.lock()


def _facts(session: Session) -> StoreFacts:
    report = integrity.verify(session)
    assert report.ok, report.problems
    refs: set[str] = set()
    audited: set[str] = set()
    for compartment in RECORD_COMPARTMENTS:
        with session.compartment(compartment).read() as conn:
            refs |= {row[0] for row in conn.execute("SELECT ref FROM entry")}
            audited |= {
                e.object_id
                for e in audit.events_with_action(conn, "record.received")
                if e.object_id
            }
    with session.store.read() as conn:
        waiting = sum(sealed.inbox_count(conn, c.value) for c in RECORD_COMPARTMENTS)
    kept = {d.id: d for d in drafts.my_drafts(session)}
    return StoreFacts(refs, audited, kept, report.audit_rows, waiting)


def new_pupils(school: SchoolStore) -> None:
    session = school.sign_in()
    try:
        factories.add_pupils(session)
    finally:
        session.lock()


FileState = dict[str, tuple[bytes, int]]


def file_state(folder: Path, names: Sequence[str] | None = None) -> FileState:
    """Every file's bytes and mtime (ns), to show that a refusal changed nothing."""
    found: FileState = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and (names is None or rel in names):
            found[rel] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


# --- an old copy of the key file ------------------------------------------------------------


def keys_in_old_copy(old_keys: bytes, username: str, password: str) -> list[CompartmentKeys]:
    """Every compartment key an old copy of keys.json gives ``username`` with ``password``:
    what someone who kept that copy can reach with the program's own code."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "keys.json"
        path.write_bytes(old_keys)
        key_file = keyfile.load(path)
    account = open_slot(key_file, key_file.account(username), password)
    privates = account.secrets.box_privates
    mine = {crypto.fingerprint(crypto.BoxKeys.from_private(p).public) for p in privates}
    found = []
    for item in key_file.sealed:
        if item.to in mine:
            keys = open_keys(key_file, item.compartment, item.epoch, privates)
            if keys is not None:
                found.append(keys)
    account.wipe()
    return found


def assert_old_copy_opens_nothing(
    paths: DataPaths, old_keys: bytes, username: str, password: str
) -> None:
    """``username``'s password with an old copy of the key file opens no ``*.db`` (each file,
    with its WAL, is tried on a copy so the live store is never touched)."""
    reachable = keys_in_old_copy(old_keys, username, password)
    assert reachable, "the old copy should have held this account's keys"
    with tempfile.TemporaryDirectory() as folder:
        for db in sorted(paths.root.glob("*.db")):
            for item in (db, Path(f"{db}-wal")):
                if item.exists():
                    shutil.copyfile(item, Path(folder) / item.name)
            copy = Path(folder) / db.name
            for keys in reachable:
                try:
                    connect(copy, keys.file_key).close()
                except StoreDamaged:
                    continue
                raise AssertionError(
                    f"{username}'s old key file still opens {db.name} "
                    f"({keys.compartment} epoch {keys.epoch})"
                )


def recovery_opens_current(paths: DataPaths, recovery_code: str) -> None:
    """The recovery key still holds the current keys of every file but the allegations files
    (never its), and they open it."""
    key_file = keyfile.load(paths.keys)
    recovery = open_recovery(key_file, recovery_code)
    for name, epochs in key_file.epochs.items():
        if name in {c.value for c in RESTRICTED}:
            assert open_keys(key_file, name, epochs.current, [recovery.box.private]) is None
            continue
        keys = open_keys(key_file, name, epochs.current, [recovery.box.private])
        assert keys is not None, f"the recovery key lost the {name} keys"
        connect(paths.database(name), keys.file_key).close()


def sign_in_refused(paths: DataPaths, username: str, password: str) -> SafedeskError:
    with pytest.raises(SafedeskError) as caught:
        vault.sign_in(paths, username, password)
    return caught.value


@pytest.fixture
def pupil_school(school: SchoolStore) -> SchoolStore:
    """The shared test school with three pupils, signed out."""
    new_pupils(school)
    return school
