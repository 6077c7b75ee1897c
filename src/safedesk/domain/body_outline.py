"""The body map's outline, body areas and mark shapes, as fractions of the outline's box: the
form (Qt) and the PDF (reportlab) draw the same figure from these numbers.

The box is ``ASPECT`` times as wide as it is tall; x runs 0 (left edge, as drawn facing the
reader) to 1, y from 0 (top of the head) to 1 (the feet)."""

from __future__ import annotations

from dataclasses import dataclass
from math import hypot

from safedesk.domain.body_map import BodyMark, MarkKind, Side

ASPECT = 0.5  # width / height of the box one outline is drawn in

# The head: an ellipse (centre x, centre y, half width, half height).
HEAD = (0.5, 0.07, 0.085, 0.065)

# The right half of the outline as drawn (x >= 0.5), from the neck round to the crotch; the
# left half is its mirror image.
_HALF: tuple[tuple[float, float], ...] = (
    (0.54, 0.13),
    (0.54, 0.16),
    (0.70, 0.18),
    (0.76, 0.21),
    (0.80, 0.30),
    (0.84, 0.40),
    (0.87, 0.50),
    (0.90, 0.55),
    (0.88, 0.58),
    (0.84, 0.56),
    (0.82, 0.50),
    (0.77, 0.40),
    (0.73, 0.30),
    (0.70, 0.27),
    (0.69, 0.35),
    (0.67, 0.45),
    (0.69, 0.52),
    (0.68, 0.65),
    (0.65, 0.78),
    (0.64, 0.93),
    (0.68, 0.98),
    (0.57, 0.985),
    (0.56, 0.93),
    (0.55, 0.78),
    (0.53, 0.62),
    (0.50, 0.565),
)

# The body's outline (below the head) as one closed polygon.
OUTLINE: tuple[tuple[float, float], ...] = _HALF + tuple(
    (round(1 - x, 4), y) for x, y in reversed(_HALF[:-1])
)


@dataclass(frozen=True)
class Area:
    name: str  # as people say it: "left forearm"
    side: Side
    x: float
    y: float

    @property
    def label(self) -> str:
        """The name with its side, unless the name says it ("lower back", "back of knee")."""
        if self.side is Side.BACK and "back" in self.name:
            return self.name
        return f"{self.name} ({self.side.value})"


# Areas on the pupil's right side, placed as on the front view (the pupil's right is on the
# reader's left); the back view and the left side are mirrored from these.
_SIDED = (
    ("shoulder", 0.33, 0.20),
    ("upper arm", 0.235, 0.29),
    ("elbow", 0.205, 0.37),
    ("forearm", 0.185, 0.43),
    ("wrist", 0.155, 0.50),
    ("hand", 0.135, 0.545),
    ("hip", 0.35, 0.50),
    ("thigh", 0.40, 0.63),
    ("knee", 0.40, 0.74),
    ("shin", 0.40, 0.83),
    ("ankle", 0.40, 0.92),
    ("foot", 0.385, 0.965),
)
_BACK_NAMES = {"shin": "calf", "foot": "heel", "knee": "back of knee", "thigh": "back of thigh"}
_MIDDLE = {
    Side.FRONT: (
        ("head", 0.07),
        ("face", 0.085),
        ("neck", 0.15),
        ("chest", 0.27),
        ("stomach", 0.42),
        ("lower stomach", 0.52),
    ),
    Side.BACK: (
        ("back of the head", 0.07),
        ("back of the neck", 0.15),
        ("upper back", 0.27),
        ("lower back", 0.42),
        ("buttocks", 0.53),
    ),
}


def _areas() -> tuple[Area, ...]:
    found: list[Area] = []
    for side in Side:
        for name, y in _MIDDLE[side]:
            found.append(Area(name, side, 0.5, y))
        for name, x, y in _SIDED:
            shown = _BACK_NAMES.get(name, name) if side is Side.BACK else name
            for pupils_side in ("right", "left"):
                # Front: the pupil's right is on the reader's left; back: on the reader's right.
                on_left = (pupils_side == "right") == (side is Side.FRONT)
                found.append(Area(f"{pupils_side} {shown}", side, x if on_left else 1 - x, y))
    return tuple(found)


AREAS: tuple[Area, ...] = _areas()


def nearest_area(side: Side, x: float, y: float) -> Area:
    """The named area nearest a point on one outline (distances as drawn, not as fractions)."""
    return min(
        (a for a in AREAS if a.side is side),
        key=lambda a: hypot((a.x - x) * ASPECT, a.y - y),
    )


def inside(x: float, y: float) -> bool:
    """Whether a point is on the figure (its head or body): a click outside it is no mark."""
    cx, cy, rx, ry = HEAD
    if ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1:
        return True
    hit = False
    points = OUTLINE
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


# How each kind of mark is drawn: a shape that reads in greyscale, and whether it is filled.
SHAPES: dict[MarkKind, tuple[str, bool]] = {
    MarkKind.BRUISE: ("circle", True),
    MarkKind.CUT: ("slash", False),
    MarkKind.BURN: ("triangle", True),
    MarkKind.MARK: ("square", False),
    MarkKind.OTHER: ("diamond", False),
}


def shape_points(kind: MarkKind, cx: float, cy: float, r: float) -> tuple[tuple[float, float], ...]:
    """The corners of a mark's shape around (cx, cy), r its half size, y growing downwards
    (a circle is drawn as a circle: its points are its box's corners)."""
    shape = SHAPES[kind][0]
    if shape == "triangle":
        return ((cx, cy - r), (cx + r, cy + r * 0.8), (cx - r, cy + r * 0.8))
    if shape == "square":
        s = r * 0.85
        return ((cx - s, cy - s), (cx + s, cy - s), (cx + s, cy + s), (cx - s, cy + s))
    if shape == "diamond":
        return ((cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy))
    if shape == "slash":
        return ((cx - r, cy + r), (cx + r, cy - r))
    return ((cx - r, cy - r), (cx + r, cy + r))


def mark_place(mark: BodyMark) -> str:
    """Where a mark is, in words: "left forearm (front)"."""
    return nearest_area(mark.side, mark.x, mark.y).label


def mark_words(mark: BodyMark) -> str:
    """A mark in full, as the list under the drawing and the PDF's key say it."""
    size = f", {mark.size_mm} mm" if mark.size_mm else ""
    note = f": {mark.note}" if mark.note else ""
    return f"{mark.kind.label}, {mark_place(mark)}{size}{note}"
