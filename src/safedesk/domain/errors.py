"""Errors a person can act on. Their messages are shown to users as written."""

from __future__ import annotations

from collections.abc import Mapping


class SafedeskError(Exception):
    """Base for every error whose message is fit to show a user."""


class ValidationError(SafedeskError):
    """Input was refused; ``problems`` maps each field (or row) to what is wrong."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        lines = [f"{field}: {reason}" for field, reason in self.problems.items()]
        super().__init__("Please correct the following:\n" + "\n".join(lines))


class PermissionDenied(SafedeskError):
    """The signed-in user's roles do not allow this."""


class AuthenticationError(SafedeskError):
    """Wrong username or password (never says which)."""


class SignInBackoff(AuthenticationError):
    """Too many failed attempts; the user must wait before trying again."""

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        secs = max(1, round(wait_seconds))
        super().__init__(
            f"Too many failed sign-in attempts. Please wait {secs} second"
            f"{'s' if secs != 1 else ''} and try again."
        )


class AccountDisabled(AuthenticationError):
    """A disabled account tried to sign in."""


class NotFound(SafedeskError):
    """A named thing (user, pupil, backup) does not exist."""
