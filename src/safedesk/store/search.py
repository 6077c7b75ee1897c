"""Full-text search: a compartment's FTS5 index (kept by its triggers), or the same index
built in memory for records its author reads only from the copies sealed to them."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import NamedTuple

from safedesk.domain import body_map
from safedesk.domain.clock import from_stored
from safedesk.domain.entries import Kind, when_field
from safedesk.store import casework
from safedesk.store.db import Connection, memory_connection

# Stored text never holds a control character (domain/text.py), so these cannot collide.
_OPEN, _CLOSE = "\x02", "\x03"
_FIELD_BREAK = "\x1f"  # joins fields in the index (see migrations/common/search.sql)
_ELLIPSIS = "…"
SNIPPET_TOKENS = 16
MAX_TOKENS = 32
# Column weights for bm25: ref and kind are not indexed; a pupil's name counts double.
_WEIGHTS = "0.0, 0.0, 2.0, 1.0, 1.0"
_SPACES = re.compile(r"\s+")
# What the triggers put in an entry's `body`, in their order (migrations/*/0001_*.sql), after
# which each amendment's new value follows. A record read from its author's copy is indexed
# the same way; the tests compare the two for every field.
INDEXED_FIELDS: dict[str, tuple[str, ...]] = {
    "concern": ("category", "description", "child_words", "action_taken", "others_told"),
    "behaviour": (
        "location", "activity", "behaviour_type", "bullying_type", "prejudice_type", "trigger",
        "antecedent", "escalation", "description", "action_taken",
    ),
    "intervention": (
        "location", "staff_involved", "witnesses", "trigger", "cause", "escalation",
        "deescalation", "reason_for_force", "intervention_kind", "restraint_type",
        "restraint_detail", "injuries_pupil", "injuries_staff", "support_after", "pupil_account",
        "parent_informed_by", "parent_informed_how", "parent_not_informed_reason",
        "la_reported_to", "debrief", "review",
    ),
}  # fmt: skip


# When it happened, as corrected: an entry's own column keeps the time first recorded.
_WHEN_FIELD = " ".join(f"WHEN '{k.value}' THEN '{when_field(k)}'" for k in Kind)
_OCCURRED = (
    "coalesce((SELECT a.new_value FROM amendment a WHERE a.entry_id = e.id "
    f"AND a.field = CASE e.kind {_WHEN_FIELD} END AND trim(coalesce(a.new_value, '')) <> '' "
    "ORDER BY a.id DESC LIMIT 1), e.occurred_at)"
)


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
    ``casework_too`` (the safeguarding file only, which alone holds them): police
    notifications and the casework on each case are searched; otherwise only pupils' names
    and the records' own text (column filter), and no table but the entries' is named, so
    the same query serves the behaviour file.
    The permission filter is part of the query, so LIMIT counts only readable records.
    """
    readable = ["e.author = ?"]
    params: list[object] = [_query(match, casework_too=casework_too), author]
    if kinds:
        readable.append(f"e.kind IN ({','.join('?' * len(kinds))})")
        params.extend(kinds)
    allowed = f"(e.id IS NOT NULL AND ({' OR '.join(readable)}))"
    if casework_too:
        allowed += " OR n.id IS NOT NULL"
        when = f"coalesce({_OCCURRED}, n.received_at), coalesce(e.recorded_at, n.recorded_at)"
        notifications = "LEFT JOIN notification n ON n.id = -s.rowid "
    else:
        when, notifications = f"{_OCCURRED}, e.recorded_at", ""
    rows = conn.execute(
        f"SELECT s.ref, s.kind, {when}, {_SNIPPET}, bm25(search_index, {_WEIGHTS}) "
        f"FROM search_index s "
        f"LEFT JOIN entry e ON e.id = s.rowid "
        f"{notifications}"
        f"WHERE search_index MATCH ? AND ({allowed}) "
        f"ORDER BY bm25(search_index, {_WEIGHTS}), s.rowid DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    names = _pupil_names(conn, [row[0] for row in rows], notifications=casework_too)
    return [
        SearchHit(
            ref=row[0],
            kind=row[1],
            pupils=names[row[0]],
            occurred_at=from_stored(row[2]),
            recorded_at=from_stored(row[3]),
            snippet=segments(row[4]),
            rank=float(row[5]),
        )
        for row in rows
    ]


def _query(match: str, *, casework_too: bool) -> str:
    return match if casework_too else f"{{pupils body}} : ({match})"


def _pupil_names(
    conn: Connection, refs: list[str], *, notifications: bool
) -> dict[str, tuple[str, ...]]:
    """Each record's pupils, as the pupil list shows them, in name order."""
    if notifications:
        found = casework.case_pupils(conn, refs)
        return {ref: tuple(name for _upn, name in pupils) for ref, pupils in found.items()}
    if not refs:
        return {}
    names: dict[str, list[str]] = {ref: [] for ref in refs}
    rows = conn.execute(
        "SELECT e.ref, coalesce(p.preferred_forename, p.legal_forename) || ' ' || "
        "p.legal_surname FROM entry e JOIN entry_pupil ep ON ep.entry_id = e.id "
        f"JOIN pupil p ON p.id = ep.pupil_id WHERE e.ref IN ({','.join('?' * len(refs))}) "
        "ORDER BY 1, 2",
        refs,
    )
    for ref, name in rows:
        names[ref].append(name)
    return {ref: tuple(found) for ref, found in names.items()}


@dataclass(frozen=True)
class Document:
    """One record as the index would hold it (see :func:`document`), kept only in memory."""

    ref: str
    kind: str
    pupils: tuple[str, ...]  # names, as the pupil list shows them
    names: str | None  # the index's `pupils` column
    body: str | None
    occurred_at: datetime
    recorded_at: datetime


def document(
    *,
    ref: str,
    kind: str,
    pupils: Iterable[tuple[str, Sequence[str | None]]],
    values: Mapping[str, str | None],
    amended: Iterable[str | None],
    occurred_at: datetime,
    recorded_at: datetime,
) -> Document:
    """What the triggers would index for this record: ``pupils`` as (name shown, the names
    that find them: legal forename, preferred forename, legal surname); ``values`` its
    original fields as stored; ``amended`` each amendment's new value, in order."""
    listed = list(pupils)
    names = [_concat_ws(" ", parts) for _shown, parts in listed]
    texts = [values.get(name) for name in INDEXED_FIELDS[kind]]
    if kind in ("concern", "intervention"):
        # The triggers add the body map's notes, joined by spaces, after the fields.
        notes = [m.note for m in body_map.from_text(values.get("body_map")) if m.note]
        texts.append(" ".join(notes) or None)
    texts += [value for value in amended if (value or "").strip()]
    return Document(
        ref=ref,
        kind=kind,
        pupils=tuple(sorted(shown for shown, _parts in listed)),
        names=_concat_ws(_FIELD_BREAK, names) if names else None,
        body=_concat_ws(_FIELD_BREAK, texts),
        occurred_at=occurred_at,
        recorded_at=recorded_at,
    )


def _concat_ws(separator: str, values: Iterable[str | None]) -> str:
    # SQLite's concat_ws, as the triggers use it: NULL is left out, '' is not.
    return separator.join(value for value in values if value is not None)


def find_in(documents: Sequence[Document], match: str, *, limit: int) -> list[SearchHit]:
    """:func:`find` over ``documents``, in an FTS5 index made for this search only, with the
    compartments' own definition: the same tokenizer, matching, ranking and snippets, so a
    record is found by its author exactly as a reader of the index would find it. Nothing is
    written anywhere: the database and its temporary tables are in memory and gone after."""
    if not documents:
        return []
    by_ref = {doc.ref: doc for doc in documents}
    # Oldest first, so that ties go to the newest record, as rowids do in the index.
    ordered = sorted(documents, key=lambda doc: (doc.recorded_at, doc.ref))
    conn = memory_connection()
    try:
        conn.execute(_index_definition())
        conn.executemany(
            "INSERT INTO search_index (rowid, ref, kind, pupils, body) VALUES (?, ?, ?, ?, ?)",
            [
                (rowid, doc.ref, doc.kind, doc.names, doc.body)
                for rowid, doc in enumerate(ordered, start=1)
            ],
        )
        rows = conn.execute(
            f"SELECT ref, {_SNIPPET}, bm25(search_index, {_WEIGHTS}) FROM search_index "
            f"WHERE search_index MATCH ? "
            f"ORDER BY bm25(search_index, {_WEIGHTS}), rowid DESC LIMIT ?",
            (_query(match, casework_too=False), limit),
        ).fetchall()
    finally:
        conn.close()
    return [
        SearchHit(
            ref=row[0],
            kind=by_ref[row[0]].kind,
            pupils=by_ref[row[0]].pupils,
            occurred_at=by_ref[row[0]].occurred_at,
            recorded_at=by_ref[row[0]].recorded_at,
            snippet=segments(row[1]),
            rank=float(row[2]),
        )
        for row in rows
    ]


@functools.cache
def _index_definition() -> str:
    """The index's CREATE statement, read from the migration every compartment includes, so
    there is one definition of what a word is."""
    sql = resources.files("safedesk.store.migrations").joinpath("common", "search.sql")
    found = re.search(
        r"^CREATE VIRTUAL TABLE search_index USING fts5\(.*?\);$",
        sql.read_text("utf-8"),
        re.M | re.S,
    )
    if found is None:
        raise RuntimeError("common/search.sql does not define search_index")
    return found.group(0)


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
