"""Clean-up on start: what a killed safedesk left is removed, and nothing else ever is.

Also: the audit log never records a backup that was not written.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from safedesk.paths import DataPaths
from safedesk.services import backup, cleanup, start_up
from safedesk.services.session import Session
from safedesk.services.settings import update_settings
from safedesk.store import audit, backup_file, restore_journal, writer_lock
from safedesk.store.db import StoreError
from safedesk.store.instance_lock import InstanceLock
from tests.conftest import HEAD_USER, SchoolStore

STAMP = "20260301-101500-123"


def _leftovers(paths: DataPaths) -> list[Path]:
    """What a process killed mid-restore, mid-backup and mid key-file write leaves."""
    staging = paths.root / ".restore-1a2b3c4d"
    staging.mkdir()
    (staging / "school.db").write_bytes(b"encrypted" * 100)
    (staging / "keys.json").write_bytes(b"{}")
    paths.backups.mkdir(exist_ok=True)
    parts = paths.backups / f".safedesk-backup-{STAMP}.parts"
    parts.mkdir()
    (parts / "school.db").write_bytes(b"encrypted")
    made = [
        staging,
        parts,
        paths.backups / f".safedesk-backup-{STAMP}.sdbackup.partial",
        paths.root / "keys.json.tmp",
        paths.root / "signin-failures.json.tmp",
        paths.root / "restore-journal.json.tmp",
    ]
    for path in made:
        if not path.exists():
            path.write_bytes(b"half written")
    return made


def _not_ours(paths: DataPaths, tmp_path: Path) -> list[Path]:
    """Files that look a little like ours, and what safedesk keeps on purpose."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me", "utf-8")
    (paths.root / ".restore-link").symlink_to(outside, target_is_directory=True)
    (paths.replaced / "20260101-000000-000000").mkdir(parents=True)
    (paths.migration_backups).mkdir(exist_ok=True)
    kept = [
        paths.root / ".restore-link",
        outside / "precious.txt",
        paths.root / ".restore-notes.txt",  # a file, not a staging folder
        paths.root / "notes.tmp",
        paths.root / "keys.json.tmp.bak",
        paths.replaced / "20260101-000000-000000" / "school.db",
        paths.migration_backups / "school-schema1-20260101.db",
        paths.backups / f"safedesk-backup-{STAMP}.sdbackup",  # a finished backup
        paths.backups / f".other-{STAMP}.sdbackup.partial",
        paths.backups / f".safedesk-backup-{STAMP}.zip.partial",
        paths.backups / "holiday.parts",
    ]
    for path in kept:
        if not path.exists():
            path.write_bytes(b"not safedesk's to remove")
    return kept


def test_start_removes_what_a_killed_process_left_and_nothing_else(
    school: SchoolStore, tmp_path: Path
) -> None:
    left = _leftovers(school.paths)
    kept = _not_ours(school.paths, tmp_path)
    assert start_up.on_start(school.paths) is None  # nothing to tell anyone
    assert [p for p in left if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []
    assert school.paths.store_exists()
    school.sign_in().close()


def test_the_app_does_it_holding_the_one_instance_lock(school: SchoolStore) -> None:
    left = _leftovers(school.paths)
    with InstanceLock(school.paths.lock):
        start_up.on_start(school.paths, instance_lock_held=True)
    assert [p for p in left if p.exists()] == []


def test_nothing_is_removed_while_another_safedesk_has_the_folder(school: SchoolStore) -> None:
    left = _leftovers(school.paths)
    with InstanceLock(school.paths.lock):  # the app, open
        assert start_up.on_start(school.paths) is None
    assert [p for p in left if not p.exists()] == []


@contextmanager
def _writer_in_another_process(root: Path) -> Iterator[None]:
    """A backup (or any write) under way elsewhere: the writers' lock held shared."""
    taken, done = threading.Event(), threading.Event()

    def run() -> None:
        with writer_lock.for_folder(root).shared():
            taken.set()
            done.wait(30)

    thread = threading.Thread(target=run)
    thread.start()
    assert taken.wait(30)
    try:
        yield
    finally:
        done.set()
        thread.join(30)


def test_a_backup_being_written_is_never_removed(school: SchoolStore) -> None:
    left = _leftovers(school.paths)
    with _writer_in_another_process(school.paths.root):
        start_up.on_start(school.paths)
    assert [p for p in left if not p.exists()] == []
    start_up.on_start(school.paths)  # the next start, with nothing under way
    assert [p for p in left if p.exists()] == []


def test_the_chosen_backup_folder_is_tidied_when_a_backup_is_made(
    head_session: Session, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    update_settings(head_session, backup_dir=str(usb))
    usb.mkdir()
    partial = usb / f".safedesk-backup-{STAMP}.sdbackup.partial"
    partial.write_bytes(b"half a backup")
    parts = usb / f".safedesk-backup-{STAMP}.parts"
    parts.mkdir()
    (parts / "school.db").write_bytes(b"encrypted")
    mine = usb / "holiday photos.zip"
    mine.write_bytes(b"not safedesk's")
    first = backup.create_backup(head_session)
    assert not partial.exists() and not parts.exists()
    assert mine.exists() and first.exists()
    with _writer_in_another_process(head_session.paths.root):
        partial.write_bytes(b"another safedesk's backup, being written")
        second = backup.create_backup(head_session)
    assert partial.exists()  # it might have been a backup being written: left alone
    # The two were made the same day: rotation keeps the newest of a day.
    assert [p.name for p in usb.glob("*.sdbackup")] == [second.name]


def test_a_backup_that_fails_to_write_is_not_audited(
    head_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(target: Path, *_args: object) -> None:
        target.write_bytes(b"the first bytes")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_file, "write", disk_full)
    usb = tmp_path / "usb"
    with pytest.raises(StoreError, match="could not be written"):
        backup.create_backup(head_session, usb)
    with head_session.store.read() as conn:
        assert audit.events_with_action(conn, "backup.created") == []
    assert list(usb.iterdir()) == []  # no backup, no .partial, no .parts
    monkeypatch.undo()
    made = backup.create_backup(head_session, usb)
    with head_session.store.read() as conn:
        [event] = audit.events_with_action(conn, "backup.created")
    assert event.detail == {
        "file": made.name,
        "automatic": False,
        "folder": str(usb),
        "verified": True,
        "size": made.stat().st_size,
    }
    assert made.is_file()


def test_a_killed_backup_is_not_audited_and_is_removed_at_the_next_start(
    school: SchoolStore,
) -> None:
    from tests.faults.admin_process import run_admin

    data = school.paths.root
    code, _out, err = run_admin(data, "backup", "--user", HEAD_USER, kill_at="backup.written")
    assert code == -9, err
    [partial] = school.paths.backups.glob(".*.partial")
    assert list(school.paths.backups.glob(f"*{backup_file.SUFFIX}")) == []
    code, _out, err = run_admin(data, "verify", "--user", HEAD_USER)
    assert code == 0, err
    assert not partial.exists()
    assert list(school.paths.backups.iterdir()) == []
    session = school.sign_in()
    try:
        with session.store.read() as conn:
            assert audit.events_with_action(conn, "backup.created") == []
    finally:
        session.close()


def test_the_temporary_files_the_program_writes_are_the_ones_removed(
    school: SchoolStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each writer that renames a temporary file into place, stopped before the rename (as a
    kill would): what it leaves is removed at the next start."""
    from safedesk.services import signin_backoff
    from safedesk.store import keyfile

    paths = school.paths
    before = set(paths.root.iterdir())

    class Killed(BaseException):
        """Not an OSError: a kill is not an error any writer may catch and tidy up after."""

    def killed(*_args: object) -> None:
        raise Killed

    with monkeypatch.context() as patched:
        patched.setattr("os.replace", killed)
        writers = [
            lambda: keyfile.write_private(paths.keys, paths.keys.read_bytes()),
            lambda: signin_backoff.save(signin_backoff.FailureLog(), paths.signin_failures),
            lambda: restore_journal._write(
                paths, restore_journal.Journal(".restore-x", None, (), {})
            ),
        ]
        for write in writers:
            with contextlib.suppress(Killed):
                write()
    left = set(paths.root.iterdir()) - before
    assert len(left) == len(writers)
    start_up.on_start(paths)
    assert [p.name for p in left if p.exists()] == []
    school.sign_in().close()


def test_the_backup_names_are_the_ones_the_program_writes() -> None:
    target = Path("/b") / f"{backup.PREFIX}{STAMP}{backup_file.SUFFIX}"
    assert cleanup.BACKUP_SUFFIX == backup_file.SUFFIX
    assert cleanup.STAGING_PREFIX == restore_journal.STAGING_PREFIX
    assert cleanup.partial_path(target).name == f".{target.name}.partial"
    assert cleanup.parts_path(target).name == f".{backup.PREFIX}{STAMP}.parts"
