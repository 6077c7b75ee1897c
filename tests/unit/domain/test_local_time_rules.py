"""Local wall-clock times as real moments: the exact words of the two clock-change problems,
UTC results whatever zone the PC is set to, and offsets written as people write them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from safedesk.domain import local_time
from safedesk.domain.local_time import LocalReading, local_to_utc, read_local, split_which


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The PC set to a zone west of UTC (clocks go back on 1 November 2026 at 02:00)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_skipped_time_is_named_with_its_time_and_date() -> None:
    assert local_to_utc(datetime(2026, 3, 29, 1, 30)) == (
        "is not a time the clocks showed: 01:30 on 29/03/2026 was skipped when the clocks "
        "went forward; check the time"
    )


def test_a_repeated_time_says_which_offsets_to_add() -> None:
    assert local_to_utc(datetime(2026, 10, 25, 1, 5)) == (
        "happened twice, because the clocks went back: say which 01:05 on 25/10/2026 — the "
        "first (summer time) or the second (winter time); as text, add +01:00 (the first) or "
        "+00:00 (the second) or the word first or second"
    )


def test_a_word_other_than_first_or_second_does_not_choose() -> None:
    assert isinstance(local_to_utc(datetime(2026, 10, 25, 1, 5), "third"), str)


@pytest.mark.parametrize(
    ("wall", "which", "moment"),
    [
        (datetime(2026, 7, 1, 9, 0), None, datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),
        (datetime(2026, 10, 25, 1, 30), "first", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (datetime(2026, 10, 25, 1, 30), "second", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        # An ordinary time ignores a word it does not need.
        (datetime(2026, 7, 1, 9, 0), "second", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),
    ],
)
def test_results_are_utc(wall: datetime, which: str | None, moment: datetime) -> None:
    found = local_to_utc(wall, which)
    assert found == moment
    assert isinstance(found, datetime) and found.utcoffset() == timedelta(0)


@pytest.mark.usefixtures("new_york")
def test_results_are_utc_in_a_zone_west_of_greenwich() -> None:
    ordinary = local_to_utc(datetime(2026, 7, 1, 9, 0))
    assert ordinary == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    assert isinstance(ordinary, datetime) and ordinary.utcoffset() == timedelta(0)
    first = local_to_utc(datetime(2026, 11, 1, 1, 30), "first")
    second = local_to_utc(datetime(2026, 11, 1, 1, 30), "second")
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert second == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert isinstance(first, datetime) and first.utcoffset() == timedelta(0)
    assert isinstance(second, datetime) and second.utcoffset() == timedelta(0)


@pytest.mark.usefixtures("new_york")
def test_offsets_west_of_greenwich_are_written_with_a_minus() -> None:
    assert local_to_utc(datetime(2026, 11, 1, 1, 5)) == (
        "happened twice, because the clocks went back: say which 01:05 on 01/11/2026 — the "
        "first (summer time) or the second (winter time); as text, add -04:00 (the first) or "
        "-05:00 (the second) or the word first or second"
    )


def test_offsets_with_minutes_are_written_in_full() -> None:
    reading = LocalReading(
        datetime(2026, 4, 5, 2, 30, tzinfo=timezone(timedelta(hours=10, minutes=30))),
        datetime(2026, 4, 5, 2, 30, tzinfo=timezone(timedelta(hours=-3, minutes=-30))),
    )
    assert reading.offsets_text() == "+10:30 (the first) or -03:30 (the second)"


def test_the_repeated_hour_reads_two_ways_an_ordinary_time_one() -> None:
    twice = read_local(datetime(2026, 10, 25, 1, 30))
    assert twice is not None and twice.ambiguous
    assert twice.first.utcoffset() == timedelta(hours=1)
    assert twice.second.utcoffset() == timedelta(0)
    assert twice.first < twice.second
    once = read_local(datetime(2026, 10, 25, 2, 30))
    assert once is not None and not once.ambiguous
    assert once.first == once.second
    assert read_local(datetime(2026, 3, 29, 1, 30)) is None


def test_the_same_instant_in_two_offsets_is_not_ambiguous() -> None:
    moment = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    reading = LocalReading(moment, moment.astimezone(timezone(timedelta(hours=1))))
    assert not reading.ambiguous


@pytest.mark.parametrize(
    ("typed", "split"),
    [
        ("2026-10-25T01:30 second", ("2026-10-25T01:30", "second")),
        ("2026-10-25T01:30 (FIRST)", ("2026-10-25T01:30", "first")),
        ("2026-10-25T01:30( second )  ", ("2026-10-25T01:30", "second")),
        ("2026-10-25T01:30", ("2026-10-25T01:30", None)),
        ("2026-10-25T01:30 secondly", ("2026-10-25T01:30 secondly", None)),
    ],
)
def test_the_word_is_split_from_the_time(typed: str, split: tuple[str, str | None]) -> None:
    assert split_which(typed) == split


def test_is_ambiguous_of_a_skipped_time_is_false() -> None:
    assert not local_time.is_ambiguous(datetime(2026, 3, 29, 1, 30))
