"""School settings: the design's defaults, the range of each, and how they are stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest

from safedesk.domain.settings import Settings


def test_the_defaults_are_the_designs_targets() -> None:
    s = Settings()
    assert s.immediate_minutes == 60  # immediate risk: 1 hour
    assert s.urgent_minutes == 4 * 60  # urgent: 4 hours
    assert s.routine_school_days == 1
    assert s.referral_chase_working_days == 1
    assert s.day_start == time(8, 30)
    assert s.bank_holidays_region == "ENG"
    assert s.problems() == {}


@pytest.mark.parametrize(
    ("field", "lowest", "highest", "problem"),
    [
        ("idle_lock_minutes", 1, 120, "must be between 1 and 120 minutes"),
        ("backups_kept", 1, 1000, "must be between 1 and 1000"),
        ("immediate_minutes", 5, 24 * 60, "must be between 5 minutes and 24 hours"),
        ("urgent_minutes", 15, 7 * 24 * 60, "must be between 15 minutes and 7 days"),
        ("routine_school_days", 1, 10, "must be between 1 and 10 school days"),
        ("referral_chase_working_days", 1, 20, "must be between 1 and 20 working days"),
        ("transfer_receipt_school_days", 1, 30, "must be between 1 and 30 school days"),
    ],
)
def test_each_number_is_allowed_up_to_its_bounds_and_not_beyond(
    field: str, lowest: int, highest: int, problem: str
) -> None:
    assert replace(Settings(), **{field: lowest}).problems() == {}
    assert replace(Settings(), **{field: highest}).problems() == {}
    assert replace(Settings(), **{field: lowest - 1}).problems() == {field: problem}
    assert replace(Settings(), **{field: highest + 1}).problems() == {field: problem}


def test_every_problem_is_named_at_once() -> None:
    bad = Settings(idle_lock_minutes=0, backups_kept=0, school_day_start="8.30")
    assert set(bad.problems()) == {"idle_lock_minutes", "backups_kept", "school_day_start"}


@pytest.mark.parametrize(
    ("text", "start"),
    [("08:30", time(8, 30)), ("7:05", time(7, 5)), (" 09:00 ", time(9, 0)), ("0:00", time(0))],
)
def test_the_school_day_start_is_a_clock_time(text: str, start: time) -> None:
    s = Settings(school_day_start=text)
    assert s.problems() == {}
    assert s.day_start == start


@pytest.mark.parametrize("text", ["8.30", "eight", "25:00", "08:60", "08:30:00", "", "08"])
def test_a_school_day_start_that_is_not_a_time_is_refused(text: str) -> None:
    s = Settings(school_day_start=text)
    assert s.problems() == {"school_day_start": "must be a time like 08:30"}
    assert s.day_start == time(8, 30)  # the default stands in until it is corrected


@pytest.mark.parametrize("region", ["ENG", "SCT", "NIR"])
def test_bank_holidays_of_each_uk_region(region: str) -> None:
    assert Settings(bank_holidays_region=region).problems() == {}


def test_an_unknown_bank_holiday_region_lists_the_choices() -> None:
    assert Settings(bank_holidays_region="WLS").problems() == {
        "bank_holidays_region": "must be one of ENG, SCT, NIR"
    }


def test_settings_are_stored_as_text_and_read_back_the_same() -> None:
    s = Settings(idle_lock_minutes=15, backup_dir="D:\\Backups", school_day_start="08:45")
    stored = s.to_stored()
    assert stored["idle_lock_minutes"] == "15"
    assert stored["backup_dir"] == "D:\\Backups"
    assert stored["school_day_start"] == "08:45"
    assert Settings.from_stored(stored) == s


def test_settings_not_stored_keep_their_defaults() -> None:
    assert Settings.from_stored({}) == Settings()
    assert Settings.from_stored({"urgent_minutes": "120"}) == Settings(urgent_minutes=120)


def test_an_unreadable_stored_value_falls_back_to_its_default_alone() -> None:
    read = Settings.from_stored({"backups_kept": "many", "idle_lock_minutes": "10"})
    assert read == Settings(idle_lock_minutes=10)


def test_names_that_are_not_settings_are_ignored() -> None:
    assert Settings.from_stored({"theme": "dark"}) == Settings()


def test_values_after_an_unreadable_one_are_still_read() -> None:
    # Fields are read in their declared order: backups_kept comes before the targets.
    read = Settings.from_stored(
        {"backups_kept": "many", "urgent_minutes": "120", "school_day_start": "09:00"}
    )
    assert read == Settings(urgent_minutes=120, school_day_start="09:00")
