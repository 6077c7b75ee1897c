"""Marks on a body map (front and back outline): a list field kept in the record as canonical
JSON text. Positions are fractions of the outline's width and height (0 to 1), so the form and
the PDF draw them at any size."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from safedesk.domain.text import SHORT_TEXT_LIMIT, is_blank, text_problem

MAX_MARKS = 50
MAX_SIZE_MM = 1000


class Side(StrEnum):
    FRONT = "front"
    BACK = "back"


class MarkKind(StrEnum):
    BRUISE = "bruise"
    CUT = "cut"
    BURN = "burn"
    MARK = "mark"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class BodyMark:
    side: Side
    x: float  # 0 = the outline's left edge, 1 = its right edge (as drawn, facing the reader)
    y: float  # 0 = top of the head, 1 = the feet
    kind: MarkKind
    size_mm: int | None
    note: str

    def describe(self) -> str:
        size = f", {self.size_mm} mm" if self.size_mm else ""
        note = f": {self.note}" if self.note else ""
        return f"{self.kind.label} ({self.side.value}{size}){note}"


def to_json(marks: tuple[BodyMark, ...]) -> str | None:
    if not marks:
        return None
    items = [
        {
            "side": m.side.value,
            "x": round(m.x, 4),
            "y": round(m.y, 4),
            "kind": m.kind.value,
            "size_mm": m.size_mm,
            "note": m.note,
        }
        for m in marks
    ]
    return json.dumps(items, separators=(",", ":"), ensure_ascii=False)


def from_text(text: str | None) -> tuple[BodyMark, ...]:
    if is_blank(text):
        return ()
    assert text is not None
    return tuple(
        BodyMark(
            Side(item["side"]),
            float(item["x"]),
            float(item["y"]),
            MarkKind(item["kind"]),
            item.get("size_mm"),
            item.get("note") or "",
        )
        for item in json.loads(text)
    )


_SHAPE = 'must be a list like [{"side": "front", "x": 0.4, "y": 0.3, "kind": "bruise", ...}]'


def parse(raw: object) -> tuple[tuple[BodyMark, ...], str | None]:
    """Marks from JSON input (a list of objects, or its text), or the problem."""
    if is_blank(raw):
        return (), None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return (), _SHAPE
    if not isinstance(raw, list):
        return (), _SHAPE
    if len(raw) > MAX_MARKS:
        return (), f"has {len(raw)} marks; at most {MAX_MARKS}"
    marks: list[BodyMark] = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or set(item) - {"side", "x", "y", "kind", "size_mm", "note"}:
            return (), f"mark {number} {_SHAPE[8:]}"
        problem = _mark_problem(item)
        if problem:
            return (), f"mark {number}: {problem}"
        size = item.get("size_mm")
        marks.append(
            BodyMark(
                Side(item["side"]),
                float(item["x"]),
                float(item["y"]),
                MarkKind(item["kind"]),
                size,
                item.get("note") or "",
            )
        )
    return tuple(marks), None


def _mark_problem(item: dict[str, object]) -> str | None:
    if item.get("side") not in {s.value for s in Side}:
        return 'side must be "front" or "back"'
    for axis in ("x", "y"):
        value = item.get(axis)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            return f"{axis} must be a number from 0 to 1"
    if item.get("kind") not in {k.value for k in MarkKind}:
        return f"kind must be one of: {', '.join(k.value for k in MarkKind)}"
    size = item.get("size_mm")
    if size is not None and (
        isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= MAX_SIZE_MM
    ):
        return f"size_mm must be a whole number of millimetres from 1 to {MAX_SIZE_MM}"
    note = item.get("note")
    if note is not None:
        return text_problem(note, limit=SHORT_TEXT_LIMIT)
    return None
