"""Backups a school can trust: each is read back and checked before it counts, old ones go by
grandfather-father-son (never a file that is not ours), the last good one is known to every
account, and a trial restore says what a backup holds while replacing nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.errors import AuthenticationError, PermissionDenied, SafedeskError
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import backup, backup_status, integrity, records, settings, vault
from safedesk.services.backup_status import LastBackup, assess
from safedesk.services.session import Session
from safedesk.store import audit, backup_file
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import HEAD_PASSWORD, SchoolStore

NOW = datetime(2026, 3, 4, 10, 42, tzinfo=UTC)


def _live_files(school: SchoolStore) -> dict[str, str]:
    """The files a restore would replace (the shared-memory files are Qt-free noise)."""
    found = [*school.paths.data_files(), school.paths.keys]
    return {
        p.name: backup_file.sha256_file(p)
        for p in found
        if p.exists() and p.suffix in (".db", ".json")
    }


def _damage_after_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk (not safedesk) damages what it was given: bytes in the middle change."""
    real_write = backup_file.write

    def write_then_damage(target: Path, *args: object, **kwargs: object) -> None:
        real_write(target, *args, **kwargs)  # type: ignore[arg-type]
        data = bytearray(target.read_bytes())
        middle = len(data) // 2
        data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
        target.write_bytes(bytes(data))

    monkeypatch.setattr(backup_file, "write", write_then_damage)


def test_a_backup_damaged_on_its_way_to_disk_is_reported_and_not_counted(
    head_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usb = tmp_path / "usb"
    good = backup.create_backup(head_session, usb)
    _damage_after_writing(monkeypatch)
    with pytest.raises(backup.BackupNotVerified, match="reading it back found") as raised:
        backup.create_backup(head_session, usb)
    assert "removed and does not count" in str(raised.value)
    assert sorted(p.name for p in usb.iterdir()) == [good.name]  # no damaged file, no leftovers
    with head_session.store.read() as conn:
        assert [e.detail["file"] for e in audit.events_with_action(conn, "backup.created")] == [
            good.name
        ]
        [failed] = audit.events_with_action(conn, backup_status.FAILED)
    assert failed.detail["folder"] == str(usb)
    last = backup_status.last_good_backup(head_session)
    assert last is not None and last.file == good.name


def test_a_sound_backup_is_recorded_with_its_time_file_and_folder(
    head_session: Session, tmp_path: Path
) -> None:
    made = backup.create_backup(head_session, tmp_path / "usb")
    last = backup_status.last_good_backup(head_session)
    assert last is not None
    assert (last.file, last.folder) == (made.name, str(tmp_path / "usb"))
    assert abs(last.at - head_session.clock.now()) < timedelta(minutes=1)


def test_an_automatic_backup_by_any_account_is_seen_by_every_account_and_verifies(
    school: SchoolStore,
    head_session: Session,
    session_as: Callable[[Role], Session],
    tmp_path: Path,
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    settings.choose_backup_folder(head_session, usb)
    teacher = session_as(Role.STAFF)
    with pytest.raises(PermissionDenied):
        settings.choose_backup_folder(teacher, tmp_path)  # choosing where is not for everyone
    made = backup.backup_if_due(teacher)
    assert made is not None and made.parent == usb
    office = session_as(Role.ADMIN)
    for who in (head_session, office, teacher):
        last = backup_status.last_good_backup(who)
        assert last is not None and last.file == made.name
    assert integrity.verify(head_session).ok  # a teacher's backup event breaks no check


def test_rotation_never_removes_what_is_not_ours(head_session: Session, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    # Another school shares the network folder; its backups are named as ours are.
    other = DataPaths(tmp_path / "other")
    vault.create_school(
        other, school_name="Other", username="hd", display_name="H", password="x" * 12, kdf=FAST_KDF
    )
    other_session = vault.sign_in(other, "hd", "x" * 12)
    try:
        other_session.clock = FixedClock(NOW - timedelta(days=400))
        theirs = backup.create_backup(other_session, usb)
    finally:
        other_session.close()
    unreadable = usb / "safedesk-backup-20240101-160000-000.sdbackup"
    unreadable.write_bytes(b"not a zip")
    photos = usb / "holiday photos.zip"
    photos.write_bytes(b"not ours")
    settings.set_backup_policy(head_session, 1, 0, 0)
    clock = FixedClock(NOW - timedelta(days=3))
    head_session.clock = clock
    made = []
    for day in range(3):
        clock.set(NOW - timedelta(days=3 - day))
        made.append(backup.create_backup(head_session, usb))
    assert sorted(p.name for p in usb.iterdir()) == sorted(
        [theirs.name, unreadable.name, photos.name, made[-1].name]
    )


def test_the_status_is_stale_after_two_days_and_with_no_backup(tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    assert assess(None, usb, NOW).stale
    last = LastBackup(NOW - timedelta(days=2), "b.sdbackup", str(usb))
    fresh = assess(last, usb, NOW)
    assert not fresh.stale and not fresh.needs_attention
    assert fresh.last_words == f"Last good backup: on Monday at {_local(last.at)}, to {usb}"
    old = assess(last, usb, NOW + timedelta(minutes=1))
    assert old.stale and old.needs_attention and not old.unreachable
    assert old.warning.startswith("The last good backup was 2 days ago (on Monday at ")
    today = assess(LastBackup(NOW, "b.sdbackup", str(usb)), usb, NOW)
    assert today.short_words == f"Last backup: today at {_local(NOW)}"


def test_a_folder_that_went_away_is_unreachable(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    usb = disk / "safedesk-backups"
    usb.mkdir(parents=True)
    last = LastBackup(NOW, "b.sdbackup", str(usb))
    assert not assess(last, usb, NOW).unreachable
    shutil.rmtree(disk)  # the USB disk is taken away
    gone = assess(last, usb, NOW)
    assert gone.unreachable and gone.needs_attention and not gone.stale
    assert gone.warning == (
        f"The backup folder {usb} cannot be found: the backup disk may be unplugged, or the "
        "network drive not connected."
    )
    assert list(tmp_path.iterdir()) == []  # looking left nothing behind
    # The data folder's own backups/ is made at the first backup: missing is not a problem.
    assert not assess(last, tmp_path / "backups", NOW, may_create=True).unreachable


def test_a_folder_that_cannot_be_written_is_unreachable(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "a file"
    not_a_folder.write_bytes(b"")
    assert assess(None, not_a_folder, NOW).unreachable


def test_status_of_a_session_follows_its_clock_and_folder(
    head_session: Session, tmp_path: Path
) -> None:
    disk = tmp_path / "disk"
    usb = disk / "backups"
    usb.mkdir(parents=True)
    settings.choose_backup_folder(head_session, usb)
    assert backup_status.status(head_session).stale  # none yet
    backup.create_backup(head_session)
    now = head_session.clock.now()
    assert not backup_status.status(head_session).needs_attention
    head_session.clock = FixedClock(now + timedelta(days=2, minutes=5))
    assert backup_status.status(head_session).stale
    shutil.rmtree(disk)
    found = backup_status.status(head_session)
    assert found.unreachable
    with pytest.raises(SafedeskError, match="cannot be found"):
        backup.create_backup(head_session)  # never onto the PC's own disk instead
    assert not disk.exists()


def test_a_trial_restore_reports_and_replaces_nothing(
    school: SchoolStore, head_session: Session, tmp_path: Path
) -> None:
    factories.add_pupils(head_session)
    records.record(head_session, Kind.CONCERN, factories.concern())
    records.record(head_session, Kind.BEHAVIOUR, factories.behaviour())
    made = backup.create_backup(head_session, tmp_path / "usb")
    records.record(head_session, Kind.CONCERN, factories.concern())  # not in the backup
    for store in head_session.all_stores():
        store.checkpoint()
    before = _live_files(school)
    with head_session.store.read() as conn:
        head_before = audit.head(conn)

    trial = backup.trial_restore(head_session, made, HEAD_PASSWORD)

    assert trial.path == made
    assert trial.records == {"safeguarding records": 1, "behaviour records": 1}
    assert trial.pupils >= 1 and trial.accounts == 1
    assert trial.not_opened == ()
    assert abs(trial.made_at - head_session.clock.now()) < timedelta(minutes=1)
    for store in head_session.all_stores():
        store.checkpoint()
    after = _live_files(school)
    # the head holds the allegations file too (only they open it)
    assert set(before) == {
        "school.db",
        "safeguarding.db",
        "behaviour.db",
        "allegations.db",
        "keys.json",
    }
    # The records and keys are byte for byte the same; the school file only gained the
    # audit event that says a trial was made.
    assert {k: v for k, v in after.items() if k != "school.db"} == {
        k: v for k, v in before.items() if k != "school.db"
    }
    with head_session.store.read() as conn:
        added = list(audit.events(conn, after_seq=head_before.seq))
    assert [e.action for e in added] == ["backup.tested"]
    assert not list(school.paths.root.glob(".restore-*"))  # the trial's folder is gone
    assert not school.paths.replaced.exists()
    assert added[0].detail == {"file": made.name}


def test_a_trial_restore_with_a_wrong_password_or_a_damaged_file_is_refused(
    school: SchoolStore, head_session: Session, tmp_path: Path
) -> None:
    made = backup.create_backup(head_session, tmp_path / "usb")
    with pytest.raises(AuthenticationError):
        backup.trial_restore(head_session, made, "wrong password")
    damaged = tmp_path / made.name
    data = bytearray(made.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(SafedeskError):
        backup.trial_restore(head_session, damaged, HEAD_PASSWORD)
    with pytest.raises(SafedeskError):
        backup.inspect_backup(head_session, damaged)
    assert backup.inspect_backup(head_session, made).this_school
    assert not list(school.paths.root.glob(".restore-*"))


def test_only_an_administrator_may_try_a_restore(
    session_as: Callable[[Role], Session], head_session: Session, tmp_path: Path
) -> None:
    made = backup.create_backup(head_session, tmp_path / "usb")
    with pytest.raises(PermissionDenied):
        backup.trial_restore(session_as(Role.DSL), made, HEAD_PASSWORD)


def test_the_newest_backup_is_found_by_the_time_in_its_name(tmp_path: Path) -> None:
    assert backup.newest_backup(tmp_path / "missing") is None
    for stamp in ("20260301-160000-000", "20260303-090000-000", "20260302-170000-000"):
        (tmp_path / f"safedesk-backup-{stamp}.sdbackup").write_bytes(b"")
    (tmp_path / "safedesk-backup-zzz.sdbackup").write_bytes(b"")
    newest = backup.newest_backup(tmp_path)
    assert newest is not None and newest.name == "safedesk-backup-20260303-090000-000.sdbackup"


def _local(at: datetime) -> str:
    from safedesk.domain.local_time import to_local

    return to_local(at).strftime("%H:%M")
