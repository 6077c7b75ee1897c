"""Full-text search over the records a user may read, best match first (audited, never the words).

Who finds what is who may read what, by key: a member of a compartment searches its index
(the DSL and headteacher safeguarding and behaviour, casework and police notifications
included; the behaviour lead behaviour records); anyone finds the records they wrote, from
the copies sealed to them alone (their own text, never what followed). A user who may
neither record nor read records (an administrator only) is refused with PermissionDenied,
like every other way into pupils' records.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from safedesk.domain.casework import CASEWORK_LISTS
from safedesk.domain.compartments import KIND_COMPARTMENT, Compartment
from safedesk.domain.entries import FIELDS, StoredEntry
from safedesk.domain.roles import Permission
from safedesk.services import intake, lists, records
from safedesk.services.session import Session
from safedesk.store import search as store
from safedesk.store.search import SearchHit, Segment

__all__ = ["MAX_LIMIT", "SearchHit", "Segment", "search"]

MAX_LIMIT = 200
# A list's stored value (physical_abuse) as it sits in the index; shown as its label.
_LIST_VALUE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
_WORD = re.compile(r"\w+")
_CONTEXT_WORDS = 8


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
    hits.sort(key=lambda hit: hit.rank)
    seen = {hit.ref for hit in hits}
    covered = set(kinds)
    hits += [
        hit
        for hit in _search_own_copies(session, text)
        if hit.ref not in seen and records.kind_of_ref(hit.ref) not in covered
    ]
    hits = hits[:limit]
    with session.store.write() as conn:
        session.audit(conn, "search.performed", object_type="search", detail={"hits": len(hits)})
    return _with_labels(session, hits)


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()


def _tokens(text: str) -> list[str]:
    return [_fold(t) for t in _WORD.findall(text)]


def _search_own_copies(session: Session, text: str) -> list[SearchHit]:
    """The same rules as the index (every word, the last as a prefix, accents ignored) over
    the records this user wrote, opened from the copies sealed to them."""
    wanted = _tokens(text)
    if not wanted:
        return []
    found = []
    for entry in records.my_records(session):
        fields = [value for value in _texts(entry) if value]
        words = {w for value in fields for w in _tokens(value)}
        last = len(wanted) - 1
        if not all(_matches(t, words, last=i == last) for i, t in enumerate(wanted)):
            continue
        found.append(
            SearchHit(
                ref=entry.ref,
                kind=entry.kind.value,
                pupils=tuple(p.name for p in entry.pupils),
                occurred_at=entry.occurred_at,
                recorded_at=entry.recorded_at,
                snippet=_snippet(fields, wanted),
            )
        )
    return found


def _texts(entry: StoredEntry) -> list[str]:
    current = entry.current()
    own = [str(current.get(f.name) or "") for f in FIELDS[entry.kind] if f.type != "datetime"]
    return own + [p.name for p in entry.pupils]


def _matches(token: str, words: set[str], *, last: bool) -> bool:
    return token in words or (last and any(w.startswith(token) for w in words))


def _is_match(piece: str, wanted: list[str]) -> bool:
    folded = _fold(piece.strip())
    return bool(folded) and (folded in wanted or folded.startswith(wanted[-1]))


def _snippet(fields: list[str], wanted: list[str]) -> tuple[Segment, ...]:
    for value in fields:
        pieces = re.split(r"(\w+)", value)
        hits = [i for i, piece in enumerate(pieces) if _is_match(piece, wanted)]
        if not hits:
            continue
        start = max(0, hits[0] - 2 * _CONTEXT_WORDS)
        end = min(len(pieces), hits[0] + 2 * _CONTEXT_WORDS)
        out: list[Segment] = [Segment("…", False)] if start else []
        for i in range(start, end):
            if pieces[i]:
                out.append(Segment(pieces[i], i in hits))
        if end < len(pieces):
            out.append(Segment("…", False))
        return tuple(out)
    return (Segment(fields[0][:80], False),) if fields else ()


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
