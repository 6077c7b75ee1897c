"""One input widget per field type, each able to give and take its value as JSON would."""

from __future__ import annotations

import re
from datetime import date, datetime
from datetime import time as dt_time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain import local_time
from safedesk.domain.entries import FieldSpec
from safedesk.domain.formatting import TIME_FORMAT, date_text
from safedesk.ui.body_map_widget import BodyMapEditor
from safedesk.ui.holds_widget import HoldsEditor

# An optional date shows this (Qt's "special value") until a day is chosen.

_DAY = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4}|\d{2})$|^(\d{2})(\d{2})(\d{4}|\d{2})$")
_CLOCK = re.compile(r"^(\d{1,2})(?:\s*[:.]?\s*(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
BAD_DAY = "needs a real date, typed like 24/11/2026"
BAD_CLOCK = "needs a time on the 24-hour clock, typed like 14:30 or 1430"


def parse_day_text(text: str) -> date | None:
    """A day as people type it: 24/11/2026, 24.11.26, 24112026, today, yesterday; None
    when it is not one."""
    typed = text.strip().casefold()
    if typed in ("today", "yesterday"):
        today = date.today()
        return today if typed == "today" else date.fromordinal(today.toordinal() - 1)
    found = _DAY.match(typed)
    if found is None:
        return None
    day, month, year = (g for g in found.groups() if g is not None)
    try:
        return date(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))
    except ValueError:
        return None


def parse_clock_text(text: str) -> dt_time | None:
    """A time as people type it: 14:30, 1430, 14.30, 9:05, 915, 9, 2:30pm; None when not."""
    found = _CLOCK.match(text.strip())
    if found is None:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    half = (found.group(3) or "").casefold()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt_time(hour, minute)


UNANSWERED = "needs an answer: choose Yes or No"


class WhenBox(QWidget):
    """A date box and a time box that start empty: nothing is filled in that nobody typed.

    Each box takes what people type (24/11/2026 or 24112026; 10:15 or 1015) and shows it
    written out in full when the person moves on."""

    changed = Signal()

    def __init__(self, label: str) -> None:
        super().__init__()
        self.day = QLineEdit()
        self.day.setPlaceholderText("dd/mm/yyyy")
        self.day.setAccessibleName(f"{label}: date")
        self.day.setMaxLength(12)
        self.clock = QLineEdit()
        self.clock.setPlaceholderText("hh:mm")
        self.clock.setAccessibleName(f"{label}: time")
        self.clock.setMaxLength(8)
        for box, width in ((self.day, 130), (self.clock, 80)):
            box.setFixedWidth(width)
            box.textChanged.connect(self.changed)
            box.editingFinished.connect(self._tidy)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.day)
        row.addWidget(self.clock)
        row.addStretch(1)
        self.setFocusProxy(self.day)

    def is_empty(self) -> bool:
        return not self.day.text().strip() and not self.clock.text().strip()

    def problem(self) -> str | None:
        """What is wrong with what is typed so far (None when empty or a whole time)."""
        day_text, clock_text = self.day.text().strip(), self.clock.text().strip()
        if not day_text and not clock_text:
            return None
        if day_text and parse_day_text(day_text) is None:
            return BAD_DAY
        if clock_text and parse_clock_text(clock_text) is None:
            return BAD_CLOCK
        if not day_text:
            return "needs the date as well as the time"
        if not clock_text:
            return "needs the time as well as the date"
        return None

    def wall(self) -> datetime | None:
        """The local wall-clock time typed, or None (empty, half typed or not a time)."""
        day = parse_day_text(self.day.text())
        clock = parse_clock_text(self.clock.text())
        if day is None or clock is None:
            return None
        return datetime.combine(day, clock)

    def raw(self) -> str:
        """What is typed, as it stands (kept in a draft even when it is not yet a time)."""
        return f"{self.day.text().strip()} {self.clock.text().strip()}".strip()

    def set_wall(self, wall: datetime | None) -> None:
        self.day.setText(date_text(wall.date()) if wall else "")
        self.clock.setText(wall.strftime(TIME_FORMAT) if wall else "")

    def set_raw(self, day_text: str, clock_text: str) -> None:
        self.day.setText(day_text)
        self.clock.setText(clock_text)

    def _tidy(self) -> None:
        day = parse_day_text(self.day.text())
        if day is not None and self.day.text() != date_text(day):
            self.day.setText(date_text(day))
        clock = parse_clock_text(self.clock.text())
        if clock is not None and self.clock.text() != clock.strftime(TIME_FORMAT):
            self.clock.setText(clock.strftime(TIME_FORMAT))


class DayBox(QLineEdit):
    """A date that starts empty (a due date or a decision's day is typed, never assumed),
    taking what people type and written out in full when the person moves on."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.setPlaceholderText("dd/mm/yyyy")
        self.setAccessibleName(label)
        self.setMaxLength(12)
        self.setFixedWidth(130)
        self.editingFinished.connect(self._tidy)

    def day(self) -> date | None:
        return parse_day_text(self.text())

    def problem(self) -> str | None:
        return BAD_DAY if self.text().strip() and self.day() is None else None

    def set_day(self, day: date | None) -> None:
        self.setText(date_text(day) if day else "")

    def _tidy(self) -> None:
        day = self.day()
        if day is not None and self.text() != date_text(day):
            self.setText(date_text(day))


class YesNo(QWidget):
    """A yes/no answer with neither chosen until the person chooses."""

    changed = Signal()

    def __init__(self, label: str) -> None:
        super().__init__()
        self.yes = QRadioButton("Yes")
        self.no = QRadioButton("No")
        self.group = QButtonGroup(self)
        for button in (self.yes, self.no):
            button.setAccessibleName(f"{label}: {button.text()}")
            self.group.addButton(button)
            button.toggled.connect(self._toggled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.yes)
        row.addWidget(self.no)
        row.addStretch(1)
        self.setFocusProxy(self.yes)

    def _toggled(self, on: bool) -> None:
        if on:
            self.changed.emit()

    def answer(self) -> bool | None:
        if self.yes.isChecked():
            return True
        if self.no.isChecked():
            return False
        return None

    def set_answer(self, answer: bool | None) -> None:
        if answer is None:
            self.group.setExclusive(False)
            self.yes.setChecked(False)
            self.no.setChecked(False)
            self.group.setExclusive(True)
            self.changed.emit()
        else:
            (self.yes if answer else self.no).setChecked(True)


def list_for(spec: FieldSpec) -> str:
    """The school list a field's box offers: its own, or the holds for further holds."""
    return spec.list_name or ("restraint_types" if spec.type == "holds" else spec.name)


class FieldInput(QWidget):
    """A field's editor with its counter (long text) and its error line."""

    changed = Signal()

    def __init__(
        self,
        spec: FieldSpec,
        choices: list[tuple[str, str]],
        *,
        may_be_blank: bool = False,
        yes_no: bool = False,
        compact: bool = False,
    ) -> None:
        super().__init__()
        self.spec = spec
        self.compact = compact  # a smaller body map (in the amend box, under the record)
        # Kept for the callers that pass it: every date and time box now starts empty, and an
        # optional one may be left so ("not known").
        self.may_be_blank = may_be_blank and not spec.required
        self.yes_no = yes_no and spec.type == "bool"
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
        if isinstance(self.editor, WhenBox):
            self.editor.changed.connect(self._offer_which)
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
        if spec.type == "holds":
            holds = HoldsEditor(spec.label, choices)
            holds.changed.connect(self.changed)
            return holds
        if spec.type == "body_map":
            marks = BodyMapEditor(spec.label, compact=self.compact)
            marks.changed.connect(self.changed)
            return marks
        if spec.type == "datetime":
            # Empty until typed. What is typed is the school's wall-clock time, kept as typed:
            # 01:30 on the morning the clocks go forward stays 01:30 and is refused in plain
            # words (domain.local_time), never shifted.
            when = WhenBox(spec.label)
            when.changed.connect(self.changed)
            return when
        if spec.type == "date":
            day = DayBox(spec.label)
            day.textChanged.connect(self.changed)
            return day
        if spec.type in ("choice", "id"):
            combo = QComboBox()
            combo.addItem("— choose —", "")
            for value, label in choices:
                combo.addItem(label, value)
            combo.currentIndexChanged.connect(self.changed)
            return combo
        if spec.type == "bool" and self.yes_no:
            answer = YesNo(spec.label)
            answer.changed.connect(self.changed)
            return answer
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
        assert isinstance(self.editor, WhenBox)
        return self.editor.wall()

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

    def problem(self) -> str | None:
        """What the box itself can tell is wrong as it is typed (a half-typed time, a yes/no
        not answered), before any rule of the record is checked."""
        if isinstance(self.editor, WhenBox | DayBox | HoldsEditor):
            return self.editor.problem()
        if isinstance(self.editor, YesNo) and self.editor.answer() is None:
            return UNANSWERED
        return None

    def wall_time(self) -> datetime | None:
        """A date and time field's local time as typed (None when not a whole time)."""
        return self.editor.wall() if isinstance(self.editor, WhenBox) else None

    def value(self) -> Any:
        editor = self.editor
        if isinstance(editor, HoldsEditor | BodyMapEditor):
            return editor.value()
        if isinstance(editor, DayBox):
            day = editor.day()
            return day.isoformat() if day else editor.text().strip()
        if isinstance(editor, WhenBox):
            wall = editor.wall()
            if wall is None:
                return editor.raw()  # empty, or what is typed (which the rules refuse)
            which = "" if self.which.isHidden() else self.which.currentData()
            return f"{wall.isoformat()} {which}" if which else wall.isoformat()
        if isinstance(editor, QComboBox):
            return editor.currentData() or ""
        if isinstance(editor, YesNo):
            return editor.answer()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        assert isinstance(editor, QLineEdit)
        return editor.text()

    def set_value(self, value: Any) -> None:
        editor = self.editor
        if isinstance(editor, HoldsEditor | BodyMapEditor):
            editor.set_value(value)
        elif isinstance(editor, DayBox):
            try:
                editor.set_day(date.fromisoformat(str(value)[:10]) if value else None)
            except ValueError:
                editor.setText(str(value))
        elif isinstance(editor, WhenBox):
            self._set_when(editor, value)
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value or "")))
        elif isinstance(editor, YesNo):
            editor.set_answer(value if isinstance(value, bool) else None)
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(str(value or ""))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value or ""))

    def _set_when(self, editor: WhenBox, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            editor.set_wall(None)
            return
        text, which = local_time.split_which(value)
        try:
            wall = datetime.fromisoformat(text.strip()).replace(tzinfo=None)
        except ValueError:
            day_text, _, clock_text = value.strip().partition(" ")
            editor.set_raw(day_text, clock_text)  # half typed, as a draft kept it
            return
        self._which_for = None  # a time set from outside is asked about afresh
        editor.set_wall(wall.replace(second=0, microsecond=0))
        self._offer_which()
        self.which.setCurrentIndex(max(0, self.which.findData(which)) if which else 0)

    def show_error(self, text: str | None) -> None:
        # Only what changed is set: the form checks itself again at every key press.
        shown = f"{self.spec.label} {text}." if text else ""
        if self.error.text() != shown:
            self.error.setText(shown)
        if self.error.isHidden() == bool(shown):
            self.error.setVisible(bool(shown))
