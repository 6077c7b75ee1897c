"""What someone who can only write in the backup folder can do to the school's backups: plant
files named as backups, remove or replace real ones, or hand over a backup missing a file.
None of it may push real backups out, pass for a good backup, or lose records at a restore."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from safedesk.domain.clock import FixedClock
from safedesk.domain.local_time import to_local
from safedesk.services import backup, backup_status, settings
from safedesk.services.session import Session
from safedesk.store import backup_file
from safedesk.store.db import StoreDamaged
from tests.conftest import HEAD_PASSWORD, SchoolStore

NOW = datetime(2026, 3, 4, 10, 42, tzinfo=UTC)


def _name_for(at: datetime) -> str:
    local = to_local(at)
    return f"safedesk-backup-{local:%Y%m%d-%H%M%S}-000.sdbackup"


def _backups_on_days(session: Session, usb: Path, days: list[int]) -> list[Path]:
    made = []
    for day in days:
        session.clock = FixedClock(NOW + timedelta(days=day))
        made.append(backup.create_backup(session, usb))
    return made


def test_planted_backups_dated_in_the_future_never_push_the_real_ones_out(
    head_session: Session, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    real = _backups_on_days(head_session, usb, [-3, -2, -1])
    # Real backups of this very school (a copy of one), named for each of the next 13 months:
    # by their names alone they are the newest of every day, week and month.
    planted = []
    for month in range(13):
        fake = usb / _name_for(NOW + timedelta(days=31 * month + 1, hours=13))
        shutil.copyfile(real[-1], fake)
        planted.append(fake)
    head_session.clock = FixedClock(NOW)
    newest = backup.create_backup(head_session, usb)
    for path in [*real, newest]:
        assert path.is_file(), f"{path.name} was removed"
    assert all(p.is_file() for p in planted)  # not ours to remove either
    last = backup_status.last_good_backup(head_session)
    assert last is not None and last.file == newest.name
    assert backup.newest_recorded_backup(head_session, usb) == newest


def test_the_backup_just_made_is_kept_even_when_the_clock_went_back(
    head_session: Session, tmp_path: Path
) -> None:
    settings.update_settings(head_session, backups_daily=1, backups_weekly=1, backups_monthly=1)
    usb = tmp_path / "usb"
    [later] = _backups_on_days(head_session, usb, [0])
    # The PC's clock is wrong by a month: by its name, the new backup is the oldest.
    [made] = _backups_on_days(head_session, usb, [-40])
    assert made.is_file() and later.is_file()


def test_a_backup_removed_or_replaced_since_is_not_the_last_good_one(
    head_session: Session, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    older, newer = _backups_on_days(head_session, usb, [-1, 0])
    head_session.clock = FixedClock(NOW + timedelta(hours=1))
    settings.update_settings(head_session, backup_dir=str(usb))
    assert backup_status.status(head_session).missing is None

    newer.unlink()
    found = backup_status.status(head_session)
    assert found.last is not None and found.last.file == older.name
    assert found.missing is not None and "no longer in" in found.missing
    assert found.needs_attention and found.missing in found.warning

    newer.write_bytes(older.read_bytes() + b"!")  # something else under its name
    found = backup_status.status(head_session)
    assert found.last is not None and found.last.file == older.name

    older.unlink()
    found = backup_status.status(head_session)
    assert found.last is None and found.stale
    assert found.missing is not None and "The 2 newest backups" in found.missing


def test_an_unplugged_backup_disk_does_not_make_its_backups_look_removed(
    head_session: Session, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    [made] = _backups_on_days(head_session, usb, [0])
    settings.update_settings(head_session, backup_dir=str(usb))
    shutil.rmtree(usb)  # the disk is taken away: nothing can be said of the file on it
    found = backup_status.status(head_session)
    assert found.unreachable and found.missing is None
    assert found.last is not None and found.last.file == made.name


def test_a_file_named_like_todays_backup_does_not_stop_the_daily_backup(
    head_session: Session, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    settings.update_settings(head_session, backup_dir=str(usb))
    head_session.clock = FixedClock(NOW)
    (usb / _name_for(NOW - timedelta(minutes=5))).write_bytes(b"")  # planted, empty
    made = backup.backup_if_due(head_session)
    assert made is not None and made.is_file()
    assert backup.backup_if_due(head_session) is None  # the real one counts


def _without(source: Path, name: str, target: Path, school_key: bytes) -> Path:
    """The backup as someone holding the school file's key (every account) could rewrite
    it: one file left out, the list of contents re-sealed to match."""
    manifest = backup_file.read_manifest(source)
    unpacked = target.parent / "unpacked"
    unpacked.mkdir(parents=True)
    backup_file.extract(source, unpacked)
    files = {n: unpacked / n for n in manifest.files if n != name}
    forged = replace(manifest, files={n: d for n, d in manifest.files.items() if n != name})
    backup_file.write(target, files, forged.sealed(school_key))
    with zipfile.ZipFile(target) as archive:
        assert name not in archive.namelist()
    return target


def test_a_backup_missing_a_file_the_school_has_is_refused_by_trial_and_restore(
    school: SchoolStore, head_session: Session, tmp_path: Path
) -> None:
    made = backup.create_backup(head_session, tmp_path / "usb")
    forged = _without(
        made, "safeguarding.db", tmp_path / "forged" / made.name, head_session.store.key
    )
    with pytest.raises(StoreDamaged, match="has no copy of the safeguarding"):
        backup.trial_restore(head_session, forged, HEAD_PASSWORD)
    head_session.close()
    before = school.paths.database("safeguarding").read_bytes()
    with pytest.raises(StoreDamaged, match="has no copy of the safeguarding"):
        backup.restore_backup(school.paths, forged, "head", HEAD_PASSWORD)
    assert school.paths.database("safeguarding").read_bytes() == before
    school.sign_in().close()
