"""Start or end a pupil's safeguarding status, with the day it did (DSLs and the head).

One choice says what changes ("Start: Child protection plan", "End: Young carer (since…)"),
one box takes the day, typed (dd/mm/yyyy, "today", "yesterday") and empty until someone types
it; a note is optional. The form checks what the service checks, as it is typed once Save has
been tried, and names each field as it is labelled here."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text
from safedesk.domain.local_time import to_local
from safedesk.domain.people import Pupil
from safedesk.domain.pupil_status import (
    ENDS_FIELD,
    NOTE_FIELD,
    STARTS_FIELD,
    STATUS_FIELD,
    StatusKind,
    StatusPeriod,
    check_end,
    check_start,
    statuses_line,
)
from safedesk.services import pupil_status
from safedesk.services.session import Session
from safedesk.ui.field_widgets import parse_day_text
from safedesk.ui.task_dialog import TaskDialog, label

# Captions with their Alt+letters (unique in the dialog: its buttons are &Save and Cancel).
CHANGE_CAPTION = "&What changes"
DAY_CAPTION = "&Day"
NOTE_CAPTION = "&Note"


class PupilStatusDialog(TaskDialog):
    """Emits ``succeeded`` with the StatusPeriod started or ended, once it is saved."""

    def __init__(
        self, session: Session, pupil: Pupil, periods: list[StatusPeriod], parent: QWidget | None
    ) -> None:
        super().__init__(parent, f"Safeguarding status: {pupil.display_name}", "&Save")
        self.session = session
        self.pupil = pupil
        self.periods = periods
        self.attempted = False
        now = label(
            f"Now: {statuses_line(periods, 'no safeguarding status recorded')}.", plain=True
        )
        now.setObjectName("Subtitle")
        self.body.addWidget(now)
        self.change = QComboBox()
        self.change.setAccessibleName("What changes")
        self.change.setPlaceholderText("Choose what changes…")
        holding = {p.kind: p for p in periods if p.current}
        for kind in StatusKind:
            if kind not in holding:
                self.change.addItem(f"Start: {kind.label}", ("start", kind))
        for period in holding.values():
            self.change.addItem(f"End: {period.text()}", ("end", period))
        self.change.setCurrentIndex(-1)
        self.day = QLineEdit()
        self.day.setPlaceholderText("dd/mm/yyyy")
        self.day.setMaximumWidth(150)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)  # Tab moves on, as everywhere else
        self.note.setPlaceholderText("Optional: for example, decided at the conference on…")
        self.note.setFixedHeight(64)
        self.note.setAccessibleName(NOTE_FIELD)
        self.captions = {
            STATUS_FIELD: QLabel(CHANGE_CAPTION + " *"),
            "day": QLabel(DAY_CAPTION + " *"),
            NOTE_FIELD: QLabel(NOTE_CAPTION),
        }
        widgets: dict[str, QWidget] = {
            STATUS_FIELD: self.change,
            "day": self.day,
            NOTE_FIELD: self.note,
        }
        self.errors: dict[str, QLabel] = {}
        form = QGridLayout()
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(2)
        form.setColumnStretch(1, 1)
        for row, (name, widget) in enumerate(widgets.items()):
            self.captions[name].setBuddy(widget)
            error = label("", "FieldError")
            error.hide()
            self.errors[name] = error
            form.addWidget(self.captions[name], 2 * row, 0)
            form.addWidget(widget, 2 * row, 1)
            form.addWidget(error, 2 * row + 1, 1)
        self.body.addLayout(form)
        self.change.currentIndexChanged.connect(lambda _i: self._changed())
        self.day.textChanged.connect(self._changed)
        self.note.textChanged.connect(self._changed)
        self._name_day()
        self.change.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.change, self.day, self.note]

    def _choice(self) -> tuple[str, Any] | None:
        data = self.change.currentData()
        return data if isinstance(data, tuple) else None

    def day_label(self) -> str:
        """ "Starts on" or "Ends on", as the change chosen asks (the service's names too)."""
        choice = self._choice()
        return ENDS_FIELD if choice is not None and choice[0] == "end" else STARTS_FIELD

    def _name_day(self) -> None:
        self.day.setAccessibleName(self.day_label())
        self.captions["day"].setText(f"{DAY_CAPTION} ({self.day_label().lower()}) *")

    def _typed_day(self) -> date | str | None:
        text = self.day.text().strip()
        if not text:
            return None
        return parse_day_text(text) or text

    def problems(self) -> dict[str, str]:
        """Every problem with the form as it stands, by the label of its field."""
        choice = self._choice()
        day = self._typed_day()
        found: dict[str, str] = {}
        if isinstance(day, str):
            found[self.day_label()] = f"must be a date like {date_text(self._today())}"
            day = date.min  # checked for everything else meanwhile
        note = self.note.toPlainText() or None
        try:
            if choice is None:
                check_start(None, day, self._today(), note)
            elif choice[0] == "start":
                check_start(choice[1], day, self._today(), note)
            else:
                check_end(choice[1], day, self._today(), note)
        except ValidationError as exc:
            for field, problem in exc.problems.items():
                found.setdefault(field, problem)
        if STATUS_FIELD in found and choice is None:
            found[STATUS_FIELD] = "choose one"
        return found

    def _today(self) -> date:
        return to_local(self.session.clock.now()).date()

    def _changed(self) -> None:
        self._name_day()
        if self.attempted:
            self.show_problems(self.problems())

    def show_problems(self, problems: dict[str, str]) -> None:
        day = self.day_label()
        shown = {STATUS_FIELD: STATUS_FIELD, "day": day, NOTE_FIELD: NOTE_FIELD}
        for name, error in self.errors.items():
            field = shown[name]
            problem = problems.get(field)
            caption = "What changes" if field == STATUS_FIELD else field
            error.setText(f"{caption}: {problem}." if problem else "")
            error.setVisible(problem is not None)
        others = [f"{f}: {p}" for f, p in problems.items() if f not in shown.values()]
        if problems:
            self.say(
                f"{counted(len(problems), 'thing')} to put right before saving."
                + ("\n" + "\n".join(others) if others else "")
            )
        else:
            self.error.hide()

    def submit(self) -> None:
        self.attempted = True
        problems = self.problems()
        self.show_problems(problems)
        if problems:
            first = {STATUS_FIELD: self.change, NOTE_FIELD: self.note}
            next((w for f, w in first.items() if f in problems), self.day).setFocus()
            return
        choice = self._choice()
        assert choice is not None
        day = self._typed_day()
        note = self.note.toPlainText() or None
        if choice[0] == "start":
            self.run(
                "Saving…",
                pupil_status.start_status,
                self.session,
                self.pupil.upn,
                choice[1],
                day,
                note,
            )
        else:
            self.run("Saving…", pupil_status.end_status, self.session, choice[1].id, day, note)

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems)
        else:
            super().failed(exc)
