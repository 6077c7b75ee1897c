"""One form for each kind of record, built from the same field list the service checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain import local_time
from safedesk.domain.entries import FIELDS, FieldSpec, Kind
from safedesk.domain.entry_validation import validate_new_entry
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, minutes_text
from safedesk.domain.people import Pupil
from safedesk.domain.pupil_status import mis_flags
from safedesk.services import drafts, records
from safedesk.services.session import Session
from safedesk.ui import msgbox, tasks
from safedesk.ui.body_map_widget import BodyMapEditor
from safedesk.ui.errors import report_failure, user_message
from safedesk.ui.field_widgets import FieldInput, list_for
from safedesk.ui.holds_widget import HoldsEditor
from safedesk.ui.pupil_picker import PupilPicker

DRAFT_EVERY_MS = 3000
PARENT_INFORMED = ("parent_informed_at", "parent_informed_by", "parent_informed_how")
NOT_INFORMED = "parent_not_informed_reason"
# Told to the local authority when no parent can be told: asked only after "No".
LOCAL_AUTHORITY = ("la_reported_at", "la_reported_to")
# The form's own question (not a field of the record: the service reads the answer from which
# of the fields below it are filled in).
INFORMED_QUESTION = FieldSpec("parent_informed", "Parent or carer informed", "bool")
BEFORE_START = "is before the start"
INTRODUCTIONS = {
    Kind.CONCERN: "Record what you saw or heard, as soon as you can. Facts, not opinions. "
    "If a child is at immediate risk, also tell the DSL in person now.",
    Kind.BEHAVIOUR: "Record the incident, what led up to it, what escalated it and what was done.",
    Kind.INTERVENTION: "Record any use of reasonable force on the same day, in full.",
}


def _reached_by_tab(widget: QWidget) -> bool:
    """Shown, enabled, taking focus by Tab; of Yes/No buttons only the one chosen (or the
    first, while neither is), as Qt's own Tab does."""
    if not (
        widget.isVisible()
        and widget.isEnabled()
        and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and widget.focusProxy() is None
    ):
        return False
    if isinstance(widget, QRadioButton) and widget.autoExclusive():
        parent = widget.parentWidget()
        group = [
            r
            for r in (parent.findChildren(QRadioButton) if parent is not None else [])
            if r.autoExclusive() and r.isVisible()
        ]
        chosen = [r for r in group if r.isChecked()]
        return widget is (chosen[0] if chosen else group[0])
    return True


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


class RecordForm(QWidget):
    submitted = Signal(str)  # the new record's reference
    back = Signal()  # to "What do you need to record?", the draft kept

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
        self._wrong = ""  # "3 things to put right…", while the form shows problems
        self._checked = False  # errors shown by a submit are then kept up to date as typed
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
        # What the MIS says of the pupil's needs, beside the pupil (the 2025 guidance asks
        # whether a pupil restrained has SEN or an EHCP).
        self._pupils = {p.upn: p for p in pupils}
        self.sen = QLabel()
        self.sen.setObjectName("Note")
        self.sen.setAccessibleName("SEN or EHCP, from the school's MIS")
        self.sen.setWordWrap(True)
        self.sen.hide()
        if single:
            box.addWidget(self.sen)
        form.addRow(self._label("Pupil *" if single else "Pupils *"), picker_box)
        self.picker.changed.connect(self._changed)

        self.parent_informed: FieldInput | None = None
        self.duration: QLabel | None = None
        for spec in FIELDS[kind]:
            if spec.name == "parent_informed_at":
                self.parent_informed = FieldInput(INFORMED_QUESTION, [], yes_no=True)
                self.parent_informed.changed.connect(self._changed)
                form.addRow(self._label(INFORMED_QUESTION.label + " *"), self.parent_informed)
            field = FieldInput(spec, choices.get(list_for(spec), []), yes_no=True)
            field.changed.connect(self._changed)
            self.inputs[spec.name] = field
            # A yes/no answer of the record is asked for, as every other answer is.
            required = spec.required or spec.type == "bool"
            label = self._label(spec.label + (" *" if required else ""))
            form.addRow(label, field)
            self.rows[spec.name] = (label, field)
            if spec.name == "ended_at":
                self.duration = QLabel()
                self.duration.setObjectName("Subtitle")
                self.duration.setAccessibleName("How long it lasted")
                form.addRow(self._label("How long"), self.duration)

        self.status = QLabel()
        self.status.setObjectName("Subtitle")
        self.submit_button = QPushButton("&Submit record")
        self.submit_button.setObjectName("Primary")
        self.submit_button.setToolTip("Ctrl+Enter")
        self.submit_button.clicked.connect(self.submit)
        self.back_button = QPushButton("&Back to the choices")
        self.back_button.setToolTip("Esc. What you have typed is kept as a draft.")
        self.back_button.clicked.connect(self.go_back)
        self.discard_button = QPushButton("&Discard…")
        self.discard_button.clicked.connect(self.ask_discard)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.submit)
        QShortcut(QKeySequence("Escape"), self).activated.connect(self.go_back)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.submit_button)

        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(24, 20, 24, 20)
        # Never squeezed below what it needs: errors and help lines appearing made the scroll
        # area give the fields less height than their boxes, drawing lines over the boxes.
        column.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
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

        # The order Tab follows, as the form was built (rows of further holds added later are
        # put into it by focusNextPrevChild).
        self._tab_chain = self._focus_chain()

        self.autosave = QTimer(self)
        self.autosave.setInterval(DRAFT_EVERY_MS)
        self.autosave.timeout.connect(self.save_draft)
        self.autosave.start()
        self._update_visibility()
        self._dirty = False

    def _focus_chain(self) -> list[QWidget]:
        """The boxes and buttons of this form that Tab reaches, in the order it reaches them."""
        found: list[QWidget] = []
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self and len(found) < 10_000:
            if self.isAncestorOf(widget) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                found.append(widget)
            widget = widget.nextInFocusChain()
        return found

    def _tab_order(self) -> list[QWidget]:
        """Every box and button Tab may reach now, in the form's order: the list editors
        (further holds, the body map) say their own, rows added since included."""
        order: list[QWidget] = []
        done: set[int] = set()  # the list editors already in the order
        editors = self._list_editors()
        for widget in self._tab_chain:
            editor = next((e for e in editors if e.isAncestorOf(widget)), None)
            if editor is None:
                order.append(widget)
            elif id(editor) not in done:
                done.add(id(editor))
                order += editor.tab_widgets()
        return [w for w in order if _reached_by_tab(w)]

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab follow the form's order. Qt's own chain, re-linked as rows of
        further holds came and went, sent Tab from "Add a hold" back to the top of the form
        and left every field below the holds out of reach."""
        order = self._tab_order()
        here = QApplication.focusWidget()
        if here in order:
            at = order.index(here) + (1 if next else -1)
            if 0 <= at < len(order):
                order[at].setFocus(
                    Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
                )
                return True
        return super().focusNextPrevChild(next)

    def _list_editors(self) -> list[HoldsEditor | BodyMapEditor]:
        """The editors that say their own order of Tab (further holds, the body map)."""
        return [
            f.editor
            for f in self.inputs.values()
            if isinstance(f.editor, HoldsEditor | BodyMapEditor)
        ]

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
            informed = self.parent_informed.value()  # None until Yes or No is chosen
            shown.update({name: informed is True for name in PARENT_INFORMED})
            shown[NOT_INFORMED] = informed is False
            shown.update({name: informed is False for name in LOCAL_AUTHORITY})
        for name, visible in shown.items():
            if name in self.rows:
                label, field = self.rows[name]
                if field.isHidden() == visible:  # only what changes (checked at every key)
                    label.setVisible(visible)
                    field.setVisible(visible)
                if name in PARENT_INFORMED or name == NOT_INFORMED:
                    _set_text(label, self.inputs[name].spec.label + " *")

    def _changed(self) -> None:
        self._dirty = True
        self._update_visibility()
        self._show_length()
        self._show_sen()
        if self._checked:
            self.check(focus=False)

    def _show_sen(self) -> None:
        """SEN support, EHCP or none recorded, for the pupil chosen on an intervention."""
        if self.kind is not Kind.INTERVENTION:
            return
        upns = self.picker.upns()
        pupil = self._pupils.get(upns[0]) if upns else None
        if pupil is None:
            shown = ""
        else:
            needs = mis_flags(pupil.details)[0] if pupil.details.sen else "none recorded"
            shown = f"SEN or EHCP (from the school's MIS): {needs}"
        _set_text(self.sen, shown)
        if self.sen.isHidden() == bool(shown):
            self.sen.setVisible(bool(shown))

    def _moment(self, name: str) -> datetime | None:
        """A time field as a real moment (None until it is a whole time that happened)."""
        field = self.inputs[name]
        wall = field.wall_time()
        if wall is None:
            return None
        which = None if field.which.isHidden() else field.which.currentData() or None
        moment = local_time.local_to_utc(wall, which)
        return moment if isinstance(moment, datetime) else None

    def _show_length(self) -> None:
        """How long the intervention lasted, as it is typed; an end before the start is
        said at once."""
        if self.duration is None:
            return
        started, ended = self._moment("started_at"), self._moment("ended_at")
        ended_field = self.inputs["ended_at"]
        backwards = started is not None and ended is not None and ended < started
        holds = self.inputs["more_holds"].editor if "more_holds" in self.inputs else None
        total = holds.total_minutes() if isinstance(holds, HoldsEditor) else 0
        beside = f"other holds: {minutes_text(total)} in all" if total else ""
        main = ""
        if started is None or ended is None or backwards:
            _set_text(self.duration, beside.capitalize())
        else:
            minutes = int((ended - started).total_seconds() // 60)
            length = minutes_text(minutes) if minutes else "Less than a minute"
            _set_text(self.duration, f"{length}; {beside}" if beside else length)
            if total and minutes > total:
                main = self._main_hold_text(minutes - total)
        if isinstance(holds, HoldsEditor):
            holds.show_main(main)
        if backwards:
            ended_field.show_error(BEFORE_START)
        elif (
            not self._checked
            and ended_field.error.text() == f"{ended_field.spec.label} {BEFORE_START}."
        ):
            ended_field.show_error(None)

    def _main_hold_text(self, minutes: int) -> str:
        """The main hold's minutes: the intervention's length less the further holds."""
        main = self.inputs.get("restraint_type")
        hold = main.editor if main is not None else None
        chosen = isinstance(hold, QComboBox) and bool(hold.currentData())
        name = hold.currentText() if isinstance(hold, QComboBox) and chosen else "The main hold"
        return f"{name}: {minutes_text(minutes)} (the rest of the time)"

    # --- checking and submitting ------------------------------------------------------------

    def check(self, *, focus: bool = True) -> bool:
        """Run the service's own validation here, so the form says exactly what is missing."""
        lists = {name: {v for v, _ in values} for name, values in self.choices.items()}
        problems: dict[str, str] = {}
        try:
            validate_new_entry(self.kind, self.payload(), lists=lists, now=self.session.clock.now())
        except ValidationError as exc:
            problems = dict(exc.problems)
        problems = self._in_form_terms(problems)
        self.show_problems(problems, focus=focus)
        return not problems

    def _in_form_terms(self, problems: dict[str, str]) -> dict[str, str]:
        """The service's problems as this form asks its questions: a box's own reading of what
        is typed first (a half-typed time), and the parent question asked before its fields."""
        for name, field in self.inputs.items():
            if self._row_visible(name) and (problem := field.problem()):
                problems[name] = problem
        if self.parent_informed is not None:
            answer = self.parent_informed.value()
            informed = [n for n in PARENT_INFORMED if n in problems]
            if answer is None:
                for name in informed:
                    problems.pop(name)
                problems["parent_informed"] = "needs an answer: choose Yes or No"
            elif answer is False and informed:
                for name in informed:
                    problems.pop(name)
                problems[NOT_INFORMED] = "is required when no parent or carer has been informed"
            elif answer is True:
                for name in informed:
                    if problems[name].startswith("is required"):
                        problems[name] = "is required"
        return problems

    def show_problems(self, problems: dict[str, str], *, focus: bool = True) -> None:
        if problems:
            self._checked = True
        first: QWidget | None = None
        picker_problems = [
            self._pupil_problem(k, v) for k, v in problems.items() if k.startswith("pupil")
        ]
        _set_text(self.picker_error, " ".join(picker_problems))
        if self.picker_error.isHidden() == bool(picker_problems):
            self.picker_error.setVisible(bool(picker_problems))
        if picker_problems:
            first = self.picker
        for name, field in self.inputs.items():
            if name == PARENT_INFORMED[0] and self.parent_informed is not None:
                # The question comes just before the fields it shows.
                self.parent_informed.show_error(problems.get("parent_informed"))
                if "parent_informed" in problems and first is None:
                    first = self.parent_informed
            field.show_error(problems.get(name))
            if name in problems and first is None:
                first = field
        if first is not None and focus:
            first.setFocus()
        count = len(problems)
        wrong = f"{counted(count, 'thing')} to put right before this can be submitted."
        self._wrong = wrong if count else ""
        _set_text(self.status, self._wrong)
        self._show_length()

    def _pupil_problem(self, key: str, problem: str) -> str:
        """A problem with the pupils in words: which pupil, by name."""
        if key in ("pupil", "pupils") and "required" in problem:
            return "Choose the pupil this is about."
        names = self.picker.names()
        number = key.removeprefix("pupils[").split("]")[0]
        name = names[int(number) - 1] if number.isdigit() and int(number) <= len(names) else ""
        if key.endswith(".role"):
            return f"Choose the part {name or 'each pupil'} played."
        return f"{name or 'Pupil'}: {problem}."

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
        if self.parent_informed is not None:
            self.parent_informed.set_value(None)
            self.parent_informed.show_error(None)
        self.picker_error.hide()
        self._checked = False
        self.status.setText("")
        self._update_visibility()
        self._show_length()
        self._show_sen()
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
            "_parent_informed": self.parent_informed.value() if self.parent_informed else None,
        }
        try:
            self.draft_id = drafts.save_draft(self.session, self.kind, content, self.draft_id)
            # The count of what is left to put right stays in view beside it.
            self.status.setText(" ".join(t for t in ("Draft saved.", self._wrong) if t))
        except Exception as exc:
            self.status.setText("Draft not saved: " + user_message(exc))

    def load_draft(self, draft_id: int, content: dict[str, Any]) -> None:
        self.draft_id = draft_id
        self.picker.set_chosen(list(content.get("_upns", [])), list(content.get("_roles", [])))
        if self.parent_informed is not None:
            self.parent_informed.set_value(content.get("_parent_informed"))
        for name, field in self.inputs.items():
            if name in content:
                field.set_value(content[name])
        self._update_visibility()
        self._show_length()
        self._show_sen()
        self._dirty = False
        self.status.setText("Your unfinished draft has been brought back.")

    def has_content(self) -> bool:
        """Anything typed or chosen (an empty form needs no question before it is left)."""
        answered = self.parent_informed is not None and self.parent_informed.value() is not None
        return (
            bool(self.picker.upns())
            or answered
            or any(f.value() not in ("", None, False) for f in self.inputs.values())
        )

    def go_back(self) -> None:
        """Back to the choices: what is typed is saved as a draft first, never lost."""
        self.save_draft()
        self.back.emit()

    def ask_discard(self) -> None:
        """Discard asks first: the record and its draft go, and cannot be brought back."""
        if (self.has_content() or self.draft_id is not None) and not msgbox.confirm(
            self,
            "Discard this record?",
            "What you have typed will be deleted, with its saved draft. It cannot be brought "
            "back.\n\nTo keep it for later, choose No, then Back to the choices.",
        ):
            return
        self.discard()
        self.back.emit()

    def discard(self) -> None:
        if self.draft_id is not None:
            drafts.discard_draft(self.session, self.draft_id)
            self.draft_id = None
        self.reset()

    def stop(self) -> None:
        """Save what is typed now (the app is locking or closing)."""
        self.autosave.stop()
        self.save_draft()
