"""One input widget per field type, each able to give and take its value as JSON would."""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as dt_time
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
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

from safedesk.domain import local_time
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
        # In the hour the clocks go back, a time happens twice: the person says which.
        self.which = QComboBox()
        self.which.setAccessibleName(f"{spec.label}: which one")
        self.which.currentIndexChanged.connect(self.changed)
        self.which.hide()
        self._which_for: datetime | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.editor)
        layout.addWidget(self.which)
        if isinstance(self.editor, QDateTimeEdit) and not isinstance(self.editor, QDateEdit):
            self.editor.dateTimeChanged.connect(self._offer_which)
            self._offer_which()
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
            # The editor holds the wall-clock time as typed, in UTC so that Qt's own
            # time-zone rules never move it: 01:30 on the morning the clocks go forward stays
            # 01:30, and is refused in plain words (domain.local_time), never shifted.
            now = QDateTime.currentDateTime()
            edit = QDateTimeEdit(QDateTime(now.date(), now.time(), QTimeZone.utc()))
            edit.setTimeZone(QTimeZone.utc())
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy HH:mm")
            if self.may_be_blank:
                edit.setMinimumDateTime(QDateTime(NO_DATE, QTime(0, 0), QTimeZone.utc()))
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

    def _wall_time(self) -> datetime | None:
        assert isinstance(self.editor, QDateTimeEdit)
        if self.may_be_blank and self.editor.dateTime() == self.editor.minimumDateTime():
            return None
        shown = self.editor.dateTime()
        day, clock = shown.date().toPython(), shown.time().toPython()
        assert isinstance(day, date)
        assert isinstance(clock, dt_time)
        return datetime.combine(day, clock).replace(second=0, microsecond=0)  # local, naive

    def _offer_which(self) -> None:
        wall = self._wall_time()
        ambiguous = wall is not None and local_time.is_ambiguous(wall)
        # Asked afresh for each time typed: a choice made for another time never carries over.
        if ambiguous and wall is not None and wall != self._which_for:
            self._which_for = wall
            shown = wall.strftime("%H:%M")
            self.which.blockSignals(True)
            self.which.clear()
            self.which.addItem(f"The clocks went back: which {shown}? — choose —", "")
            self.which.addItem(f"The first {shown} (summer time, before the change)", "first")
            self.which.addItem(f"The second {shown} (winter time, after the change)", "second")
            self.which.blockSignals(False)
        if not ambiguous:
            self._which_for = None
        self.which.setVisible(ambiguous)

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
            wall = self._wall_time()
            if wall is None:
                return ""
            which = "" if self.which.isHidden() else self.which.currentData()
            return f"{wall.isoformat()} {which}" if which else wall.isoformat()
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
            text, which = local_time.split_which(value)
            try:
                wall = datetime.fromisoformat(text.strip()).replace(tzinfo=None)
            except ValueError:
                return
            self._which_for = None  # a time set from outside is asked about afresh
            editor.setDateTime(
                QDateTime(QDate(wall.date()), QTime(wall.hour, wall.minute), QTimeZone.utc())
            )
            self.which.setCurrentIndex(max(0, self.which.findData(which)) if which else 0)
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
