"""The training log's dialogs: add (or correct) an entry, and confirm one's own. Both run their
work off the UI thread and are opened with ``open()``, never ``exec()``."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain import training as rules
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text
from safedesk.domain.training import Course, TrainingEntry
from safedesk.services import training
from safedesk.services.session import Session
from safedesk.services.settings import get_settings
from safedesk.services.training import Person
from safedesk.ui.field_widgets import DayBox
from safedesk.ui.task_dialog import TaskDialog, label

# The form's captions with their Alt+letters (unique in the dialog, with Save and Cancel).
CAPTIONS = {
    rules.WHO: "&Member of staff",
    rules.COURSE: "C&ourse",
    rules.COURSE_TEXT: "Course &name",
    rules.PROVIDER: "&Provider",
    rules.TAKEN_ON: "&Date taken",
    rules.EXPIRES_ON: "&Expires",
    rules.REASON: "&Reason for the correction",
}


class DayPicker(QWidget):
    """A date typed (dd/mm/yyyy) or picked from a calendar; empty until someone does either."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.box = DayBox(name)
        self.button = QToolButton()
        self.button.setText("Calendar…")
        self.button.setToolTip(f"Pick the {name.lower()} from a calendar (or type it)")
        self.button.setAccessibleName(f"Pick the {name.lower()}")
        self.button.clicked.connect(self.pick)
        self.calendar: QCalendarWidget | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.box)
        row.addWidget(self.button)
        row.addStretch(1)
        self.setFocusProxy(self.box)

    def pick(self) -> None:
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setAccessibleName(self.box.accessibleName())
        calendar.setGridVisible(True)
        chosen = self.box.day()
        if chosen is not None:
            calendar.setSelectedDate(QDate(chosen.year, chosen.month, chosen.day))
        calendar.activated.connect(self.choose)
        calendar.clicked.connect(self.choose)
        calendar.move(self.box.mapToGlobal(self.box.rect().bottomLeft()))
        self.calendar = calendar
        calendar.show()
        calendar.setFocus()

    def choose(self, chosen: QDate) -> None:
        self.box.set_day(date(chosen.year(), chosen.month(), chosen.day()))
        if self.calendar is not None:
            self.calendar.close()
            self.calendar.deleteLater()
            self.calendar = None
        self.box.setFocus()

    def text(self) -> str:
        return self.box.text()


class TrainingDialog(TaskDialog):
    """Record training for a member of staff; with ``replacing``, a corrected entry that
    replaces that one (its reason asked for)."""

    def __init__(
        self,
        session: Session,
        people: list[Person],
        parent: QWidget | None = None,
        *,
        replacing: TrainingEntry | None = None,
    ) -> None:
        title = "Correct a training entry" if replacing else "Add training"
        super().__init__(parent, title, "&Save" if replacing else "&Add training")
        self.session = session
        self.replacing = replacing
        self.setMinimumWidth(600)
        self.people = people
        self.who = QComboBox()
        for person in people:
            if person.active:
                self.who.addItem(person_text(person), person.username)
        # Typed into: any part of the name (surname, first name) or the username finds them.
        self.who.setEditable(True)
        self.who.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        finder = QCompleter(self.who.model(), self.who)
        finder.setFilterMode(Qt.MatchFlag.MatchContains)
        finder.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        finder.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.who.setCompleter(finder)
        self.who.setCurrentIndex(-1)  # nobody is chosen for the person
        self.who.setEditText("")
        line = self.who.lineEdit()
        if line is not None:
            line.setPlaceholderText("Type part of their name, then choose them")
        self.course = QComboBox()
        for course in Course:
            self.course.addItem(course.label, course.value)
        self.course.setCurrentIndex(-1)
        self.course.setPlaceholderText("Choose the course")
        self.course_text = QLineEdit()
        self.course_text.setPlaceholderText("The course's name, for another course")
        self.provider = QLineEdit()
        self.provider.setPlaceholderText("Who gave it (optional)")
        self.taken_on = DayPicker(rules.TAKEN_ON)
        self.expires_on = DayPicker(rules.EXPIRES_ON)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("What was wrong with the entry this replaces")
        self.course.currentIndexChanged.connect(self._course_chosen)
        months = get_settings(session)
        settings_hint = label(
            f"Leave Expires empty and DSL training runs out after "
            f"{counted(months.dsl_training_months, 'month')}, the whole-staff update after "
            f"{counted(months.staff_update_months, 'month')} (the school's settings); other "
            "courses do not run out.",
            "Hint",
        )
        self.form = QGridLayout()
        self.form.setColumnStretch(1, 1)
        self.form.setVerticalSpacing(3)
        intro = (
            f"This entry replaces entry {replacing.id}, which stays on record, with the reason."
            if replacing
            else "The member of staff then confirms it with their own sign-in."
        )
        self.body.addWidget(label(intro, "Subtitle"))
        self.body.addLayout(self.form)
        fields: list[tuple[str, QWidget]] = [
            (rules.WHO, self.who),
            (rules.COURSE, self.course),
            (rules.COURSE_TEXT, self.course_text),
            (rules.PROVIDER, self.provider),
            (rules.TAKEN_ON, self.taken_on),
            (rules.EXPIRES_ON, self.expires_on),
        ]
        if replacing:
            fields.append((rules.REASON, self.reason))
        self.errors: dict[str, QLabel] = {}
        for number, (name, widget) in enumerate(fields):
            caption = QLabel(CAPTIONS[name])
            target = widget.box if isinstance(widget, DayPicker) else widget
            caption.setBuddy(target)
            caption.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
            target.setAccessibleName(name)
            error = label("", "FieldError")
            error.hide()
            self.errors[name] = error
            self.form.addWidget(caption, 2 * number, 0, Qt.AlignmentFlag.AlignTop)
            self.form.addWidget(widget, 2 * number, 1)
            self.form.addWidget(error, 2 * number + 1, 1)
        self.body.addWidget(settings_hint)
        if replacing:
            self._fill(replacing)
        self._course_chosen()
        self.who.setFocus()

    def _fill(self, entry: TrainingEntry) -> None:
        """The entry being corrected, as it was typed: the person changes what was wrong."""
        self.who.setCurrentIndex(self.who.findData(entry.who))
        self.course.setCurrentIndex(self.course.findData(entry.course.value))
        self.course_text.setText(entry.course_text or "")
        self.provider.setText(entry.provider or "")
        self.taken_on.box.set_day(entry.taken_on)
        self.expires_on.box.set_day(entry.expires_on)

    def _course_chosen(self) -> None:
        other = self.course.currentData() == Course.OTHER.value
        self.course_text.setEnabled(other)
        if not other:
            self.course_text.clear()

    def inputs(self) -> list[QWidget]:
        return [
            self.who,
            self.course,
            self.course_text,
            self.provider,
            self.taken_on,
            self.expires_on,
            self.reason,
        ]

    def chosen_who(self) -> str:
        """The username of the person whose name is in the box ("" when none is)."""
        typed = self.who.currentText().strip()
        found = self.who.findText(typed, Qt.MatchFlag.MatchFixedString) if typed else -1
        return str(self.who.itemData(found)) if found >= 0 else ""

    def saved_words(self) -> str:
        """ "Saved: Prevent for Miss Priya Shah, taken 01/09/2026." """
        course = (
            self.course_text.text().strip()
            if self.course.currentData() == Course.OTHER.value
            else self.course.currentText()
        )
        name = next((p.display_name for p in self.people if p.username == self.chosen_who()), "")
        return f"Saved: {course} for {name}, taken {self.taken_on.text()}."

    def payload(self) -> dict[str, Any]:
        return {
            "who": self.chosen_who(),
            "course": self.course.currentData() or "",
            "course_text": self.course_text.text(),
            "provider": self.provider.text(),
            "on": self.taken_on.text(),
            "expires": self.expires_on.text(),
        }

    def _problems_here(self) -> dict[str, str]:
        """What the form can say before asking the service: a date that is not one, and then
        every other problem together with it (the school's rules, checked here too)."""
        found = {}
        for name, picker in ((rules.TAKEN_ON, self.taken_on), (rules.EXPIRES_ON, self.expires_on)):
            problem = picker.box.problem()
            if problem:
                found[name] = problem
        if self.who.currentText().strip() and not self.chosen_who():
            found[rules.WHO] = "is not in the list: type part of their name and choose them"
        if self.replacing and not self.reason.text().strip():
            found[rules.REASON] = "is required: say what was wrong"
        if not found:
            return found
        payload = self.payload()
        for field, picker in (("on", self.taken_on), ("expires", self.expires_on)):
            day = picker.box.day()
            payload[field] = day.isoformat() if day else ""
        try:
            rules.validate_training(
                payload,
                today=training.today(self.session),
                accounts={p.username: p.active for p in self.people},
            )
        except ValidationError as exc:
            found = {**exc.problems, **found}
        return found

    def submit(self) -> None:
        if self.working:
            return
        here = self._problems_here()
        if here:
            self.show_problems(here)
            return
        payload = self.payload()
        for field in ("on", "expires"):  # dd/mm/yyyy as the box tidied it
            day = (self.taken_on if field == "on" else self.expires_on).box.day()
            payload[field] = day.isoformat() if day else ""
        if self.replacing:
            self.run(
                "Saving…",
                training.correct_entry,
                self.session,
                self.replacing.id,
                payload,
                self.reason.text(),
            )
        else:
            self.run("Saving…", training.add_entry, self.session, payload)

    def show_problems(self, problems: dict[str, str]) -> None:
        for error in self.errors.values():
            error.hide()
        first: QWidget | None = None
        for name, reason in problems.items():
            if name not in self.errors:
                continue
            error = self.errors[name]
            error.setText(f"{name} {reason}.")
            error.show()
            if first is None:
                first = self._widget_for(name)
        unplaced = {k: v for k, v in problems.items() if k not in self.errors}
        if unplaced:
            self.say("\n".join(f"{k}: {v}" for k, v in unplaced.items()))
        else:
            self.error.hide()
        if first is not None:
            first.setFocus()

    def _widget_for(self, name: str) -> QWidget:
        return {
            rules.WHO: self.who,
            rules.COURSE: self.course,
            rules.COURSE_TEXT: self.course_text,
            rules.PROVIDER: self.provider,
            rules.TAKEN_ON: self.taken_on.box,
            rules.EXPIRES_ON: self.expires_on.box,
            rules.REASON: self.reason,
        }[name]

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems)
        else:
            super().failed(exc)


def confirm_words(entry: TrainingEntry) -> str:
    """ "I attended Prevent on 02/09/2026, given by the local authority." """
    given = f", given by {entry.provider}" if entry.provider else ""
    return f"I attended {entry.course_name} on {date_text(entry.taken_on)}{given}."


class ConfirmDialog(TaskDialog):
    """The member of staff confirms their own entry: what they confirm, in their words."""

    def __init__(self, session: Session, entry: TrainingEntry, parent: QWidget | None = None):
        super().__init__(parent, "Confirm your training", "I &confirm this")
        self.session = session
        self.entry = entry
        words = label(confirm_words(entry), "Section", plain=True)
        words.setAccessibleName("What you confirm")
        expiry = (
            f"It runs out on {date_text(entry.expires_on)}."
            if entry.expires_on
            else "It does not run out."
        )
        column = QVBoxLayout()
        column.addWidget(words)
        column.addWidget(label(expiry, plain=True))
        column.addWidget(
            label(
                "Your confirmation is dated now and signed with your own sign-in: nobody else, "
                "not the headteacher nor the administrator, can make it for you. If something "
                "here is wrong, choose Cancel and tell whoever recorded it.",
                "Subtitle",
            )
        )
        self.body.addLayout(column)
        self.action_button.setFocus()

    def submit(self) -> None:
        if not self.working:
            self.run("Confirming…", training.confirm, self.session, self.entry.id)


def person_text(person: Person) -> str:
    """ "Miss Priya Shah (priya.shah)": the name, and the username that also finds them."""
    return f"{person.display_name} ({person.username})"
