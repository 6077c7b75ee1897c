"""Reports: how fast concerns were acted on, per urgency, for any date range."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import counted
from safedesk.services import queue
from safedesk.services.queue import UrgencyFigures
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message

COLUMNS = (
    "Urgency",
    "Recorded",
    "Acknowledged\nin target",
    "Median time to\nacknowledge",
    "Median time to\nfirst action",
    "Overdue, not\nacknowledged",
)


def span_words(span: timedelta | None) -> str:
    if span is None:
        return "—"
    minutes = round(span.total_seconds() / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def school_year_start(today: date) -> date:
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


class FiguresPanel(QGroupBox):
    """With ``dates_from_page``, the Reports page's filters give the dates (``show_range``)
    and the panel's own date row is not shown."""

    def __init__(self, session: Session, *, dates_from_page: bool = False) -> None:
        super().__init__("" if dates_from_page else "Time to action")
        self.session = session
        today = session.clock.now().astimezone().date()
        first = school_year_start(today)
        self.first_day = QDateEdit(QDate(first.year, first.month, first.day))
        self.last_day = QDateEdit(QDate(today.year, today.month, today.day))
        self.first_day.setAccessibleName("Concerns recorded from")
        self.last_day.setAccessibleName("Concerns recorded up to")
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.show_button = QPushButton("&Show figures")
        self.show_button.clicked.connect(self.refresh)
        self.dates_row = QWidget()
        row = QHBoxLayout(self.dates_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Concerns recorded from"))
        row.addWidget(self.first_day)
        row.addWidget(QLabel("to"))
        row.addWidget(self.last_day)
        row.addWidget(self.show_button)
        row.addStretch(1)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Time to action figures")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(160)
        self.table.setMaximumHeight(180)
        self.explanation = QLabel(
            "Acknowledged in target: of the concerns whose target has passed, the share "
            "acknowledged in time. First action: a decision, action, referral, contact or closure."
        )
        self.explanation.setWordWrap(True)
        self.explanation.setObjectName("Subtitle")
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        self.dates_from_page = dates_from_page
        if dates_from_page:
            self.setFlat(True)
            self.explanation.setText(
                self.explanation.text() + " Every concern recorded in the dates counts: the "
                "year group, class and pupils chosen above do not apply here."
            )
            self.dates_row.hide()
            layout.setContentsMargins(4, 8, 4, 4)
            layout.addWidget(self.dates_row)
            layout.addWidget(self.status)
            layout.addWidget(self.table)
            layout.addWidget(self.explanation)
            layout.addStretch(1)
        else:
            layout.addWidget(self.dates_row)
            layout.addWidget(self.table)
            layout.addWidget(self.status)
            layout.addWidget(self.explanation)

    def show_range(self, first: date, last: date) -> None:
        """The figures for these dates (the Reports page's)."""
        self.first_day.setDate(QDate(first.year, first.month, first.day))
        self.last_day.setDate(QDate(last.year, last.month, last.day))
        self.refresh()

    def refresh(self) -> None:
        first = date.fromisoformat(self.first_day.date().toString(Qt.DateFormat.ISODate))
        last = date.fromisoformat(self.last_day.date().toString(Qt.DateFormat.ISODate))
        if last < first:
            self.status.setText("To is before From: choose a last day on or after the first.")
            return
        self.show_button.setEnabled(False)
        tasks.run(queue.figures, self.session, first, last).on_success(self._show).on_error(
            self._failed
        )

    def _failed(self, exc: BaseException) -> None:
        self.show_button.setEnabled(True)
        self.status.setText(user_message(exc))

    def _show(self, rows: list[UrgencyFigures]) -> None:
        self.show_button.setEnabled(True)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            share = (
                "—"
                if row.share_in_target is None
                else f"{row.share_in_target:.0%} ({row.acknowledged_in_target} of "
                f"{row.acknowledged + row.waiting_overdue})"
            )
            cells = (
                row.urgency.label,
                str(row.recorded),
                share,
                span_words(row.median_to_acknowledge),
                span_words(row.median_to_first_action),
                str(row.waiting_overdue),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(index, column, item)
        total = sum(r.recorded for r in rows)
        self.status.setText(f"{counted(total, 'concern')} recorded in these dates.")
