"""A body map in a PDF: the front and back outlines with each mark numbered, a legend of the
shapes, and a numbered key of what each mark is."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer

from safedesk.domain import body_outline
from safedesk.domain.body_map import BodyMark, MarkKind, Side
from safedesk.reports.pdf_base import BOLD, FONT, text

_FIGURE_HEIGHT = 62 * mm
_FIGURE_WIDTH = _FIGURE_HEIGHT * body_outline.ASPECT
_GAP = 14 * mm
_CAPTION = 5 * mm
_MARK = 1.6 * mm  # half the size a mark is drawn at
_INK = colors.HexColor("#222222")
_OUTLINE = colors.HexColor("#666666")


def draw_mark(
    canvas: Canvas, kind: MarkKind, cx: float, cy: float, r: float, *, flip_y: bool = True
) -> None:
    """One mark's shape at (cx, cy) on a reportlab canvas (y upwards)."""
    shape, filled = body_outline.SHAPES[kind]
    points = body_outline.shape_points(kind, 0, 0, r)
    sign = -1 if flip_y else 1
    placed = [(cx + x, cy + sign * y) for x, y in points]
    canvas.setStrokeColor(_INK)
    canvas.setFillColor(_INK)
    canvas.setLineWidth(1.2 if shape == "slash" else 0.9)
    if shape == "circle":
        canvas.circle(cx, cy, r, stroke=1, fill=1 if filled else 0)
        return
    if shape == "slash":
        (x1, y1), (x2, y2) = placed
        canvas.line(x1, y1, x2, y2)
        return
    path = canvas.beginPath()
    path.moveTo(*placed[0])
    for x, y in placed[1:]:
        path.lineTo(x, y)
    path.close()
    canvas.drawPath(path, stroke=1, fill=1 if filled else 0)


class BodyMapFigure(Flowable):  # type: ignore[misc]  # reportlab has no types
    """The two outlines side by side, each mark drawn with its number beside it."""

    def __init__(self, marks: tuple[BodyMark, ...]) -> None:
        super().__init__()
        self.marks = marks
        self.width = 2 * _FIGURE_WIDTH + _GAP + 40 * mm
        self.height = _FIGURE_HEIGHT + _CAPTION

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        for column, side in enumerate(Side):
            left = column * (_FIGURE_WIDTH + _GAP)
            self._outline(canvas, left, side)
        self._legend(canvas, 2 * _FIGURE_WIDTH + _GAP + 8 * mm)

    def _point(self, left: float, x: float, y: float) -> tuple[float, float]:
        return left + x * _FIGURE_WIDTH, _CAPTION + (1 - y) * _FIGURE_HEIGHT

    def _outline(self, canvas: Canvas, left: float, side: Side) -> None:
        canvas.saveState()
        canvas.setStrokeColor(_OUTLINE)
        canvas.setLineWidth(0.8)
        hx, hy, rx, ry = body_outline.HEAD
        cx, cy = self._point(left, hx, hy)
        canvas.ellipse(
            cx - rx * _FIGURE_WIDTH,
            cy - ry * _FIGURE_HEIGHT,
            cx + rx * _FIGURE_WIDTH,
            cy + ry * _FIGURE_HEIGHT,
            stroke=1,
            fill=0,
        )
        path = canvas.beginPath()
        points = [self._point(left, x, y) for x, y in body_outline.OUTLINE]
        path.moveTo(*points[0])
        for point in points[1:]:
            path.lineTo(*point)
        path.close()
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.setFillColor(_INK)
        canvas.setFont(BOLD, 8)
        canvas.drawCentredString(left + _FIGURE_WIDTH / 2, 0, side.value.capitalize())
        # Which is the pupil's right: on the front it is on the reader's left.
        canvas.setFont(FONT, 7)
        right_x, left_x = (0.06, 0.94) if side is Side.FRONT else (0.94, 0.06)
        canvas.drawCentredString(left + right_x * _FIGURE_WIDTH, _CAPTION + 2, "R")
        canvas.drawCentredString(left + left_x * _FIGURE_WIDTH, _CAPTION + 2, "L")
        for number, mark in enumerate(self.marks, start=1):
            if mark.side is not side:
                continue
            mx, my = self._point(left, mark.x, mark.y)
            draw_mark(canvas, mark.kind, mx, my, _MARK)
            canvas.setFillColor(_INK)
            canvas.setFont(BOLD, 7)
            canvas.drawString(mx + _MARK + 0.6 * mm, my - 1 * mm, str(number))
        canvas.restoreState()

    def _legend(self, canvas: Canvas, left: float) -> None:
        canvas.saveState()
        top = _CAPTION + _FIGURE_HEIGHT - 3 * mm
        canvas.setFont(BOLD, 8)
        canvas.setFillColor(_INK)
        canvas.drawString(left, top, "Key to the shapes")
        canvas.setFont(FONT, 8)
        for row, kind in enumerate(MarkKind, start=1):
            y = top - row * 5 * mm
            draw_mark(canvas, kind, left + _MARK, y + 1 * mm, _MARK)
            canvas.setFillColor(_INK)
            canvas.drawString(left + 2 * _MARK + 2 * mm, y, kind.label)
        canvas.restoreState()


def body_map_flowables(
    marks: tuple[BodyMark, ...], st: dict[str, ParagraphStyle]
) -> list[Flowable]:
    """The drawing and its numbered key (not wrapped in KeepTogether: the chronology keeps a
    last item together with its closing statement, and KeepTogether nested in another left a
    blank page)."""
    if not marks:
        return [Paragraph("No marks were recorded on the body map.", st["body"])]
    key = [
        Paragraph(f"{number}. {text(body_outline.mark_words(mark))}", st["small"])
        for number, mark in enumerate(marks, start=1)
    ]
    return [BodyMapFigure(marks), Spacer(1, 2 * mm), *key, Spacer(1, 2 * mm)]
