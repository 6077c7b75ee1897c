"""Backups: encrypted, consistent, restorable; restore checks before it replaces anything."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from safedesk.domain.errors import AuthenticationError, SafedeskError
from safedesk.domain.people import PupilDetails
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import backup, integrity, vault
from safedesk.services.session import Session
from safedesk.store import audit, pupils
from safedesk.store.db import Connection, StoreDamaged
from safedesk.store.crypto import FAST_KDF
from tests.conftest import HEAD_PASSWORD, SchoolStore

TABLES = ("school", "user", "user_role", "pupil", "setting")


def _add_pupil(session: Session, surname: str, body: str = "801200005001") -> None:
    from safedesk.domain import upn

    with session.store.write() as conn:
        pupils.insert(
            conn,
            PupilDetails(upn.make(body), surname, "Zoë", date(2018, 1, 2)),
            session.clock.now(),
        )


def _content(conn: Connection, audit_upto: int) -> dict[str, list[tuple[object, ...]]]:
    dump = {t: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {t}")) for t in TABLES}
    dump["audit_log"] = [
        tuple(r) for r in conn.execute("SELECT * FROM audit_log WHERE seq <= ?", (audit_upto,))
    ]
    return dump


def test_round_trip_restores_identical_content(
    school: SchoolStore, head_session: Session, tmp_path: Path
) -> None:
    _add_pupil(head_session, "O'Connor-Nguyễn")
    path = backup.create_backup(head_session, tmp_path / "usb")
    manifest_head = json.loads(zipfile.ZipFile(path).read("manifest.json"))["audit_seq"]
    with head_session.store.read() as conn:
        before = _content(conn, manifest_head)
    _add_pupil(head_session, "Later", "801200005002")  # made after the backup: must go
    head_session.lock()

    result = backup.restore_backup(school.paths, path, "head", HEAD_PASSWORD)

    assert result.set_aside is not None and (result.set_aside / "safedesk.db").exists()
    session = school.sign_in()
    with session.store.read() as conn:
        assert _content(conn, manifest_head) == before
        assert audit.walk_chain(conn).ok
        assert audit.events_with_action(conn, "backup.restored")[-1].detail["file"] == path.name
    assert integrity.verify(session).ok
    session.store.close()


def test_restore_onto_a_new_pc(school: SchoolStore, head_session: Session, tmp_path: Path) -> None:
    path = backup.create_backup(head_session, tmp_path / "usb")
    fresh = DataPaths(tmp_path / "new-pc")
    result = backup.restore_backup(fresh, path, "head", HEAD_PASSWORD)
    assert result.set_aside is None
    vault.sign_in(fresh, "head", HEAD_PASSWORD).store.close()


def test_backup_file_reveals_no_names(head_session: Session, tmp_path: Path) -> None:
    _add_pupil(head_session, "Wiśniewska")
    raw = backup.create_backup(head_session, tmp_path / "usb").read_bytes()
    for needle in ("Wiśniewska".encode(), b"Ngozi", b"Brigid", b'"head"'):
        assert needle not in raw


def test_wrong_password_changes_nothing(
    school: SchoolStore, head_session: Session, tmp_path: Path
) -> None:
    path = backup.create_backup(head_session, tmp_path / "usb")
    head_session.lock()
    before = school.paths.database.read_bytes()
    with pytest.raises(AuthenticationError):
        backup.restore_backup(school.paths, path, "head", "wrong password")
    assert school.paths.database.read_bytes() == before
    assert not school.paths.replaced.exists()
    assert not list(school.paths.root.glob(".restore-*"))


def test_tampered_backup_is_refused(
    school: SchoolStore, head_session: Session, tmp_path: Path
) -> None:
    path = backup.create_backup(head_session, tmp_path / "usb")
    head_session.lock()
    with zipfile.ZipFile(path) as src:
        manifest = json.loads(src.read("manifest.json"))
        files = {n: src.read(n) for n in ("safedesk.db", "keyring.json")}
    manifest["audit_seq"] = 1  # pretend the backup is older than it is
    forged = tmp_path / "forged.sdbackup"
    with zipfile.ZipFile(forged, "w") as out:
        out.writestr("manifest.json", json.dumps(manifest))
        for name, data in files.items():
            out.writestr(name, data)
    with pytest.raises(StoreDamaged, match="altered"):
        backup.restore_backup(school.paths, forged, "head", HEAD_PASSWORD)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04junk", b"random bytes" * 100])
def test_foreign_file_is_refused(school: SchoolStore, tmp_path: Path, content: bytes) -> None:
    bogus = tmp_path / "bogus.sdbackup"
    bogus.write_bytes(content)
    with pytest.raises(StoreDamaged, match="not a safedesk backup"):
        backup.restore_backup(school.paths, bogus, "head", HEAD_PASSWORD)


def test_backup_of_another_school_is_refused(school: SchoolStore, tmp_path: Path) -> None:
    other = DataPaths(tmp_path / "other")
    vault.create_school(
        other,
        school_name="Other",
        username="head",
        display_name="H",
        password=HEAD_PASSWORD,
        kdf=FAST_KDF,
    )
    with vault.sign_in(other, "head", HEAD_PASSWORD).store as store:
        pass
    session = vault.sign_in(other, "head", HEAD_PASSWORD)
    path = backup.create_backup(session, tmp_path / "usb")
    session.store.close()
    before = school.paths.database.read_bytes()
    with pytest.raises(SafedeskError, match="different school"):
        backup.restore_backup(school.paths, path, "head", HEAD_PASSWORD)
    assert school.paths.database.read_bytes() == before
    assert store.closed


def test_rotation_keeps_the_newest(head_session: Session, tmp_path: Path) -> None:
    from safedesk.services.settings import update_settings

    update_settings(head_session, backups_kept=2)
    made = [backup.create_backup(head_session, tmp_path / "usb") for _ in range(4)]
    assert sorted(p.name for p in (tmp_path / "usb").iterdir()) == sorted(p.name for p in made[2:])


def test_daily_backup_runs_once_a_day_for_any_role(
    session_as: Callable[[Role], Session], head_session: Session, tmp_path: Path
) -> None:
    from safedesk.services.settings import update_settings

    update_settings(head_session, backup_dir=str(tmp_path / "usb"))
    staff = session_as(Role.STAFF)
    first = backup.backup_if_due(staff)
    assert first is not None and first.parent == tmp_path / "usb"
    assert backup.backup_if_due(staff) is None


def test_backup_is_consistent_while_another_connection_writes(
    school: SchoolStore, head_session: Session, tmp_path: Path
) -> None:
    import threading

    other = school.sign_in()
    stop = threading.Event()

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            with other.store.write() as conn:
                other.audit(conn, "test.write", detail={"n": n})
            stop.wait(0.002)  # a busy app, not a tight loop that starves other writers

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        paths = [backup.create_backup(head_session, tmp_path / "usb") for _ in range(3)]
    finally:
        stop.set()
        writer.join()
        other.store.close()
    with head_session.store.read() as conn:
        assert audit.events_with_action(conn, "test.write")  # the writer really ran
    for i, path in enumerate(paths):
        target = DataPaths(tmp_path / f"check{i}")
        backup.restore_backup(target, path, "head", HEAD_PASSWORD)  # verifies the chain
