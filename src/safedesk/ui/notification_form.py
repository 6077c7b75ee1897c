"""Recording a police domestic-abuse notification (Operation Encompass) into the queue."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from safedesk.domain.casework import NOTIFICATION_FIELDS, validate_fields
from safedesk.domain.errors import ValidationError
from safedesk.services import casework, pupils
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.act_form import SpecFields, problem_count
from safedesk.ui.errors import report_failure
from safedesk.ui.page_parts import SaveBar, add_heading
from safedesk.ui.pupil_picker import PupilPicker


class NotificationForm(QWidget):
    recorded = Signal(str)  # E-YYYY-NNNN
    cancelled = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.picker = PupilPicker(pupils.list_pupils(session), multiple=True, with_roles=False)
        self.picker_error = QLabel()
        self.picker_error.setObjectName("FieldError")
        self.picker_error.hide()
        self.fields = SpecFields(NOTIFICATION_FIELDS, {}, session.clock.now())
        bar = SaveBar(self, "&Record notification", self.save, self.cancelled.emit)
        self.status, self.save_button = bar.status, bar.save_button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        add_heading(
            layout,
            "Police notification (Operation Encompass)",
            "Record a domestic-abuse notification from the police. It must be acted on "
            "before the start of the next school day. Fields marked * are required.",
        )
        # The pupils and fields scroll; the heading and Save stay in view on a small screen.
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 12, 0)
        inner.addWidget(QLabel("Pupils *"))
        inner.addWidget(self.picker)
        inner.addWidget(self.picker_error)
        inner.addWidget(self.fields)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(scroll, 1)
        layout.addWidget(bar)

    def payload(self) -> dict[str, Any]:
        return {"pupils": self.picker.upns(), **self.fields.values()}

    def check(self) -> bool:
        problems: dict[str, str] = {}
        try:
            validate_fields(
                NOTIFICATION_FIELDS, self.payload(), now=self.session.clock.now(), extra={"pupils"}
            )
        except ValidationError as exc:
            problems = dict(exc.problems)
        problems.update(self.fields.box_problems())
        if not self.picker.upns():
            problems["pupils"] = "Choose the pupil (or pupils) the police told you about."
        self._show(problems)
        return not problems

    def _show(self, problems: dict[str, str]) -> None:
        pupil_problems = [v for k, v in problems.items() if k.startswith("pupils")]
        self.picker_error.setText(" ".join(pupil_problems))
        self.picker_error.setVisible(bool(pupil_problems))
        self.fields.show_problems(problems)
        if pupil_problems:  # the pupil comes first on the form
            self.picker.setFocus()
        self.status.setText(problem_count(len(problems)) if problems else "")

    def save(self) -> None:
        if not self.save_button.isEnabled() or not self.check():
            return
        self.save_button.setEnabled(False)
        tasks.run(casework.record_notification, self.session, self.payload()).on_success(
            self._saved
        ).on_error(self._failed)

    def _saved(self, ref: str) -> None:
        self.save_button.setEnabled(True)
        self.reset()
        self.recorded.emit(ref)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        report_failure(exc, self._show, self.status.setText)

    def reset(self) -> None:
        self.fields.now = self.session.clock.now()
        self.picker.clear()
        self.fields.reset()
        self.picker_error.hide()
        self.status.setText("")
