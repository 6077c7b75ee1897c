"""Records as a table: for My records, and for a pupil's page."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from safedesk.domain.entries import StoredEntry

REF, WHEN, KIND, PUPILS, STATUS, NOTE = range(6)
HEADERS = ("Reference", "When it happened", "Kind", "Pupils", "Status", "Outcome / notes")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class EntryTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._entries: list[StoredEntry] = []

    def set_entries(self, entries: list[StoredEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> StoredEntry:
        return self._entries[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's idiom
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == ENTRY_ROLE:
            return entry
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            notes = entry.outcome or ""
            if entry.amendments:
                notes = f"{notes} ({len(entry.amendments)} amendment(s))".strip()
            return (
                entry.ref,
                entry.occurred_at.astimezone().strftime("%d/%m/%Y %H:%M"),
                entry.kind.label,
                ", ".join(p.name for p in entry.pupils),
                entry.status.label,
                notes,
            )[column]
        if role == SORT_ROLE:
            return (
                entry.ref,
                entry.occurred_at.isoformat(),
                entry.kind.value,
                ", ".join(p.name for p in entry.pupils).casefold(),
                entry.status.value,
                entry.outcome or "",
            )[column]
        return None
