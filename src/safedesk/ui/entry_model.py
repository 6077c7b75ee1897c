"""Records as a table: for My records, and for a pupil's page."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from safedesk.domain import local_time
from safedesk.domain.entries import StoredEntry
from safedesk.ui.rows_model import Index, RowsModel

REF, WHEN, KIND, PUPILS, STATUS, NOTE = range(6)
HEADERS = ("Reference", "When it happened", "Kind", "Pupils", "Status", "Outcome / notes")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 2


class EntryTableModel(RowsModel):
    headers = HEADERS

    def set_entries(self, entries: list[StoredEntry]) -> None:
        self.set_rows(entries)

    def entry(self, row: int) -> StoredEntry:
        found: StoredEntry = self._rows[row]
        return found

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.row_of(index)
        if entry is None:
            return None
        if role == ENTRY_ROLE:
            return entry
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            notes = entry.outcome or ""
            if entry.amendments:
                notes = f"{notes} ({len(entry.amendments)} amendment(s))".strip()
            return (
                entry.ref,
                local_time.shown(entry.occurred_at),
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
