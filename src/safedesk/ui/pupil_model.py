"""The pupil list as a table model, and the type-ahead filter over it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

from safedesk.domain.formatting import date_text
from safedesk.domain.people import Pupil
from safedesk.domain.pupil_search import matches
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.rows_model import Index, RowsModel

NAME, UPN, DOB, YEAR, CLASS, FLAGS = range(6)
HEADERS = ("Name", "UPN", "Date of birth", "Year", "Class", "Flags")
PUPIL_ROLE = OBJECT_ROLE  # the row's Pupil (the name kept for the pupil picker)


def flags_text(pupil: Pupil) -> str:
    d = pupil.details
    found = [("SEN", bool(d.sen)), ("FSM", d.fsm), ("CLA", d.cla), ("EAL", d.eal)]
    return " ".join(name for name, present in found if present)


class PupilTableModel(RowsModel):
    headers = HEADERS

    def set_pupils(self, pupils: list[Pupil]) -> None:
        self.set_rows(pupils)

    def pupil(self, row: int) -> Pupil:
        found: Pupil = self._rows[row]
        return found

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        pupil = self.row_of(index)
        if pupil is None:
            return None
        d = pupil.details
        column = index.column()
        if role == PUPIL_ROLE:
            return pupil
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"{d.legal_surname}, {d.known_as}",
                d.upn,
                date_text(d.date_of_birth),
                d.year_group or "",
                d.class_name or "",
                flags_text(pupil),
            )[column]
        if role == SORT_ROLE:
            return (
                f"{d.legal_surname.casefold()}\t{d.known_as.casefold()}",
                d.upn,
                d.date_of_birth.isoformat(),
                "0" if d.year_group == "R" else (d.year_group or "").zfill(2),
                (d.class_name or "").casefold(),
                flags_text(pupil),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME and d.preferred_forename:
            return f"Legal name: {d.legal_forename} {d.legal_surname}"
        return None


class PupilFilter(QSortFilterProxyModel):
    """Filters on name, preferred name, UPN, year or class; accent- and case-blind."""

    def __init__(self) -> None:
        super().__init__()
        self._query = ""
        self.setSortRole(SORT_ROLE)

    def set_query(self, query: str) -> None:
        self.beginFilterChange()
        self._query = query
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._query.strip():
            return True
        model = self.sourceModel()
        assert isinstance(model, PupilTableModel)
        return matches(model.pupil(source_row), self._query)
