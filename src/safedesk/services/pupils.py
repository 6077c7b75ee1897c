"""Looking up pupils (the MIS data every screen picks from)."""

from __future__ import annotations

from safedesk.domain.people import Pupil
from safedesk.domain.roles import Permission
from safedesk.services.session import Session
from safedesk.store import pupils


def list_pupils(session: Session) -> list[Pupil]:
    session.require(Permission.PUPIL_LIST, "see the list of pupils")
    with session.store.read() as conn:
        return pupils.all_pupils(conn)


def matches(pupil: Pupil, query: str) -> bool:
    """Type-ahead match on name, preferred name, UPN or class (case- and accent-blind)."""
    words = fold(query).split()
    d = pupil.details
    haystack = fold(
        " ".join(
            filter(
                None,
                [
                    d.legal_forename,
                    d.preferred_forename,
                    d.legal_surname,
                    d.upn,
                    d.class_name,
                    d.year_group,
                ],
            )
        )
    )
    return all(word in haystack for word in words)


def fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
