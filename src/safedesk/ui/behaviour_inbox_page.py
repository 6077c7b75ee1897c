"""The behaviour lead's inbox: incidents and interventions waiting for a leader's review, most
serious first, amber when due soon and red when overdue; refreshed every minute.

Enter or double-click opens the record with its review form (ui/review_dialog.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.behaviour_review import ReviewItem
from safedesk.domain.formatting import counted, moment_text, rich, time_text
from safedesk.domain.pupil_search import fold
from safedesk.domain.queue import age
from safedesk.domain.time_to_action import Timeliness
from safedesk.services import behaviour_review
from safedesk.services.behaviour_review import ForReview, Inbox
from safedesk.services.session import Session
from safedesk.ui import msgbox, tasks
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import FILTER_ROLE, OBJECT_ROLE, REF_ROLE, SORT_ROLE
from safedesk.ui.reloader import Reloader
from safedesk.ui.review_dialog import ReviewDialog
from safedesk.ui.rows_model import Index, RowsModel
from safedesk.ui.tasks import Task

PUPILS, WHAT, RECORDED_BY, WAITING, TIME_LEFT, STATUS, REF = range(7)
HEADERS = ("Pupil", "What", "Recorded by", "Waiting", "Time left", "Status", "Reference")
STATUS_WORDS = {
    Timeliness.ON_TIME: "On time",
    Timeliness.DUE_SOON: "Due soon",
    Timeliness.OVERDUE: "Overdue",
}
STATUS_RANK = {Timeliness.OVERDUE: 0, Timeliness.DUE_SOON: 1, Timeliness.ON_TIME: 2}
# The queue's soft fills: dark text stays readable; the Status column says it in words too.
FILLS = {Timeliness.DUE_SOON: QColor("#fde7b0"), Timeliness.OVERDUE: QColor("#f8c9c4")}


def status_words(item: ReviewItem, at: datetime) -> str:
    if item.review is not None:
        return f"Reviewed by {item.review.author_name}"
    return STATUS_WORDS[item.status(at)]


def counts_text(inbox: Inbox) -> str:
    waiting = inbox.waiting
    checked = time_text(inbox.at)
    if not waiting:
        return (
            "Nothing is waiting for review. "
            f"<span style='color:#52606d'>(checked at {checked})</span>"
        )
    overdue, soon = inbox.count("overdue"), inbox.count("due_soon")
    parts = [f"<b>{counted(len(waiting), 'record')}</b> waiting for review"]
    parts.append(f"<b style='color:#b42318'>{overdue} overdue</b>" if overdue else "none overdue")
    parts.append(f"<b style='color:#8a5a00'>{soon} due soon</b>" if soon else "none due soon")
    return " · ".join(parts) + f" <span style='color:#52606d'>(checked at {checked})</span>"


class InboxModel(RowsModel):
    """One row per record; evaluated at the inbox's own moment."""

    headers = HEADERS

    def __init__(self) -> None:
        super().__init__()
        self._at: datetime | None = None

    def set_inbox(self, inbox: Inbox) -> None:
        self._at = inbox.at
        self.set_rows(inbox.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item, at = self.row_of(index), self._at
        if item is None or at is None:
            return None
        assert isinstance(item, ReviewItem)
        if role == OBJECT_ROLE:
            return item
        if role == REF_ROLE:
            return item.ref
        if role == SORT_ROLE:
            return (
                ", ".join(name for _, name in item.pupils).casefold(),
                (item.rank, item.what.casefold()),
                item.recorded_by.casefold(),
                -item.recorded_at.timestamp(),  # longest waiting first
                item.due_at.timestamp(),
                (item.reviewed, STATUS_RANK[item.status(at)]),
                item.ref,
            )[index.column()]
        if role == FILTER_ROLE:
            names = " ".join(f"{upn} {name}" for upn, name in item.pupils)
            return fold(f"{names} {item.what} {item.recorded_by} {item.ref}")
        if role == Qt.ItemDataRole.BackgroundRole:
            fill = None if item.reviewed else FILLS.get(item.status(at))
            return QBrush(fill) if fill is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            recorded, due = moment_text(item.recorded_at), moment_text(item.due_at)
            return f"{item.what}\nRecorded {recorded}; review due {due}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            ", ".join(name for _, name in item.pupils) or "—",
            item.what,
            item.recorded_by,
            age(item.recorded_at, at),
            "—" if item.reviewed else item.time_left(at),
            status_words(item, at),
            item.ref,
        )[index.column()]


class InboxFilter(QSortFilterProxyModel):
    """Words typed in the filter box match pupil, UPN, what, who recorded it, or reference."""

    def __init__(self) -> None:
        super().__init__()
        self._words: list[str] = []
        self.setSortRole(SORT_ROLE)  # unsorted (column -1): the inbox's own order

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        haystack = str(model.data(model.index(source_row, 0, source_parent), FILTER_ROLE) or "")
        return all(word in haystack for word in self._words)


class BehaviourInboxPage(QWidget):
    """Emits ``reviewed(ref)`` once a review is saved (the head's queue refreshes on it)."""

    reviewed = Signal(str)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        title = QLabel("Behaviour")
        title.setObjectName("Title")
        explanation = QLabel(
            "Behaviour incidents and physical interventions waiting for a leader's review, "
            "most serious first: interventions, then incidents by severity, then the oldest."
        )
        explanation.setObjectName("Subtitle")
        explanation.setWordWrap(True)
        self.counts = QLabel("Loading…")
        self.counts.setTextFormat(Qt.TextFormat.RichText)
        self.counts.setWordWrap(True)
        self.alarms = QLabel()
        self.alarms.setObjectName("Note")
        self.alarms.setWordWrap(True)
        self.alarms.setTextFormat(Qt.TextFormat.RichText)
        self.alarms.hide()
        self.notice = QLabel()
        self.notice.setObjectName("Note")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by pupil, UPN, reference or words")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter the behaviour records")
        self.show_reviewed = QCheckBox("Show re&viewed")
        self.show_reviewed.toggled.connect(lambda _on: self.refresh())
        refresh = QPushButton("Re&fresh")
        refresh.setToolTip("F5")
        refresh.clicked.connect(self.refresh)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.refresh)
        controls = QHBoxLayout()
        controls.addWidget(self.filter, 1)
        controls.addWidget(self.show_reviewed)
        controls.addWidget(refresh)

        self.model = InboxModel()
        self.proxy = InboxFilter()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Behaviour records waiting for review")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab moves on, out of the table
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHAT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PUPILS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(PUPILS, 170)
        self.table.activated.connect(self._activated)  # Enter or double-click
        self.filter.textChanged.connect(self.proxy.set_text)
        hint = QLabel(
            "Enter or double-click opens a record to review. Amber: due soon. Red: overdue."
        )
        hint.setObjectName("Subtitle")
        hint.setWordWrap(True)
        self.dialog: ReviewDialog | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(title)
        layout.addWidget(explanation)
        layout.addWidget(self.counts)
        layout.addWidget(self.alarms)
        layout.addWidget(self.notice)
        layout.addLayout(controls)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)

        self.reloader = Reloader(self, self._begin_load, lambda: not self.session.locked)

    def start(self) -> None:
        """Load now, then every minute while the app is open (even minimised)."""
        self.reloader.start()

    def stop(self) -> None:
        self.reloader.stop()

    def refresh(self) -> None:
        self.reloader.refresh()

    def _begin_load(self) -> Task:
        return (
            tasks.run(
                behaviour_review.load_inbox,
                self.session,
                include_reviewed=self.show_reviewed.isChecked(),
            )
            .on_success(self._loaded)
            .on_error(self._failed)
        )

    def _loaded(self, inbox: Inbox) -> None:
        chosen = self.selected_ref()
        self.model.set_inbox(inbox)
        self.counts.setText(counts_text(inbox))
        if inbox.alarms:
            lines = "".join(
                f"<li>{moment_text(a.raised_at)}: {rich(a.detail)}</li>" for a in inbox.alarms
            )
            self.alarms.setText(
                "<b>Something is wrong in the behaviour records</b> (the DSL or the "
                f"headteacher marks each as dealt with in their queue):<ul>{lines}</ul>"
            )
        self.alarms.setVisible(bool(inbox.alarms))
        if chosen is not None:
            self.select_ref(chosen)

    def _failed(self, exc: BaseException) -> None:
        self.counts.setText("The behaviour records could not be loaded: " + rich(user_message(exc)))

    def selected_ref(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return str(rows[0].data(REF_ROLE)) if rows else None

    def select_ref(self, ref: str) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(REF_ROLE) == ref:
                self.table.selectRow(row)
                return

    def _activated(self, index: QModelIndex) -> None:
        ref = index.siblingAtColumn(0).data(REF_ROLE)
        if ref:
            self.open_review(str(ref))

    def open_review(self, ref: str, parent: QWidget | None = None) -> None:
        """Open ``ref`` with its review form (loaded off the UI thread; the viewing audited)."""
        if self.dialog is not None:
            return
        self.notice.hide()
        owner = parent or self
        tasks.run(behaviour_review.open_for_review, self.session, ref).on_success(
            lambda found: self._show_dialog(found, owner)
        ).on_error(lambda exc: msgbox.warning(owner, "Cannot open this record", user_message(exc)))

    def _show_dialog(self, found: ForReview, parent: QWidget) -> None:
        dialog = ReviewDialog(self.session, found, parent)
        ref = found.entry.ref
        dialog.succeeded.connect(lambda _id: self._review_saved(ref))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: ReviewDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.table.setFocus()

    def _review_saved(self, ref: str) -> None:
        self.notice.setText(f"{ref} reviewed and signed off.")
        self.notice.show()
        self.refresh()
        self.reviewed.emit(ref)
