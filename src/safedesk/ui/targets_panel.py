"""Reports → Targets: the targets being followed, and for the one chosen each week's figure
against the line to its goal, as a chart and as a table of the same figures. The behaviour
lead and the headteacher set, change and retire targets here; DSLs read them."""

from __future__ import annotations

import io
import math
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
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
from safedesk.services import targets
from safedesk.services.session import Session
from safedesk.services.targets import TargetView
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.rows_model import Index, RowsModel
from safedesk.ui.target_dialog import RetireDialog, TargetDialog
from safedesk.ui.task_dialog import label

INK = "#1f2933"
BAR = "#52606d"
SOFT = "#9aa5b1"
HOLIDAY = "#eef0f2"
GRID = "#d9dee4"
CHART_MIN = (480, 200)


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


def target_chart(
    progress: Progress, width: int, height: int, *, scale: float = 1.0, font_points: float = 9.0
) -> bytes:
    """Each week's figure (bars; hatched when over the line) against the line to the goal
    (dashed, with markers), holidays shaded and dotted: a PNG, readable in greyscale. Uses
    matplotlib's object API on the Agg canvas (safe off the UI thread), imported here only."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(width / 96, height / 96), dpi=96 * scale, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    weeks = progress.weeks
    positions = list(range(len(weeks)))
    for x, week in zip(positions, weeks, strict=True):
        if not week.school_week:
            axes.axvspan(
                x - 0.5, x + 0.5, facecolor=HOLIDAY, edgecolor=SOFT, hatch="..", linewidth=0
            )
    begun = [(x, w) for x, w in zip(positions, weeks, strict=True) if w.figure is not None]
    over = [w.on_track is False for _, w in begun]
    axes.bar(
        [x for x, _ in begun],
        [w.figure or 0 for _, w in begun],
        width=0.7,
        color=["white" if o else BAR for o in over],
        edgecolor=INK,
        hatch=["////" if o else "" for o in over],
        linewidth=0.7,
    )
    line = [(x, w.line) for x, w in zip(positions, weeks, strict=True) if w.line is not None]
    axes.plot(
        [x for x, _ in line],
        [v for _, v in line],
        color=INK,
        linestyle="--",
        marker="o" if len(weeks) <= 40 else None,
        markersize=3.5,
        linewidth=1.6,
    )
    goal_week = progress.target.target.goal_on - timedelta(
        days=progress.target.target.goal_on.weekday()
    )
    goal_x = next((x for x, w in zip(positions, weeks, strict=True) if w.monday == goal_week), None)
    if goal_x is not None:
        axes.plot(
            [goal_x],
            [progress.target.target.goal],
            marker="*",
            markersize=12,
            color=INK,
            markeredgecolor="white",
            zorder=5,
            clip_on=False,
        )
        axes.annotate(
            f"Goal {number_text(progress.target.target.goal)}",
            (goal_x, progress.target.target.goal),
            xytext=(0, 10),
            textcoords="offset points",
            ha="center",
            fontsize=font_points,
            color=INK,
            zorder=6,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": SOFT},
        )
    step = max(1, math.ceil(len(weeks) / max(1, width // 80)))  # labels never touch
    ticks = positions[::step]
    axes.set_xticks(ticks, [weeks[x].monday.strftime("%d/%m") for x in ticks])
    axes.set_xlim(-0.6, len(weeks) - 0.4)
    top = max(
        [1.0, progress.target.baseline, progress.target.target.goal]
        + [float(w.figure or 0) for w in weeks]
    )
    axes.set_ylim(0, top * 1.2 + 0.5)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("A week", fontsize=font_points, color=INK)
    axes.set_xlabel("Week beginning", fontsize=font_points, color=INK)
    axes.tick_params(labelsize=font_points, colors=INK)
    axes.grid(axis="y", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    handles = [
        Patch(facecolor=BAR, edgecolor=INK, label="The week's figure"),
        Patch(facecolor="white", edgecolor=INK, hatch="////", label="Over the line"),
        Line2D(
            [], [], color=INK, linestyle="--", marker="o", markersize=3.5, label="Line to the goal"
        ),
        Patch(facecolor=HOLIDAY, edgecolor=SOFT, hatch="..", label="Holiday"),
    ]
    figure.legend(
        handles=handles, loc="outside lower center", ncols=4, frameon=False, fontsize=font_points
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


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
        self.weeks.setMinimumWidth(380)
        left = QVBoxLayout()
        left.addWidget(self.chart, 1)
        left.addWidget(self.summary)
        below = QHBoxLayout()
        below.addLayout(left, 3)
        below.addWidget(self.weeks, 2)

        # Everything in view down to its least size; on a smaller window (a laptop at 125 %,
        # larger text) it scrolls rather than drawing one part over another.
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.table)
        layout.addLayout(below, 1)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroller)
        self._enable()

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
        self.weeks_model.set_rows(list(reversed(view.progress.weeks)))
        summary = chart_summary(view.progress)
        self.summary.setText(summary)
        self.chart.setAccessibleDescription(summary)
        self._draw(view)

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
        ).on_success(lambda png: self._drawn(key, png, scale))

    def _drawn(self, key: tuple[int, int, int, int], png: bytes, scale: float) -> None:
        if key != self._chart_for:
            return  # another target was chosen meanwhile
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        pixmap.setDevicePixelRatio(scale)
        self.chart.setPixmap(pixmap)

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
