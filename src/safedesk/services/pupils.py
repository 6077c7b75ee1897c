"""Looking up pupils (the MIS data every screen picks from)."""

from __future__ import annotations

from safedesk.domain.people import Pupil
from safedesk.domain.pupil_search import fold, matches
from safedesk.domain.roles import Permission
from safedesk.services.session import Session
from safedesk.store import pupils


def list_pupils(session: Session) -> list[Pupil]:
    session.require(Permission.PUPIL_LIST, "see the list of pupils")
    with session.store.read() as conn:
        return pupils.all_pupils(conn)


__all__ = ["fold", "list_pupils", "matches"]
