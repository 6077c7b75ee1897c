"""The Pupils page: the school's roll with search-as-you-type."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.people import Pupil
from safedesk.services import pupils
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import OBJECT_ROLE
from safedesk.ui.pupil_model import NAME, PupilFilter, PupilTableModel


class PupilsPage(QWidget):
    pupil_opened = Signal(object)  # Pupil

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.model = PupilTableModel()
        self.proxy = PupilFilter()
        self.proxy.setSourceModel(self.model)
        title = QLabel("Pupils")
        title.setObjectName("Title")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, preferred name, UPN, year or class…")
        self.search.setAccessibleName("Search pupils")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        # From the search box: Enter opens the first match, Down moves into the list.
        self.search.returnPressed.connect(self._open_first)
        self.search.installEventFilter(self)
        self.count = QLabel()
        self.count.setObjectName("Subtitle")
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName("Pupils")
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)

    def load(self) -> None:
        self.count.setText("Loading pupils…")
        tasks.run(pupils.list_pupils, self.session).on_success(self._loaded).on_error(self._failed)

    def _loaded(self, found: list[Pupil]) -> None:
        self.model.set_pupils(found)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self._update_count()

    def _failed(self, exc: BaseException) -> None:
        self.count.setText(user_message(exc))

    def _filter(self, text: str) -> None:
        self.proxy.set_query(text)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(
            f"{total} pupils" if shown == total else f"{shown} of {total} pupils match"
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
            and self.proxy.rowCount()
        ):
            self.table.setFocus()
            self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    def _open_first(self) -> None:
        if self.proxy.rowCount():
            self._open(self.proxy.index(0, 0))

    def _open(self, index: object) -> None:
        pupil = self.proxy.data(index, OBJECT_ROLE)  # type: ignore[arg-type]
        if pupil is not None:
            self.pupil_opened.emit(pupil)
