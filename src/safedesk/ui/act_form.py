"""The inline forms of casework: one per act (decision, action, referral, contact, closure…),
built from the same field list the service checks, so the form names exactly what is missing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.casework import (
    ACT_FIELDS,
    CASEWORK_LISTS,
    OUTCOME_WORDS,
    ActType,
    CaseEvent,
    open_item_words,
    validate_act,
)
from safedesk.domain.entries import FieldSpec
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted
from safedesk.services import casework
from safedesk.services.session import Session
from safedesk.ui import msgbox, tasks
from safedesk.ui.errors import report_failure
from safedesk.ui.field_widgets import UNANSWERED, FieldInput
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
    return f"{counted(count, 'thing')} to put right before this can be saved."


def narrow(combo: QComboBox) -> None:
    """A choice box as narrow as its pane: a long choice does not widen the form (the list
    that drops down still shows it in full)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)


class OpenItem(QWidget):
    """One action or referral still open when the case closes: what became of it, and why."""

    def __init__(self, event: CaseEvent) -> None:
        super().__init__()
        self.opened_act = event
        words = open_item_words(event)
        self.label = QLabel(words)
        self.label.setWordWrap(True)
        self.outcome = QComboBox()
        self.outcome.setAccessibleName(f"What became of it: {words}")
        narrow(self.outcome)
        self.outcome.addItem("Choose what became of it…", None)
        for outcome, text in OUTCOME_WORDS[event.type].items():
            self.outcome.addItem(text, outcome.value)
        self.note = QLineEdit()
        self.note.setAccessibleName(f"What was done, or why: {words}")
        self.note.setPlaceholderText(
            "What was done, or why it closes"
            if event.type is ActType.ACTION
            else "What the agency decided, or why it closes"
        )
        self.note.setMaxLength(2000)
        self.error = QLabel()
        self.error.setObjectName("FieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        for widget in (self.label, self.outcome, self.note, self.error):
            layout.addWidget(widget)

    def payload(self) -> dict[str, Any] | None:
        value = self.outcome.currentData()
        if value is None:
            return None
        key = "action_id" if self.opened_act.type is ActType.ACTION else "referral_id"
        return {key: self.opened_act.id, "outcome": value, "note": self.note.text()}

    def show_error(self, text: str | None) -> None:
        self.error.setText(text or "")
        self.error.setVisible(bool(text))


class OpenItems(QGroupBox):
    """Every action and referral still open, each to be accounted for before the case closes."""

    def __init__(self, events: list[CaseEvent]) -> None:
        super().__init__("Still open: say what became of each")
        self.rows = [OpenItem(event) for event in events]
        layout = QVBoxLayout(self)
        for row in self.rows:
            layout.addWidget(row)

    def payload(self) -> list[dict[str, Any]]:
        return [found for row in self.rows if (found := row.payload()) is not None]

    def show_problems(self, problems: dict[str, str]) -> int:
        """Show each row's problem (the unchosen first); focus the first. Returns how many."""
        chosen = [row for row in self.rows if row.payload() is not None]
        first: QWidget | None = None
        count = 0
        for row in self.rows:
            text: str | None = None
            if row.payload() is None:
                text = "Choose what became of it."
            else:
                where = f"open_items[{chosen.index(row) + 1}]"
                found = [v for k, v in problems.items() if k.startswith(where)]
                if found:
                    text = _said("Why", found[0])
            row.show_error(text)
            if text:
                count += 1
                if first is None:
                    first = row.outcome if row.payload() is None else row.note
        if first is not None:
            first.setFocus()
        return count


def _said(label: str, problem: str) -> str:
    """A problem as a sentence that names the box by its label."""
    if problem.startswith("is required: "):
        problem = "is needed: " + problem.removeprefix("is required: ")
    return f"{label} {problem}."


class SpecFields(QWidget):
    """A form layout of FieldInputs for a tuple of FieldSpecs."""

    def __init__(
        self,
        specs: tuple[FieldSpec, ...],
        choices: dict[str, list[tuple[str, str]]],
        now: datetime,
    ) -> None:
        super().__init__()
        self.now = now  # the session's clock (kept for callers; no box starts at "now")
        self.inputs: dict[str, FieldInput] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(8)
        # Each label above its box: the form sits in a narrow pane beside the case.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for spec in specs:
            field = FieldInput(
                spec, choices.get(spec.list_name or spec.name, []), may_be_blank=True
            )
            label = QLabel(spec.label + (" *" if spec.required else ""))
            label.setWordWrap(True)
            for combo in field.findChildren(QComboBox):
                narrow(combo)
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
        """Every box empty: a time or date nobody typed is never recorded."""
        for field in self.inputs.values():
            field.set_value(None)
            field.show_error(None)

    def box_problems(self) -> dict[str, str]:
        """What the boxes themselves tell is wrong as typed (a half-typed time, a yes/no
        not answered), said before any rule of the act is checked."""
        found = {}
        for name, field in self.inputs.items():
            problem = field.problem()
            if problem is not None and (field.spec.required or problem != UNANSWERED):
                found[name] = problem
        return found


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
        to_settle: list[CaseEvent] | None = None,
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
            self._cancel,
            escape_cancels=True,
        )
        self.status, self.save_button = bar.status, bar.save_button
        self.open_items = OpenItems(to_settle) if closing and to_settle else None
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        if self.open_items is not None:
            layout.addWidget(self.open_items)
        layout.addWidget(self.fields)
        layout.addWidget(bar)
        layout.addStretch(1)

    def payload(self) -> dict[str, Any]:
        found = {"type": self.act_type.value, **self.fields.values()}
        if self.open_items is not None:
            found["open_items"] = self.open_items.payload()
        return found

    def choose_item(self, item_id: str) -> None:
        """Start an "action done" or "referral decision" on this one."""
        for name in ("action_id", "referral_id"):
            if name in self.fields.inputs:
                self.fields.inputs[name].set_value(item_id)

    def focus_first(self) -> None:
        first: QWidget | None = None
        if self.open_items is not None and self.open_items.rows:
            first = self.open_items.rows[0].outcome
        else:
            first = next(iter(self.fields.inputs.values()), None)
        if first is not None:
            first.setFocus()

    def typed(self) -> bool:
        """Whether anything has been typed or chosen in the form."""
        chosen = self.open_items is not None and any(
            row.payload() is not None for row in self.open_items.rows
        )
        return bool(self.fields.values()) or chosen

    def may_leave(self) -> bool:
        """True when the form can go: nothing typed, or its author agrees to lose it."""
        return not self.typed() or msgbox.confirm(
            self,
            "Discard this form?",
            "What you have typed in this form will be lost. Discard it?",
        )

    def _cancel(self) -> None:
        if self.may_leave():
            self.cancelled.emit()

    def check(self) -> bool:
        problems: dict[str, str] = {}
        try:
            validate_act(self.payload(), now=self.session.clock.now())
        except ValidationError as exc:
            problems = dict(exc.problems)
        problems.update(self.fields.box_problems())
        unchosen = self.open_items is not None and any(
            row.payload() is None for row in self.open_items.rows
        )
        if problems or unchosen:
            self._show(problems)
            return False
        self._show({})
        return True

    def _show(self, problems: dict[str, str]) -> None:
        open_count = 0
        if self.open_items is not None:
            open_count = self.open_items.show_problems(problems)
        had_field = self.fields.show_problems(problems) if not open_count else False
        if open_count:
            self.fields.show_problems(problems)
            if self.open_items is not None:
                self.open_items.show_problems(problems)  # its first box keeps the focus
        inputs = self.fields.inputs
        others = [
            f"{v[0].upper()}{v[1:]}."
            for k, v in problems.items()
            if k not in inputs and not k.startswith("open_items")
        ]
        if problems.get("open_items") and not open_count:
            others.append(f"{problems['open_items']}.")  # opened elsewhere meanwhile
        fields = sum(1 for k in problems if k in inputs)
        if others:
            self.status.setText(" ".join(others))
        elif open_count or had_field:
            self.status.setText(problem_count(open_count + fields))
        else:
            self.status.setText("")

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
