"""The inline forms of casework: one per act (decision, action, referral, contact, closure…),
built from the same field list the service checks, so the form names exactly what is missing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.casework import ACT_FIELDS, CASEWORK_LISTS, ActType, validate_act
from safedesk.domain.entries import FieldSpec
from safedesk.domain.errors import ValidationError
from safedesk.services import casework
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import report_failure
from safedesk.ui.field_widgets import FieldInput
from safedesk.ui.page_parts import SaveBar

INTRODUCTIONS = {
    ActType.ACKNOWLEDGE: "Acknowledge that you have seen this. It stops the first clock.",
    ActType.TRIAGE: "Record your decision and why. Everything marked * is required.",
    ActType.ACTION: "Something someone must do, by when.",
    ActType.ACTION_DONE: "Mark an action as done, with what was done.",
    ActType.REFERRAL: "A referral you have made. The queue chases the agency's decision.",
    ActType.REFERRAL_DECISION: "What the agency decided, and the feedback given to the "
    "person who raised the concern.",
    ActType.CONTACT: "A conversation with a parent, carer or professional, in enough detail "
    "for someone else to pick up the case.",
    ActType.CLOSURE: "Close the case. Nothing more can be added once it is closed.",
}


def problem_count(count: int) -> str:
    return f"{count} thing{'s' if count != 1 else ''} to put right before this can be saved."


class SpecFields(QWidget):
    """A form layout of FieldInputs for a tuple of FieldSpecs."""

    def __init__(
        self,
        specs: tuple[FieldSpec, ...],
        choices: dict[str, list[tuple[str, str]]],
        now: datetime,
    ) -> None:
        super().__init__()
        self.now = now  # the session's clock: times start at "now" as it sees it
        self.inputs: dict[str, FieldInput] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(8)
        for spec in specs:
            field = FieldInput(
                spec, choices.get(spec.list_name or spec.name, []), may_be_blank=True
            )
            label = QLabel(spec.label + (" *" if spec.required else ""))
            label.setWordWrap(True)
            form.addRow(label, field)
            self.inputs[spec.name] = field
        self.reset()

    def values(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, field in self.inputs.items():
            value = field.value()
            if value not in ("", None):
                found[name] = value
        return found

    def show_problems(self, problems: dict[str, str]) -> bool:
        """Show each field's problem; focus the first. True when some field had one."""
        first: FieldInput | None = None
        for name, field in self.inputs.items():
            field.show_error(problems.get(name))
            if name in problems and first is None:
                first = field
        if first is not None:
            first.setFocus()
        return first is not None

    def reset(self) -> None:
        local = self.now.astimezone().replace(tzinfo=None, second=0, microsecond=0)
        for field in self.inputs.values():
            if field.spec.type == "datetime" and field.spec.required:
                field.set_value(local.isoformat())
            elif field.spec.type == "date" and field.spec.required:
                field.set_value(local.date().isoformat())
            else:
                field.set_value(None)
            field.show_error(None)


class ActForm(QFrame):
    """One act on one case: Save runs the service off the UI thread."""

    saved = Signal(int)  # the act's number
    cancelled = Signal()

    def __init__(
        self,
        session: Session,
        case_ref: str,
        act_type: ActType,
        open_items: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("ActForm")
        self.session = session
        self.case_ref = case_ref
        self.act_type = act_type
        title = QLabel(act_type.label if act_type is not ActType.CLOSURE else "Close the case")
        title.setObjectName("Section")
        intro = QLabel(INTRODUCTIONS[act_type])
        intro.setObjectName("Subtitle")
        intro.setWordWrap(True)
        choices = dict(CASEWORK_LISTS)
        for name in ("action_id", "referral_id"):
            choices[name] = open_items or []
        self.fields = SpecFields(ACT_FIELDS[act_type], choices, session.clock.now())
        closing = act_type is ActType.CLOSURE
        bar = SaveBar(
            self,
            "Cl&ose case" if closing else "&Save",
            self.save,
            self.cancelled.emit,
            escape_cancels=True,
        )
        self.status, self.save_button = bar.status, bar.save_button
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.fields)
        layout.addWidget(bar)

    def payload(self) -> dict[str, Any]:
        return {"type": self.act_type.value, **self.fields.values()}

    def check(self) -> bool:
        try:
            validate_act(self.payload(), now=self.session.clock.now())
        except ValidationError as exc:
            self._show(exc.problems)
            return False
        self._show({})
        return True

    def _show(self, problems: dict[str, str]) -> None:
        had_field = self.fields.show_problems(problems)
        inputs = self.fields.inputs
        others = [f"{v[0].upper()}{v[1:]}." for k, v in problems.items() if k not in inputs]
        if others:
            self.status.setText(" ".join(others))
        else:
            self.status.setText(problem_count(len(problems)) if had_field else "")

    def save(self) -> None:
        if not self.save_button.isEnabled() or not self.check():
            return
        self.save_button.setEnabled(False)
        self.status.setText("Saving…")
        tasks.run(casework.act, self.session, self.case_ref, self.payload()).on_success(
            self._saved
        ).on_error(self._failed)

    def _saved(self, act_id: int) -> None:
        self.save_button.setEnabled(True)
        self.status.setText("")
        self.saved.emit(act_id)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        report_failure(exc, self._show, self.status.setText)
