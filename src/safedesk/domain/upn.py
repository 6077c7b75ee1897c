"""Unique Pupil Numbers: the DfE's 13-character format and its modulo-23 check letter."""

from __future__ import annotations

import re

# Check letters: remainder 0..22 → A..Z without I, O and S.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


def check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (the last may be a letter)."""
    if len(body) != 12:
        raise ValueError("a UPN body has 12 characters")
    total = 0
    for weight, char in enumerate(body, start=2):
        # A temporary UPN ends in a letter, valued by its place in the check letters.
        value = int(char) if char.isdigit() else CHECK_LETTERS.index(char)
        total += value * weight
    return CHECK_LETTERS[total % 23]


def normalise(text: str) -> str:
    return text.strip().upper()


def problem(upn: str) -> str | None:
    """Why ``upn`` is not a valid UPN, or None when it is."""
    if not _SHAPE.match(upn):
        return (
            f"{upn!r} is not a UPN: it should be a letter followed by 11 digits and a "
            "final digit or letter (13 characters)"
        )
    last = upn[-1]
    if not last.isdigit() and last not in CHECK_LETTERS:
        return f"{upn!r} ends in a letter that UPNs never use"
    if upn[0] != check_letter(upn[1:]):
        return f"{upn!r} has the wrong check letter (expected {check_letter(upn[1:])})"
    return None


def make(body: str) -> str:
    """A full UPN from its 12-character body (demo data and tests)."""
    return check_letter(body) + body
