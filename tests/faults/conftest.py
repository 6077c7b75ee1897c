"""Fault-test helpers: a writer subprocess to kill or starve, and a full check of a store.

The options live in environment variables, not pytest options (pytest_addoption only works in
the root conftest):

    SAFEDESK_CRASH_KILLS   kills in the crash test (default 20; the full proof is 500)
    SAFEDESK_CRASH_SEED    seed for the kill timings (default 5)
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from safedesk.paths import DataPaths
from safedesk.services import drafts, integrity, vault
from safedesk.services.session import Session
from safedesk.store import audit
from safedesk.store.drafts import Draft
from safedesk.store.instance_lock import InstanceLock
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("writer.py")
DEFAULT_KILLS = 20


def crash_kills() -> int:
    return int(os.environ.get("SAFEDESK_CRASH_KILLS", str(DEFAULT_KILLS)))


def crash_seed() -> int:
    return int(os.environ.get("SAFEDESK_CRASH_SEED", "5"))


@dataclass
class Writer:
    """One running writer.py; its stdout lines are collected as they arrive."""

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

    def errors(self) -> list[dict[str, str]]:
        return [json.loads(t[len("ERROR ") :]) for t in self.texts() if t.startswith("ERROR ")]


def start_writer(
    data_dir: Path,
    *args: str,
    file_size_limit: int | None = None,
    stdin: int | None = subprocess.DEVNULL,
) -> Writer:
    """Start tests/faults/writer.py on ``data_dir``; optionally under RLIMIT_FSIZE."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
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
        [sys.executable, str(WRITER), str(data_dir), *args],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
        preexec_fn=preexec,
    )
    return Writer(proc)


@dataclass(frozen=True)
class StoreFacts:
    refs: set[str]
    audited_refs: set[str]
    drafts: dict[int, Draft]
    audit_rows: int


def check_store(paths: DataPaths) -> StoreFacts:
    """Take the lock, sign in, verify, and read back what the store holds.

    Fails the test if the store does not open or does not verify.
    """
    with InstanceLock(paths.lock):
        session = vault.sign_in(paths, HEAD_USER, HEAD_PASSWORD)
        try:
            return _facts(session)
        finally:
            session.lock()


def _facts(session: Session) -> StoreFacts:
    report = integrity.verify(session)
    assert report.ok, report.problems
    with session.store.read() as conn:
        refs = {row[0] for row in conn.execute("SELECT ref FROM entry")}
        audited = {e.object_id for e in audit.events_with_action(conn, "record.created")}
    kept = {d.id: d for d in drafts.my_drafts(session)}
    return StoreFacts(refs, {r for r in audited if r}, kept, report.audit_rows)


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


@pytest.fixture
def pupil_school(school: SchoolStore) -> SchoolStore:
    """The shared test school with three pupils, signed out."""
    new_pupils(school)
    return school
