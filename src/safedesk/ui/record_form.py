"""One form for each kind of record, built from the same field list the service checks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.entries import FIELDS, Kind
from safedesk.domain.entry_validation import validate_new_entry
from safedesk.domain.errors import ValidationError
from safedesk.domain.people import Pupil
from safedesk.services import drafts, records
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import report_failure, user_message
from safedesk.ui.field_widgets import FieldInput
from safedesk.ui.pupil_picker import PupilPicker

DRAFT_EVERY_MS = 3000
PARENT_INFORMED = ("parent_informed_at", "parent_informed_by", "parent_informed_how")
INTRODUCTIONS = {
    Kind.CONCERN: "Record what you saw or heard, as soon as you can. Facts, not opinions. "
    "If a child is at immediate risk, also tell the DSL in person now.",
    Kind.BEHAVIOUR: "Record the incident, what led up to it, what escalated it and what was done.",
    Kind.INTERVENTION: "Record any use of reasonable force on the same day, in full.",
}


class RecordForm(QWidget):
    submitted = Signal(str)  # the new record's reference

    def __init__(
        self,
        session: Session,
        kind: Kind,
        pupils: list[Pupil],
        choices: dict[str, list[tuple[str, str]]],
    ) -> None:
        super().__init__()
        self.session = session
        self.kind = kind
        self.choices = choices
        self.draft_id: int | None = None
        self._dirty = False
        self.inputs: dict[str, FieldInput] = {}
        self.rows: dict[str, tuple[QLabel, QWidget]] = {}

        title = QLabel(kind.label)
        title.setObjectName("Title")
        intro = QLabel(INTRODUCTIONS[kind] + " Fields marked * are required.")
        intro.setWordWrap(True)
        intro.setObjectName("Subtitle")

        form = QFormLayout()
        form.setVerticalSpacing(10)
        single = kind is Kind.INTERVENTION
        self.picker = PupilPicker(pupils, multiple=not single, with_roles=kind is Kind.BEHAVIOUR)
        self.picker_error = QLabel()
        self.picker_error.setObjectName("FieldError")
        self.picker_error.hide()
        picker_box = QWidget()
        box = QVBoxLayout(picker_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.picker)
        box.addWidget(self.picker_error)
        form.addRow(self._label("Pupil *" if single else "Pupils *"), picker_box)
        self.picker.changed.connect(self._changed)

        self.parent_informed: QCheckBox | None = None
        for spec in FIELDS[kind]:
            if spec.name == "parent_informed_at":
                self.parent_informed = QCheckBox("A parent or carer has been informed")
                self.parent_informed.setChecked(True)
                self.parent_informed.toggled.connect(self._update_visibility)
                self.parent_informed.toggled.connect(self._changed)
                form.addRow(QLabel(""), self.parent_informed)
            field = FieldInput(spec, choices.get(spec.list_name or "", []))
            field.changed.connect(self._changed)
            self.inputs[spec.name] = field
            label = self._label(
                ("" if spec.type == "bool" else spec.label) + (" *" if spec.required else "")
            )
            form.addRow(label, field)
            self.rows[spec.name] = (label, field)

        self.status = QLabel()
        self.status.setObjectName("Subtitle")
        self.submit_button = QPushButton("&Submit record")
        self.submit_button.setObjectName("Primary")
        self.submit_button.setToolTip("Ctrl+Enter")
        self.submit_button.clicked.connect(self.submit)
        self.discard_button = QPushButton("Discard")
        self.discard_button.clicked.connect(self.discard)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.submit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.submit_button)

        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(24, 20, 24, 20)
        column.addWidget(title)
        column.addWidget(intro)
        column.addLayout(form)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        footer = QWidget()
        footer.setLayout(buttons)
        buttons.setContentsMargins(24, 8, 24, 12)
        outer.addWidget(footer)

        self.autosave = QTimer(self)
        self.autosave.setInterval(DRAFT_EVERY_MS)
        self.autosave.timeout.connect(self.save_draft)
        self.autosave.start()
        self._update_visibility()
        self._dirty = False

    @staticmethod
    def _label(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        return label

    # --- values ----------------------------------------------------------------------------

    def payload(self) -> dict[str, Any]:
        """The record as the service (and the JSON contract) takes it."""
        data: dict[str, Any] = {}
        if self.kind is Kind.INTERVENTION:
            upns = self.picker.upns()
            data["pupil"] = upns[0] if upns else ""
        elif self.kind is Kind.BEHAVIOUR:
            data["pupils"] = [
                {"upn": u, "role": r}
                for u, r in zip(self.picker.upns(), self.picker.roles(), strict=True)
            ]
        else:
            data["pupils"] = self.picker.upns()
        for name, field in self.inputs.items():
            if self._row_visible(name):
                value = field.value()
                if value not in ("", None):
                    data[name] = value
        return data

    def _row_visible(self, name: str) -> bool:
        return not self.rows[name][1].isHidden()

    def _update_visibility(self) -> None:
        values = {n: f.value() for n, f in self.inputs.items()}
        shown = {
            "bullying_type": values.get("behaviour_type") == "bullying",
            "prejudice_type": values.get("behaviour_type") == "bullying"
            and values.get("bullying_type") == "prejudice",
        }
        if self.parent_informed is not None:
            informed = self.parent_informed.isChecked()
            shown.update({name: informed for name in PARENT_INFORMED})
            shown["parent_not_informed_reason"] = not informed
        for name, visible in shown.items():
            if name in self.rows:
                label, field = self.rows[name]
                label.setVisible(visible)
                field.setVisible(visible)
                if name in PARENT_INFORMED or name == "parent_not_informed_reason":
                    label.setText(self.inputs[name].spec.label + " *")

    def _changed(self) -> None:
        self._dirty = True
        self._update_visibility()

    # --- checking and submitting ------------------------------------------------------------

    def check(self) -> bool:
        """Run the service's own validation here, so the form says exactly what is missing."""
        lists = {name: {v for v, _ in values} for name, values in self.choices.items()}
        try:
            validate_new_entry(self.kind, self.payload(), lists=lists, now=self.session.clock.now())
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return False
        self.show_problems({})
        return True

    def show_problems(self, problems: dict[str, str]) -> None:
        first: QWidget | None = None
        picker_problems = [
            "Choose the pupil this is about."
            if "required" in v and k in ("pupil", "pupils")
            else f"{k.replace('pupils', 'Pupil ').replace('[', '').replace(']', '')}: {v}"
            for k, v in problems.items()
            if k.startswith("pupil")
        ]
        self.picker_error.setText(" ".join(picker_problems))
        self.picker_error.setVisible(bool(picker_problems))
        if picker_problems:
            first = self.picker
        for name, field in self.inputs.items():
            field.show_error(problems.get(name))
            if name in problems and first is None:
                first = field
        if first is not None:
            first.setFocus()
        count = len(problems)
        self.status.setText(
            f"{count} thing{'s' if count != 1 else ''} to put right before this can be submitted."
            if count
            else ""
        )

    def submit(self) -> None:
        if not self.check():
            return
        self.submit_button.setEnabled(False)
        self.status.setText("Saving…")
        # The draft of this record goes in the same transaction as the record (found by the
        # new-user pass: a draft saved before a failed submit came back after a good one).
        self.autosave.stop()
        self._dirty = False
        tasks.run(
            records.record, self.session, self.kind, self.payload(), draft_id=self.draft_id
        ).on_success(self._submitted).on_error(self._failed)

    def _submitted(self, ref: str) -> None:
        self.draft_id = None
        self.submit_button.setEnabled(True)
        self.reset()
        self.autosave.start()
        self.submitted.emit(ref)

    def _failed(self, exc: BaseException) -> None:
        self.submit_button.setEnabled(True)
        self._dirty = True  # what is typed is kept as a draft again
        self.autosave.start()
        report_failure(exc, self.show_problems, self.status.setText)

    def reset(self) -> None:
        self.picker.clear()
        for field in self.inputs.values():
            field.set_value(None)
            field.show_error(None)
        self.status.setText("")
        self._dirty = False

    # --- drafts ----------------------------------------------------------------------------

    def save_draft(self) -> None:
        if not self._dirty or self.session.locked:
            return
        self._dirty = False
        content = {
            **self.payload(),
            "_roles": self.picker.roles(),
            "_upns": self.picker.upns(),
            "_parent_informed": bool(self.parent_informed and self.parent_informed.isChecked()),
        }
        try:
            self.draft_id = drafts.save_draft(self.session, self.kind, content, self.draft_id)
            self.status.setText("Draft saved.")
        except Exception as exc:
            self.status.setText("Draft not saved: " + user_message(exc))

    def load_draft(self, draft_id: int, content: dict[str, Any]) -> None:
        self.draft_id = draft_id
        self.picker.set_chosen(list(content.get("_upns", [])), list(content.get("_roles", [])))
        if self.parent_informed is not None:
            self.parent_informed.setChecked(bool(content.get("_parent_informed", True)))
        for name, field in self.inputs.items():
            if name in content:
                field.set_value(content[name])
        self._update_visibility()
        self._dirty = False
        self.status.setText("Your unfinished draft has been brought back.")

    def discard(self) -> None:
        if self.draft_id is not None:
            drafts.discard_draft(self.session, self.draft_id)
            self.draft_id = None
        self.reset()

    def stop(self) -> None:
        """Save what is typed now (the app is locking or closing)."""
        self.autosave.stop()
        self.save_draft()
