"""Times typed in the hours the clocks change (the suite runs in Europe/London).

25 October 2026: the clocks go back at 02:00 BST to 01:00 GMT, so 01:00–01:59 happens twice.
29 March 2026: they go forward at 01:00 GMT to 02:00 BST, so 01:00–01:59 never happens.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from safedesk.domain import local_time
from safedesk.domain.entries import Kind
from safedesk.domain.entry_validation import parse_moment
from safedesk.domain.errors import ValidationError
from safedesk.services import records
from safedesk.services.session import Session
from tests import factories


def test_an_ordinary_time_is_local() -> None:
    assert parse_moment("2026-11-24T14:30") == datetime(2026, 11, 24, 14, 30, tzinfo=UTC)
    assert parse_moment("2026-07-01T09:00") == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["2026-10-25T01:30", "2026-10-25T01:00", "2026-10-25T01:59"])
def test_a_time_in_the_hour_the_clocks_go_back_must_say_which(typed: str) -> None:
    problem = parse_moment(typed)
    assert isinstance(problem, str)
    assert "happened twice" in problem
    assert "+01:00 (the first) or +00:00 (the second)" in problem


def test_the_hour_either_side_is_not_ambiguous() -> None:
    assert parse_moment("2026-10-25T00:59") == datetime(2026, 10, 24, 23, 59, tzinfo=UTC)
    assert parse_moment("2026-10-25T02:00") == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "utc_hour"),
    [
        ("2026-10-25T01:30 first", 0),
        ("2026-10-25T01:30 (First)", 0),
        ("2026-10-25T01:30 second", 1),
        ("2026-10-25T01:30+01:00", 0),
        ("2026-10-25T01:30+00:00", 1),
    ],
)
def test_which_one_is_said_by_a_word_or_an_offset(typed: str, utc_hour: int) -> None:
    assert parse_moment(typed) == datetime(2026, 10, 25, utc_hour, 30, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["2026-03-29T01:00", "2026-03-29T01:30", "2026-03-29T01:59"])
def test_a_time_the_clocks_skipped_is_refused(typed: str) -> None:
    problem = parse_moment(typed)
    assert isinstance(problem, str)
    assert "skipped when the clocks went forward" in problem


def test_the_minutes_either_side_of_the_skipped_hour_are_kept() -> None:
    assert parse_moment("2026-03-29T00:59") == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert parse_moment("2026-03-29T02:00") == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_is_ambiguous_only_in_the_repeated_hour() -> None:
    assert local_time.is_ambiguous(datetime(2026, 10, 25, 1, 30))
    assert not local_time.is_ambiguous(datetime(2026, 10, 25, 2, 30))
    assert not local_time.is_ambiguous(datetime(2026, 3, 29, 1, 30))  # skipped, not twice


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("1999-12-31T23:59", "between 2000 and 2100"),
        ("2101-01-01T00:00", "between 2000 and 2100"),
        ("yesterday", "like 2026-11-24T14:30"),
    ],
)
def test_dates_outside_2000_to_2100_and_nonsense_are_refused(typed: str, problem: str) -> None:
    found = parse_moment(typed)
    assert isinstance(found, str) and problem in found


def test_2000_and_2100_themselves_are_allowed() -> None:
    assert parse_moment("2000-01-01T00:00+00:00") == datetime(2000, 1, 1, tzinfo=UTC)
    assert parse_moment("2100-12-31T23:59+00:00") == datetime(2100, 12, 31, 23, 59, tzinfo=UTC)


def test_an_intervention_across_the_change_keeps_its_real_length(head_session: Session) -> None:
    """Started at 01:50 BST, ended at 01:10 GMT: twenty minutes, not minus forty."""
    factories.add_pupils(head_session)
    payload = factories.intervention() | {
        "started_at": "2026-10-25T01:50 first",
        "ended_at": "2026-10-25T01:10 second",
        "parent_informed_at": "2026-10-25T09:00",
    }
    ref = records.record(head_session, Kind.INTERVENTION, payload)
    stored = records.open_record(head_session, ref).current()
    started = datetime.fromisoformat(str(stored["started_at"]))
    ended = datetime.fromisoformat(str(stored["ended_at"]))
    assert ended - started == timedelta(minutes=20)


def test_an_intervention_that_does_not_say_which_is_refused_naming_the_field(
    head_session: Session,
) -> None:
    factories.add_pupils(head_session)
    payload = factories.intervention() | {
        "started_at": "2026-10-25T01:50",
        "ended_at": "2026-10-25T01:55",
        "parent_informed_at": "2026-10-25T09:00",
    }
    with pytest.raises(ValidationError) as caught:
        records.record(head_session, Kind.INTERVENTION, payload)
    assert set(caught.value.problems) >= {"started_at", "ended_at"}


def test_a_moment_in_the_hour_that_happens_twice_is_shown_with_which_one() -> None:
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 01:30 GMT
    assert local_time.shown(first) == "25/10/2026 01:30 BST"
    assert local_time.shown(second) == "25/10/2026 01:30 GMT"
    assert local_time.shown(datetime(2026, 10, 25, 9, 0, tzinfo=UTC)) == "25/10/2026 09:00"
    assert local_time.shown(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "01/07/2026 13:00"
