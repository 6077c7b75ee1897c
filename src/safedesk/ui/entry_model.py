"""Records as a table: for My records, and for a pupil's page."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from safedesk.domain.entries import StoredEntry
from safedesk.domain.formatting import counted, moment_text
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.rows_model import Index, RowsModel

REF, WHEN, KIND, PUPILS, STATUS, NOTE = range(6)
# "When", not "When it happened": the heading, not the dates, set that column's width.
HEADERS = ("Reference", "When", "Kind", "Pupils", "Status", "Outcome / notes")
ENTRY_ROLE = OBJECT_ROLE  # the row's StoredEntry
__all__ = ["ENTRY_ROLE", "SORT_ROLE", "EntryTableModel"]


def notes_text(entry: StoredEntry) -> str:
    """The outcome line shared with the author, and how many times the record was amended."""
    notes = entry.outcome or ""
    if entry.amendments:
        notes = f"{notes} ({counted(len(entry.amendments), 'amendment')})".strip()
    return notes


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
            return (
                entry.ref,
                moment_text(entry.occurred_at),
                entry.kind.label,
                ", ".join(p.name for p in entry.pupils),
                entry.status.label,
                notes_text(entry),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column in (KIND, PUPILS, STATUS, NOTE):
            # A narrow column elides its text: the whole of it on hovering.
            return self.data(index, Qt.ItemDataRole.DisplayRole) or None
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
