"""Pupil type-ahead: names as people type them, without accents or punctuation."""

from __future__ import annotations

from datetime import date

import pytest

from safedesk.domain.people import Pupil, PupilDetails
from safedesk.services.pupils import matches

PUPIL = Pupil(
    1,
    PupilDetails(
        "B801200005001", "O'Connor-Nguyễn", "Siobhán", date(2017, 5, 1), "Shiv", None, "3", "Øak"
    ),
)


@pytest.mark.parametrize(
    "query",
    [
        "oconnor",
        "O'Connor",
        "nguyen",
        "siobhan",
        "shiv",
        "shiv oconnor",
        "B80120",
        "oak",
        "connor-ng",
        "  ",
        "SIOBHÁN",
    ],
)
def test_matches(query: str) -> None:
    assert matches(PUPIL, query)


@pytest.mark.parametrize("query", ["smith", "shiv smith", "C801"])
def test_does_not_match(query: str) -> None:
    assert not matches(PUPIL, query)
