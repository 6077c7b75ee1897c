"""One tab of the Reports page: the total and its trend in words, key figures, then each
breakdown as a chart beside a table of the same figures. Scrolls down, never sideways."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import rich
from safedesk.ui.analysis_charts import chart_height, chart_width, page_points
from safedesk.ui.analysis_figures import Breakdown, Row, Section
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.rows_model import Index, RowsModel

WORKING = "Working out the figures…"
DRAWING = "Drawing the chart…"
TABLE_ROWS_SHOWN = 12  # a table with more scrolls inside its own frame


class BreakdownModel(RowsModel):
    """A breakdown's rows: what, (a note), how many, (the share of the total)."""

    def __init__(self, breakdown: Breakdown) -> None:
        super().__init__()
        self.breakdown = breakdown
        columns = [breakdown.heading]
        if breakdown.note_heading:
            columns.append(breakdown.note_heading)
        columns.append(breakdown.unit)
        if breakdown.share_of is not None:
            columns.append("Share")
        self.headers = tuple(columns)
        self.count_column = 2 if breakdown.note_heading else 1  # figures, right-aligned, from here
        self.set_rows(breakdown.rows)

    def cells(self, row: Row) -> list[str]:
        b = self.breakdown
        found = [row.label]
        if b.note_heading:
            found.append(row.note)
        found.append(f"{row.count:,}")
        if b.share_of is not None:
            found.append(b.share(row))
        return found

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_of(index)
        if row is None or not 0 <= index.column() < len(self.headers):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cells(row)[index.column()]  # the whole label, when a cell cuts it
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= self.count_column:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == OBJECT_ROLE:
            return row
        if role == SORT_ROLE:
            return row.count if index.column() else row.label
        return None


class BreakdownBlock(QWidget):
    """A breakdown's title, its chart (drawn later, off the UI thread) and its table."""

    row_opened = Signal(object)  # the Row chosen (pupils' tables)

    def __init__(self, breakdown: Breakdown) -> None:
        super().__init__()
        self.breakdown = breakdown
        title = QLabel(breakdown.title)
        title.setObjectName("Section")
        self.model = BreakdownModel(breakdown)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(breakdown.title)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab moves on to the next table
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._opened)
        self.chart: QLabel | None = None
        points = page_points()
        height = chart_height(breakdown, points)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        if height:
            self.chart = QLabel(DRAWING)
            self.chart.setObjectName("Subtitle")
            self.chart.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.chart.setFixedSize(chart_width(points), height)
            self.chart.setAccessibleName(f"Chart: {breakdown.title}")
            self.chart.setAccessibleDescription(breakdown.words())
            body.addWidget(self.chart, 0, Qt.AlignmentFlag.AlignTop)
        body.addWidget(self.table, 1, Qt.AlignmentFlag.AlignTop)
        self._size_table(height)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 8, 0, 8)
        outer.addWidget(title)
        if not breakdown.rows:
            none = QLabel("None in these dates.")
            none.setObjectName("Subtitle")
            outer.addWidget(none)
            self.table.hide()
            if self.chart is not None:
                self.chart.hide()
        outer.addLayout(body)

    def _size_table(self, chart_height: int) -> None:
        """Tall enough for its rows, no taller; beside a chart, no taller than the chart (or
        five rows) and the rest scrolls; alone, up to a dozen rows."""
        rows = max(1, len(self.breakdown.rows))
        line = self.table.verticalHeader().defaultSectionSize()
        frame = 2 * self.table.frameWidth() + self.table.horizontalHeader().sizeHint().height()
        wanted = frame + line * rows
        if chart_height:
            wanted = min(wanted, max(chart_height, frame + line * 5))
        else:
            wanted = min(wanted, frame + line * TABLE_ROWS_SHOWN)
        self.table.setFixedHeight(wanted)
        self.table.setMinimumWidth(220)

    def show_chart(self, image: QImage) -> None:
        if self.chart is None:
            return
        self.chart.setPixmap(QPixmap.fromImage(image))
        self.chart.setObjectName("")

    def _opened(self, index: QModelIndex) -> None:
        row = self.model.row_of(index)
        if isinstance(row, Row) and row.upn:
            self.row_opened.emit(row)


class AnalysisPanel(QScrollArea):
    """A tab's figures; ``show_section`` fills it, one breakdown a pass of the event loop (a
    dozen tables at once held the UI thread for a noticeable moment); ``show_chart`` adds
    each chart as drawn, kept until its breakdown is there."""

    pupil_opened = Signal(str)  # a pupil's UPN, from a table of pupils
    built = Signal()  # every breakdown of the section is shown

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.blocks: dict[str, BreakdownBlock] = {}
        self._queue: list[Breakdown] = []
        self._pending: dict[str, QImage] = {}
        self.summary = QLabel(WORKING)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Which records a pupil filter counts (the tables by year group count instigators).
        self.rule = QLabel()
        self.rule.setObjectName("Subtitle")
        self.rule.setWordWrap(True)
        self.rule.setTextFormat(Qt.TextFormat.PlainText)
        self.rule.hide()
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(4, 8, 12, 8)
        self._layout.addWidget(self.summary)
        self._layout.addWidget(self.rule)
        self._layout.addStretch(1)
        self.setWidget(self._inner)

    def working(self, text: str = WORKING) -> None:
        """Says the figures are on their way (or why there are none): the old ones go."""
        self._clear()
        self.summary.setText(text)
        self.rule.hide()

    def show_section(self, section: Section) -> None:
        self._clear()
        self.summary.setText(f"<b>{rich(section.summary)}</b>")
        self.rule.setText(section.rule)
        self.rule.setVisible(bool(section.rule))
        if section.facts:
            facts = QWidget()
            grid = QGridLayout(facts)
            grid.setContentsMargins(0, 4, 0, 4)
            grid.setHorizontalSpacing(16)
            half = (len(section.facts) + 1) // 2
            for number, (what, figure) in enumerate(section.facts):
                row, pair = number % half, number // half
                name = QLabel(what)
                name.setObjectName("Subtitle")
                value = QLabel(f"<b>{rich(figure)}</b>")
                grid.addWidget(name, row, pair * 2)
                grid.addWidget(value, row, pair * 2 + 1)
            grid.setColumnStretch(1, 1)
            grid.setColumnStretch(3, 1)
            self._layout.insertWidget(self._layout.count() - 1, facts)
        self._queue = list(section.breakdowns)
        self._build_next()

    @property
    def complete(self) -> bool:
        """Every breakdown of the section is shown."""
        return not self._queue

    def _build_next(self) -> None:
        if not self._queue:
            return
        breakdown = self._queue.pop(0)
        block = BreakdownBlock(breakdown)
        block.row_opened.connect(lambda row: self.pupil_opened.emit(row.upn))
        self.blocks[breakdown.key] = block
        self._layout.insertWidget(self._layout.count() - 1, block)
        image = self._pending.pop(breakdown.key, None)
        if image is not None:
            block.show_chart(image)
        if self._queue:
            QTimer.singleShot(0, self._build_next)
        else:
            self.built.emit()

    def owns(self, key: str) -> bool:
        return key in self.blocks or any(b.key == key for b in self._queue)

    def show_chart(self, key: str, image: QImage) -> bool:
        """Shows the chart drawn for ``key`` (when its breakdown is there); False when it is
        not on this tab."""
        block = self.blocks.get(key)
        if block is not None:
            block.show_chart(image)
            return True
        if self.owns(key):
            self._pending[key] = image
            return True
        return False

    def _clear(self) -> None:
        self.blocks.clear()
        self._queue.clear()
        self._pending.clear()
        while self._layout.count() > 3:  # the summary and the rule first, the stretch last
            item = self._layout.takeAt(2)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
