"""Set a behaviour target (what it applies to, the measure, a weekly goal and its date, a note),
give one a new goal, or retire one. Keyboard first; nothing is filled in that nobody chose but
"Whole school", which the form says. Opened with ``open()``, never ``exec()``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.targets import LABELS, Measure, ScopeKind, number_text
from safedesk.services import targets
from safedesk.services.session import Session
from safedesk.services.targets import Choices, TargetView
from safedesk.ui import msgbox
from safedesk.ui.task_dialog import TaskDialog, fit, label

DATE_HINT = "dd/mm/yyyy"
# The form's captions with their Alt+letters (unique in the dialog, with Set target, Cancel).
CAPTIONS = {
    "scope": "&Applies to",
    "year_group": "&Year group",
    "pupil": "P&upil",
    "measure": "&Measure",
    "behaviour_type": "&Type of behaviour",
    "goal": "&Goal a week",
    "goal_on": "Goal &date",
    "note": "&Note",
}


def _error_label() -> QLabel:
    error = QLabel()
    error.setObjectName("FieldError")
    error.setWordWrap(True)
    error.hide()
    return error


class _FieldsDialog(TaskDialog):
    """A column of captioned fields, each with its error line under it."""

    def __init__(self, parent: QWidget | None, title: str, action: str) -> None:
        super().__init__(parent, title, action)
        self.form = QGridLayout()
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(3)
        self.form.setColumnStretch(1, 1)
        self.body.addLayout(self.form)
        self.fields: dict[str, QWidget] = {}
        self.captions: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        self._row = 0

    def add_field(self, name: str, caption: str, widget: QWidget, help_text: str = "") -> None:
        shown = QLabel(caption)
        shown.setBuddy(widget)
        # Never narrower than its words: a wrapped hint beside it must not squeeze it.
        shown.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        widget.setAccessibleName(LABELS[name])
        self.fields[name] = widget
        self.captions[name] = shown
        self.errors[name] = _error_label()
        self.form.addWidget(shown, self._row, 0, Qt.AlignmentFlag.AlignTop)
        self.form.addWidget(widget, self._row, 1)
        if help_text:
            hint = label(help_text, "Hint")
            widget.setAccessibleDescription(help_text)
            self.form.addWidget(hint, self._row + 1, 1)
            self._row += 1
        self.form.addWidget(self.errors[name], self._row + 1, 1)
        self._row += 2

    def showEvent(self, event: QShowEvent) -> None:
        # The captions' column as wide as the widest caption, shown or not (in the font the
        # style gives them), so a caption shown later is never cut.
        widest = max(
            (c.fontMetrics().horizontalAdvance(c.text()) for c in self.captions.values()), default=0
        )
        self.form.setColumnMinimumWidth(0, widest + 8)
        super().showEvent(event)

    def show_row(self, name: str, visible: bool) -> None:
        self.captions[name].setVisible(visible)
        self.fields[name].setVisible(visible)
        if not visible:
            self.errors[name].hide()
        fit(self)

    def inputs(self) -> list[QWidget]:
        return list(self.fields.values())

    def failed(self, exc: BaseException) -> None:
        """A refusal naming fields goes under each field; anything else in words."""
        for error in self.errors.values():
            error.hide()
        if not isinstance(exc, ValidationError):
            super().failed(exc)
            return
        by_label = {LABELS[name]: name for name in self.fields}
        other = []
        first: QWidget | None = None
        for field, problem in exc.problems.items():
            name = by_label.get(field)
            if name is None or not self.fields[name].isVisible():
                other.append(f"{field}: {problem}")
                continue
            self.errors[name].setText(f"{field} {problem}.")
            self.errors[name].show()
            first = first or self.fields[name]
        if other:
            self.say("\n".join(other))
        else:
            self.error.hide()
            fit(self)
        if first is not None:
            first.setFocus()


class TargetDialog(_FieldsDialog):
    """Set a new target, or (given ``current``) a new version of one: a new goal, goal date
    and note. Emits ``succeeded`` with the target's number, or the new version's."""

    def __init__(
        self,
        session: Session,
        choices: Choices,
        parent: QWidget | None = None,
        current: TargetView | None = None,
    ) -> None:
        title = "Set a target" if current is None else "Change the goal"
        super().__init__(parent, title, "&Set target" if current is None else "&Save new goal")
        self.session = session
        self.choices = choices
        self.current = current
        self.setMinimumWidth(620)
        if current is None:
            self._add_what()
        else:
            stored = current.target
            self.body.insertWidget(
                0,
                label(
                    f"{current.measure}, {current.applies_to}. Baseline "
                    f"{number_text(stored.baseline)} a week, worked out when it was set on "
                    f"{date_text(stored.first_set_at.astimezone().date())}: it stays, and the "
                    "line runs from it to the new goal. The goal until now is kept.",
                    "Detail",
                    plain=True,
                ),
            )
        self.goal = QLineEdit()
        self.goal.setPlaceholderText("for example 1 or 0.5")
        self.goal_on = QLineEdit()
        self.goal_on.setPlaceholderText(DATE_HINT)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Why this goal, what the school will do (optional)")
        self.note.setFixedHeight(64)
        self.add_field(
            "goal",
            CAPTIONS["goal"],
            self.goal,
            "The most a week when the goal date comes (0 or more).",
        )
        self.add_field("goal_on", CAPTIONS["goal_on"], self.goal_on)
        self.add_field("note", CAPTIONS["note"], self.note)
        if current is not None:
            stored = current.target
            self.goal.setText(number_text(stored.target.goal))
            self.goal_on.setText(date_text(stored.target.goal_on))
            self.note.setPlainText(stored.target.note or "")
            self.goal.selectAll()
            self.goal.setFocus()
        else:
            self.scope.setFocus()

    def _add_what(self) -> None:
        self.scope = QComboBox()
        for kind in ScopeKind:
            self.scope.addItem(kind.label, kind.value)
        self.year_group = QComboBox()
        self.year_group.setPlaceholderText("Choose a year group…")
        for group in self.choices.year_groups:
            self.year_group.addItem(targets.year_group_label(group), group)
        self.year_group.setCurrentIndex(-1)
        # Not editable: typing a name's first letters goes to it, with no pop-up in the way.
        self.pupil = QComboBox()
        self.pupil.setPlaceholderText("Choose a pupil (type the first letters of the name)…")
        for choice in self.choices.pupils:
            year = f", {targets.year_group_label(choice.year_group)}" if choice.year_group else ""
            self.pupil.addItem(f"{choice.name}{year}", choice.upn)
        self.pupil.setCurrentIndex(-1)
        self.measure = QComboBox()
        self.measure.setPlaceholderText("Choose a measure…")
        for measure in Measure:
            self.measure.addItem(measure.label, measure.value)
        self.measure.setCurrentIndex(-1)
        self.behaviour_type = QComboBox()
        self.behaviour_type.setPlaceholderText("Choose a type…")
        for value, text in self.choices.behaviour_types:
            self.behaviour_type.addItem(text, value)
        self.behaviour_type.setCurrentIndex(-1)
        self.add_field(
            "scope",
            CAPTIONS["scope"],
            self.scope,
            "Whole school unless you choose a year group or a pupil.",
        )
        self.add_field("year_group", CAPTIONS["year_group"], self.year_group)
        self.add_field("pupil", CAPTIONS["pupil"], self.pupil)
        self.add_field(
            "measure",
            CAPTIONS["measure"],
            self.measure,
            "Counted each week (Monday to Sunday) from the records as they read now. The "
            "baseline is the weekly average over the 6 school weeks before this one.",
        )
        self.add_field("behaviour_type", CAPTIONS["behaviour_type"], self.behaviour_type)
        self.scope.currentIndexChanged.connect(lambda _i: self._rows())
        self.measure.currentIndexChanged.connect(lambda _i: self._rows())
        self._rows()

    def _rows(self) -> None:
        scope = self.scope.currentData()
        self.show_row("year_group", scope == ScopeKind.YEAR_GROUP.value)
        self.show_row("pupil", scope == ScopeKind.PUPIL.value)
        self.show_row("behaviour_type", self.measure.currentData() == Measure.INCIDENTS_OF_TYPE)

    def payload(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "goal": self.goal.text(),
            "goal_on": self.goal_on.text(),
            "note": self.note.toPlainText(),
        }
        if self.current is None:
            values |= {
                "scope": self.scope.currentData(),
                "year_group": self.year_group.currentData() or "",
                "pupil": self.pupil.currentData() or "",
                "measure": self.measure.currentData() or "",
                "behaviour_type": self.behaviour_type.currentData() or "",
            }
        return values

    def typed(self) -> bool:
        if self.goal.text().strip() or self.goal_on.text().strip():
            return True
        return bool(self.note.toPlainText().strip()) and self.current is None

    def reject(self) -> None:
        """Esc or Cancel: what was typed is not thrown away unasked."""
        asking = not self.working and self.current is None and self.typed()
        if asking and not msgbox.confirm(
            self, "Discard this target?", "What you have typed will be lost. Discard it?"
        ):
            return
        super().reject()

    def submit(self) -> None:
        if self.working:
            return
        payload = self.payload()
        if self.current is None:
            self.run("Working out the baseline…", targets.set_target, self.session, payload)
        else:
            number = self.current.target.number
            self.run("Saving…", targets.revise_target, self.session, number, payload)


class RetireDialog(_FieldsDialog):
    """Stop following a target: it is kept, with why. Emits ``succeeded``."""

    def __init__(self, session: Session, view: TargetView, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Retire a target", "&Retire target")
        self.session = session
        self.view = view
        self.body.insertWidget(
            0,
            label(
                f"{view.measure}, {view.applies_to}: no longer followed or shown. It stays on "
                "record, with its versions and why it was retired.",
                "Detail",
                plain=True,
            ),
        )
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("for example: met, or replaced by the new plan")
        self.add_field("reason", "&Why it is retired", self.reason)
        self.reason.setFocus()

    def submit(self) -> None:
        if not self.working:
            number = self.view.target.number
            self.run("Retiring…", targets.retire_target, self.session, number, self.reason.text())
