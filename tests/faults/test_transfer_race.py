"""Case-file transfers in real processes: two at once each get their own reference (they
once both took the same number and one crashed on the UNIQUE constraint), and a process
killed after the PDF is written but before the transfer is recorded leaves no PDF.

Each transfer is ``safedesk-admin transfer`` in its own process, as a script would run it.
The file is long enough (a few hundred items) that both processes are rendering at the same
time, each having read the same "next" number before either recorded anything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.services import records, transfers
from safedesk.store import audit
from safedesk.store.kill_points import KILL_AT_ENV
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore
from tests.faults.conftest import REPO, check_store

CONCERNS = 120
ROUNDS = 3  # pairs tried until one pair overlaps (the first almost always does)
OPENED, SENT = "chronology.transferred", "pupil.file_transferred"
ADMIN = "import sys; from safedesk.cli import main; sys.exit(main(sys.argv[1:]))"
TO = ["--to-school", "Hillside Academy", "--to-person", "Mr Ade Bello", "--method", "in_person"]


def with_concerns(school: SchoolStore, count: int) -> SchoolStore:
    """Shiv's file with ``count`` concerns, one a day, each a long account."""
    session = school.sign_in()
    start = datetime.now().astimezone().replace(microsecond=0) - timedelta(days=count + 1)
    try:
        for n in range(count):
            moment = start + timedelta(days=n)
            session.clock = FixedClock(moment + timedelta(minutes=5))
            records.record(
                session,
                Kind.CONCERN,
                factories.concern()
                | {
                    "occurred_at": moment.isoformat(),
                    "description": f"Concern {n}: " + "what was seen and heard. " * 30,
                },
            )
    finally:
        session.lock()
    return school


@pytest.fixture
def busy_file(pupil_school: SchoolStore) -> SchoolStore:
    """A long file: rendering it takes long enough for two transfers to overlap."""
    return with_concerns(pupil_school, CONCERNS)


@pytest.fixture
def small_file(pupil_school: SchoolStore) -> SchoolStore:
    return with_concerns(pupil_school, 3)


def start_transfer(
    school: SchoolStore, target: Path, kill_at: str | None = None
) -> subprocess.Popen[str]:
    """``safedesk-admin transfer`` of Shiv's file to ``target`` in a new process."""
    env = dict(os.environ)
    env.pop(KILL_AT_ENV, None)
    env["SAFEDESK_PASSWORD"] = HEAD_PASSWORD
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if kill_at:
        env[KILL_AT_ENV] = kill_at
    command = ["transfer", "--user", HEAD_USER, "--pupil", factories.PUPIL_A, "--pdf", str(target)]
    return subprocess.Popen(
        [sys.executable, "-c", ADMIN, "--data-dir", str(school.paths.root), *command, *TO],
        env=env,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def recorded(school: SchoolStore) -> tuple[list[str], list[str]]:
    """The transfers the store holds, and the references its audit log says were sent."""
    refs, events = _transfers(school)
    return refs, [str(e.detail["ref"]) for e in events if e.action == SENT]


def _transfers(school: SchoolStore) -> tuple[list[str], list[audit.AuditEvent]]:
    session = school.sign_in()
    try:
        refs = [t.ref for t in transfers.pupil_transfers(session, factories.PUPIL_A)]
        with session.compartment(Compartment.SAFEGUARDING).read() as conn:
            events = [e for e in audit.events(conn) if e.action in (OPENED, SENT)]
        return refs, events
    finally:
        session.lock()


def receipt_ref(pdf: Path) -> str:
    text = " ".join(PdfReader(pdf).pages[-1].extract_text().split())
    return text.split("Transfer reference ")[1].split()[0]


def test_two_transfers_at_once_get_a_reference_each(busy_file: SchoolStore, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    printed: list[str] = []
    overlapped = False
    for round_ in range(ROUNDS):
        targets = [out / f"{round_}-first.pdf", out / f"{round_}-second.pdf"]
        running = [start_transfer(busy_file, target) for target in targets]
        results = [proc.communicate(timeout=180) for proc in running]
        for proc, (stdout, stderr) in zip(running, results, strict=True):
            assert (proc.returncode, stderr) == (0, ""), (stdout, stderr)
        these = [stdout.splitlines()[0] for stdout, _ in results]
        # Each PDF's receipt page carries the reference its own process printed.
        assert [receipt_ref(t) for t in targets] == these
        printed += these
        # Both had opened the file (and read which number was next) before either recorded
        # its transfer: they raced for the same number.
        _, events = _transfers(busy_file)
        overlapped = [e.action for e in events[-4:]] == [OPENED, OPENED, SENT, SENT]
        if overlapped:
            break
    assert overlapped, "the two processes never ran at the same time"
    year = datetime.now().astimezone().year
    assert sorted(printed) == [f"T-{year}-{n:04d}" for n in range(1, len(printed) + 1)]
    assert len(list(out.iterdir())) == len(printed)  # every PDF, and no .partial file left
    refs, sent = recorded(busy_file)
    assert sorted(refs) == sorted(sent) == sorted(printed)
    check_store(busy_file.paths)


def test_killed_after_the_pdf_is_written_before_it_is_recorded(
    small_file: SchoolStore, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "transfer.pdf"
    proc = start_transfer(small_file, target, kill_at="transfer.pdf_written")
    _, stderr = proc.communicate(timeout=180)
    assert proc.returncode == -signal.SIGKILL, stderr
    assert not target.exists()  # no PDF that was never recorded as sent
    left = [p.name for p in out.iterdir()]
    assert all(n.startswith(".transfer.pdf.") and n.endswith(".partial") for n in left), left
    assert recorded(small_file) == ([], [])
    check_store(small_file.paths)
    # Nothing was used up: the next attempt is the first transfer.
    again = start_transfer(small_file, target)
    stdout, stderr = again.communicate(timeout=180)
    assert (again.returncode, stderr) == (0, "")
    year = datetime.now().astimezone().year
    assert stdout.splitlines()[0] == f"T-{year}-0001" == receipt_ref(target)


def test_killed_after_it_is_recorded_before_the_rename(
    small_file: SchoolStore, tmp_path: Path
) -> None:
    """The other side of the line: recorded, so it waits in the queue for its receipt; its
    PDF is still in the .partial file, never under the name asked for."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "transfer.pdf"
    proc = start_transfer(small_file, target, kill_at="transfer.recorded")
    proc.communicate(timeout=180)
    assert proc.returncode == -signal.SIGKILL
    assert not target.exists()
    (left,) = list(out.iterdir())
    assert left.name.startswith(".transfer.pdf.") and left.name.endswith(".partial")
    year = datetime.now().astimezone().year
    assert recorded(small_file) == ([f"T-{year}-0001"], [f"T-{year}-0001"])
    assert receipt_ref(left) == f"T-{year}-0001"
    check_store(small_file.paths)
