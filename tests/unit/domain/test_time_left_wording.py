"""Time left in plain words: 'due in 2 days 13 h', 'overdue by 1 day', never '0 days 3 h'."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from safedesk.domain.time_to_action import describe

NOW = datetime.fromisoformat("2026-11-24T09:00:00+00:00")


@pytest.mark.parametrize(
    ("left", "words"),
    [
        (timedelta(days=2, hours=13), "due in 2 days 13 h"),
        (timedelta(days=2, hours=12), "due in 2 days 12 h"),
        (timedelta(days=2, hours=11, minutes=59), "due in 2 days"),  # under half a day: dropped
        (timedelta(days=2), "due in 2 days"),
        (timedelta(days=6, hours=13), "due in 6 days 13 h"),
        (timedelta(days=7, hours=13), "due in 7 days"),  # a week or more: days only
        (timedelta(days=30, hours=23), "due in 30 days"),
        (timedelta(days=1, hours=23, minutes=59), "due in 1 day 23 h"),
        (timedelta(days=1, minutes=59), "due in 1 day"),
        (timedelta(days=1), "due in 1 day"),
        (timedelta(hours=23, minutes=59), "due in 23 h 59 min"),
        (timedelta(hours=1), "due in 1 h"),
        (timedelta(hours=1, seconds=59), "due in 1 h"),  # seconds are not shown
        (timedelta(minutes=59, seconds=59), "due in 59 min"),
        (timedelta(minutes=1), "due in 1 min"),
        (timedelta(seconds=1), "due in 1 min"),  # never "due in 0 min" while time is left
        (timedelta(0), "due in 0 min"),  # due now, not yet late
    ],
)
def test_time_left(left: timedelta, words: str) -> None:
    assert describe(NOW + left, NOW) == words


@pytest.mark.parametrize(
    ("late", "words"),
    [
        (timedelta(days=2, hours=13), "overdue by 2 days 13 h"),
        (timedelta(days=9, hours=13), "overdue by 9 days"),
        (timedelta(days=1, hours=2), "overdue by 1 day 2 h"),
        (timedelta(hours=2, minutes=10), "overdue by 2 h 10 min"),
        (timedelta(minutes=5), "overdue by 5 min"),
        (timedelta(seconds=20), "overdue by 1 min"),
    ],
)
def test_time_overdue(late: timedelta, words: str) -> None:
    assert describe(NOW - late, NOW) == words
