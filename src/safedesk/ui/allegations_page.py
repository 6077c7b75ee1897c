"""Allegations about staff and low-level concerns: the headteacher's page (or, for those about
the headteacher, the chair of governors'). Two lists, the patterns, the LADO due, a form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDateTime, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.allegations import Allegation, LowLevelConcern, Outcome, Pattern
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text, moment_text
from safedesk.domain.roles import Permission
from safedesk.services import allegations
from safedesk.services.allegations import LadoDue
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.page_parts import add_heading
from safedesk.ui.rows_model import RowsModel

Index = QModelIndex | QPersistentModelIndex


def may_keep_allegations(session: Session) -> bool:
    return session.user.can(Permission.ALLEGATIONS) or session.user.can(
        Permission.ALLEGATIONS_ABOUT_HEAD
    )


class AllegationsModel(RowsModel):
    NUMBER, ABOUT, ROLE, WHEN, LADO, OUTCOME = range(6)
    headers = ("No.", "About", "Their role", "When", "LADO contacted", "Outcome")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: Allegation | None = self.row_of(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        lado, outcome = row.lado_contacted, row.outcome
        return {
            self.NUMBER: str(row.id),
            self.ABOUT: row.current("subject_name"),
            self.ROLE: row.current("subject_role"),
            self.WHEN: moment_text(row.happened_at),
            self.LADO: (f"{moment_text(lado.at)} ({lado.lado_name})" if lado else "Not yet"),
            self.OUTCOME: (
                f"{outcome.outcome.label}, {date_text(outcome.at.date())}"
                if outcome and outcome.outcome
                else "Open"
            ),
        }.get(index.column())


class LowLevelModel(RowsModel):
    ABOUT, ROLE, WHEN, WHAT, RAISED_BY = range(5)
    headers = ("About", "Their role", "When", "What", "Raised by")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: LowLevelConcern | None = self.row_of(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            self.ABOUT: row.subject.name,
            self.ROLE: row.subject.role,
            self.WHEN: moment_text(row.happened_at),
            self.WHAT: row.what.splitlines()[0] if row.what else "",
            self.RAISED_BY: row.raised_by,
        }.get(index.column())


class PatternsModel(RowsModel):
    ABOUT, ROLE, TOTAL, MONTHS, LAST = range(5)
    headers = ("About", "Their role", "Concerns", "By month", "Latest")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: Pattern | None = self.row_of(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            self.ABOUT: row.subject.name,
            self.ROLE: row.subject.role,
            self.TOTAL: str(row.total),
            self.MONTHS: ", ".join(f"{month}: {n}" for month, n in row.by_month),
            self.LAST: moment_text(row.last),
        }.get(index.column())


@dataclass(frozen=True)
class Loaded:
    allegations: list[Allegation]
    low_level: list[LowLevelConcern]
    patterns: list[Pattern]
    due: list[LadoDue]


def load(session: Session, about_head: bool) -> Loaded:
    low_level = allegations.list_low_level(session, about_head=about_head)
    return Loaded(
        allegations.list_allegations(session, about_head=about_head),
        low_level,
        allegations.low_level_patterns(session, about_head=about_head),
        allegations.lado_due(session, about_head=about_head),
    )


def _table(model: RowsModel, name: str) -> QTableView:
    table = QTableView()
    table.setAccessibleName(name)
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().hide()
    return table


class AllegationsPage(QWidget):
    """The head's, or the chair's: what is kept here opens for nobody else."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.about_head = not session.user.can(Permission.ALLEGATIONS)
        layout = QVBoxLayout(self)
        whose = (
            "Allegations and low-level concerns about the headteacher. Only you, as chair of "
            "governors, can open them."
            if self.about_head
            else "Allegations and low-level concerns about staff. Only the headteacher can "
            "open them; those about the headteacher are kept by the chair of governors."
        )
        add_heading(layout, "Allegations", whose)
        self.due_label = QLabel()
        self.due_label.setObjectName("FieldError")
        self.due_label.setWordWrap(True)
        layout.addWidget(self.due_label)
        self.allegations = AllegationsModel()
        self.low_level = LowLevelModel()
        self.patterns = PatternsModel()
        self.allegations_table = _table(self.allegations, "Allegations")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.allegations_table, "Allegations")
        self.tabs.addTab(_table(self.low_level, "Low-level concerns"), "Low-level concerns")
        self.tabs.addTab(_table(self.patterns, "Patterns of low-level concerns"), "Patterns")
        # The form in its own tab, scrolling: the page fits a laptop's screen at 125 %.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._form())
        self.tabs.addTab(scroll, "Record one")
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self._actions())
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    # --- the form ---------------------------------------------------------------------------

    def _form(self) -> QWidget:
        box = QWidget()
        form = QFormLayout(box)
        self.kind = QComboBox()
        self.kind.addItem("An allegation", "allegation")
        self.kind.addItem("A low-level concern", "low_level")
        self.subject_name = QLineEdit()
        self.subject_role = QLineEdit()
        self.happened_at = QDateTimeEdit(QDateTime.currentDateTime())
        self.happened_at.setCalendarPopup(True)
        self.what = QPlainTextEdit()
        self.what.setFixedHeight(70)
        self.raised_by = QLineEdit()
        form.addRow("Record", self.kind)
        form.addRow("About (name) *", self.subject_name)
        form.addRow("Their role *", self.subject_role)
        form.addRow("When it happened *", self.happened_at)
        form.addRow("What is alleged or the concern *", self.what)
        form.addRow("Raised by *", self.raised_by)
        save = QPushButton("Save")
        save.setObjectName("Primary")
        save.clicked.connect(self.save)
        form.addRow("", save)
        return box

    def _payload(self) -> dict[str, str]:
        words = self.what.toPlainText()
        moment = self.happened_at.dateTime().toString("yyyy-MM-ddTHH:mm")
        return {
            "subject_name": self.subject_name.text(),
            "subject_role": self.subject_role.text(),
            "happened_at": moment,
            "alleged" if self.kind.currentData() == "allegation" else "what": words,
            "raised_by": self.raised_by.text(),
        }

    def save(self) -> None:
        payload = self._payload()
        if self.kind.currentData() == "allegation":
            call = allegations.record_allegation
        else:
            call = allegations.record_low_level
        tasks.run(call, self.session, payload, about_head=self.about_head).on_success(
            self._saved
        ).on_error(self._failed)

    def _saved(self, _number: int) -> None:
        for field in (self.subject_name, self.subject_role, self.raised_by):
            field.clear()
        self.what.clear()
        self.status.setText("Saved.")
        self.load()

    # --- actions on the chosen allegation ----------------------------------------------------

    def _actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.lado_name = QLineEdit()
        self.lado_name.setPlaceholderText("LADO's name")
        self.lado_name.setAccessibleName("The LADO's name")
        lado = QPushButton("LADO contacted now")
        lado.clicked.connect(self.lado_contacted)
        self.outcome = QComboBox()
        self.outcome.setAccessibleName("Outcome")
        for outcome in Outcome:
            self.outcome.addItem(outcome.label, outcome.value)
        decide = QPushButton("Record outcome today")
        decide.clicked.connect(self.record_outcome)
        for widget in (self.lado_name, lado, self.outcome, decide):
            row.addWidget(widget)
        return row

    def chosen(self) -> Allegation | None:
        rows = self.allegations_table.selectionModel().selectedRows()
        return self.allegations.row_of(rows[0]) if rows else None

    def lado_contacted(self) -> None:
        found = self.chosen()
        if found is None:
            self.status.setText("Choose an allegation first.")
            return
        payload = {
            "contacted_at": self.session.clock.now().isoformat(),
            "lado_name": self.lado_name.text(),
        }
        tasks.run(
            allegations.record_lado_contact,
            self.session,
            found.id,
            payload,
            about_head=self.about_head,
        ).on_success(self._saved).on_error(self._failed)

    def record_outcome(self) -> None:
        found = self.chosen()
        if found is None:
            self.status.setText("Choose an allegation first.")
            return
        payload = {
            "outcome": str(self.outcome.currentData()),
            "decided_on": self.session.clock.now().date().isoformat(),
        }
        tasks.run(
            allegations.record_outcome,
            self.session,
            found.id,
            payload,
            about_head=self.about_head,
        ).on_success(self._saved).on_error(self._failed)

    # --- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        tasks.run(load, self.session, self.about_head).on_success(self._loaded).on_error(
            self._failed
        )

    def _loaded(self, found: Loaded) -> None:
        self.allegations.set_rows(found.allegations)
        self.low_level.set_rows(found.low_level)
        self.patterns.set_rows(found.patterns)
        self.tabs.setTabText(0, f"Allegations ({len(found.allegations)})")
        self.tabs.setTabText(1, f"Low-level concerns ({len(found.low_level)})")
        if found.due:
            first = min(d.due_at for d in found.due)
            self.due_label.setText(
                f"{counted(len(found.due), 'allegation')} waiting for contact with the LADO "
                f"(the first due by {moment_text(first)})."
            )
        else:
            self.due_label.setText("")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.status.setText(
                "Please correct: " + "; ".join(f"{k}: {v}" for k, v in exc.problems.items())
            )
            return
        self.status.setText(user_message(exc))
