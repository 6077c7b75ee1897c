"""Real safedesk-admin processes for the restore fault tests, and a school to restore.

``run_admin`` runs one command to its end; ``start_admin`` starts one that may pause at a
named point (``paused_cli.py``) or be killed at one (``SAFEDESK_KILL_AT``) and returns a
``Writer`` whose stdout lines can be waited for.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from safedesk.domain.entries import Kind
from safedesk.paths import DataPaths
from safedesk.services import backup, records, vault
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore
from tests.faults.conftest import REPO, Writer

PAUSED_CLI = Path(__file__).with_name("paused_cli.py")


def admin_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SAFEDESK_KILL_AT", None)
    env.pop("SAFEDESK_PAUSE_AT", None)
    env["SAFEDESK_PASSWORD"] = HEAD_PASSWORD
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def start_admin(
    data: Path, *args: str, pause_at: str | None = None, kill_at: str | None = None
) -> Writer:
    extra = {}
    if pause_at:
        extra["SAFEDESK_PAUSE_AT"] = pause_at
    if kill_at:
        extra["SAFEDESK_KILL_AT"] = kill_at
    proc = subprocess.Popen(
        [sys.executable, str(PAUSED_CLI), *args, "--data-dir", str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=admin_env(**extra),
        cwd=REPO,
    )
    return Writer(proc)


def carry_on(process: Writer) -> None:
    """Let a paused process go on (it is never paused again)."""
    stdin = process.proc.stdin
    if stdin is not None and not stdin.closed:
        with contextlib.suppress(BrokenPipeError):  # it has ended already
            stdin.write("\n")
        with contextlib.suppress(BrokenPipeError):
            stdin.close()


def finish(process: Writer, timeout: float = 120) -> int:
    """Wait for the process to end (letting it go on if it is paused)."""
    carry_on(process)
    return process.finish(timeout)


def run_admin(data: Path, *args: str, kill_at: str | None = None) -> tuple[int, str, str]:
    process = start_admin(data, *args, kill_at=kill_at)
    code = finish(process)
    return code, "\n".join(process.texts()), process.stderr


def restore_args(source: Path) -> tuple[str, ...]:
    return ("restore", "--from", str(source), "--user", HEAD_USER)


def record_args(folder: Path) -> tuple[str, ...]:
    payload = folder / "concern.json"
    payload.write_text(json.dumps(factories.concern()), "utf-8")
    return ("record", "concern", "--json", str(payload), "--user", HEAD_USER)


@dataclass(frozen=True)
class Restorable:
    """A school with a backup, and a concern recorded after it (which a restore sets aside)."""

    paths: DataPaths
    backup: Path
    in_backup: str  # a concern's reference, in the backup
    after_backup: str  # recorded after the backup was made


def school_with_backup(school: SchoolStore, usb: Path) -> Restorable:
    session = school.sign_in()
    try:
        factories.add_pupils(session)
        first = records.record(session, Kind.CONCERN, factories.concern())
        made = backup.create_backup(session, usb)
        later = records.record(session, Kind.CONCERN, factories.concern())
    finally:
        session.lock()
    return Restorable(school.paths, made, first, later)


def concern_refs(paths: DataPaths) -> set[str]:
    """Every concern the head reads in the store in ``paths`` (taking in what waits)."""
    session = vault.sign_in(paths, HEAD_USER, HEAD_PASSWORD)
    try:
        factories.take_in_all(session)
        return {e.ref for e in records.pupil_records(session, factories.PUPIL_A)}
    finally:
        session.close()
