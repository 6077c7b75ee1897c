"""The Record page: three clear choices, the form, then the reference and where it went."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from safedesk.domain.entries import Kind
from safedesk.domain.formatting import date_text, time_text
from safedesk.domain.local_time import to_local
from safedesk.services import drafts, lists, pupils, recipients
from safedesk.services.session import Session
from safedesk.ui.record_form import RecordForm

CHOICES = {
    Kind.CONCERN: "You are worried about a child's safety or welfare: something seen, heard, "
    "said or noticed.",
    Kind.BEHAVIOUR: "An incident of behaviour, including bullying, involving one or more pupils.",
    Kind.INTERVENTION: "An adult used physical intervention or restraint (reasonable force).",
}


class RecordPage(QWidget):
    recorded = Signal(str)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.forms: dict[Kind, RecordForm] = {}
        self.stack = QStackedWidget()
        self.menu = self._menu()
        self.done = QWidget()
        self.done_text = QLabel()
        self.done_text.setObjectName("Title")
        self.done_text.setWordWrap(True)
        self.done_detail = QLabel()
        self.done_detail.setWordWrap(True)
        again = QPushButton("Record &something else")
        again.setObjectName("Primary")
        again.clicked.connect(self.show_menu)
        done = QVBoxLayout(self.done)
        done.setContentsMargins(24, 40, 24, 20)
        done.addWidget(self.done_text)
        done.addWidget(self.done_detail)
        done.addWidget(again, alignment=Qt.AlignmentFlag.AlignLeft)
        done.addStretch(1)
        self.stack.addWidget(self.menu)
        self.stack.addWidget(self.done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def _menu(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 20, 24, 20)
        title = QLabel("What do you need to record?")
        title.setObjectName("Title")
        layout.addWidget(title)
        self.choice_buttons: dict[Kind, QPushButton] = {}
        for number, (kind, text) in enumerate(CHOICES.items(), start=1):
            button = QPushButton(f"&{number}  {kind.label}\n{text}")
            button.setObjectName("Choice")
            button.setMinimumHeight(72)
            button.clicked.connect(lambda _=False, k=kind: self.open_form(k))
            layout.addWidget(button)
            self.choice_buttons[kind] = button
        self.drafts_note = QLabel()
        self.drafts_note.setObjectName("Note")
        self.drafts_note.setWordWrap(True)
        self.drafts_note.hide()
        self.resume_button = QPushButton("Carry on with it")
        self.resume_button.hide()
        self.resume_button.clicked.connect(self.resume_latest_draft)
        layout.addSpacing(12)
        layout.addWidget(self.drafts_note)
        layout.addWidget(self.resume_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    def refresh_drafts(self) -> None:
        found = drafts.my_drafts(self.session)
        if found:
            latest = found[-1]
            saved = to_local(latest.updated_at)
            when = f"{date_text(saved.date())} at {time_text(saved)}"
            self.drafts_note.setText(
                f"You have an unfinished {latest.kind.label.lower()} saved on {when}."
                + (f" ({len(found)} drafts in all.)" if len(found) > 1 else "")
            )
        self.drafts_note.setVisible(bool(found))
        self.resume_button.setVisible(bool(found))

    def resume_latest_draft(self) -> None:
        found = drafts.my_drafts(self.session)
        if found:
            latest = found[-1]
            form = self.open_form(latest.kind)
            form.load_draft(latest.id, latest.payload)

    def open_form(self, kind: Kind) -> RecordForm:
        form = self.forms.get(kind)
        if form is None:
            form = RecordForm(
                self.session, kind, pupils.list_pupils(self.session), lists.choices(self.session)
            )
            form.submitted.connect(lambda ref, k=kind: self._submitted(k, ref))
            form.back.connect(self.show_menu)
            self.forms[kind] = form
            self.stack.addWidget(form)
        self.stack.setCurrentWidget(form)
        form.picker.setFocus()
        return form

    def _submitted(self, kind: Kind, ref: str) -> None:
        self.done_text.setText(f"Thank you. Recorded as {ref}.")
        self.done_detail.setText(
            f"{recipients.where_it_goes(self.session, kind)} You can follow it under My "
            "records. Write the reference "
            "down if you need to mention it to anyone."
        )
        self.stack.setCurrentWidget(self.done)
        self.refresh_drafts()
        self.recorded.emit(ref)

    def show_menu(self) -> None:
        self.refresh_drafts()
        self.stack.setCurrentWidget(self.menu)
        self.choice_buttons[Kind.CONCERN].setFocus()

    def stop(self) -> None:
        for form in self.forms.values():
            form.stop()
