"""verify: detects an edited audit row, and a chain rolled back behind a backup's head."""

from __future__ import annotations

from pathlib import Path

from safedesk.domain.compartments import Compartment
from safedesk.domain.roles import Role
from safedesk.services import alarms, backup, integrity
from safedesk.services.session import Session
from safedesk.services.settings import update_settings
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account


def test_sound_store_verifies(head_session: Session) -> None:
    report = integrity.verify(head_session)
    assert report.ok, report.problems
    # The head opens all but the chair of governors' file (allegations about the head).
    assert set(report.heads) == set(Compartment) - {Compartment.ALLEGATIONS_HEAD}
    assert sum(h.seq for h in report.heads.values()) == report.audit_rows
    assert report.waiting == ()


def test_an_administrator_checks_what_they_can_open_and_names_the_rest(
    school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, "office2", {Role.ADMIN})
    office = school.sign_in("office2", OTHER_PASSWORD)
    try:
        report = integrity.verify(office)
    finally:
        office.close()
    assert report.ok
    assert set(report.heads) == {Compartment.SCHOOL}
    # The head's allegations file exists: named as not checked, nothing of it read.
    assert report.waiting == (
        Compartment.SAFEGUARDING,
        Compartment.BEHAVIOUR,
        Compartment.ALLEGATIONS,
    )


def test_a_tampered_compartment_is_named(head_session: Session) -> None:
    with head_session.compartment(Compartment.BEHAVIOUR).write() as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1")
    report = integrity.verify(head_session)
    assert "behaviour: audit row 1 has been altered" in report.problems
    assert any(p.startswith("behaviour: the file's structure") for p in report.problems)
    assert all(p.startswith("behaviour: ") for p in report.problems), report.problems
    # An alarm waits in the behaviour file for the DSL's queue, once however often it is run.
    integrity.verify(head_session)
    [listed] = alarms.open_alarms(head_session)
    assert listed.compartment is Compartment.BEHAVIOUR
    assert listed.alarm.detail.startswith("Verify found the behaviour records file changed")
    assert "audit row 1 has been altered (and 1 more problem)" in listed.alarm.detail


def test_tampered_audit_row_is_detected(head_session: Session) -> None:
    with head_session.store.write() as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2")
    report = integrity.verify(head_session)
    assert not report.ok
    assert "school: audit row 2 has been altered" in report.problems
    assert all(p.startswith("school: ") for p in report.problems), report.problems


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
    assert any("rewritten or rolled back" in p for p in report.problems), report.problems
