"""Reports → Targets: the targets being followed, and for the one chosen each week's figure
against the line to its goal, as a chart and as a table of the same figures. The behaviour
lead and the headteacher set, change and retire targets here; DSLs read them."""

from __future__ import annotations

import itertools
import math
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import counted, date_text
from safedesk.domain.targets import Progress, Week, number_text
from safedesk.services import charts, targets
from safedesk.services.session import Session
from safedesk.services.targets import TargetView
from safedesk.ui import tasks
from safedesk.ui.analysis_charts import image_of
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.rows_model import Index, RowsModel
from safedesk.ui.target_dialog import RetireDialog, TargetDialog
from safedesk.ui.task_dialog import label

CHART_MIN = (480, 200)
WEEKS_MIN_WIDTH = 380  # beside the chart
WEEKS_MIN_HEIGHT = 190  # under it: five weeks in view at least
MARGIN = 8


def on_track_text(value: bool | None) -> str:
    if value is None:
        return "Not yet known"
    return "On track" if value else "Over the line"


def week_state(week: Week) -> str:
    """How the week stands: on track, over the line, a holiday, not over yet."""
    if not week.school_week:
        return "Holiday"
    if week.figure is None:
        return "To come"
    if not week.complete:
        return "Not over yet"
    return on_track_text(week.on_track)


class TargetsModel(RowsModel):
    APPLIES, MEASURE, BASELINE, GOAL, BY, LAST, STATE = range(7)
    headers = (
        "Applies to",
        "Measure",
        "Baseline",
        "Goal a week",
        "By",
        "Last school week",
        "On track",
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        view: TargetView | None = self.row_of(index)
        if view is None:
            return None
        if role == OBJECT_ROLE:
            return view
        stored = view.target
        last = view.progress.last_complete
        column = index.column()
        cells: dict[int, tuple[str, Any]] = {
            self.APPLIES: (view.applies_to, view.applies_to.casefold()),
            self.MEASURE: (view.measure, view.measure.casefold()),
            self.BASELINE: (number_text(stored.baseline), stored.baseline),
            self.GOAL: (number_text(stored.target.goal), stored.target.goal),
            self.BY: (date_text(stored.target.goal_on), stored.target.goal_on.isoformat()),
            self.LAST: (
                "" if last is None else str(last.figure),
                -1 if last is None or last.figure is None else last.figure,
            ),
            self.STATE: (on_track_text(view.progress.on_track), str(view.progress.on_track)),
        }
        shown, sort = cells[column]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return shown
        if role == SORT_ROLE:
            return sort
        return None


class WeeksModel(RowsModel):
    WEEK, FIGURE, LINE, STATE = range(4)
    headers = ("Week beginning", "Figure", "Line", "On track")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        week: Week | None = self.row_of(index)
        if week is None:
            return None
        if role == OBJECT_ROLE:
            return week
        column = index.column()
        cells: dict[int, tuple[str, Any]] = {
            self.WEEK: (f"{date_text(week.monday)} ({week.iso_week})", week.monday.isoformat()),
            self.FIGURE: (
                "" if week.figure is None else str(week.figure),
                -1 if week.figure is None else week.figure,
            ),
            self.LINE: (number_text(week.line), -1.0 if week.line is None else week.line),
            self.STATE: (week_state(week), week_state(week)),
        }
        shown, sort = cells[column]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return shown
        if role == SORT_ROLE:
            return sort
        if role == Qt.ItemDataRole.ToolTipRole and column == self.STATE and not week.school_week:
            return "No school day this week: not counted against the line."
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.FIGURE, self.LINE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def chart_summary(progress: Progress) -> str:
    """The chart in words (for a screen reader, and under the chart)."""
    stored = progress.target
    last = progress.last_complete
    words = (
        f"Baseline {number_text(stored.baseline)} a week; goal {number_text(stored.target.goal)} "
        f"a week by {date_text(stored.target.goal_on)}."
    )
    if last is None:
        return f"{words} No school week since it was set is over yet."
    return (
        f"{words} Last school week (beginning {date_text(last.monday)}): "
        f"{counted(last.figure or 0, 'record')} against a line of {number_text(last.line)}, "
        f"{on_track_text(last.on_track).lower()}."
    )


def line_name(progress: Progress) -> str:
    """The line's name in the chart's legend, which says why it stops when it does."""
    if any(not w.school_week for w in progress.weeks):
        return "Line to the goal (none in holidays)"
    return "Line to the goal"


def target_chart(
    progress: Progress, width: int, height: int, *, scale: float = 1.0, font_points: float = 9.0
) -> QImage:
    """Each week's figure (bars) against the line to the goal (dotted, broken over holidays,
    which it does not cross), the goal in the title, drawn by the chart builder the rest of
    the Reports page uses (its greys, grid and legend) on a worker thread, and handed back
    as a QImage (the UI thread makes the pixmap)."""
    weeks = progress.weeks
    stored = progress.target
    goal_on = stored.target.goal_on
    labels = [w.monday.strftime("%d/%m") for w in weeks]
    begun = list(itertools.takewhile(lambda w: w.figure is not None, weeks))
    values = [float(w.figure or 0) for w in begun]
    # NaN, not None: the line stops at a holiday and starts again after it.
    line = [math.nan if w.line is None else w.line for w in weeks]
    size = charts.ChartSize.from_pixels(width, height, scale=scale, font_points=font_points)
    png = charts.series_chart(
        labels,
        values,
        size,
        style="bars",
        name="The week's figure",
        target=line,
        target_name=line_name(progress),
        title=f"Goal {number_text(stored.target.goal)} a week by {date_text(goal_on)}",
    )
    return image_of(png, scale)


class ChartLabel(QLabel):
    """Shows the chart's picture; says when its own size changed (the chart is drawn again
    at the new size, once the resizing stops)."""

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class TargetsPanel(QWidget):
    """A tab of the Reports page. ``refresh()`` loads the targets off the UI thread."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.views: list[TargetView] = []
        self.dialog: TargetDialog | RetireDialog | None = None
        self._chart_for: tuple[int, int, int, int] | None = None
        self._wanted: int | None = None
        self.setter = targets.may_set(session)
        intro = label(
            "Targets set by the behaviour lead and the headteacher: each week's figure "
            "(Monday to Sunday) against the straight line from the baseline to the goal. "
            "Holidays are shown but not counted against the line."
            + (
                ""
                if self.setter
                else " You can see them; the behaviour lead or the headteacher sets them."
            ),
            "Subtitle",
        )
        # Alt letters clear of the Reports page's tabs and filters and the window's header.
        self.set_button = QPushButton("Set a &target…")
        self.change_button = QPushButton("C&hange the goal…")
        self.retire_button = QPushButton("R&etire…")
        self.set_button.clicked.connect(self.open_set)
        self.change_button.clicked.connect(self.open_change)
        self.retire_button.clicked.connect(self.open_retire)
        buttons = QHBoxLayout()
        for button in (self.set_button, self.change_button, self.retire_button):
            button.setVisible(self.setter)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.status = label("", "Subtitle")

        self.model = TargetsModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Targets")
        self._table_look(self.table)
        self.table.setMinimumHeight(125)  # three targets in view at least
        self.table.setMaximumHeight(170)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TargetsModel.MEASURE, QHeaderView.ResizeMode.Stretch)
        selection = self.table.selectionModel()
        assert selection is not None
        selection.selectionChanged.connect(self._chosen)

        self.chart = ChartLabel()
        self.chart.setAccessibleName("Chart: each week's figure against the line to the goal")
        self.chart.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart.setMinimumSize(*CHART_MIN)
        self.chart.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.chart.resized.connect(self._redraw_later)
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(150)
        self._redraw.timeout.connect(self._redraw_now)
        self.summary = label("", "Detail", plain=True)
        self.weeks_model = WeeksModel()
        self.weeks = QTableView()
        self.weeks.setModel(self.weeks_model)
        self.weeks.setAccessibleName("Each week's figure, line and whether it is on track")
        self._table_look(self.weeks)
        left = QVBoxLayout()
        left.addWidget(self.chart, 1)
        left.addWidget(self.summary)
        # The weeks beside the chart when both fit, else under it (a laptop at 125 %, larger
        # text): the panel never scrolls sideways, so nothing may be wider than it.
        self.below = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.below.addLayout(left, 3)
        self.below.addWidget(self.weeks, 2)
        self._arrange(beside=False)

        # Everything in view down to its least size; on a smaller window (a laptop at 125 %,
        # larger text) it scrolls rather than drawing one part over another.
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.table)
        layout.addLayout(self.below, 1)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroller)
        self._enable()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(self._fits_beside(event.size().width()))
        super().resizeEvent(event)

    def _fits_beside(self, width: int) -> bool:
        """Whether the chart and the weeks' table both fit across ``width`` (the panel's)."""
        bar = self.scroller.verticalScrollBar().sizeHint().width()  # it may appear
        spacing = max(self.below.spacing(), 0)
        needed = CHART_MIN[0] + WEEKS_MIN_WIDTH + spacing + 2 * MARGIN + bar
        return width >= needed

    def _arrange(self, beside: bool) -> None:
        direction = QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        self.below.setDirection(direction)
        if beside:
            self.weeks.setMinimumSize(WEEKS_MIN_WIDTH, 0)
        else:
            self.weeks.setMinimumSize(1, WEEKS_MIN_HEIGHT)

    @staticmethod
    def _table_look(table: QTableView) -> None:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    # --- loading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.status.setText("Loading the targets…")
        tasks.run(targets.current_targets, self.session).on_success(self._loaded).on_error(
            self._failed
        )

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(user_message(exc))

    def _loaded(self, views: list[TargetView]) -> None:
        chosen = self.current()
        number = None if chosen is None else chosen.target.number
        if self._wanted is not None:
            number, self._wanted = self._wanted, None
        self.views = list(views)
        self.model.set_rows(self.views)
        if not self.views:
            self.status.setText(
                "No targets yet." + (" Set one with Set a target…" if self.setter else "")
            )
        else:
            self.status.setText(counted(len(self.views), "target") + " being followed.")
        row = next(
            (i for i, v in enumerate(self.views) if v.target.number == number),
            0 if self.views else -1,
        )
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._show(None)
        self._enable()

    def select_number(self, number: int) -> None:
        row = next((i for i, v in enumerate(self.views) if v.target.number == number), -1)
        if row >= 0:
            self.table.selectRow(row)

    def current(self) -> TargetView | None:
        selection = self.table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        found = self.model.row_of(rows[0]) if rows else None
        return found if isinstance(found, TargetView) else None

    def _enable(self) -> None:
        chosen = self.current() is not None
        self.change_button.setEnabled(chosen)
        self.retire_button.setEnabled(chosen)

    def _chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show(self.current())
        self._enable()

    def _show(self, view: TargetView | None) -> None:
        if view is None:
            self.weeks_model.set_rows([])
            self.chart.clear()
            self.summary.setText("")
            self._chart_for = None
            return
        newest_first = list(reversed(view.progress.weeks))
        self.weeks_model.set_rows(newest_first)
        # The weeks to come are above; open at this week, the one that matters now.
        begun = next((i for i, w in enumerate(newest_first) if w.figure is not None), None)
        if begun is not None:
            # After the table has its rows laid out (at once, it has no height to scroll).
            QTimer.singleShot(0, lambda: self._scroll_weeks_to(begun))
        summary = chart_summary(view.progress)
        self.summary.setText(summary)
        self.chart.setAccessibleDescription(summary)
        self._draw(view)

    def _scroll_weeks_to(self, row: int) -> None:
        if row < self.weeks_model.rowCount():
            self.weeks.scrollTo(
                self.weeks_model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop
            )

    def _draw(self, view: TargetView) -> None:
        width = max(self.chart.width(), 200)
        height = max(self.chart.height(), 120)
        key = (view.target.number, view.target.version, width, height)
        if key == self._chart_for:
            return
        self._chart_for = key
        scale = self.devicePixelRatioF()
        points = self.font().pointSizeF()
        if points <= 0:  # a font sized in pixels
            points = 9.0
        tasks.run(
            target_chart, view.progress, width, height, scale=scale, font_points=points
        ).on_success(lambda image: self._drawn(key, image))

    def _drawn(self, key: tuple[int, int, int, int], image: QImage) -> None:
        if key != self._chart_for:
            return  # another target was chosen meanwhile
        self.chart.setPixmap(QPixmap.fromImage(image))

    def _redraw_later(self) -> None:
        if self.current() is not None:
            self._redraw.start()

    def _redraw_now(self) -> None:
        view = self.current()
        if view is not None and self.isVisible():
            self._draw(view)

    # --- setting, changing, retiring ---------------------------------------------------------

    def open_set(self) -> None:
        if not self.setter:
            return
        try:
            choices = targets.choices(self.session)
        except Exception as exc:  # a refusal or a closed store: said, not raised
            self.status.setText(user_message(exc))
            return
        self._open(TargetDialog(self.session, choices, self))

    def open_change(self) -> None:
        view = self.current()
        if view is None or not self.setter:
            return
        choices = targets.Choices((), (), ())
        self._open(TargetDialog(self.session, choices, self, current=view))

    def open_retire(self) -> None:
        view = self.current()
        if view is None or not self.setter:
            return
        self._open(RetireDialog(self.session, view, self))

    def _open(self, dialog: TargetDialog | RetireDialog) -> None:
        self.dialog = dialog
        dialog.succeeded.connect(self._saved)
        dialog.open()

    def _saved(self, result: object) -> None:
        dialog = self.dialog
        self.dialog = None
        if isinstance(dialog, TargetDialog) and dialog.current is None and isinstance(result, int):
            self._wanted = result  # the target just set is the one shown once loaded
        self.refresh()
