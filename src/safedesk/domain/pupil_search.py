"""Finding a pupil by what someone types: any part of a name, the UPN, the year or class."""

from __future__ import annotations

import unicodedata

from safedesk.domain.people import Pupil

# Letters that do not decompose into a base letter and an accent.
_PLAIN = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation: 'O'Connor-Nguyễn' → 'oconnornguyen'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    kept = (ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in kept if ch.isalnum() or ch.isspace())


def matches(pupil: Pupil, query: str) -> bool:
    """Type-ahead: every word of the query appears in a name, the UPN, year or class."""
    words = fold(query).split()
    d = pupil.details
    fields = (
        d.legal_forename,
        d.preferred_forename,
        d.legal_surname,
        d.upn,
        d.class_name,
        d.year_group,
    )
    haystack = " ".join(fold(f) for f in fields if f)
    return all(word in haystack for word in words)
