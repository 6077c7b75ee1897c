"""Errors are shown to people as written: their messages are part of the product."""

from __future__ import annotations

import pytest

from safedesk.domain.errors import SignInBackoff, ValidationError


def test_validation_error_lists_each_problem_on_its_own_line() -> None:
    error = ValidationError({"occurred_at": "is in the future", "pupils": "is required"})
    assert error.problems == {"occurred_at": "is in the future", "pupils": "is required"}
    assert str(error) == (
        "Please correct the following:\noccurred_at: is in the future\npupils: is required"
    )


def test_validation_error_keeps_its_own_copy_of_the_problems() -> None:
    given = {"reason": "is required"}
    error = ValidationError(given)
    given["later"] = "added"
    assert error.problems == {"reason": "is required"}


@pytest.mark.parametrize(
    ("wait", "words"),
    [
        (0.2, "1 second"),  # never "0 seconds"
        (1.4, "1 second"),
        (1.6, "2 seconds"),
        (2, "2 seconds"),
        (30, "30 seconds"),
    ],
)
def test_sign_in_backoff_says_how_long_to_wait(wait: float, words: str) -> None:
    error = SignInBackoff(wait)
    assert error.wait_seconds == wait
    assert str(error) == (f"Too many failed sign-in attempts. Please wait {words} and try again.")
