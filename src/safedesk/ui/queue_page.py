"""The DSL's queue: what is waiting and what is late, most urgent first, refreshed each minute.

A case opens in the case view; an access request opens the grant in person, an alarm its
"dealt with" note (neither is a case).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import rich, time_text
from safedesk.domain.people import RoleRequest
from safedesk.domain.queue import ItemKind, QueueItem
from safedesk.domain.time_to_action import Timeliness
from safedesk.services import membership, queue, users
from safedesk.services.queue import Queue
from safedesk.services.session import Session
from safedesk.ui import msgbox, tasks
from safedesk.ui.alarm_dialog import AlarmDialog
from safedesk.ui.errors import user_message
from safedesk.ui.grant_dialog import GrantDialog, request_for
from safedesk.ui.item_roles import OBJECT_ROLE
from safedesk.ui.queue_alerts import QueueNotifier
from safedesk.ui.queue_model import (
    PUPILS,
    REF,
    STATUS,
    TIME_LEFT,
    URGENCY,
    WAITING,
    WHAT,
    QueueFilter,
    QueueModel,
)
from safedesk.ui.reloader import Reloader
from safedesk.ui.tasks import Task

SHOWING = {
    "Everything waiting": None,
    "Overdue and due soon": frozenset({Timeliness.OVERDUE, Timeliness.DUE_SOON}),
    "Overdue only": frozenset({Timeliness.OVERDUE}),
}


@dataclass(frozen=True)
class Loaded:
    """The queue, and what it takes to name people in it by their full names."""

    queue: Queue
    names: dict[str, str] = field(default_factory=dict)  # username -> full name
    requests: list[RoleRequest] = field(default_factory=list)


def load(session: Session) -> Loaded:
    """The queue; with access requests waiting, the requests and people's names too."""
    found = queue.load_queue(session)
    if not any(item.kind is ItemKind.REQUEST for item in found.items):
        return Loaded(found)
    names = {user.username: user.display_name for user in users.list_users(session)}
    return Loaded(found, names, membership.requests(session))


def counts_text(loaded: Queue) -> str:
    if not loaded.items:
        return "Nothing is waiting. Every concern has been acted on."
    overdue, soon = loaded.count("overdue"), loaded.count("due_soon")
    parts = [f"<b>{len(loaded.items)}</b> waiting"]
    parts.append(f"<b style='color:#b42318'>{overdue} overdue</b>" if overdue else "none overdue")
    parts.append(f"<b style='color:#8a5a00'>{soon} due soon</b>" if soon else "none due soon")
    checked = time_text(loaded.at)
    return " · ".join(parts) + f" <span style='color:#52606d'>(checked at {checked})</span>"


class QueuePage(QWidget):
    case_opened = Signal(str)
    review_opened = Signal(str)  # a behaviour record's reference, to review and sign off
    training_opened = Signal()  # training falling due: the Training page's due view
    pupil_opened = Signal(str)  # a pupil's UPN: a risk assessment due for review or missing
    notification_requested = Signal()

    def __init__(self, session: Session, notifier: QueueNotifier) -> None:
        super().__init__()
        self.session = session
        self.notifier = notifier
        title = QLabel("Queue")
        title.setObjectName("Title")
        self.counts = QLabel("Loading the queue…")
        self.counts.setTextFormat(Qt.TextFormat.RichText)
        self.counts.setWordWrap(True)  # a long reason must not widen the window
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by pupil, UPN, reference or words")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter the queue")
        self.showing = QComboBox()
        self.showing.addItems(list(SHOWING))
        self.showing.setAccessibleName("Show")
        notification = QPushButton("Record a &police notification…")
        notification.clicked.connect(self.notification_requested)
        refresh = QPushButton("Re&fresh")
        refresh.setToolTip("F5")
        refresh.clicked.connect(self.refresh)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.refresh)
        controls = QHBoxLayout()
        controls.addWidget(self.filter, 1)
        controls.addWidget(self.showing)
        controls.addWidget(refresh)
        controls.addWidget(notification)

        self.model = QueueModel()
        self.proxy = QueueFilter()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap)
        self.table.setAccessibleName("Queue items")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # What is due wraps onto a second line rather than being cut off ("Referral to Chil…").
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the queue's own order first
        self.table.setSortingEnabled(True)
        # The short columns are sized to what they say (not to their longest cell, which left
        # What about 30 px on a laptop at 125 %); What takes the rest and wraps.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(WHAT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._size_columns()
        self.table.activated.connect(self._open)  # Enter or double-click
        hint = QLabel("Enter or double-click opens an item. Amber: due soon. Red: overdue.")
        hint.setObjectName("Subtitle")
        self.notice = QLabel()
        self.notice.setObjectName("Note")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()
        self.dialog: GrantDialog | AlarmDialog | None = None
        self.names: dict[str, str] = {}  # username -> full name, as last loaded
        self.filter.textChanged.connect(self.proxy.set_text)
        self.showing.currentTextChanged.connect(lambda t: self.proxy.set_statuses(SHOWING[t]))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(title)
        layout.addWidget(self.counts)
        layout.addWidget(self.notice)
        layout.addLayout(controls)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)

        self.reloader = Reloader(self, self._begin_load, lambda: not self.session.locked)

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        samples = {
            PUPILS: "Siobhán O'Connor",  # longer names wrap
            URGENCY: "Immediate",
            WAITING: "10 days",
            TIME_LEFT: "9 days 23 h",
            STATUS: "Overdue",  # "escalated" wraps beneath
            REF: "C-2026-0000",
        }
        for column, sample in samples.items():
            heading = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            wanted = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(heading))
            self.table.horizontalHeader().resizeSection(column, wanted + 18)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the person's text size changed
            self._size_columns()

    def start(self) -> None:
        """Load now, then every minute while the app is open (even minimised)."""
        self.reloader.start()

    def stop(self) -> None:
        self.reloader.stop()

    def refresh(self) -> None:
        self.reloader.refresh()

    @property
    def _loading(self) -> bool:
        return self.reloader.loading

    def _begin_load(self) -> Task:
        return tasks.run(load, self.session).on_success(self._loaded).on_error(self._failed)

    def _loaded(self, loaded: Loaded) -> None:
        chosen = self.selected_key()
        self.names = loaded.names
        self.model.set_queue(loaded.queue, loaded.names, loaded.requests)
        self.counts.setText(counts_text(loaded.queue))
        self.notifier.update(loaded.queue)
        if chosen is not None:
            self.select_key(chosen)

    def _failed(self, exc: BaseException) -> None:
        self.counts.setText("The queue could not be loaded: " + rich(user_message(exc)))

    def selected_key(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return str(rows[0].data(OBJECT_ROLE).key)

    def select_key(self, key: str) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(OBJECT_ROLE).key == key:
                self.table.selectRow(row)
                return

    def _open(self, index: QModelIndex) -> None:
        item = index.siblingAtColumn(0).data(OBJECT_ROLE)
        if item is None:
            return
        self.notice.hide()
        if item.kind is ItemKind.REQUEST:
            self.open_request(item)
        elif item.kind is ItemKind.ALARM:
            self.open_alarm(item)
        elif item.kind is ItemKind.BEHAVIOUR_REVIEW:
            self.review_opened.emit(item.case_ref)
        elif item.kind is ItemKind.TRAINING_DUE:  # training: no case to open
            self.training_opened.emit()
        elif item.kind in (ItemKind.RISK_REVIEW, ItemKind.RISK_MISSING) and item.pupils:
            self.pupil_opened.emit(item.pupils[0][0])
        else:
            self.case_opened.emit(item.case_ref)

    def open_request(self, item: QueueItem) -> None:
        try:
            request = request_for(item, membership.requests(self.session))
        except Exception as exc:
            msgbox.warning(self, "Cannot open this request", user_message(exc))
            return
        if request is None:
            who = self.names.get(item.case_ref, item.case_ref)
            self._tell(f"{who}'s request has already been dealt with.")
            self.refresh()
            return
        asked_by = self.names.get(request.requested_by, request.requested_by)
        dialog = GrantDialog(self.session, request, self, asked_by=asked_by)
        role, who = request.role.label, request.display_name
        dialog.succeeded.connect(
            lambda _user: self._done_with(
                f"Access granted: {who} now has the {role} role, from their next sign-in."
            )
        )
        self._show_dialog(dialog)

    def open_alarm(self, item: QueueItem) -> None:
        try:
            dialog = AlarmDialog(self.session, item, self)
        except Exception as exc:
            msgbox.warning(self, "Cannot open this alarm", user_message(exc))
            return
        ref = item.case_ref
        dialog.succeeded.connect(lambda _none: self._done_with(f"{ref} marked as dealt with."))
        self._show_dialog(dialog)

    def _show_dialog(self, dialog: GrantDialog | AlarmDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog: GrantDialog | AlarmDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.table.setFocus()

    def _done_with(self, text: str) -> None:
        self._tell(text)
        self.refresh()

    def _tell(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()
