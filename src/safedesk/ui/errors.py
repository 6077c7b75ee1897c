"""Turns an exception into words for a person: ours as written, anything else generic."""

from __future__ import annotations

from safedesk.domain.errors import SafedeskError

UNEXPECTED = (
    "safedesk hit an unexpected problem and did not finish. Nothing half-done was saved. "
    "Please try again, and tell your administrator if it happens again."
)


def user_message(exc: BaseException) -> str:
    if isinstance(exc, SafedeskError):
        return str(exc)
    return UNEXPECTED
