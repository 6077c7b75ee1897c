"""One input widget per field type, each able to give and take its value as JSON would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.entries import FieldSpec


class FieldInput(QWidget):
    """A field's editor with its counter (long text) and its error line."""

    changed = Signal()

    def __init__(self, spec: FieldSpec, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.spec = spec
        self.error = QLabel()
        self.error.setObjectName("FieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.counter = QLabel(f"0 / {spec.limit:,}") if spec.type == "long_text" else None
        if self.counter is not None:
            self.counter.setObjectName("Subtitle")
        self.editor = self._make_editor(spec, choices)
        self.editor.setAccessibleName(spec.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.editor)
        if spec.help:
            hint = QLabel(spec.help)
            hint.setObjectName("Subtitle")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        if self.counter is not None:
            layout.addWidget(self.counter, alignment=Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.error)
        self.setFocusProxy(self.editor)

    def _make_editor(self, spec: FieldSpec, choices: list[tuple[str, str]]) -> QWidget:
        if spec.type == "datetime":
            edit = QDateTimeEdit(QDateTime.currentDateTime())
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy HH:mm")
            edit.dateTimeChanged.connect(self.changed)
            return edit
        if spec.type == "choice":
            combo = QComboBox()
            combo.addItem("— choose —", "")
            for value, label in choices:
                combo.addItem(label, value)
            combo.currentIndexChanged.connect(self.changed)
            return combo
        if spec.type == "bool":
            box = QCheckBox(spec.label)
            box.toggled.connect(self.changed)
            return box
        if spec.type == "long_text":
            text = QPlainTextEdit()
            text.setTabChangesFocus(True)  # Tab moves on, as in every other field
            text.setFixedHeight(74)
            text.textChanged.connect(self._count)
            text.textChanged.connect(self.changed)
            return text
        line = QLineEdit()
        line.setMaxLength(spec.limit)
        line.textChanged.connect(self.changed)
        return line

    def _count(self) -> None:
        assert isinstance(self.editor, QPlainTextEdit)
        assert self.counter is not None
        self.counter.setText(f"{len(self.editor.toPlainText()):,} / {self.spec.limit:,}")

    def value(self) -> Any:
        editor = self.editor
        if isinstance(editor, QDateTimeEdit):
            moment = editor.dateTime().toPython()  # local, naive
            assert isinstance(moment, datetime)
            return moment.replace(second=0, microsecond=0).isoformat()
        if isinstance(editor, QComboBox):
            return editor.currentData() or ""
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        assert isinstance(editor, QLineEdit)
        return editor.text()

    def set_value(self, value: Any) -> None:
        editor = self.editor
        if isinstance(editor, QDateTimeEdit) and isinstance(value, str) and value:
            try:
                editor.setDateTime(QDateTime(datetime.fromisoformat(value)))
            except ValueError:
                return
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value or "")))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(str(value or ""))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value or ""))

    def show_error(self, text: str | None) -> None:
        self.error.setText(f"{self.spec.label} {text}." if text else "")
        self.error.setVisible(bool(text))
