"""The form that records an allegation about a member of staff or a low-level concern: every
field starts empty (the time it happened is typed), every problem is shown under its field by
the label the person sees, all at once; Tab goes through the fields in order; Enter in a field
never saves half a form (Ctrl+Enter or the Save button does)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.allegations import validate_allegation, validate_low_level
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted
from safedesk.services import allegations
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.field_widgets import DayBox, WhenBox

ALLEGATION = "allegation"
LOW_LEVEL = "low_level"


def plain(caption: str) -> str:
    """A caption as a sentence names it: without its Alt+letter marker and its star."""
    return caption.replace("&", "").removesuffix(" *").strip()


def text_box(height: int = 74) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # Tab moves on, as in every other field: no keyboard trap
    box.setFixedHeight(height)
    return box


class FieldGrid(QGridLayout):
    """Captions on the left (each the buddy of its field, with its Alt+letter), the field on
    the right, and under each field the line saying what is wrong with it."""

    def __init__(self) -> None:
        super().__init__()
        self.setColumnStretch(1, 1)
        self.setVerticalSpacing(2)
        self.setHorizontalSpacing(12)
        self.fields: dict[str, QWidget] = {}
        self.captions: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, str] = {}

    def add(self, key: str, caption: str, widget: QWidget) -> QWidget:
        row = self.rowCount()
        title = QLabel(caption)
        title.setBuddy(widget)
        if not isinstance(widget, WhenBox | DayBox):  # those name their own boxes
            widget.setAccessibleName(plain(caption))
        error = QLabel()
        error.setObjectName("FieldError")
        error.setWordWrap(True)
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.hide()
        self.addWidget(title, row, 0, Qt.AlignmentFlag.AlignTop)
        self.addWidget(widget, row, 1)
        self.addWidget(error, row + 1, 1)
        self.fields[key] = widget
        self.captions[key] = title
        self.errors[key] = error
        self.labels[key] = plain(caption)
        return widget

    def relabel(self, key: str, caption: str) -> None:
        self.captions[key].setText(caption)
        self.labels[key] = plain(caption)
        widget = self.fields[key]
        if not isinstance(widget, WhenBox | DayBox):
            widget.setAccessibleName(plain(caption))

    def show_problems(self, problems: Mapping[str, str]) -> list[str]:
        """Each problem under its field, by its label; returns those with no field here, said
        in words (for the line above the buttons)."""
        for key, error in self.errors.items():
            problem = problems.get(key)
            error.setText(f"{self.labels[key]} {problem}." if problem else "")
            error.setVisible(bool(problem))
        return [
            f"{k.replace('_', ' ').capitalize()} {p}."
            for k, p in problems.items()
            if k not in self.errors
        ]

    def first_wrong(self, problems: Mapping[str, str]) -> QWidget | None:
        return next((w for k, w in self.fields.items() if k in problems), None)


def when_value(box: WhenBox) -> str:
    """What a date-and-time box holds, as the service reads it (a typed local time)."""
    wall = box.wall()
    return wall.isoformat() if wall is not None else box.raw()


def when_problems(boxes: Mapping[str, WhenBox]) -> dict[str, str]:
    """What each box itself can tell is wrong (half typed, not a date), before the rules."""
    return {key: problem for key, box in boxes.items() if (problem := box.problem())}


class AllegationForm(QWidget):
    """Emits ``saved`` with (kind, number) once an allegation or a concern is recorded."""

    saved = Signal(str, int)

    def __init__(self, session: Session, about_head: bool) -> None:
        super().__init__()
        self.session = session
        self.about_head = about_head
        self.attempted = False
        self.working = False
        intro = QLabel(
            "Record what you were told, as you were told it. An allegation is one that a member "
            "of staff may have harmed a child, committed a crime against a child, or behaved in "
            "a way that shows they may not be suitable to work with children: the LADO must be "
            "told within one working day. A low-level concern is anything else that does not "
            "fit the school's code of conduct. Fields marked * are required."
        )
        intro.setObjectName("Subtitle")
        intro.setWordWrap(True)
        self.kind = QComboBox()
        self.kind.addItem("— choose —", "")
        self.kind.addItem("An allegation about a member of staff", ALLEGATION)
        self.kind.addItem("A low-level concern", LOW_LEVEL)
        self.subject_name = QLineEdit()
        self.subject_name.setMaxLength(200)
        self.subject_role = QLineEdit()
        self.subject_role.setMaxLength(200)
        self.subject_role.setPlaceholderText("For example: midday supervisor, supply teacher")
        self.happened_at = WhenBox("When it happened")
        self.what = text_box(96)
        self.raised_by = QLineEdit()
        self.raised_by.setMaxLength(200)
        self.raised_by.setPlaceholderText("Who told you, and their role")
        self.grid = FieldGrid()
        self.grid.add("kind", "&Type of record *", self.kind)
        self.grid.add("subject_name", "Who it is ab&out *", self.subject_name)
        self.grid.add("subject_role", "Their &role *", self.subject_role)
        self.grid.add("happened_at", "Wh&en it happened *", self.happened_at)
        self.grid.add("what", "W&hat is alleged *", self.what)
        self.grid.add("raised_by", "Raised &by *", self.raised_by)
        self.status = QLabel()
        self.status.setObjectName("FieldError")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("Primary")
        self.save_button.setToolTip("Ctrl+Enter")
        self.save_button.setAutoDefault(False)  # Enter in a field never saves half a form
        self.save_button.clicked.connect(self.submit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.submit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(12, 12, 12, 12)
        column.addWidget(intro)
        column.addLayout(self.grid)
        column.addStretch(1)
        # The fields scroll; what is wrong and Save stay in view beneath them.
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(inner)
        buttons.setContentsMargins(12, 4, 12, 8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroller, 1)
        layout.addLayout(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for line in (self.subject_name, self.subject_role, self.raised_by):
            line.textChanged.connect(self._changed)
        self.what.textChanged.connect(self._changed)
        self.happened_at.changed.connect(self._changed)
        chain: list[QWidget] = [
            self.kind,
            self.subject_name,
            self.subject_role,
            self.happened_at.day,
            self.happened_at.clock,
            self.what,
            self.raised_by,
            self.save_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _kind_changed(self) -> None:
        low = self.kind.currentData() == LOW_LEVEL
        self.grid.relabel("what", "W&hat the concern is *" if low else "W&hat is alleged *")
        self._changed()

    # --- checking and saving ---------------------------------------------------------------

    def payload(self) -> dict[str, str]:
        key = "what" if self.kind.currentData() == LOW_LEVEL else "alleged"
        return {
            "subject_name": self.subject_name.text(),
            "subject_role": self.subject_role.text(),
            "happened_at": when_value(self.happened_at),
            key: self.what.toPlainText(),
            "raised_by": self.raised_by.text(),
        }

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        kind = self.kind.currentData()
        check = validate_low_level if kind == LOW_LEVEL else validate_allegation
        try:
            check(self.payload(), self.session.clock.now())
        except ValidationError as exc:
            found.update(self._keyed(exc.problems))
        found.update(when_problems({"happened_at": self.happened_at}))
        if not kind:
            found = {"kind": "needs a choice: an allegation or a low-level concern", **found}
        return found

    @staticmethod
    def _keyed(problems: Mapping[str, str]) -> dict[str, str]:
        """The service's names for the fields, as this form's ("alleged": the words box; an
        account's name: the name box)."""
        names = {"alleged": "what", "subject_username": "subject_name"}
        return {names.get(k, k): v for k, v in problems.items()}

    def _changed(self) -> None:
        if self.attempted and not self.working:
            self.show_problems(self.problems())

    def show_problems(self, problems: Mapping[str, str]) -> None:
        others = self.grid.show_problems(problems)
        if problems:
            self.status.setText(
                f"{counted(len(problems), 'thing')} to put right before saving."
                + "".join(f"\n{o}" for o in others)
            )
        else:
            self.status.setText("")

    def submit(self) -> None:
        if self.working:
            return
        self.attempted = True
        problems = self.problems()
        self.show_problems(problems)
        if problems:
            wrong = self.grid.first_wrong(problems)
            if wrong is not None:
                wrong.setFocus()
                self.scroller.ensureWidgetVisible(wrong)
            return
        kind = str(self.kind.currentData())
        call = allegations.record_low_level if kind == LOW_LEVEL else allegations.record_allegation
        self._set_working(True)
        self.status.setText("Saving…")
        tasks.run(
            partial(call, about_head=self.about_head), self.session, self.payload()
        ).on_success(partial(self._saved, kind)).on_error(self._failed)

    def _set_working(self, working: bool) -> None:
        self.working = working
        for widget in (*self.grid.fields.values(), self.save_button):
            widget.setEnabled(not working)

    def _saved(self, kind: str, number: int) -> None:
        self._set_working(False)
        self.clear()
        self.saved.emit(kind, number)

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        if isinstance(exc, ValidationError):
            self.show_problems(self._keyed(exc.problems))
            return
        self.status.setText(user_message(exc))

    def clear(self) -> None:
        self.attempted = False
        self.kind.setCurrentIndex(0)
        for line in (self.subject_name, self.subject_role, self.raised_by):
            line.clear()
        self.what.clear()
        self.happened_at.set_wall(None)
        self.show_problems({})

    def start(self) -> None:
        self.kind.setFocus()
