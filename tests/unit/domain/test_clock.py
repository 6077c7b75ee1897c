"""One source of 'now'; stored timestamps are UTC text with microseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from safedesk.domain.clock import FixedClock, SystemClock, from_stored, to_stored

BST = timezone(timedelta(hours=1))


def test_the_system_clock_is_aware_utc_and_current() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    after = datetime.now(UTC)
    assert now.tzinfo is UTC
    assert before <= now <= after


def test_a_fixed_clock_reports_utc_and_moves_only_when_told() -> None:
    clock = FixedClock(datetime(2026, 6, 1, 9, 30, tzinfo=BST))
    assert clock.now() == datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    assert clock.now() == clock.now()
    clock.set(datetime(2026, 6, 2, 10, 0, tzinfo=BST))
    assert clock.now() == datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_a_fixed_clock_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match=r"^FixedClock needs an aware datetime$"):
        FixedClock(datetime(2026, 6, 1, 9, 30))


def test_stored_text_is_utc_with_microseconds() -> None:
    moment = datetime(2026, 6, 1, 9, 30, tzinfo=BST)
    assert to_stored(moment) == "2026-06-01T08:30:00.000000+00:00"
    assert to_stored(datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)) == (
        "2026-01-02T03:04:05.000006+00:00"
    )


def test_stored_text_reads_back_as_the_same_moment() -> None:
    moment = datetime(2026, 6, 1, 9, 30, 15, 250, tzinfo=BST)
    back = from_stored(to_stored(moment))
    assert back == moment
    assert back.utcoffset() == timedelta(0)


def test_naive_times_are_never_stored() -> None:
    with pytest.raises(ValueError, match=r"^timestamps must be timezone-aware$"):
        to_stored(datetime(2026, 6, 1, 9, 30))
