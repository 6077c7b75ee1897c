"""The governors' report's training and policy sign-off: counts of staff only (in date, and
confirmed by the member of staff; each current policy read and confirmed), never a name."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from safedesk.domain.clock import FixedClock
from safedesk.domain.roles import Role
from safedesk.services import leader_reports, policies, training, users
from safedesk.services.session import Session
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account
from tests.unit.services.test_leader_reports import pdf_text

OWN = "a password nobody else knows"
NOW = datetime.fromisoformat("2026-11-20T10:00:00+00:00")


def person(head: Session, school: SchoolStore, username: str, role: Role) -> Session:
    add_account(head, username, {role})
    session = school.sign_in(username, OTHER_PASSWORD)
    if session.password_from_administrator:
        users.change_own_password(session, OTHER_PASSWORD, OWN)
        session.close()
        session = school.sign_in(username, OWN)
    session.clock = FixedClock(NOW)
    return session


def test_sign_off_counts_staff_and_names_no_one(
    head_session: Session, school: SchoolStore, tmp_path: Path
) -> None:
    head = head_session
    head.clock = FixedClock(NOW)
    alice = person(head, school, "alice.teacher", Role.STAFF)
    bob = person(head, school, "bob.midday", Role.STAFF)
    dsl = person(head, school, "dora.dsl", Role.DSL)
    # Whole-staff update: Alice (confirmed), Bob (not confirmed); Dora's ran out.
    update = training.add_entry(
        head, {"who": "alice.teacher", "course": "staff_update", "on": "2026-09-02"}
    )
    training.add_entry(head, {"who": "bob.midday", "course": "staff_update", "on": "2026-09-02"})
    training.add_entry(
        head,
        {"who": "dora.dsl", "course": "staff_update", "on": "2025-09-01", "expires": "2026-09-01"},
    )
    training.add_entry(head, {"who": "dora.dsl", "course": "dsl", "on": "2025-06-01"})
    training.add_entry(head, {"who": "bob.midday", "course": "prevent", "on": "2026-01-10"})
    training.confirm(alice, update)
    kcsie = policies.publish(
        head,
        {
            "title": "KCSIE Part 1",
            "version": "2026",
            "published_on": "2026-09-01",
            "note": "On the shared drive.",
        },
    )
    policies.confirm(alice, kcsie)
    policies.confirm(dsl, kcsie)
    for session in (alice, bob, dsl):
        session.close()
    users.disable_user(head, "bob.midday")  # left: counted nowhere

    sign_off = leader_reports.governors_sign_off(head)
    assert sign_off.on == date(2026, 11, 20)
    assert dict(sign_off.training) == {
        "Whole-staff safeguarding update in date": "1 of 3 staff (1 confirmed by them)",
        "DSL training in date (the DSLs and the headteacher)": (
            "1 of 2 DSLs and the headteacher (0 confirmed by them)"
        ),
        "Prevent training in date": "0 of 3 staff (0 confirmed by them)",
        "Positive handling / restraint training in date": "0 of 3 staff (0 confirmed by them)",
    }
    assert sign_off.policies == (
        ("KCSIE Part 1, version 2026 (published 01/09/2026)", "2 of 3 staff"),
    )

    target = tmp_path / "governors.pdf"
    leader_reports.write_governors_report(head, date(2026, 9, 1), date(2026, 11, 20), target)
    text = pdf_text(target.read_bytes())
    assert "Training and policy sign-off" in text
    assert "As it stood on 20/11/2026" in text
    assert "Whole-staff safeguarding update in date 1 of 3 staff (1 confirmed by them)" in text
    assert "KCSIE Part 1, version 2026 (published 01/09/2026) 2 of 3 staff" in text
    for name in ("alice", "bob.midday", "dora", "Test "):  # no username, no display name
        assert name not in text
