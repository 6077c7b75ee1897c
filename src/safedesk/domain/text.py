"""Free text rules: any Unicode kept exactly; no control characters; a stated length limit."""

from __future__ import annotations

import unicodedata

LONG_TEXT_LIMIT = 20_000
SHORT_TEXT_LIMIT = 200
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def text_problem(value: object, *, limit: int) -> str | None:
    """Why ``value`` is not acceptable text, or None."""
    if not isinstance(value, str):
        return "must be text"
    if len(value) > limit:
        return f"is {len(value):,} characters long; the limit is {limit:,}"
    for ch in value:
        if ch in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs"):
            code = f"U+{ord(ch):04X}"
            return f"contains a control character ({code}) that cannot be stored; please remove it"
    return None


def is_blank(value: object) -> bool:
    """Nothing, or nothing a reader would see: spaces, and invisible format characters such as
    a zero-width space (a required field of only those was accepted as written)."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    return not "".join(ch for ch in value if unicodedata.category(ch) != "Cf").strip()
