"""A sortable list of records; activating one asks for it to be opened."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from safedesk.domain.entries import StoredEntry
from safedesk.ui.entry_model import (
    KIND,
    NOTE,
    PUPILS,
    REF,
    STATUS,
    WHEN,
    EntryTableModel,
)
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE


class EntryList(QWidget):
    entry_opened = Signal(object)  # StoredEntry

    def __init__(self, newest_first: bool = True, name: str = "Records") -> None:
        super().__init__()
        self.model = EntryTableModel()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        order = Qt.SortOrder.DescendingOrder if newest_first else Qt.SortOrder.AscendingOrder
        self.table.sortByColumn(WHEN, order)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(name)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(60)
        # Left, as the cells are: a heading cut short in a narrow window reads from its start.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Reference, when, kind and status are short and must be read whole; the pupils and
        # the notes share what is left (elided, the whole text in the cell's tooltip).
        for column in (REF, WHEN, KIND, STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PUPILS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def set_entries(self, entries: list[StoredEntry]) -> None:
        self.model.set_entries(entries)

    def _open(self, index: QModelIndex) -> None:
        entry = self.proxy.data(index, OBJECT_ROLE)
        if entry is not None:
            self.entry_opened.emit(entry)
