"""Admin: the school's lists (locations, holds…) — add, retire and restore values."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from safedesk.services import lists
from safedesk.services.lists import ListValue
from safedesk.services.session import Session
from safedesk.ui import msgbox
from safedesk.ui.errors import user_message

LIST_TITLES = {
    "categories": "Concern categories",
    "locations": "Locations",
    "behaviour_types": "Behaviour types",
    "bullying_types": "Types of bullying",
    "prejudice_types": "Types of prejudice",
    "severities": "Severities",
    "restraint_types": "Types of hold or restraint",
    "triggers": "What set it off (triggers)",
    "intervention_kinds": "Kinds of restrictive intervention",
    "urgencies": "Urgencies",
    "pupil_roles": "Pupils' parts in an incident",
}

_FIXED_WHY = {
    "urgencies": "the DSL queue's time-to-action targets are set per urgency",
    "pupil_roles": "behaviour figures count instigators, targets and witnesses",
}

VALUE_ROLE = Qt.ItemDataRole.UserRole
ACTIVE_ROLE = Qt.ItemDataRole.UserRole + 1


def list_title(name: str) -> str:
    return LIST_TITLES.get(name, name.replace("_", " ").capitalize())


def fixed_reason(name: str) -> str:
    why = _FIXED_WHY.get(name, "safedesk's own rules depend on its values")
    return f"{list_title(name)} is fixed and cannot be changed here: {why}."


class ListsEditor(QGroupBox):
    """Values are never deleted or renamed: records keep the values they were made with."""

    changed = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__("School lists")
        self.session = session
        self._values: dict[str, list[ListValue]] = {}
        self._value_typed = False

        intro = QLabel(
            "These are the choices staff see on the forms. A value that is no longer wanted "
            "is retired: new records cannot use it, records that already do keep it, and it "
            "can be restored."
        )
        intro.setWordWrap(True)
        intro.setObjectName("Subtitle")

        self.list_choice = QComboBox()
        self.list_choice.setAccessibleName("List")
        self.fixed_note = QLabel()
        self.fixed_note.setWordWrap(True)
        self.fixed_note.hide()
        self.values = QListWidget()
        self.values.setAccessibleName("Values")
        self.values.setMinimumHeight(160)

        self.retire_button = QPushButton("&Retire")
        self.retire_button.setToolTip("Stop offering this value on new records")
        self.retire_button.clicked.connect(self.retire)
        self.restore_button = QPushButton("Re&store")
        self.restore_button.setToolTip("Offer this retired value on new records again")
        self.restore_button.clicked.connect(self.restore)
        value_buttons = QHBoxLayout()
        value_buttons.addWidget(self.retire_button)
        value_buttons.addWidget(self.restore_button)
        value_buttons.addStretch(1)

        self.new_label = QLineEdit()
        self.new_label.setPlaceholderText("New value as staff see it, e.g. Library")
        self.new_label.setAccessibleName("New value's label")
        self.new_value = QLineEdit()
        self.new_value.setMaxLength(lists.VALUE_LIMIT)
        # The value's code (what the command line and exports use) is made from the label:
        # staff never need to see or type it here.
        self.new_value.setAccessibleName("New value's code")
        self.new_value.hide()
        self.add_button = QPushButton("&Add value")
        self.new_label.textChanged.connect(self._suggest_value)
        self.new_value.textEdited.connect(self._value_edited)
        self.new_label.returnPressed.connect(self.add)
        self.new_value.returnPressed.connect(self.add)
        self.add_button.clicked.connect(self.add)
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_label, 2)
        add_row.addWidget(self.new_value, 1)
        add_row.addWidget(self.add_button)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        choose = QHBoxLayout()
        choose.addWidget(QLabel("List"))
        choose.addWidget(self.list_choice, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(choose)
        layout.addWidget(self.fixed_note)
        layout.addWidget(self.values)
        layout.addLayout(value_buttons)
        layout.addLayout(add_row)
        layout.addWidget(self.status)

        self.list_choice.currentIndexChanged.connect(lambda _i: self._show_list())
        self.values.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.load()

    # -- reading ---------------------------------------------------------------------------

    @property
    def list_name(self) -> str:
        return str(self.list_choice.currentData() or "")

    @property
    def fixed(self) -> bool:
        return lists.is_fixed(self.list_name)

    def load(self, select: str | None = None) -> None:
        """Read every list again; keep the chosen list and select ``select`` if given."""
        self._values = lists.values_by_list(self.session)
        chosen = self.list_name
        names = sorted(self._values, key=lambda n: (lists.is_fixed(n), list_title(n)))
        self.list_choice.blockSignals(True)
        self.list_choice.clear()
        for name in names:
            fixed = " (fixed)" if lists.is_fixed(name) else ""
            self.list_choice.addItem(list_title(name) + fixed, name)
        index = self.list_choice.findData(chosen)
        self.list_choice.setCurrentIndex(max(index, 0))
        self.list_choice.blockSignals(False)
        self._show_list(select)

    def _show_list(self, select: str | None = None) -> None:
        self.values.clear()
        retired = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for entry in self._values.get(self.list_name, []):
            text = entry.label
            item = QListWidgetItem(text if entry.active else f"{text}   (retired)")
            item.setData(VALUE_ROLE, entry.value)
            item.setData(ACTIVE_ROLE, entry.active)
            if not entry.active:
                item.setForeground(retired)
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self.values.addItem(item)
            if entry.value == select:
                self.values.setCurrentItem(item)
        fixed = self.fixed
        self.fixed_note.setText(fixed_reason(self.list_name) if fixed else "")
        self.fixed_note.setVisible(fixed)
        for widget in (self.new_label, self.new_value, self.add_button):
            widget.setEnabled(not fixed)
        self._update_buttons()

    def _selected(self) -> tuple[str, str, bool] | None:
        if self.values.currentRow() < 0:
            return None
        item = self.values.currentItem()
        value = str(item.data(VALUE_ROLE))
        label = next((v.label for v in self._values[self.list_name] if v.value == value), value)
        return value, label, bool(item.data(ACTIVE_ROLE))

    def _update_buttons(self) -> None:
        selected = None if self.fixed else self._selected()
        self.retire_button.setEnabled(selected is not None and selected[2])
        self.restore_button.setEnabled(selected is not None and not selected[2])

    # -- the new value's stored form -------------------------------------------------------

    def _suggest_value(self, label: str) -> None:
        if not self._value_typed:
            self.new_value.setText(lists.suggest_value(label))

    def _value_edited(self, text: str) -> None:
        # Typing a value stops the suggestion; clearing it lets the label suggest again.
        self._value_typed = bool(text)
        if not text:
            self._suggest_value(self.new_label.text())

    # -- changes ---------------------------------------------------------------------------

    def _attempt(self, work: Callable[[], None], done: str, select: str) -> bool:
        try:
            work()
        except Exception as exc:
            self.status.setText(user_message(exc))
            return False
        self.status.setText(done)
        self.load(select=select)
        self.changed.emit()
        return True

    def add(self) -> None:
        if self.fixed:
            self.status.setText(fixed_reason(self.list_name))
            return
        name, label, value = self.list_name, self.new_label.text(), self.new_value.text().strip()
        if not label.strip():
            self.status.setText("Type the new value first, as staff will see it.")
            return
        same = next((v for v in self._values.get(name, []) if v.value == value), None)
        if same is not None:
            where = list_title(name)
            self.status.setText(
                f"“{label.strip()}” is already in {where}, as “{same.label}”."
                if same.active
                else f"“{label.strip()}” is already in {where}, as “{same.label}”, retired: "
                "choose it in the list and press Restore to offer it again."
            )
            return
        if self._attempt(
            lambda: lists.add_value(self.session, name, value, label),
            f"Added “{label.strip()}” to {list_title(name)}. New records can use it now.",
            value,
        ):
            self._value_typed = False
            self.new_label.clear()

    def retire(self) -> None:
        selected = self._selected()
        if selected is None or self.fixed:
            self.status.setText("Choose a value in use to retire.")
            return
        value, label, _ = selected
        name = self.list_name
        if not msgbox.confirm(
            self,
            "Retire a value",
            f"Stop offering “{label}” on new records?\n\nRecords that already use it keep "
            "it, and you can restore it later.",
        ):
            return
        self._attempt(
            lambda: lists.retire_value(self.session, name, value),
            f"Retired “{label}” from {list_title(name)}. Records that use it keep it.",
            value,
        )

    def restore(self) -> None:
        selected = self._selected()
        if selected is None or self.fixed:
            self.status.setText("Choose a retired value to restore.")
            return
        value, label, _ = selected
        name = self.list_name
        self._attempt(
            lambda: lists.restore_value(self.session, name, value),
            f"Restored “{label}” to {list_title(name)}. New records can use it again.",
            value,
        )
