"""The Retention page's other tabs: holds in force (hold a pupil, lift a hold), the rules
(change one), and the disposal records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.entries import Kind
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text, moment_text
from safedesk.domain.retention import MAX_YEARS, MIN_YEARS, Basis, Rule
from safedesk.services import retention
from safedesk.services.retention import NamedDisposal, NamedHold
from safedesk.services.session import Session
from safedesk.ui import msgbox, tasks
from safedesk.ui.errors import user_message
from safedesk.ui.rows_model import Index, RowsModel

RETENTION_KINDS = (Kind.CONCERN, Kind.BEHAVIOUR, Kind.INTERVENTION)


def when(stored: str) -> str:
    """A stored moment as the school reads it (the text itself if it is not one)."""
    try:
        return moment_text(datetime.fromisoformat(stored))
    except ValueError:
        return stored


def problems_text(exc: BaseException, labels: dict[str, str]) -> str:
    """An error in words; a validation error's fields by the labels the head sees."""
    if isinstance(exc, ValidationError):
        return "\n".join(
            f"{labels.get(field, field)}: {reason}" for field, reason in exc.problems.items()
        )
    return user_message(exc)


def table_for(model: RowsModel, name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)  # Tab leaves the list for the next field
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def selected_row(table: QTableView, model: RowsModel) -> Any | None:
    rows = table.selectionModel().selectedRows()
    return model.row_of(rows[0] if rows else QModelIndex())


# --- holds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldShown:
    """One hold as the head placed it: a hold on a pupil is in every file, shown once."""

    holds: tuple[NamedHold, ...]

    @property
    def first(self) -> NamedHold:
        return self.holds[0]

    @property
    def held(self) -> str:
        """ "Mateo De la Cruz (A123…)" for a pupil, "Record C-2001-0042" for a record."""
        text = self.first.held_text
        return text[:1].upper() + text[1:]

    @property
    def files(self) -> str:
        return ", ".join(h.compartment.capitalize() for h in self.holds)


def shown_holds(holds: list[NamedHold]) -> list[HoldShown]:
    grouped: dict[tuple[str, str, str, str], list[NamedHold]] = {}
    for hold in holds:
        grouped.setdefault((hold.on, hold.reason, hold.author, hold.at), []).append(hold)
    return [HoldShown(tuple(group)) for group in grouped.values()]


class HoldsModel(RowsModel):
    ON, REASON, BY, AT, FILES = range(5)
    headers = ("Held", "Reason", "Placed by", "When", "Files")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: HoldShown | None = self.row_of(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        hold = row.first
        return {
            self.ON: row.held,
            self.REASON: hold.reason,
            self.BY: hold.author_name,
            self.AT: when(hold.at),
            self.FILES: row.files,
        }.get(index.column())


HOLD_LABELS = {"reason": "Reason", "hold": "Pupil's UPN"}


class HoldsTab(QWidget):
    """Holds in force; the head holds a pupil's every record, or lifts a hold, with a reason."""

    def __init__(self, session: Session, reload: Callable[[str], None]) -> None:
        super().__init__()
        self.session = session
        self.reload = reload
        self.model = HoldsModel()
        self.table = table_for(self.model, "Holds in force")
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in (HoldsModel.ON, HoldsModel.BY, HoldsModel.AT, HoldsModel.FILES):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.upn = QLineEdit()
        self.upn.setAccessibleName("Pupil's UPN")
        self.upn.setPlaceholderText("e.g. A123456789012")
        self.upn_problem = QLabel()  # under the field: what is wrong with the UPN typed
        self.upn_problem.setObjectName("FieldError")
        self.upn_problem.setWordWrap(True)
        self.upn_problem.setAccessibleName("Problem with the pupil's UPN")
        self.upn_problem.hide()
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Why (kept with the hold, or with its lifting)")
        self.hold_button = QPushButton("&Hold this pupil's records")
        self.lift_button = QPushButton("Li&ft the hold chosen")
        self.hold_button.clicked.connect(self.hold_pupil)
        self.lift_button.clicked.connect(self.lift_selected)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout()
        upn_label = QLabel("Pupil's UP&N")
        upn_label.setBuddy(self.upn)
        reason_label = QLabel("Rea&son")
        reason_label.setBuddy(self.reason)
        form.addRow(upn_label, self.upn)
        form.addRow("", self.upn_problem)
        form.addRow(reason_label, self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hold_button)
        buttons.addWidget(self.lift_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _note(
                "A hold stops the disposal of what it covers until you lift it. A hold on a "
                "pupil covers every record of theirs, including any recorded later. To hold "
                "one record, choose it under Past their date."
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(_narrow(form))
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        QWidget.setTabOrder(self.table, self.upn)
        QWidget.setTabOrder(self.upn, self.reason)
        QWidget.setTabOrder(self.reason, self.hold_button)
        QWidget.setTabOrder(self.hold_button, self.lift_button)

    def show_holds(self, holds: list[NamedHold]) -> None:
        self.model.set_rows(shown_holds(holds))
        if self.model.rowCount():
            self.table.selectRow(0)

    def selected(self) -> HoldShown | None:
        found: HoldShown | None = selected_row(self.table, self.model)
        return found

    def _reason(self) -> str | None:
        reason = self.reason.text().strip()
        if not reason:
            self.status.setText("Reason: say why. It is kept with the hold, or with its lifting.")
            self.reason.setFocus()
            return None
        return reason

    def _upn_problem(self, text: str) -> None:
        self.upn_problem.setText(text)
        self.upn_problem.setVisible(bool(text))

    def hold_pupil(self) -> None:
        self._upn_problem("")
        upn = self.upn.text().strip()
        if not upn:
            self.status.setText("Pupil's UPN: type the UPN of the pupil to hold.")
            self.upn.setFocus()
            return
        reason = self._reason()
        if reason is None:
            return
        self.hold_button.setEnabled(False)
        tasks.run(retention.add_hold, self.session, upn=upn, reason=reason).on_success(
            lambda made: self._done(f"Every record of {_held_of(made, upn)} is on hold.")
        ).on_error(self._failed)

    def lift_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.status.setText("Choose a hold in the list first.")
            self.table.setFocus()
            return
        reason = self._reason()
        if reason is None:
            return
        hold = chosen.first
        if not msgbox.confirm(
            self,
            "Lift this hold?",
            f"The hold on {hold.held_text} will be lifted. What it covered can then be disposed of "
            "once past its date.",
        ):
            return
        self.lift_button.setEnabled(False)
        tasks.run(retention.lift_hold, self.session, hold.compartment, hold.id, reason).on_success(
            lambda _lifted: self._done(f"The hold on {hold.held_text} was lifted.")
        ).on_error(self._failed)

    def _done(self, text: str) -> None:
        self.hold_button.setEnabled(True)
        self.lift_button.setEnabled(True)
        self.upn.clear()
        self.reason.clear()
        self.status.setText(text)
        self.reload(text)

    def _failed(self, exc: BaseException) -> None:
        self.hold_button.setEnabled(True)
        self.lift_button.setEnabled(True)
        text = problems_text(exc, HOLD_LABELS)
        self.status.setText(text)
        if isinstance(exc, ValidationError) and "hold" in exc.problems:
            self._upn_problem(exc.problems["hold"])  # under the field it is about
            self.upn.setFocus()


def _held_of(made: list[NamedHold], upn: str) -> str:
    """The pupil just held, by name: "Mateo De la Cruz (A123…)"."""
    return made[0].held_text if made else f"pupil {upn.upper()}"


# --- rules -----------------------------------------------------------------------------------


RULE_LABELS = {"kind": "Kind of record", "basis": "Counted from", "years": "Years"}


class RulesTab(QWidget):
    """The rules in force; the head changes one (a new rule, audited)."""

    def __init__(self, session: Session, reload: Callable[[str], None]) -> None:
        super().__init__()
        self.session = session
        self.reload = reload
        self.in_force = QLabel()
        self.in_force.setWordWrap(True)
        self.in_force.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = QComboBox()
        for kind in RETENTION_KINDS:
            self.kind.addItem(kind.label, kind.value)
        self.basis = QComboBox()
        for basis in Basis:
            self.basis.addItem(basis.label.capitalize(), basis.value)
        self.years = QSpinBox()
        self.years.setRange(MIN_YEARS, MAX_YEARS)
        self.years.setValue(25)
        self.years.setSuffix(" years")
        self.save_button = QPushButton("Sa&ve this rule")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self._rules: list[Rule] = []
        self.kind.currentIndexChanged.connect(self._show_rule_of_kind)
        form = QFormLayout()
        for text, field in (
            ("Kind of re&cord", self.kind),
            ("Counted &from", self.basis),
            ("&Years", self.years),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            field.setAccessibleName(text.replace("&", ""))
            form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(_note("In force now:"))
        layout.addWidget(self.in_force)
        layout.addWidget(
            _note(
                "To change how long one kind of record is kept, choose it and say what the "
                "years count from. Each change is kept, with who made it and when. A shorter "
                "rule lists records for review sooner; nothing is disposed of until you do it."
            )
        )
        layout.addWidget(_narrow(form))
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def show_rules(self, rules: list[Rule]) -> None:
        self._rules = rules
        self.in_force.setText("\n".join(rule.describe() for rule in rules))
        self._show_rule_of_kind()

    def _show_rule_of_kind(self) -> None:
        """The form starts from the rule in force for the kind chosen."""
        wanted = self.kind.currentData()
        for rule in self._rules:
            if rule.kind.value == wanted:
                self.basis.setCurrentIndex(self.basis.findData(rule.basis.value))
                self.years.setValue(rule.years)

    def save(self) -> None:
        kind, basis, years = self.kind.currentData(), self.basis.currentData(), self.years.value()
        rule = Rule(Kind(kind), Basis(basis), years)
        if rule in self._rules:
            self.status.setText(
                f"{RULE_LABELS['years']}: that is the rule in force already; change the years "
                "or what they count from."
            )
            self.years.setFocus()
            return
        if not msgbox.confirm(self, "Change this rule?", f"From now on: {rule.describe()}."):
            return
        self.save_button.setEnabled(False)
        tasks.run(retention.set_rule, self.session, kind, basis, years).on_success(
            self._saved
        ).on_error(self._failed)

    def _saved(self, rule: Rule) -> None:
        self.save_button.setEnabled(True)
        text = f"Saved. {rule.describe()}."
        self.status.setText(text)
        self.reload(text)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.status.setText(problems_text(exc, RULE_LABELS))


# --- disposal records ------------------------------------------------------------------------


class DisposalsModel(RowsModel):
    REF, KIND, DUE, AT, BY, REASON = range(6)
    headers = ("Reference", "Kind", "Due for review", "Disposed of", "Authorised by", "Reason")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: NamedDisposal | None = self.row_of(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        try:
            due = date_text(datetime.fromisoformat(row.due_on).date())
        except ValueError:
            due = row.due_on
        return {
            self.REF: row.ref,
            self.KIND: row.kind.label,
            self.DUE: due,
            self.AT: when(row.at),
            self.BY: row.authorised_by_name,
            self.REASON: row.reason,
        }.get(index.column())


class DisposalsTab(QWidget):
    """What was disposed of: the reference only (never a name), when, and who authorised it."""

    def __init__(self) -> None:
        super().__init__()
        self.model = DisposalsModel()
        self.table = table_for(self.model, "Disposal records")
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(DisposalsModel.REASON):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(
            _note(
                "The record of each disposal: the record's reference (never a pupil's name), "
                "its kind, when it was disposed of and who authorised it. These are kept."
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def show_disposals(self, found: list[NamedDisposal]) -> None:
        self.model.set_rows(sorted(found, key=lambda d: d.at, reverse=True))
        self.status.setText(f"{counted(len(found), 'disposal record')}.")


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _narrow(form: QFormLayout) -> QWidget:
    """A form no wider than it needs: fields across a whole wide screen are hard to read."""
    holder = QWidget()
    holder.setMaximumWidth(720)
    form.setContentsMargins(0, 0, 0, 0)
    holder.setLayout(form)
    return holder
