"""Unique Pupil Numbers: the DfE's 13-character format, its local-authority number and its
modulo-23 check letter, checked by python-stdnum's ``gb.upn`` (a well-kept library) rather
than by hand, so that a typo in the local-authority digits is caught too."""

from __future__ import annotations

import re

from stdnum import exceptions as stdnum_errors
from stdnum.gb import upn as stdnum_upn

# Check letters: remainder 0..22 → A..Z without I, O and S.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# ASCII only: Python's \d would accept an Arabic-Indic zero, making a look-alike duplicate.
_SHAPE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


def check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (the last may be a letter)."""
    if len(body) != 12 or not body.isascii():
        raise ValueError("a UPN body has 12 characters: 11 digits and a digit or letter")
    return str(stdnum_upn.calc_check_digit(body))


def normalise(text: str) -> str:
    return text.strip().upper()


def problem(upn: str) -> str | None:
    """Why ``upn`` is not a valid UPN, or None when it is."""
    if not upn.isascii() or not _SHAPE.match(upn):
        return (
            f"{upn!r} is not a UPN: it should be a letter followed by 11 digits and a "
            "final digit or letter (13 characters, A–Z and 0–9 only)"
        )
    if upn[-1] not in CHECK_LETTERS and not upn[-1].isdigit():
        return f"{upn!r} ends in a letter that UPNs never use"
    try:
        stdnum_upn.validate(upn)
    except stdnum_errors.InvalidComponent:
        return (
            f"{upn!r} does not start with a known local-authority number ({upn[1:4]}): "
            "check the first digits"
        )
    except stdnum_errors.InvalidChecksum:
        return f"{upn!r} has the wrong check letter (expected {check_letter(upn[1:])})"
    except stdnum_errors.ValidationError:
        return f"{upn!r} is not a valid UPN"
    return None


def make(body: str) -> str:
    """A full UPN from its 12-character body (demo data and tests)."""
    return check_letter(body) + body
