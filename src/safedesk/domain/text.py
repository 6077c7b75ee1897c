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


# Letters that are drawn as nothing (a braille blank, Hangul fillers, Khmer vowel carriers).
_BLANK_LETTERS = frozenset("\u2800\u3164\uffa0\u115f\u1160\u17b4\u17b5")


def visible(value: str) -> str:
    """``value`` without what a reader cannot see: invisible format characters (a zero-width
    space) and letters drawn as nothing."""
    return "".join(
        ch for ch in value if unicodedata.category(ch) != "Cf" and ch not in _BLANK_LETTERS
    )


def is_blank(value: object) -> bool:
    """Nothing, or nothing a reader would see: spaces and invisible characters (a required
    field of only those was accepted as written)."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    return not visible(value).strip()


_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "prof"})


def name_words(text: object) -> list[str]:
    """A person's name as people read it, to compare two: full-width letters as plain ones,
    invisible characters dropped, case, punctuation and titles ignored ("Mr Test pete.quill"
    and "Test\u00a0Pete.Quill" are the same words)."""
    normal = unicodedata.normalize("NFKC", visible(str(text or ""))).casefold()
    cleaned = "".join(ch if ch.isalnum() else " " for ch in normal)
    return [word for word in cleaned.split() if word not in _TITLES]


def one_line(text: str) -> str:
    """``text`` on one line, for a listing where a line break would look like another row."""
    return " ".join(text.split())
