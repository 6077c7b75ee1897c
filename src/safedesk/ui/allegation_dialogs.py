"""What is done on one allegation, each in a small dialog driven by the keyboard: the LADO
contacted (when, and the officer's name), an action, the outcome (in the words Keeping
Children Safe in Education defines them) with its date, a correction with its reason, and a
correction of the outcome once recorded; the same correction dialog corrects a low-level
concern. Nothing starts filled in; every problem is shown under its field by its label."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from itertools import pairwise
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from safedesk.domain.allegations import (
    AMENDABLE,
    LOW_LEVEL_AMENDABLE,
    Allegation,
    LowLevelConcern,
    Outcome,
    validate_lado,
    validate_outcome,
    validate_outcome_correction,
)
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text, moment_text
from safedesk.domain.local_time import to_local
from safedesk.domain.text import is_blank
from safedesk.services import allegations
from safedesk.services.session import Session
from safedesk.ui.allegation_form import FieldGrid, text_box, when_problems, when_value
from safedesk.ui.field_widgets import DayBox, WhenBox
from safedesk.ui.task_dialog import TaskDialog, label

# What each outcome means, as the head reads it (Keeping Children Safe in Education, part 4).
OUTCOME_WORDS = {
    Outcome.SUBSTANTIATED: "Substantiated: enough evidence to prove the allegation",
    Outcome.FALSE: "False: enough evidence to disprove the allegation",
    Outcome.MALICIOUS: "Malicious: clear evidence of a deliberate act to deceive",
    Outcome.UNSUBSTANTIATED: "Unsubstantiated: not enough evidence to prove or disprove it",
    Outcome.UNFOUNDED: "Unfounded: no evidence or proper basis to support it",
}

# The fields a correction may change, in the words the form uses for them.
FIELD_LABELS = {
    "subject_name": "Who it is about",
    "subject_role": "Their role",
    "happened_at": "When it happened",
    "alleged": "What is alleged",
    "raised_by": "Raised by",
}
# A low-level concern's, likewise.
LOW_LEVEL_LABELS = {
    "subject_name": "Who it is about",
    "subject_role": "Their role",
    "happened_at": "When it happened",
    "what": "What happened",
    "raised_by": "Raised by",
}

Record = Allegation | LowLevelConcern  # what a dialog here works on


def about(record: Record) -> str:
    what = "Low-level concern" if isinstance(record, LowLevelConcern) else "Allegation"
    return (
        f"{what} {record.id}: about {record.current('subject_name')} "
        f"({record.current('subject_role')})"
    )


def decision_text(allegation: Allegation) -> str:
    """ "Unfounded, decided 16/11/2026": the outcome as it stands."""
    decision = allegation.decision
    if decision is None:
        return "No outcome recorded yet"
    return f"{decision.outcome.label}, decided {date_text(decision.decided_on)}"


def shown_value(field: str, value: str) -> str:
    """A field's value as the page shows it (a time written out, not ISO)."""
    if field == "happened_at":
        try:
            return moment_text(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


class AllegationDialog(TaskDialog):
    """A dialog on one allegation: subclasses add fields with ``self.grid.add`` and say what
    to check (``problems``) and what to call (``action``)."""

    def __init__(
        self,
        session: Session,
        allegation: Any,  # an Allegation; a LowLevelConcern for LowLevelCorrectDialog
        about_head: bool,
        parent: QWidget | None,
        title: str,
    ) -> None:
        super().__init__(parent, title, "&Save")
        self.setMinimumWidth(620)
        self.cancel_button.setAutoDefault(False)
        self.session = session
        self.allegation = allegation
        self.about_head = about_head
        self.attempted = False
        self.body.addWidget(label(about(allegation), "Subtitle", plain=True))
        self.grid = FieldGrid()
        self.body.addLayout(self.grid)

    def finish_fields(self) -> None:
        """Tab order: each field (a time's date, then its time), then Save and Cancel."""
        chain: list[QWidget] = []
        for widget in self.grid.fields.values():
            chain += [widget.day, widget.clock] if isinstance(widget, WhenBox) else [widget]
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self._changed)
            elif isinstance(widget, QPlainTextEdit | QLineEdit):
                widget.textChanged.connect(self._changed)
            elif isinstance(widget, WhenBox):
                widget.changed.connect(self._changed)
        chain += [self.action_button, self.cancel_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        # A minimum width set by hand overrides the layout's own: never narrower than the
        # fields need (the outcomes' words), or Qt squeezes the boxes' height as well.
        layout = self.layout()
        if layout is not None:
            layout.activate()
            self.setMinimumWidth(max(self.minimumWidth(), layout.minimumSize().width()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        next(iter(self.grid.fields.values())).setFocus()  # the typing starts at the first field

    def inputs(self) -> list[QWidget]:
        return list(self.grid.fields.values())

    def problems(self) -> dict[str, str]:
        raise NotImplementedError

    def action(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        """The service call and its arguments after the session and the allegation's number."""
        raise NotImplementedError

    def _changed(self) -> None:
        if self.attempted and not self.working:
            self.show_problems(self.problems())

    def show_problems(self, problems: Mapping[str, str]) -> None:
        others = self.grid.show_problems(problems)
        if problems:
            self.say(
                f"{counted(len(problems), 'thing')} to put right before saving."
                + "".join(f"\n{o}" for o in others)
            )
        else:
            self.error.hide()

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
            return
        call, args = self.action()
        work = partial(call, about_head=self.about_head)
        self.run("Saving…", work, self.session, self.allegation.id, *args)

    def keyed(self, problems: Mapping[str, str]) -> dict[str, str]:
        """The service's names for problems, as this dialog's fields."""
        return dict(problems)

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.show_problems(self.keyed(exc.problems))
        else:
            super().failed(exc)


class LadoDialog(AllegationDialog):
    """When the LADO was contacted, and the officer's name: both typed."""

    def __init__(
        self, session: Session, allegation: Allegation, about_head: bool, parent: QWidget | None
    ) -> None:
        super().__init__(session, allegation, about_head, parent, "The LADO contacted")
        self.body.insertWidget(
            1,
            label(
                "When you spoke to or wrote to the local authority designated officer (LADO) "
                "about this allegation, and their name.",
                "Subtitle",
            ),
        )
        self.contacted_at = WhenBox("When the LADO was contacted")
        self.lado_name = QLineEdit()
        self.lado_name.setMaxLength(200)
        self.grid.add("contacted_at", "&When the LADO was contacted *", self.contacted_at)
        self.grid.add("lado_name", "The LADO's &name *", self.lado_name)
        self.finish_fields()

    def payload(self) -> dict[str, str]:
        return {"contacted_at": when_value(self.contacted_at), "lado_name": self.lado_name.text()}

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        try:
            at, _name = validate_lado(self.payload(), self.session.clock.now())
        except ValidationError as exc:
            found.update(exc.problems)
        else:
            if at < self.allegation.happened_at:
                found["contacted_at"] = "is before what is alleged happened"
        found.update(when_problems({"contacted_at": self.contacted_at}))
        return found

    def action(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return allegations.record_lado_contact, (self.payload(),)


class ActionDialog(AllegationDialog):
    """An action taken: a strategy meeting, the person told, suspension considered, ..."""

    def __init__(
        self, session: Session, allegation: Allegation, about_head: bool, parent: QWidget | None
    ) -> None:
        super().__init__(session, allegation, about_head, parent, "Add an action")
        self.text = text_box(110)
        self.text.setPlaceholderText(
            "For example: strategy meeting held with the LADO and the police; the member of "
            "staff told; suspension considered and why"
        )
        self.grid.add("action", "&What was done *", self.text)
        self.finish_fields()

    def problems(self) -> dict[str, str]:
        return {"action": "is required"} if is_blank(self.text.toPlainText()) else {}

    def action(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return allegations.record_action, (self.text.toPlainText(),)


class OutcomeDialog(AllegationDialog):
    """The outcome, chosen from the five in words, and the day it was decided (typed)."""

    TITLE = "Record the outcome"
    INTRO = (
        "The outcome is recorded once: check it before saving. If it turns out to be wrong, "
        "it is corrected with the reason, and what was first recorded is kept."
    )

    def __init__(
        self, session: Session, allegation: Allegation, about_head: bool, parent: QWidget | None
    ) -> None:
        super().__init__(session, allegation, about_head, parent, self.TITLE)
        self.body.insertWidget(1, label(self.INTRO, "Subtitle"))
        self.outcome = QComboBox()
        self.outcome.addItem("— choose —", "")
        for outcome, words in OUTCOME_WORDS.items():
            self.outcome.addItem(words, outcome.value)
        self.decided_on = DayBox("The date it was decided")
        self.grid.add("outcome", "&Outcome *", self.outcome)
        self.grid.add("decided_on", "The &date it was decided *", self.decided_on)
        self.add_fields()
        self.finish_fields()

    def add_fields(self) -> None:
        """More fields after the outcome and its date (a correction's reason)."""

    def payload(self) -> dict[str, str]:
        day = self.decided_on.day()
        return {
            "outcome": str(self.outcome.currentData() or ""),
            "decided_on": day.isoformat() if day else self.decided_on.text().strip(),
        }

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.outcome.currentData():
            found["outcome"] = "needs a choice"
        try:
            validate_outcome(self.payload(), to_local(self.session.clock.now()).date())
        except ValidationError as exc:
            for key, problem in exc.problems.items():
                found.setdefault(key, problem)
        if typed := self.decided_on.problem():
            found["decided_on"] = typed
        return found

    def action(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return allegations.record_outcome, (self.payload(),)


class OutcomeCorrectDialog(OutcomeDialog):
    """An outcome already recorded, corrected: the outcome and the day as they should be, and
    why. The outcome as it stands is shown; the first and every correction are kept."""

    TITLE = "Correct the outcome"
    INTRO = (
        "Nothing recorded is changed or removed: the correction is kept beside the outcome, "
        "with what it was, what it is now, why, who made it and when."
    )

    def add_fields(self) -> None:
        now = label(f"Now: {decision_text(self.allegation)}", "Subtitle", plain=True)
        now.setAccessibleName("The outcome now")
        self.body.insertWidget(2, now)
        self.reason = text_box(60)
        self.grid.add("reason", "&Reason for the correction *", self.reason)

    def problems(self) -> dict[str, str]:
        found = super().problems()
        decision = self.allegation.decision
        if is_blank(self.reason.toPlainText()):
            found["reason"] = "is required"
        elif not found and decision is not None:
            today = to_local(self.session.clock.now()).date()
            try:
                validate_outcome_correction(
                    decision, self.payload(), self.reason.toPlainText(), today
                )
            except ValidationError as exc:
                found.update(exc.problems)
        return found

    def action(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        payload = self.payload()
        return allegations.correct_outcome, (
            payload["outcome"],
            payload["decided_on"],
            self.reason.toPlainText(),
        )


class CorrectDialog(AllegationDialog):
    """A correction: which field, its new value and why. The old value is kept and shown."""

    TITLE = "Correct the allegation"
    FIELDS: Mapping[str, str] = {key: FIELD_LABELS[key] for key in AMENDABLE}

    def __init__(
        self, session: Session, allegation: Any, about_head: bool, parent: QWidget | None
    ) -> None:
        super().__init__(session, allegation, about_head, parent, self.TITLE)
        self.body.insertWidget(
            1,
            label(
                "Nothing recorded is changed or removed: the correction is kept beside it, with "
                "the old value, the new one, why, who made it and when.",
                "Subtitle",
            ),
        )
        self.field = QComboBox()
        self.field.addItem("— choose —", "")
        for key, caption in self.FIELDS.items():
            self.field.addItem(caption, key)
        self.old = label("", "Subtitle", plain=True)
        self.old.setAccessibleName("Its value now")
        self.old.hide()  # until a field is chosen
        self.new_text = text_box(74)
        self.new_when = WhenBox("New value")
        self.new_when.hide()
        self.reason = text_box(60)
        self.grid.add("field", "&Field to correct *", self.field)
        self.grid.addWidget(self.old, self.grid.rowCount(), 1)
        self.grid.add("new value", "&New value *", self.new_text)
        # The time it happened is typed as a time (a second box in the same place).
        self.grid.addWidget(self.new_when, self.grid.rowCount() - 2, 1)
        self.grid.add("reason", "&Reason for the correction *", self.reason)
        self.new_when.changed.connect(self._changed)
        self.field.currentIndexChanged.connect(self._field_chosen)
        self.finish_fields()
        QWidget.setTabOrder(self.new_text, self.new_when.day)
        QWidget.setTabOrder(self.new_when.day, self.new_when.clock)
        QWidget.setTabOrder(self.new_when.clock, self.reason)

    def _field_chosen(self) -> None:
        key = str(self.field.currentData() or "")
        timed = key == "happened_at"
        self.new_text.setVisible(not timed)
        self.new_when.setVisible(timed)
        caption = self.grid.captions["new value"]
        caption.setBuddy(self.new_when if timed else self.new_text)
        self.grid.fields["new value"] = self.new_when if timed else self.new_text
        now = shown_value(key, self.allegation.current(key)) if key else ""
        self.old.setText(f"Now: {now}" if key else "")
        self.old.setVisible(bool(key))

    def new_value(self) -> str:
        if self.field.currentData() == "happened_at":
            return when_value(self.new_when)
        return self.new_text.toPlainText()

    def inputs(self) -> list[QWidget]:
        return [self.field, self.new_text, self.new_when, self.reason]

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.field.currentData():
            found["field"] = "needs a choice"
        if is_blank(self.new_value()):
            found["new value"] = "is required"
        elif self.field.currentData() == "happened_at" and (problem := self.new_when.problem()):
            found["new value"] = problem
        if is_blank(self.reason.toPlainText()):
            found["reason"] = "is required"
        return found

    def service(self) -> Callable[..., Any]:
        return allegations.amend_allegation

    def action(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        field = str(self.field.currentData())
        return self.service(), (field, self.new_value(), self.reason.toPlainText())


class LowLevelCorrectDialog(CorrectDialog):
    """The same correction, of a low-level concern: its fields, kept beside it likewise."""

    TITLE = "Correct the low-level concern"
    FIELDS: Mapping[str, str] = {key: LOW_LEVEL_LABELS[key] for key in LOW_LEVEL_AMENDABLE}

    def service(self) -> Callable[..., Any]:
        return allegations.correct_low_level
