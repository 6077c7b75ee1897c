"""Grandfather-father-son: which backups stay, from the times in their names alone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from safedesk.domain.backup_rotation import Policy, made_at, to_keep, to_remove


def name(at: datetime, counter: int | None = None) -> str:
    more = "" if counter is None else f"{counter:03d}"
    return f"safedesk-backup-{at:%Y%m%d-%H%M%S}-{at.microsecond // 1000:03d}{more}.sdbackup"


def a_year_of_daily_backups() -> dict[date, str]:
    start = date(2025, 1, 1)
    return {
        start + timedelta(days=n): name(datetime(2025, 1, 1, 16, 5) + timedelta(days=n))
        for n in range(365)
    }


def test_a_year_of_daily_backups_keeps_7_daily_4_weekly_12_monthly() -> None:
    by_day = a_year_of_daily_backups()
    kept = to_keep(by_day.values(), Policy(7, 4, 12))
    expected_days = {
        # daily: the last seven days
        *(date(2025, 12, d) for d in range(25, 32)),
        # weekly (ISO weeks end on Sunday): 31 Dec is in the week of 29 Dec, kept already;
        # then the Sundays before it
        date(2025, 12, 28),
        date(2025, 12, 21),
        date(2025, 12, 14),
        # monthly: the last day of each month (December's is kept already)
        *(date(2025, m + 1, 1) - timedelta(days=1) for m in range(1, 12)),
    }
    assert kept == {by_day[d] for d in expected_days}
    assert len(kept) == 7 + 2 + 11
    removed = to_remove(by_day.values(), Policy(7, 4, 12))
    assert set(removed) == set(by_day.values()) - kept
    assert removed[0] == by_day[date(2025, 1, 1)]  # oldest first


def test_the_numbers_are_honoured() -> None:
    by_day = a_year_of_daily_backups()
    assert len(to_keep(by_day.values(), Policy(3, 0, 0))) == 3
    assert to_keep(by_day.values(), Policy(1, 0, 0)) == {by_day[date(2025, 12, 31)]}
    monthly = to_keep(by_day.values(), Policy(1, 0, 24))
    assert len(monthly) == 12  # only twelve months have backups


def test_the_newest_is_kept_whatever_the_numbers() -> None:
    at = datetime(2026, 3, 2, 9, 0)
    names = [name(at), name(at + timedelta(hours=3)), name(at + timedelta(hours=3), counter=1)]
    assert to_keep(names, Policy(0, 0, 0)) == {names[2]}
    assert to_remove(names, Policy(0, 0, 0)) == names[:2]


def test_the_newest_of_a_day_stands_for_it() -> None:
    day = [name(datetime(2026, 3, 2, h, 30)) for h in (8, 12, 16)]
    before = [name(datetime(2026, 3, 1, h, 30)) for h in (9, 17)]
    assert to_keep(day + before, Policy(2, 0, 0)) == {day[-1], before[-1]}


def test_days_without_a_backup_do_not_count() -> None:
    """Back after the summer: the last week of term is still there."""
    term = [name(datetime(2025, 7, d, 15, 0)) for d in range(14, 22)]
    september = name(datetime(2025, 9, 3, 8, 40))
    kept = to_keep([*term, september], Policy(7, 0, 0))
    assert kept == {september, *term[-6:]}


def test_names_that_are_not_ours_are_never_removed() -> None:
    ours = [name(datetime(2025, 1, d, 16, 0)) for d in range(1, 29)]
    strangers = [
        "holiday photos.zip",
        "safedesk-backup-notes.sdbackup",
        "safedesk-backup-20251399-160000-000.sdbackup",  # no 99th day of a 13th month
        "SAFEDESK-BACKUP-20250101-160000-000.sdbackup",
        ".safedesk-backup-20250101-160000-000.sdbackup.partial",
        "safedesk-backup-20250101-160000-000.sdbackup.old",
    ]
    removed = to_remove([*ours, *strangers], Policy(1, 0, 0))
    assert set(removed) == set(ours[:-1])
    assert not set(strangers) & set(removed)
    assert set(strangers) <= to_keep([*ours, *strangers], Policy(1, 0, 0))


def test_made_at_reads_the_local_time_in_the_name() -> None:
    assert made_at("safedesk-backup-20260302-104205-123.sdbackup") == datetime(
        2026, 3, 2, 10, 42, 5, 123000
    )
    assert made_at("safedesk-backup-20260302-104205-123002.sdbackup") == datetime(
        2026, 3, 2, 10, 42, 5, 123000
    )
    assert made_at("safedesk-backup-2026-03-02.sdbackup") is None
