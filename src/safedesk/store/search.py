"""Repository for full-text search over the FTS5 index kept by the 0004 triggers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from safedesk.domain.clock import from_stored
from safedesk.store import casework
from safedesk.store.db import Connection

# Stored text never holds a control character (domain/text.py), so these cannot collide.
_OPEN, _CLOSE = "\x02", "\x03"
_FIELD_BREAK = "\x1f"  # joins fields in the index (see 0004_search.sql)
_ELLIPSIS = "…"
SNIPPET_TOKENS = 16
MAX_TOKENS = 32
# Column weights for bm25: ref and kind are not indexed; a pupil's name counts double.
_WEIGHTS = "0.0, 0.0, 2.0, 1.0, 1.0"
_SPACES = re.compile(r"\s+")


def _snippet_of(column: int) -> str:
    markers = f"'{_OPEN}', '{_CLOSE}', '{_ELLIPSIS}'"
    return f"snippet(search_index, {column}, {markers}, {SNIPPET_TOKENS})"


# The record's own words first, then the casework, and the pupils' names (which every hit shows
# anyway) only when nothing else matched. Casework is never a match for a user who may not
# search it: the column filter leaves no match there to show.
_SNIPPET = (
    f"CASE WHEN instr({_snippet_of(3)}, '{_OPEN}') THEN {_snippet_of(3)} "
    f"WHEN instr({_snippet_of(4)}, '{_OPEN}') THEN {_snippet_of(4)} "
    f"ELSE {_snippet_of(2)} END"
)


class Segment(NamedTuple):
    """A run of snippet text; ``is_match`` when it is a word the query matched."""

    text: str
    is_match: bool


@dataclass(frozen=True)
class SearchHit:
    ref: str
    kind: str  # 'concern', 'behaviour', 'intervention' or 'notification'
    pupils: tuple[str, ...]  # names, as the pupil list shows them
    occurred_at: datetime  # when it happened (a notification: when it was received)
    recorded_at: datetime
    snippet: tuple[Segment, ...]
    rank: float = 0.0  # bm25: lower is a better match

    @property
    def snippet_text(self) -> str:
        return "".join(s.text for s in self.snippet)


def match_expression(text: str) -> str | None:
    """User text as an FTS5 query in which nothing is syntax, or None if it has no words.

    Every whitespace-separated token becomes a quoted phrase (quotes removed first), so
    AND, OR, NEAR, -, :, ^, *, parentheses and SQL are only ever words. The phrases must
    all match (in any order); the last word with a letter or digit matches as a prefix,
    so results appear while typing.
    """
    cleaned = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cs"))
    tokens = [t.replace('"', "") for t in cleaned.split()]
    tokens = [t for t in tokens if t][:MAX_TOKENS]
    if not tokens:
        return None
    phrases = [f'"{t}"' for t in tokens]
    for index in range(len(tokens) - 1, -1, -1):
        if any(ch.isalnum() for ch in tokens[index]):
            phrases[index] += "*"
            break
    return " ".join(phrases)


def find(
    conn: Connection,
    match: str,
    *,
    kinds: Collection[str],
    author: str,
    casework_too: bool,
    limit: int,
) -> list[SearchHit]:
    """The best ``limit`` records matching ``match`` among those the caller may read.

    ``kinds``: entry kinds readable in full; any entry by ``author`` is readable too.
    ``casework_too``: police notifications and the casework on each case are searched;
    otherwise only pupils' names and the records' own text (column filter).
    The permission filter is part of the query, so LIMIT counts only readable records.
    """
    query = match if casework_too else f"{{pupils body}} : ({match})"
    readable = ["e.author = ?"]
    params: list[object] = [query, author]
    if kinds:
        readable.append(f"e.kind IN ({','.join('?' * len(kinds))})")
        params.extend(kinds)
    allowed = f"(e.id IS NOT NULL AND ({' OR '.join(readable)}))"
    if casework_too:
        allowed += " OR n.id IS NOT NULL"
    rows = conn.execute(
        f"SELECT s.ref, s.kind, coalesce(e.occurred_at, n.received_at), "
        f"coalesce(e.recorded_at, n.recorded_at), "
        f"{_SNIPPET}, bm25(search_index, {_WEIGHTS}) "
        f"FROM search_index s "
        f"LEFT JOIN entry e ON e.id = s.rowid "
        f"LEFT JOIN notification n ON n.id = -s.rowid "
        f"WHERE search_index MATCH ? AND ({allowed}) "
        f"ORDER BY bm25(search_index, {_WEIGHTS}), s.rowid DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    names = casework.case_pupils(conn, [row[0] for row in rows])
    return [
        SearchHit(
            ref=row[0],
            kind=row[1],
            pupils=tuple(name for _upn, name in names[row[0]]),
            occurred_at=from_stored(row[2]),
            recorded_at=from_stored(row[3]),
            snippet=segments(row[4]),
            rank=float(row[5]),
        )
        for row in rows
    ]


def segments(snippet: str) -> tuple[Segment, ...]:
    """FTS5 snippet text with our markers, as plain runs of text (never markup)."""
    out: list[Segment] = []
    rest = snippet
    while rest:
        start = rest.find(_OPEN)
        if start < 0:
            _add(out, rest, False)
            break
        _add(out, rest[:start], False)
        end = rest.find(_CLOSE, start + 1)
        if end < 0:
            end = len(rest)
        _add(out, rest[start + 1 : end], True)
        rest = rest[end + 1 :]
    return tuple(out)


def _add(out: list[Segment], text: str, is_match: bool) -> None:
    text = _SPACES.sub(" ", text.replace(_FIELD_BREAK, " · "))
    text = text.replace(_OPEN, "").replace(_CLOSE, "")
    if not text:
        return
    if out and out[-1].is_match == is_match:
        out[-1] = Segment(out[-1].text + text, is_match)
    else:
        out.append(Segment(text, is_match))


def index_row(conn: Connection, ref: str) -> dict[str, str | None] | None:
    """What the index holds for one record (for tests and diagnostics)."""
    row = conn.execute(
        "SELECT kind, pupils, body, casework FROM search_index WHERE ref = ?", (ref,)
    ).fetchone()
    if row is None:
        return None
    return {"kind": row[0], "pupils": row[1], "body": row[2], "casework": row[3]}
