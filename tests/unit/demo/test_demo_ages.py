"""Every demo pupil's date of birth fits their year group for the school year of the demo's
"now" (retention counts from the date of birth): Year N pupils turn N + 5 during it, born
1 September to 31 August; a leaver is on no roll here, so has no year group."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from safedesk.demo.pupils import (
    YEAR_GROUPS,
    as_imported,
    generate_pupils,
    school_year_start,
    year_group_born,
)
from safedesk.demo.school import DEMO_PASSWORD, DEMO_YEARS, build_demo_school, rolls_by_year
from safedesk.domain.people import PupilDetails
from safedesk.paths import DataPaths
from safedesk.services import vault
from safedesk.store import pupils


def _misfits(found: list[PupilDetails], today: date) -> list[tuple[str, date, str]]:
    wrong = []
    for pupil in found:
        if pupil.year_group is None:
            continue
        first, last = year_group_born(pupil.year_group, today)
        if not first <= pupil.date_of_birth <= last:
            wrong.append((pupil.upn, pupil.date_of_birth, pupil.year_group))
    return wrong


def test_the_rule_itself() -> None:
    # In 2026-27, Year 6 were born 1 Sept 2015 to 31 Aug 2016; Reception 2021-22.
    assert year_group_born("6", date(2026, 11, 30)) == (date(2015, 9, 1), date(2016, 8, 31))
    assert year_group_born("R", date(2027, 8, 31)) == (date(2021, 9, 1), date(2022, 8, 31))
    assert year_group_born("1", date(2026, 9, 1)) == (date(2020, 9, 1), date(2021, 8, 31))


@pytest.mark.parametrize(
    "today", [date(2026, 11, 30), date(2026, 9, 1), date(2027, 8, 31), date(2025, 1, 15)]
)
def test_every_pupil_of_every_year_fits_their_year_group(today: date) -> None:
    roll = generate_pupils(300, seed=7, today=today)
    rolls = rolls_by_year(roll, DEMO_YEARS, seed=7, today=today)
    everyone = as_imported(rolls)
    assert len(everyone) > len(roll)  # leavers of the earlier years are there too
    assert _misfits(list(everyone.values()), today) == []
    on_roll = {p.upn for p in roll}
    assert {p.upn for p in everyone.values() if p.year_group is not None} == on_roll
    # Each year group has pupils, and the same pupils were the year below a year earlier.
    assert {p.year_group for p in roll} == set(YEAR_GROUPS)
    year_ago = date(today.year - 1, today.month, min(today.day, 28))
    for pupil in rolls[1]:
        if pupil.upn in on_roll and pupil.year_group is not None:
            first, last = year_group_born(pupil.year_group, year_ago)
            assert first <= pupil.date_of_birth <= last


def test_every_pupil_in_the_built_demo_fits(tmp_path: Path) -> None:
    now = datetime(2026, 11, 30, 10, 0).astimezone()
    built = build_demo_school(DataPaths(tmp_path / "data"), pupils=40, years=3, now=now)
    head = vault.sign_in(built.paths, "head", DEMO_PASSWORD)
    try:
        with head.store.read() as conn:
            found = [p.details for p in pupils.all_pupils(conn)]
    finally:
        head.lock()
    assert len(found) > 40  # leavers, and the former pupil of the paper book
    assert _misfits(found, now.date()) == []
    with_year = [p for p in found if p.year_group is not None]
    assert len(with_year) == 40
    # Nobody without a year group is young enough to be on roll (a leaver, or from 1991).
    youngest_leaver = max(p.date_of_birth for p in found if p.year_group is None)
    assert youngest_leaver < year_group_born("6", now.date())[0]
    assert school_year_start(now.date()) == 2026
