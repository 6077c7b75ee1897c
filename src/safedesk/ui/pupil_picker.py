"""Choosing pupils by typing: name, preferred name, UPN or class; Enter adds the top match."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.entries import PupilRole
from safedesk.domain.people import Pupil
from safedesk.ui.pupil_model import NAME, PUPIL_ROLE, PupilFilter, PupilTableModel

MATCHES_SHOWN = 6


class _SearchBox(QLineEdit):
    """Down arrow moves into the matches; Enter picks the first."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class PupilPicker(QWidget):
    changed = Signal()

    def __init__(self, pupils: list[Pupil], *, multiple: bool, with_roles: bool) -> None:
        super().__init__()
        self.multiple = multiple
        self.with_roles = with_roles
        self.model = PupilTableModel()
        self.model.set_pupils(pupils)
        self.proxy = PupilFilter()
        self.proxy.setSourceModel(self.model)
        self.proxy.sort(NAME)

        self.search = _SearchBox()
        self.search.setPlaceholderText("Type a name, UPN or class, then press Enter")
        self.search.setAccessibleName("Find a pupil")
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._add_first)
        self.search.down.connect(self._focus_matches)
        self.matches = QListView()
        self.matches.setModel(self.proxy)
        self.matches.setModelColumn(NAME)
        self.matches.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matches.setMaximumHeight(MATCHES_SHOWN * 24)
        self.matches.activated.connect(self._add_index)
        self.matches.hide()

        self.chosen = QTableWidget(0, 3 if with_roles else 2)
        headers = ["Pupil", "Year / class"] + (["Part they played"] if with_roles else [])
        self.chosen.setHorizontalHeaderLabels(headers)
        self.chosen.verticalHeader().hide()
        self.chosen.horizontalHeader().setStretchLastSection(True)
        self.chosen.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.chosen.setMaximumHeight(140)
        self.chosen.hide()
        self.remove = QPushButton("Remove pupil")
        self.remove.clicked.connect(self._remove_selected)
        self.remove.hide()
        self._picked: list[Pupil] = []
        self.hint = QLabel("")
        self.hint.setObjectName("Subtitle")
        self.hint.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.matches)
        row = QHBoxLayout()
        row.addWidget(self.chosen, 1)
        row.addWidget(self.remove, alignment=Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.search)

    # --- what the form reads -----------------------------------------------------------

    def upns(self) -> list[str]:
        return [p.upn for p in self._picked]

    def roles(self) -> list[str]:
        found = []
        for row in range(self.chosen.rowCount()):
            combo = self.chosen.cellWidget(row, 2)
            found.append(combo.currentData() if isinstance(combo, QComboBox) else "")
        return found

    def set_chosen(self, upns: list[str], roles: list[str] | None = None) -> None:
        self.clear()
        by_upn = {
            self.model.pupil(r).upn: self.model.pupil(r) for r in range(self.model.rowCount())
        }
        for index, upn in enumerate(upns):
            if upn in by_upn:
                self.add(by_upn[upn], (roles or [])[index] if roles and index < len(roles) else "")

    def clear(self) -> None:
        self._picked.clear()
        self.chosen.setRowCount(0)
        self._refresh()

    # --- behaviour -----------------------------------------------------------------------

    def _filter(self, text: str) -> None:
        self.proxy.set_query(text)
        self.matches.setVisible(bool(text.strip()) and self.proxy.rowCount() > 0)
        if self.proxy.rowCount():
            self.matches.setCurrentIndex(self.proxy.index(0, NAME))

    def _focus_matches(self) -> None:
        if self.matches.isVisible():
            self.matches.setFocus()

    def _add_first(self) -> None:
        if self.search.text().strip() and self.proxy.rowCount():
            self._add_index(self.proxy.index(0, NAME))

    def _add_index(self, index: QModelIndex) -> None:
        pupil = self.proxy.data(index, PUPIL_ROLE)
        if isinstance(pupil, Pupil):
            self.add(pupil)
            self.search.clear()
            self.search.setFocus()

    def add(self, pupil: Pupil, role: str = "") -> None:
        if pupil.upn in self.upns():
            return
        if not self.multiple:
            self.clear()
        self._picked.append(pupil)
        row = self.chosen.rowCount()
        self.chosen.insertRow(row)
        self.chosen.setItem(row, 0, QTableWidgetItem(f"{pupil.display_name} ({pupil.upn})"))
        d = pupil.details
        self.chosen.setItem(row, 1, QTableWidgetItem(f"{d.year_group or ''} {d.class_name or ''}"))
        if self.with_roles:
            combo = QComboBox()
            combo.addItem("— choose —", "")
            for part in PupilRole:
                combo.addItem(part.value.capitalize(), part.value)
            combo.setCurrentIndex(max(0, combo.findData(role)))
            combo.setAccessibleName(f"Part {pupil.display_name} played")
            combo.currentIndexChanged.connect(self.changed)
            self.chosen.setCellWidget(row, 2, combo)
        self.chosen.resizeColumnToContents(0)
        self._refresh()

    def _remove_selected(self) -> None:
        row = self.chosen.currentRow()
        if row < 0:
            row = self.chosen.rowCount() - 1
        if row >= 0:
            self._picked.pop(row)
            self.chosen.removeRow(row)
            self._refresh()

    def _refresh(self) -> None:
        has = bool(self._picked)
        self.chosen.setVisible(has)
        self.remove.setVisible(has)
        if self.multiple:
            self.hint.setText(
                f"{len(self._picked)} pupil(s) chosen. Add more by typing again." if has else ""
            )
            self.hint.setVisible(has)
        self.changed.emit()
