"""verify: detects an edited audit row, and a chain rolled back behind a backup's head."""

from __future__ import annotations

from pathlib import Path

from safedesk.services import backup, integrity
from safedesk.services.session import Session
from safedesk.services.settings import update_settings
from tests.conftest import SchoolStore


def test_sound_store_verifies(head_session: Session) -> None:
    report = integrity.verify(head_session)
    assert report.ok, report.problems
    assert report.head.seq == report.audit_rows


def test_tampered_audit_row_is_detected(head_session: Session) -> None:
    with head_session.store.write() as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2")
    report = integrity.verify(head_session)
    assert not report.ok
    assert report.problems == ["audit row 2 has been altered"]


def test_rebuilt_chain_is_caught_by_a_backup_head(
    school: SchoolStore, head_session: Session, tmp_path: Path
) -> None:
    update_settings(head_session, backup_dir=str(tmp_path / "usb"))
    backup.create_backup(head_session)
    # Someone with the key deletes the tail and rebuilds a consistent chain.
    with head_session.store.write() as conn:
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute("DELETE FROM audit_log WHERE seq > 3")
    report = integrity.verify(head_session)
    assert not report.ok
    assert report.backups_checked == 1
    assert "rewritten or rolled back" in report.problems[0]
