"""Choosing pupils by typing: name, preferred name, UPN or class; the arrow keys move the
highlight in the matches, Enter adds the highlighted one."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.entries import PupilRole
from safedesk.domain.formatting import counted, date_text
from safedesk.domain.people import Pupil
from safedesk.ui.pupil_model import NAME, PUPIL_ROLE, PupilFilter, PupilTableModel

MATCHES_SHOWN = 6
_STEPS = {
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_PageDown: MATCHES_SHOWN,
    Qt.Key.Key_PageUp: -MATCHES_SHOWN,
}


def class_text(pupil: Pupil) -> str:
    """ "Year 3, Oak" (or whichever of the two the school's list gives)."""
    d = pupil.details
    year = f"Year {d.year_group}" if d.year_group and d.year_group != "R" else d.year_group
    if d.year_group == "R":
        year = "Reception"
    return ", ".join(part for part in (year, d.class_name) if part)


def match_text(pupil: Pupil) -> str:
    """A match as the list shows it: enough to tell two children of the same name apart."""
    d = pupil.details
    about = [class_text(pupil), f"born {date_text(d.date_of_birth)}"]
    return f"{d.legal_surname}, {d.known_as}  —  " + "  ·  ".join(p for p in about if p)


class _MatchText(QStyledItemDelegate):
    """Draws each match as name, year and class, date of birth. (A delegate, not a proxy
    model: a Python override of a proxy's data() broke PySide's reference counts.)"""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        pupil = index.data(PUPIL_ROLE)
        if isinstance(pupil, Pupil):
            option.text = match_text(pupil)


class _SearchBox(QLineEdit):
    """Up and down (and page up and down) move the highlight in the matches; the typing
    stays here."""

    step = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = _STEPS.get(Qt.Key(event.key()))
        if step is not None:
            self.step.emit(step)
            return
        super().keyPressEvent(event)


class _ChosenTable(QTableWidget):
    """The chosen pupils: Tab, Shift+Tab, Ctrl+Tab and Ctrl+Shift+Tab all leave the table
    (it used to go round its own cells for ever; arrow keys move between rows)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            backwards = event.key() == Qt.Key.Key_Backtab or bool(
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            if backwards:
                self.focusPreviousChild()
            else:
                self.focusNextChild()
            event.accept()
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
        self.search.setPlaceholderText("Type a name, UPN or class; arrows to choose, then Enter")
        self.search.setAccessibleName("Find a pupil")
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._add_highlighted)
        self.search.step.connect(self._move_highlight)
        self.shown_matches = self.proxy
        self.matches = QListView()
        self.matches.setModel(self.proxy)
        self.matches.setItemDelegate(_MatchText(self.matches))
        self.matches.setModelColumn(NAME)
        self.matches.setAccessibleName("Matching pupils")
        self.matches.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matches.setMaximumHeight(MATCHES_SHOWN * 24)
        self.matches.activated.connect(self._add_index)
        self.matches.hide()

        self.chosen = _ChosenTable(0, 3 if with_roles else 2)
        headers = ["Pupil", "Year / class"] + (["Part they played"] if with_roles else [])
        self.chosen.setHorizontalHeaderLabels(headers)
        self.chosen.verticalHeader().hide()
        self.chosen.horizontalHeader().setStretchLastSection(True)
        self.chosen.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.chosen.setAccessibleName("Chosen pupils")
        # Tab leaves the table for the next field (it used to go round its cells for ever).
        self.chosen.setTabKeyNavigation(False)
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

    def names(self) -> list[str]:
        return [p.display_name for p in self._picked]

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
            self.matches.setCurrentIndex(self.shown_matches.index(0, NAME))

    def _move_highlight(self, step: int) -> None:
        rows = self.shown_matches.rowCount()
        if not self.matches.isVisible() or not rows:
            return
        now = self.matches.currentIndex()
        row = min(max((now.row() if now.isValid() else -1) + step, 0), rows - 1)
        self.matches.setCurrentIndex(self.shown_matches.index(row, NAME))

    def highlighted(self) -> Pupil | None:
        """The match Enter would add."""
        index = self.matches.currentIndex()
        if not self.search.text().strip() or not index.isValid():
            return None
        pupil = self.shown_matches.data(index, PUPIL_ROLE)
        return pupil if isinstance(pupil, Pupil) else None

    def _add_highlighted(self) -> None:
        if self.search.text().strip() and self.shown_matches.rowCount():
            index = self.matches.currentIndex()
            self._add_index(index if index.isValid() else self.shown_matches.index(0, NAME))

    def _add_index(self, index: QModelIndex | QPersistentModelIndex) -> None:
        pupil = self.shown_matches.data(index, PUPIL_ROLE)
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
        self.chosen.setItem(row, 1, QTableWidgetItem(class_text(pupil)))
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
        self._order_tabs()
        self._refresh()

    def _order_tabs(self) -> None:
        """Tab goes search box, chosen pupils, each part played, Remove, then on."""
        chain: list[QWidget] = [self.search, self.chosen]
        for row in range(self.chosen.rowCount()):
            combo = self.chosen.cellWidget(row, 2)
            if combo is not None:
                chain.append(combo)
        chain.append(self.remove)
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

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
        # As tall as its rows (up to five or so), not an empty box under one pupil.
        rows = sum(self.chosen.rowHeight(r) for r in range(self.chosen.rowCount()))
        header = self.chosen.horizontalHeader().sizeHint().height()
        self.chosen.setFixedHeight(min(header + rows + 2 * self.chosen.frameWidth() + 2, 180))
        self.chosen.setVisible(has)
        self.remove.setVisible(has)
        if self.multiple:
            self.hint.setText(
                f"{counted(len(self._picked), 'pupil')} chosen. Add more by typing again."
                if has
                else ""
            )
            self.hint.setVisible(has)
        self.changed.emit()
