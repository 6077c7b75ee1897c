"""Turns an exception into words for a person: ours as written, anything else generic."""

from __future__ import annotations

from collections.abc import Callable

from safedesk.domain.errors import SafedeskError, ValidationError

UNEXPECTED = (
    "safedesk hit an unexpected problem and did not finish. Nothing half-done was saved. "
    "Please try again, and tell your administrator if it happens again."
)


def user_message(exc: BaseException) -> str:
    if isinstance(exc, SafedeskError):
        return str(exc)
    return UNEXPECTED


def report_failure(
    exc: BaseException, show_problems: Callable[[dict[str, str]], None], say: Callable[[str], None]
) -> None:
    """A form's save failed: field problems go by their fields, anything else in words."""
    if isinstance(exc, ValidationError):
        show_problems(exc.problems)
    else:
        say(user_message(exc))
