"""Full-text search over the records a user may read, best match first (audited, never the words).

Who finds what is who may read what, by key: a member of a compartment searches its index
(the DSL and headteacher safeguarding and behaviour, casework and police notifications
included; the behaviour lead behaviour records); anyone finds the records they wrote, from
the copies sealed to them alone (their own text, never what followed), searched by the same
rules as the index. A user who may neither record nor read records (an administrator only)
is refused with PermissionDenied, like every other way into pupils' records.
"""

from __future__ import annotations

import re
from dataclasses import replace

from safedesk.domain.casework import CASEWORK_LISTS
from safedesk.domain.compartments import KIND_COMPARTMENT, Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Permission
from safedesk.services import intake, lists, records
from safedesk.services.session import Session
from safedesk.store import pupils
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
    kinds = records.session_readable_kinds(session)
    if not kinds and not session.user.can(Permission.RECORD_CREATE):
        session.require(Permission.RECORD_CREATE, "search pupils' records")
    match = store.match_expression(text)
    if match is None:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    hits: list[SearchHit] = []
    for compartment in sorted({KIND_COMPARTMENT[k] for k in kinds}):
        intake.take_in_waiting(session, compartment)
        here = [k.value for k in kinds if KIND_COMPARTMENT[k] is compartment]
        with session.compartment(compartment).read() as conn:
            hits += store.find(
                conn,
                match,
                kinds=here,
                author=session.user.username,
                casework_too=compartment is Compartment.SAFEGUARDING
                and session.user.can(Permission.CASEWORK),
                limit=limit,
            )
    # The kinds whose index this session cannot read: its own records of them are found
    # from its copies (opening them costs a decryption each, so only when some are needed).
    unread = set(Kind) - set(kinds)
    if unread:
        hits += store.find_in(_own_documents(session, unread), match, limit=limit)
    # Each index, and the copies, rank by bm25 over their own documents: comparable enough
    # to show the best first, as one list.
    hits.sort(key=lambda hit: hit.rank)
    hits = hits[:limit]
    with session.store.write() as conn:
        session.audit(conn, "search.performed", object_type="search", detail={"hits": len(hits)})
    return _with_labels(session, hits)


def _own_documents(session: Session, kinds: set[Kind]) -> list[store.Document]:
    """This user's records of ``kinds``, from the copies sealed to them, as the index would
    hold them: their pupils found by the names the school holds now."""
    mine = [entry for entry in records.my_records(session) if entry.kind in kinds]
    if not mine:
        return []
    with session.store.read() as conn:
        found = pupils.by_upns(conn, {p.upn for entry in mine for p in entry.pupils})
    documents = []
    for entry in mine:
        named: list[tuple[str, tuple[str | None, ...]]] = []
        # The index lists names in the order of its own pupil ids, which follow the UPNs of
        # pupils first met together; it shows only in a snippet of names.
        for pupil in sorted(entry.pupils, key=lambda p: p.upn):
            known = found.get(pupil.upn)
            if known is None:  # pupils are never deleted; kept findable by what the copy says
                named.append((pupil.name, (pupil.name,)))
                continue
            details = known.details
            names = (details.legal_forename, details.preferred_forename, details.legal_surname)
            named.append((known.display_name, names))
        documents.append(
            store.document(
                ref=entry.ref,
                kind=entry.kind.value,
                pupils=named,
                values=entry.original,
                amended=[amendment.new_value for amendment in entry.amendments],
                occurred_at=entry.occurred_at,
                recorded_at=entry.recorded_at,
            )
        )
    return documents


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
