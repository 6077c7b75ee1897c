"""The body map on a form: front and back outlines, marks added by a click on the figure or
with "Add a mark…" (a small dialog: side, body area, kind, size, note), listed below with
Remove; each kind drawn as its own shape, readable in greyscale."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain import body_map, body_outline
from safedesk.domain.body_map import MAX_MARKS, MAX_SIZE_MM, BodyMark, MarkKind, Side
from safedesk.domain.text import SHORT_TEXT_LIMIT

FIGURE_HEIGHT = 250
COMPACT_HEIGHT = 160  # in the amend box, under the record, on a laptop
_GAP = 28
_CAPTION = 18
_MARK = 6  # half a mark's size, in pixels
_INK = QColor("#202020")
_OUTLINE = QColor("#6b6b6b")
CLICKED_HERE = "Where you clicked"


def draw_mark(painter: QPainter, kind: MarkKind, cx: float, cy: float, r: float) -> None:
    shape, filled = body_outline.SHAPES[kind]
    points = [QPointF(x, y) for x, y in body_outline.shape_points(kind, cx, cy, r)]
    painter.setPen(QPen(_INK, 2.2 if shape == "slash" else 1.6))
    painter.setBrush(QBrush(_INK) if filled else Qt.BrushStyle.NoBrush)
    if shape == "circle":
        painter.drawEllipse(QPointF(cx, cy), r, r)
    elif shape == "slash":
        painter.drawLine(points[0], points[1])
    else:
        painter.drawPolygon(QPolygonF(points))


def paint_body_map(
    painter: QPainter, marks: tuple[BodyMark, ...], height: float, left: float = 0
) -> None:
    """Both outlines, each mark drawn and numbered, at ``height`` pixels for one figure."""
    width = height * body_outline.ASPECT
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = painter.font()
    for column, side in enumerate(Side):
        x0 = left + column * (width + _GAP)
        painter.setPen(QPen(_OUTLINE, 1.4))
        painter.setBrush(QColor("#ffffff"))
        hx, hy, rx, ry = body_outline.HEAD
        painter.drawEllipse(QPointF(x0 + hx * width, hy * height), rx * width, ry * height)
        outline = [QPointF(x0 + x * width, y * height) for x, y in body_outline.OUTLINE]
        painter.drawPolygon(QPolygonF(outline))
        painter.setPen(_INK)
        font.setBold(True)
        painter.setFont(font)
        caption = QRectF(x0, height + 2, width, _CAPTION)
        painter.drawText(caption, Qt.AlignmentFlag.AlignCenter, side.value.capitalize())
        font.setBold(False)
        painter.setFont(font)
        right, left_side = ("R", "L") if side is Side.FRONT else ("L", "R")
        painter.drawText(caption, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, right)
        painter.drawText(
            caption, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, left_side
        )
        for number, mark in enumerate(marks, start=1):
            if mark.side is not side:
                continue
            mx, my = x0 + mark.x * width, mark.y * height
            draw_mark(painter, mark.kind, mx, my, _MARK)
            painter.setPen(_INK)
            font.setBold(True)
            painter.setFont(font)
            painter.drawText(QPointF(mx + _MARK + 2, my + 4), str(number))
            font.setBold(False)
            painter.setFont(font)


def body_map_size(height: int = FIGURE_HEIGHT) -> QSize:
    width = int(height * body_outline.ASPECT)
    return QSize(2 * width + _GAP + 2, height + _CAPTION + 4)


def render_image(marks: tuple[BodyMark, ...], height: int = FIGURE_HEIGHT) -> QImage:
    """The body map as a picture (the record view shows it read-only)."""
    size = body_map_size(height)
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    paint_body_map(painter, marks, height, 1)
    painter.end()
    return image


class BodyCanvas(QWidget):
    """The two outlines; a click on the figure asks for a mark there."""

    clicked = Signal(object, float, float)  # Side, x, y

    def __init__(self, figure_height: int = FIGURE_HEIGHT) -> None:
        super().__init__()
        self.marks: tuple[BodyMark, ...] = ()
        self.figure_height = figure_height
        self.setFixedSize(body_map_size(figure_height))
        self.setAccessibleName("Body map drawing: front and back")
        self.setToolTip("Click on the figure where the mark is, or use Add a mark…")
        self.setCursor(Qt.CursorShape.CrossCursor)

    def set_marks(self, marks: tuple[BodyMark, ...]) -> None:
        self.marks = marks
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        paint_body_map(painter, self.marks, self.figure_height, 1)
        painter.end()

    def point_at(self, px: float, py: float) -> tuple[Side, float, float] | None:
        """The side and the position on it of a point of the widget (None off the figure)."""
        width = self.figure_height * body_outline.ASPECT
        for column, side in enumerate(Side):
            x = (px - 1 - column * (width + _GAP)) / width
            y = py / self.figure_height
            if 0 <= x <= 1 and 0 <= y <= 1 and body_outline.inside(x, y):
                return side, x, y
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self.point_at(event.position().x(), event.position().y())
        if found is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(*found)


class MarkDialog(QDialog):
    """One mark: side, where on the body, kind, size and a note."""

    def __init__(
        self, parent: QWidget | None, clicked: tuple[Side, float, float] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a mark to the body map")
        self.clicked_at = clicked
        self._whole_list = True  # every area listed, each saying its side
        self.side = QComboBox()
        # Nothing chosen that nobody chose: no side until one is chosen, or an area is (the
        # areas say their side, and choosing one chooses it).
        self.side.addItem("— choose, or choose the area —", "")
        for side in Side:
            self.side.addItem(side.value.capitalize(), side.value)
        self.area = QComboBox()
        self.kind = QComboBox()
        self.kind.addItem("— choose —", "")
        for kind in MarkKind:
            self.kind.addItem(kind.label, kind.value)
        self.size_mm = QSpinBox()
        self.size_mm.setRange(0, MAX_SIZE_MM)
        self.size_mm.setSpecialValueText("not measured")
        self.size_mm.setSuffix(" mm")
        self.note = QLineEdit()
        self.note.setMaxLength(SHORT_TEXT_LIMIT)
        self.note.setPlaceholderText("For example: fingertip bruising, yellow-green")
        self.error = QLabel()
        self.error.setObjectName("FieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        for text, widget, name in (
            ("&Side", self.side, "Side of the body"),
            ("&Where", self.area, "Where on the body"),
            ("&Kind *", self.kind, "Kind of mark"),
            ("Si&ze", self.size_mm, "Size in millimetres"),
            ("&Note", self.note, "Note about the mark"),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(name)
            form.addRow(label, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add the &mark")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Cancel")
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.side.currentIndexChanged.connect(self._fill_areas)
        self.area.currentIndexChanged.connect(self._area_chosen)
        if clicked is not None:
            self.side.setCurrentIndex(self.side.findData(clicked[0].value))
        self._fill_areas()
        (self.kind if clicked is not None else self.side).setFocus()

    def chosen_side(self) -> Side | None:
        value = self.side.currentData()
        return Side(value) if value else None

    def _fill_areas(self) -> None:
        side = self.chosen_side()
        self._whole_list = side is None
        self.area.blockSignals(True)  # a list being filled chooses nothing
        self.area.clear()
        if self.clicked_at is not None and self.clicked_at[0] is side:
            _, x, y = self.clicked_at
            near = body_outline.nearest_area(side, x, y).name
            self.area.addItem(f"{CLICKED_HERE} (near the {near})", (side.value, x, y))
        else:
            self.area.addItem("— choose —", None)
        for area in body_outline.AREAS:
            if side is None or area.side is side:
                # With no side chosen, each area says its side: "left forearm (front)".
                shown = area.name if side is not None else area.label
                self.area.addItem(shown, (area.side.value, area.x, area.y))
        self.area.blockSignals(False)

    def _area_chosen(self) -> None:
        """An area chosen from the whole list (no side chosen first) shows its side; the list
        stays whole, so the next area down can still be the other side."""
        where = self.area.currentData()
        if where is None or not self._whole_list:
            return
        self.side.blockSignals(True)  # the side shown, the list not narrowed under the keys
        self.side.setCurrentIndex(self.side.findData(where[0]))
        self.side.blockSignals(False)

    def mark(self) -> BodyMark | None:
        where = self.area.currentData()
        kind = self.kind.currentData()
        if where is None or not kind:
            return None
        side, x, y = where
        size = self.size_mm.value() or None
        return BodyMark(Side(side), x, y, MarkKind(kind), size, self.note.text().strip())

    def problem(self) -> str | None:
        if self.area.currentData() is None:
            return "Choose where on the body the mark is."
        if not self.kind.currentData():
            return "Choose the kind of mark."
        return None

    def try_accept(self) -> None:
        problem = self.problem()
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        if problem:
            (self.area if self.area.currentData() is None else self.kind).setFocus()
            return
        self.accept()


class BodyMapEditor(QWidget):
    """The body map field: the drawing, the marks in words, Add a mark… and Remove."""

    changed = Signal()

    def __init__(self, label: str, *, compact: bool = False) -> None:
        super().__init__()
        self.label = label
        self.marks: tuple[BodyMark, ...] = ()
        self.dialog: MarkDialog | None = None
        self.canvas = BodyCanvas(COMPACT_HEIGHT if compact else FIGURE_HEIGHT)
        self.canvas.clicked.connect(lambda side, x, y: self.ask_mark((side, x, y)))
        self.list = QListWidget()
        self.list.setAccessibleName(f"{label}: marks")
        self.list.setMinimumWidth(260)
        self.list.setMaximumHeight(90 if compact else 120)
        self.add_button = QPushButton("Add a mark…")
        self.add_button.setAccessibleName(f"{label}: add a mark")
        self.add_button.clicked.connect(lambda: self.ask_mark(None))
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName(f"{label}: remove the chosen mark")
        self.remove_button.clicked.connect(self.remove_chosen)
        self.legend = QLabel(
            "Shapes: ● bruise · ╱ cut · ▲ burn · □ mark · ◇ other. "
            "Click on the figure where a mark is."
        )
        self.legend.setObjectName("Subtitle")
        self.legend.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.list)
        side.addLayout(buttons)
        side.addWidget(self.legend)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(side, 1)
        # No focus proxy: Tab into an editor whose proxy was "Add a mark…" passed the marks
        # by, so a mark could not be chosen to remove it with the keyboard.
        self._show()

    def tab_widgets(self) -> list[QWidget]:
        """What Tab reaches here, in order: the marks (once there are any), "Add a mark…",
        Remove (once there is a mark)."""
        return [self.list, self.add_button, self.remove_button]

    def ask_mark(self, clicked: tuple[Side, float, float] | None) -> MarkDialog | None:
        """Opens the mark's dialog (not blocking: its answer comes back by a signal)."""
        if len(self.marks) >= MAX_MARKS:
            return None
        dialog = MarkDialog(self, clicked)
        dialog.accepted.connect(lambda: self._accepted(dialog))
        dialog.finished.connect(lambda _code: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _accepted(self, dialog: MarkDialog) -> None:
        mark = dialog.mark()
        if mark is not None:
            self.marks = (*self.marks, mark)
            self._show()
            self.list.setCurrentRow(len(self.marks) - 1)
            self.changed.emit()

    def _closed(self, dialog: MarkDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.add_button.setFocus()

    def remove_chosen(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.marks):
            return
        self.marks = self.marks[:row] + self.marks[row + 1 :]
        self._show()
        self.list.setCurrentRow(min(row, len(self.marks) - 1))
        (self.list if self.marks else self.add_button).setFocus()
        self.changed.emit()

    def _show(self) -> None:
        self.canvas.set_marks(self.marks)
        self.list.clear()
        for number, mark in enumerate(self.marks, start=1):
            self.list.addItem(f"{number}. {body_outline.mark_words(mark)}")
        if not self.marks:
            self.list.addItem("No marks.")
        self.remove_button.setEnabled(bool(self.marks))
        # "No marks." is nothing to choose: Tab passes the list by until there are marks.
        policy = Qt.FocusPolicy.StrongFocus if self.marks else Qt.FocusPolicy.NoFocus
        if self.list.focusPolicy() != policy:
            self.list.setFocusPolicy(policy)
        self.canvas.setAccessibleDescription(
            "; ".join(body_outline.mark_words(m) for m in self.marks) or "No marks"
        )

    def value(self) -> list[dict[str, Any]] | None:
        text = body_map.to_json(self.marks)
        if text is None:
            return None
        items: list[dict[str, Any]] = json.loads(text)
        return items

    def set_value(self, value: Any) -> None:
        """Marks from a list (a draft) or the stored JSON text; None empties it."""
        marks, problem = body_map.parse(value)
        self.marks = () if problem else marks
        self._show()
        self.changed.emit()
