"""Full-text search over the records a user may read, best match first (audited, never the words).

Who finds what is who may read what: staff find the records they wrote (their own text, never
the casework that followed); the behaviour lead also finds every behaviour and intervention
record; the DSL and headteacher find everything, police notifications and casework included.
A user who may neither record nor read records (an administrator only) is refused with
PermissionDenied, like every other way into pupils' records.
"""

from __future__ import annotations

from safedesk.domain.roles import Permission
from safedesk.services.records import readable_kinds
from safedesk.services.session import Session
from safedesk.store import search as store
from safedesk.store.search import SearchHit, Segment

__all__ = ["MAX_LIMIT", "SearchHit", "Segment", "search"]

MAX_LIMIT = 200


def search(session: Session, text: str, limit: int = 50) -> list[SearchHit]:
    """Records matching every word of ``text`` (the last word also as a prefix).

    Blank text returns [] without touching the store. ``limit`` is kept within 1–200.
    Each search is audited as ``search.performed`` with the number of hits only.
    """
    kinds = [k.value for k in readable_kinds(session.user)]
    if not kinds and not session.user.can(Permission.RECORD_CREATE):
        session.require(Permission.RECORD_CREATE, "search pupils' records")
    match = store.match_expression(text)
    if match is None:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    with session.store.read() as conn:
        hits = store.find(
            conn,
            match,
            kinds=kinds,
            author=session.user.username,
            casework_too=session.user.can(Permission.CASEWORK),
            limit=limit,
        )
    with session.store.write() as conn:
        session.audit(conn, "search.performed", object_type="search", detail={"hits": len(hits)})
    return hits
