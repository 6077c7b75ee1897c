"""An alarm from the queue: what safedesk found, and a note to mark it as dealt with."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import moment_text
from safedesk.domain.queue import QueueItem
from safedesk.services import alarms
from safedesk.services.session import Session
from safedesk.ui.task_dialog import TaskDialog, label

EXPLANATION = (
    "safedesk raises an alarm when it finds something wrong that a person must look into: "
    "a record missing from someone's numbering, a key that changed, a record it could not "
    "take in (kept safely, never lost). Find out what happened, then say here what you did."
)


class AlarmDialog(TaskDialog):
    """Emits ``succeeded`` once the alarm is marked as dealt with."""

    def __init__(self, session: Session, item: QueueItem, parent: QWidget | None) -> None:
        super().__init__(parent, "Alarm", "&Mark as dealt with")
        self.session = session
        self.compartment, self.alarm_id = alarms.alarm_from_ref(item.case_ref)
        raised = moment_text(item.started_at)
        self.body.addWidget(
            label(f"{item.case_ref} · raised {raised} in the {self.compartment.label}", "Subtitle")
        )
        self.detail = label(item.what, "Detail", plain=True)
        self.body.addWidget(self.detail)
        self.body.addWidget(label(EXPLANATION))
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName("What was done about it")
        self.note.setPlaceholderText(
            "for example: Spoke to Mr Jones; the missing record was a draft he deleted."
        )
        self.note.setMinimumHeight(90)
        caption = QLabel("&What was done about it *")
        caption.setBuddy(self.note)
        self.body.addWidget(caption)
        self.body.addWidget(self.note)
        self.note.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.note]

    def submit(self) -> None:
        if self.working:
            return
        note = self.note.toPlainText()
        if not note.strip():
            self.say("Say what was done about it before marking it as dealt with.")
            self.note.setFocus()
            return
        self.run(
            "Saving…",
            alarms.resolve_alarm,
            self.session,
            self.compartment,
            self.alarm_id,
            note,
        )

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and "note" in exc.problems:
            self.say(f"What was done about it {exc.problems['note']}.")
        else:
            super().failed(exc)
        self.note.setFocus()
