"""Further holds on a physical intervention: a row per hold (which hold, how many minutes),
added and removed with the keyboard, and the total minutes of them all."""

from __future__ import annotations

import itertools
import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import minutes_text
from safedesk.domain.holds import MAX_HOLDS, MAX_MINUTES

NO_MINUTES = "—"  # the minutes box shows this until a number is typed


class HoldRow(QWidget):
    """One hold and its minutes, with a button that takes the row away."""

    changed = Signal()
    remove = Signal(object)  # this row

    def __init__(self, number: int, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.hold = QComboBox()
        self.hold.addItem("— choose the hold —", "")
        for value, label in choices:
            self.hold.addItem(label, value)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, MAX_MINUTES)
        self.minutes.setSpecialValueText(NO_MINUTES)  # 0: nothing typed yet
        self.minutes.setSuffix(" min")
        self.minutes.setFixedWidth(100)
        self.remove_button = QPushButton("Remove")
        self.number(number)
        self.hold.currentIndexChanged.connect(self.changed)
        self.minutes.valueChanged.connect(self.changed)
        self.remove_button.clicked.connect(lambda: self.remove.emit(self))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.hold, 1)
        row.addWidget(self.minutes)
        row.addWidget(self.remove_button)
        # No focus proxy: a row joins the window's focus chain at its end, and Tab onto a row
        # with a proxy sent the focus from "Submit record" back up to the row's hold.

    def number(self, number: int) -> None:
        self.hold.setAccessibleName(f"Other hold {number}")
        self.minutes.setAccessibleName(f"Other hold {number}: minutes")
        self.remove_button.setAccessibleName(f"Remove other hold {number}")

    def is_empty(self) -> bool:
        return not self.hold.currentData() and self.minutes.value() == 0


class HoldsEditor(QWidget):
    """The list of further holds; ``value()`` is the JSON contract's list."""

    changed = Signal()
    rows_changed = Signal()  # a row added or taken away: the form orders its tabs again

    def __init__(self, label: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.label = label
        self.choices = choices
        self.rows: list[HoldRow] = []
        self.add_button = QPushButton("Add a hold")
        self.add_button.setAccessibleName(f"{label}: add a hold")
        self.add_button.clicked.connect(self.add_row)
        self.total = QLabel()
        self.total.setObjectName("Subtitle")
        self.total.setAccessibleName(f"{label}: total minutes")
        # The main hold's minutes: the intervention's length less these (the form says it).
        self.main = QLabel()
        self.main.setObjectName("Subtitle")
        self.main.setAccessibleName(f"{label}: the main hold's minutes")
        self.main.hide()
        self.rows_box = QVBoxLayout()
        self.rows_box.setContentsMargins(0, 0, 0, 0)
        self.rows_box.setSpacing(4)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.add_button)
        bottom.addWidget(self.total, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self.rows_box)
        layout.addWidget(self.main)
        layout.addLayout(bottom)
        self.setFocusProxy(self.add_button)
        self._show_total()

    def add_row(self) -> HoldRow | None:
        if len(self.rows) >= MAX_HOLDS:
            return None
        row = HoldRow(len(self.rows) + 1, self.choices)
        row.changed.connect(self._changed)
        row.remove.connect(self.remove_row)
        self.rows.append(row)
        self.rows_box.addWidget(row)
        row.show()  # at once: a child added to a shown widget is otherwise shown only later
        self._order_tabs()
        self.rows_changed.emit()
        row.hold.setFocus()
        self._changed()
        return row

    def remove_row(self, row: HoldRow) -> None:
        at = self.rows.index(row)
        self.rows.remove(row)
        self.rows_box.removeWidget(row)
        row.hide()
        row.deleteLater()
        for number, other in enumerate(self.rows, start=1):
            other.number(number)
        self._order_tabs()
        self.rows_changed.emit()
        # The focus stays in the list: on the row that took its place, else on Add.
        following = self.rows[min(at, len(self.rows) - 1)] if self.rows else None
        (following.hold if following else self.add_button).setFocus()
        self._changed()

    def tab_widgets(self) -> list[QWidget]:
        """What Tab reaches in the list, in order: each row's hold, minutes and Remove, then
        Add a hold."""
        widgets: list[QWidget] = []
        for row in self.rows:
            widgets += [row.hold, row.minutes, row.remove_button]
        widgets.append(self.add_button)
        return widgets

    def _order_tabs(self) -> None:
        # A new row's boxes join the window's focus chain at its end; they are put back
        # between the box before the list and "Add a hold" (and the form orders its whole
        # chain again on rows_changed).
        widgets = self.tab_widgets()
        for first, second in itertools.pairwise(widgets):
            QWidget.setTabOrder(first, second)

    def show_main(self, text: str) -> None:
        """Says the main hold's minutes under the rows ("" hides the line)."""
        if self.main.text() != text:
            self.main.setText(text)
        if self.main.isHidden() == bool(text):
            self.main.setVisible(bool(text))

    def _changed(self) -> None:
        self._show_total()
        self.changed.emit()

    def total_minutes(self) -> int:
        return sum(row.minutes.value() for row in self.rows)

    def _show_total(self) -> None:
        total = self.total_minutes()
        self.total.setText(f"Other holds: {minutes_text(total)} in all" if total else "")

    def value(self) -> list[dict[str, Any]] | None:
        """The holds as the service takes them (rows left wholly empty are not counted)."""
        found = [
            {"hold": row.hold.currentData() or "", "minutes": row.minutes.value()}
            for row in self.rows
            if not row.is_empty()
        ]
        return found or None

    def problem(self) -> str | None:
        """What is missing, in words: a hold without its minutes, minutes without a hold."""
        filled = [row for row in self.rows if not row.is_empty()]
        for number, row in enumerate(filled, start=1):
            if not row.hold.currentData():
                return f"needs the hold chosen for other hold {number}"
            if row.minutes.value() == 0:
                return f"needs the minutes of other hold {number} ({row.hold.currentText()})"
        return None

    def set_value(self, value: Any) -> None:
        """Holds from a list (a draft) or the stored JSON text; None empties it."""
        for row in list(self.rows):
            self.rows_box.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.rows.clear()
        items = value
        if isinstance(value, str):
            try:
                items = json.loads(value) if value.strip() else []
            except ValueError:
                items = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            row = HoldRow(len(self.rows) + 1, self.choices)
            row.hold.setCurrentIndex(max(0, row.hold.findData(item.get("hold", ""))))
            minutes = item.get("minutes")
            row.minutes.setValue(minutes if isinstance(minutes, int) else 0)
            row.changed.connect(self._changed)
            row.remove.connect(self.remove_row)
            self.rows.append(row)
            self.rows_box.addWidget(row)
            row.show()
        self._order_tabs()
        self.rows_changed.emit()
        self._show_total()
        self.changed.emit()
