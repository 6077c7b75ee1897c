"""Proof: a restore holds every writer off, and no write is lost into the store it replaces.

Found by test: a concern recorded with safedesk-admin while `restore` ran was reported saved
(its reference printed, exit 0) but had gone into the files the restore moved to
``replaced/``. Here each side is a real safedesk-admin process; the restore is paused at a
named point (``paused_cli.py``) while the other one tries to write:

- before the swap (the backup checked, nothing moved) and in the middle of it: the writer
  waits briefly, then stops with exit 4 and a plain message, and prints no reference;
- a writer that signed in before the restore and writes after it: exit 4, "replaced by a
  restore", nothing written into ``replaced/``;
- the restore itself completes, and the store verifies.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from safedesk.paths import DataPaths
from safedesk.store import writer_lock
from tests.conftest import SchoolStore
from tests.faults.admin_process import (
    Restorable,
    concern_refs,
    finish,
    record_args,
    restore_args,
    run_admin,
    school_with_backup,
    start_admin,
)
from tests.faults.conftest import check_store

EXIT_LOCKED = 4
RESTORE_SECONDS = 8.0  # a whole restore of this small school takes about 2 s


@pytest.fixture
def restorable(school: SchoolStore, tmp_path: Path) -> Restorable:
    return school_with_backup(school, tmp_path / "usb")


def _set_aside(paths: DataPaths, tmp_path: Path) -> DataPaths:
    """A copy of the one store a restore set aside (signing in to look writes to it)."""
    [aside] = [p for p in paths.replaced.iterdir() if p.is_dir()]
    look = tmp_path / "looking-at-replaced"
    shutil.copytree(aside, look)
    return DataPaths(look)


@pytest.mark.parametrize(
    "point",
    [
        "restore.checked",  # the whole check is under the lock; nothing moved yet
        "restore.journal_written",
        "restore.aside_done",  # the live files gone from the folder, the backup's not in
        "restore.swapped",
    ],
)
def test_a_writer_meeting_a_restore_stops_with_exit_4_and_saves_nothing(
    restorable: Restorable, tmp_path: Path, point: str
) -> None:
    data = restorable.paths.root
    restore = start_admin(data, *restore_args(restorable.backup), pause_at=point)
    try:
        assert restore.wait_for(f"PAUSED {point}", timeout=120), restore.texts()
        started = time.monotonic()
        code, out, err = run_admin(data, *record_args(tmp_path))
        waited = time.monotonic() - started
    finally:
        assert finish(restore) == 0, restore.stderr
    assert code == EXIT_LOCKED, (out, err)
    assert out.strip() == ""  # no reference: nothing was said to be saved
    assert "restore from a backup" in err and str(data) in err
    assert "Traceback" not in err
    assert waited < writer_lock.WAIT_SECONDS + 30  # waited briefly, then stopped
    # The restored store has what the backup had; the one set aside what was there before.
    assert concern_refs(restorable.paths) == {restorable.in_backup}
    assert concern_refs(_set_aside(restorable.paths, tmp_path)) == {
        restorable.in_backup,
        restorable.after_backup,
    }
    check_store(restorable.paths)


def test_a_writer_signed_in_before_a_restore_writes_nothing_into_the_replaced_store(
    restorable: Restorable, tmp_path: Path
) -> None:
    data = restorable.paths.root
    # Signed in (and its upkeep done) before the restore; it records after the restore.
    writer = start_admin(data, *record_args(tmp_path), pause_at="safedesk.services.records:record")
    try:
        assert writer.wait_for("PAUSED", timeout=120), writer.texts()
        code, _out, err = run_admin(data, *restore_args(restorable.backup))
        assert code == 0, err
    finally:
        writer_code = finish(writer)
    refs = [t for t in writer.texts() if not t.startswith("PAUSED")]
    assert writer_code == EXIT_LOCKED, (refs, writer.stderr)
    assert refs == []
    assert "replaced by a restore" in writer.stderr and "not saved" in writer.stderr
    assert concern_refs(restorable.paths) == {restorable.in_backup}
    assert concern_refs(_set_aside(restorable.paths, tmp_path)) == {
        restorable.in_backup,
        restorable.after_backup,
    }
    check_store(restorable.paths)


def test_a_restore_waits_for_a_sign_in_under_way(restorable: Restorable, tmp_path: Path) -> None:
    """The other way round: safedesk-admin signing in (it writes the sign-in to the audit
    log) when the restore starts is let finish first, and the restore swaps nothing until it
    has. The writer then either recorded before the restore (its concern set aside with the
    store it went into, which the restore's audit says it superseded) or was held off (exit
    4, no reference): never a reference for a concern in neither store."""
    data = restorable.paths.root
    # Paused as its sign-in starts: holding the writers' lock, in no transaction.
    writer = start_admin(data, *record_args(tmp_path), pause_at="safedesk.services.vault:sign_in")
    restore = None
    try:
        assert writer.wait_for("PAUSED", timeout=120), writer.texts()
        restore = start_admin(data, *restore_args(restorable.backup))
        time.sleep(RESTORE_SECONDS)  # long enough for a restore nothing holds off
        assert restore.proc.poll() is None, restore.stderr
        assert not restorable.paths.restore_journal.exists()
        assert not restorable.paths.replaced.exists()
    finally:
        writer_code = finish(writer)
        assert restore is not None
        assert finish(restore) == 0, restore.stderr
    refs = [t for t in writer.texts() if not t.startswith("PAUSED")]
    if writer_code == 0:
        [ref] = refs
        assert ref in concern_refs(_set_aside(restorable.paths, tmp_path))
    else:
        assert (writer_code, refs) == (EXIT_LOCKED, []), writer.stderr
    assert concern_refs(restorable.paths) == {restorable.in_backup}
    check_store(restorable.paths)
