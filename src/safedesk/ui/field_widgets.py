"""One input widget per field type, each able to give and take its value as JSON would."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.entries import FieldSpec

# An optional date shows this (Qt's "special value") until a day is chosen.
NO_DATE = QDate(2000, 1, 1)


class FieldInput(QWidget):
    """A field's editor with its counter (long text) and its error line."""

    changed = Signal()

    def __init__(
        self, spec: FieldSpec, choices: list[tuple[str, str]], *, may_be_blank: bool = False
    ) -> None:
        super().__init__()
        self.spec = spec
        # An optional time can be left "not known" (a record form's optional times are
        # required by a checkbox instead, so they always hold one).
        self.may_be_blank = may_be_blank and not spec.required
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
            if self.may_be_blank:
                edit.setMinimumDateTime(QDateTime(NO_DATE, QTime(0, 0)))
                edit.setSpecialValueText("— not known —")
                edit.setDateTime(edit.minimumDateTime())
            edit.dateTimeChanged.connect(self.changed)
            return edit
        if spec.type == "date":
            day = QDateEdit(QDate.currentDate())
            day.setCalendarPopup(True)
            day.setDisplayFormat("dd/MM/yyyy")
            if not spec.required:
                day.setMinimumDate(NO_DATE)
                day.setSpecialValueText("— none —")
                day.setDate(NO_DATE)
            day.dateChanged.connect(self.changed)
            return day
        if spec.type in ("choice", "id"):
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
        if isinstance(editor, QDateEdit):  # before QDateTimeEdit, its base class
            if editor.date() == editor.minimumDate() and editor.specialValueText():
                return ""
            day = editor.date().toPython()
            assert isinstance(day, date)
            return day.isoformat()
        if isinstance(editor, QDateTimeEdit):
            if self.may_be_blank and editor.dateTime() == editor.minimumDateTime():
                return ""
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
        if isinstance(editor, QDateEdit):
            empty = QDate.currentDate() if self.spec.required else NO_DATE
            try:
                editor.setDate(QDate(date.fromisoformat(value)) if value else empty)
            except (TypeError, ValueError):
                editor.setDate(empty)
        elif isinstance(editor, QDateTimeEdit) and self.may_be_blank and not value:
            editor.setDateTime(editor.minimumDateTime())
        elif isinstance(editor, QDateTimeEdit) and isinstance(value, str) and value:
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
