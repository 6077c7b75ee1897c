"""The dialog any member of staff uses to pass on a concern about an adult working in the
school: sealed so that only the headteacher (or, about the head, the chair of governors) reads
it. Keyboard first: every field has its Alt+letter, Enter or Ctrl+Enter passes it on."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from safedesk.domain.errors import ValidationError
from safedesk.services import adult_concerns
from safedesk.services.adult_concerns import Colleague
from safedesk.services.session import Session
from safedesk.ui.field_widgets import WhenBox
from safedesk.ui.task_dialog import TaskDialog, label

WHO, JOB, WHEN, WHAT = "who", "job", "when", "what"
CAPTIONS = {
    WHO: "Wh&o is it about?",
    JOB: "Their &job or role",
    WHEN: "&When did it happen?",
    WHAT: "What &happened?",
}
# The service's field names, by the caption they are shown under.
FIELD_OF = {
    "subject_username": WHO,
    "subject_name": WHO,
    "subject_role": JOB,
    "happened_at": WHEN,
    "what": WHAT,
}
NAMES = {WHO: "Who it is about", JOB: "Their job", WHEN: "When it happened", WHAT: "What happened"}

INTRO = (
    "For any worry about an adult who works or volunteers in the school, including yourself, "
    "however small. It is sealed so that only the headteacher can read it, or the chair of "
    "governors if it is about the headteacher. Once passed on, you cannot read it again: "
    "write it fully first. If a child is in danger now, tell the Designated Safeguarding "
    "Lead straight away as well."
)


def colleague_text(colleague: Colleague) -> str:
    return f"{colleague.display_name} ({colleague.username})"


class AdultConcernDialog(TaskDialog):
    """Pass on a concern about an adult (an allegation, or a low-level concern)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Concern about an adult", "&Pass it on")
        self.session = session
        self.setMinimumWidth(600)
        self.people = adult_concerns.colleagues(session)
        self.who = QComboBox()
        for person in self.people:
            self.who.addItem(colleague_text(person), person.username)
        # Typed into: part of a colleague's name finds them; anyone else, by name.
        self.who.setEditable(True)
        self.who.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        finder = QCompleter(self.who.model(), self.who)
        finder.setFilterMode(Qt.MatchFlag.MatchContains)
        finder.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        finder.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.who.setCompleter(finder)
        self.who.setCurrentIndex(-1)
        self.who.setEditText("")
        line = self.who.lineEdit()
        if line is not None:
            line.setPlaceholderText("Type part of a colleague's name, or anyone's full name")
        self.who.currentTextChanged.connect(self._who_changed)
        # An editable list keeps Enter to itself: here, as in every other field, Enter passes
        # the concern on (once a name is chosen from the suggestions, which take Enter first).
        self.entered = 0
        if line is not None:
            line.returnPressed.connect(self._entered)
        self.job = QLineEdit()
        self.job.setPlaceholderText("For example: teaching assistant, volunteer, supply teacher")
        self.when = WhenBox(NAMES[WHEN])
        self.what = QPlainTextEdit()
        self.what.setTabChangesFocus(True)  # Tab moves on; the words never hold a tab
        self.what.setPlaceholderText("What you saw or heard, in plain words")
        self.what.setMinimumHeight(90)
        self.low_level = QCheckBox("This is a &low-level concern")
        self.about_head = QCheckBox(
            "It is about the head&teacher (it goes to the chair of governors)"
        )
        self.body.addWidget(label(INTRO, "Subtitle"))
        form = QGridLayout()
        form.setColumnStretch(1, 1)
        form.setVerticalSpacing(3)
        self.errors: dict[str, QLabel] = {}
        fields: list[tuple[str, QWidget, QWidget]] = [
            (WHO, self.who, self.who),
            (JOB, self.job, self.job),
            (WHEN, self.when, self.when.day),
            (WHAT, self.what, self.what),
        ]
        for number, (name, widget, target) in enumerate(fields):
            caption = QLabel(CAPTIONS[name])
            caption.setBuddy(target)
            caption.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
            if name != WHEN:  # the date and time boxes name themselves
                target.setAccessibleName(NAMES[name])
            error = label("", "FieldError")
            error.hide()
            self.errors[name] = error
            form.addWidget(caption, 2 * number, 0, Qt.AlignmentFlag.AlignTop)
            form.addWidget(widget, 2 * number + 0, 1)
            form.addWidget(error, 2 * number + 1, 1)
        self.body.addLayout(form)
        self.low_level.setAccessibleName("This is a low-level concern")
        self.about_head.setAccessibleName("It is about the headteacher")
        self.body.addWidget(self.low_level)
        self.body.addWidget(
            label(
                "Not harm, but not in line with how staff should behave: for example, being "
                "over-friendly with a pupil.",
                "Subtitle",
            )
        )
        self.body.addWidget(self.about_head)
        self.who.setFocus()

    def _entered(self) -> None:
        self.entered += 1
        self.submit()

    def inputs(self) -> list[QWidget]:
        return [self.who, self.job, self.when, self.what, self.low_level, self.about_head]

    def chosen(self) -> Colleague | None:
        """The colleague whose name is in the box, or None (someone named, or nobody)."""
        typed = self.who.currentText().strip()
        found = self.who.findText(typed, Qt.MatchFlag.MatchFixedString) if typed else -1
        return self.people[found] if found >= 0 else None

    def _who_changed(self, _text: str) -> None:
        colleague = self.chosen()
        if colleague is not None and colleague.is_head:
            self.about_head.setChecked(True)  # about the head: only the chair may read it

    def payload(self) -> dict[str, Any]:
        colleague = self.chosen()
        wall = self.when.wall()
        return {
            "subject_username": colleague.username if colleague else None,
            "subject_name": colleague.display_name if colleague else self.who.currentText(),
            "subject_role": self.job.text(),
            "happened_at": wall.isoformat(timespec="minutes") if wall else "",
            "what": self.what.toPlainText(),
            "low_level": self.low_level.isChecked(),
            "about_head": self.about_head.isChecked(),
        }

    def submit(self) -> None:
        if self.working or self.result() == self.DialogCode.Accepted:
            return  # never sealed twice
        problem = self.when.problem()
        if problem:
            self.show_problems({"happened_at": problem})
            return
        self.run(
            "Sealing and passing it on…", adult_concerns.raise_concern, self.session, self.payload()
        )

    def show_problems(self, problems: dict[str, str]) -> None:
        for error in self.errors.values():
            error.hide()
        first: QWidget | None = None
        unplaced = []
        for field, reason in problems.items():
            name = FIELD_OF.get(field)
            if name is None:
                unplaced.append(reason)
                continue
            text = "is required" if reason == "is required" else reason
            self.errors[name].setText(f"{NAMES[name]} {text}.")
            self.errors[name].show()
            if first is None:
                first = {WHO: self.who, JOB: self.job, WHEN: self.when.day, WHAT: self.what}[name]
        if unplaced:
            self.say("\n".join(unplaced))
        else:
            self.error.hide()
        if first is not None:
            first.setFocus()

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems)
        else:
            super().failed(exc)
