"""Full-text search over the records a user may read, best match first (audited, never the words).

Who finds what is who may read what: staff find the records they wrote (their own text, never
the casework that followed); the behaviour lead also finds every behaviour and intervention
record; the DSL and headteacher find everything, police notifications and casework included.
A user who may neither record nor read records (an administrator only) is refused with
PermissionDenied, like every other way into pupils' records.
"""

from __future__ import annotations

import re
from dataclasses import replace

from safedesk.domain.casework import CASEWORK_LISTS
from safedesk.domain.roles import Permission
from safedesk.services import lists
from safedesk.services.records import readable_kinds
from safedesk.services.session import Session
from safedesk.store import search as store
from safedesk.store.search import SearchHit, Segment

__all__ = ["MAX_LIMIT", "SearchHit", "Segment", "search"]

MAX_LIMIT = 200
# A list's stored value (physical_abuse) as it sits in the index; shown as its label.
_LIST_VALUE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


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
    return _with_labels(session, hits)


def _with_labels(session: Session, hits: list[SearchHit]) -> list[SearchHit]:
    if not hits:
        return hits
    labels = {
        value: label
        for values in (
            *lists.choices(session, include_retired=True).values(),
            *CASEWORK_LISTS.values(),
        )
        for value, label in values
    }

    def readable(segment: Segment) -> Segment:
        if segment.is_match:
            return segment
        text = _LIST_VALUE.sub(lambda m: labels.get(m.group(0), m.group(0)), segment.text)
        return Segment(text, False)

    return [replace(hit, snippet=tuple(readable(s) for s in hit.snippet)) for hit in hits]
