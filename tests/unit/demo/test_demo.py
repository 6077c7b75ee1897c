"""The demo school: valid, deterministic, and usable by every demo account."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from safedesk.demo.pupils import generate_pupils, school_year_start, to_mis_csv
from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.domain import upn
from safedesk.domain.entries import Kind
from safedesk.domain.pupil_csv import parse_pupil_csv
from safedesk.paths import DataPaths
from safedesk.services import integrity, pupils, records, vault

TODAY = date(2026, 11, 24)


def test_roll_is_valid_unique_and_deterministic() -> None:
    roll = generate_pupils(450, today=TODAY)
    assert roll == generate_pupils(450, today=TODAY)
    assert len({p.upn for p in roll}) == 450
    assert all(upn.problem(p.upn) is None for p in roll)


def test_ages_match_year_groups() -> None:
    start = school_year_start(TODAY)
    for pupil in generate_pupils(140, today=TODAY):
        offset = 0 if pupil.year_group == "R" else int(pupil.year_group or 0)
        # Reception children turn 5 between 1 September and 31 August of this school year.
        first = date(start - 5 - offset, 9, 1)
        assert first <= pupil.date_of_birth < date(first.year + 1, 9, 1)


def test_mis_csv_round_trips_through_the_importer() -> None:
    roll = generate_pupils(50, today=TODAY)
    assert parse_pupil_csv(to_mis_csv(roll), today=TODAY) == roll


def test_demo_school_signs_in_as_every_account(tmp_path: Path) -> None:
    demo = build_demo_school(DataPaths(tmp_path / "demo"), pupils=120, years=0)
    assert demo.records > 20
    for account in demo.accounts:
        session = vault.sign_in(demo.paths, account.username, DEMO_PASSWORD)
        assert session.user.roles == account.roles
        # Nobody is asked to change the demo password at every sign-in (new-user pass).
        assert not session.password_from_administrator, account.username
        if account.username == "dsl":
            assert len(pupils.list_pupils(session)) == 120
            kinds = {
                e.kind
                for p in pupils.list_pupils(session)[:120]
                for e in records.pupil_records(session, p.upn)
            }
            assert kinds == set(Kind)
            assert integrity.verify(session).ok
        session.store.close()


def test_the_demo_office_may_add_accounts_from_the_start(tmp_path: Path) -> None:
    """The business manager is confirmed in person by the head, as a school would do."""
    from safedesk.domain.roles import Role
    from safedesk.services import users, vault

    demo = build_demo_school(DataPaths(tmp_path / "data"), with_records=False)
    office = vault.sign_in(demo.paths, "office", demo.password)
    try:
        users.add_user(
            office,
            username="new.ta",
            display_name="New TA",
            roles={Role.STAFF},
            password="a long password 1",
        )
        assert "new.ta" in {u.username for u in users.list_users(office)}
    finally:
        office.close()
