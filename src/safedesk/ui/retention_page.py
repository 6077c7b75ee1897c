"""Retention (the headteacher's): records past their retention date, holds, rules, and the
records of disposals; a hold or a disposal from the list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text
from safedesk.domain.retention import DueRecord, Rule
from safedesk.services import retention
from safedesk.services.retention import NamedDisposal, NamedHold
from safedesk.services.session import Session
from safedesk.ui import msgbox, tasks
from safedesk.ui.page_parts import add_heading
from safedesk.ui.retention_tabs import (
    DisposalsTab,
    HoldsTab,
    RulesTab,
    problems_text,
    selected_row,
    table_for,
)
from safedesk.ui.rows_model import Index, RowsModel

REASON_LABELS = {"reason": "Reason"}


class RetentionModel(RowsModel):
    REF, KIND, HAPPENED, DUE, HOLD = range(5)
    headers = ("Reference", "Kind", "Happened", "Due for review", "Hold")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: DueRecord | None = self.row_of(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            self.REF: row.ref,
            self.KIND: row.kind.label,
            self.HAPPENED: date_text(row.occurred_on),
            self.DUE: date_text(row.due_on),
            self.HOLD: "On hold" if row.held else "",
        }.get(index.column())


@dataclass(frozen=True)
class Found:
    rules: list[Rule]
    due: list[DueRecord]
    holds: list[NamedHold]
    disposals: list[NamedDisposal]


class RetentionPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        # One short line per rule, never wrapped: a wrapped label was laid out, at the first
        # load, one line high (only the first rule showed).
        self.rules = QLabel()
        self.model = RetentionModel()
        self.table = table_for(self.model, "Records past their retention date")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Why (kept with the hold or the disposal record)")
        self.refresh_button = QPushButton("&Refresh")
        self.hold_button = QPushButton("Put on &hold")
        self.dispose_button = QPushButton("&Dispose of…")
        self.refresh_button.clicked.connect(lambda: self.load())
        self.hold_button.clicked.connect(self.hold_selected)
        self.dispose_button.clicked.connect(self.dispose_selected)
        self.status = QLabel()
        self.status.setWordWrap(True)
        reason_label = QLabel("Rea&son")
        reason_label.setBuddy(self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(reason_label)
        buttons.addWidget(self.reason, 1)
        buttons.addWidget(self.hold_button)
        buttons.addWidget(self.dispose_button)
        buttons.addWidget(self.refresh_button)
        due_tab = QWidget()
        due_layout = QVBoxLayout(due_tab)
        due_layout.addWidget(self.rules)
        due_layout.addWidget(self.table, 1)
        due_layout.addLayout(buttons)
        due_layout.addWidget(self.status)
        self.holds = HoldsTab(session, self.load)
        self.rules_tab = RulesTab(session, self.load)
        self.disposals = DisposalsTab()
        self.tabs = QTabWidget()
        self.tabs.addTab(due_tab, "&Past their date")
        self.tabs.addTab(self.holds, "H&olds")
        self.tabs.addTab(self.rules_tab, "Rul&es")
        self.tabs.addTab(self.disposals, "Disposa&ls")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        add_heading(
            layout,
            "Retention",
            "Records past the date your retention rules keep them to. Dispose of a record "
            "only when you have reviewed it: its content is destroyed for good, and a "
            "disposal record (reference, kind, when, by whom) stays. A hold, for example for "
            "an inquiry, stops disposal. Backups made before keep the record.",
        )
        layout.addWidget(self.tabs, 1)

    def load(self, done: str = "") -> None:
        """Fetch everything again; ``done`` (what was just done) leads the status."""
        tasks.run(_fetch, self.session).on_success(
            lambda found: self._loaded(found, done)
        ).on_error(self._failed)

    def _loaded(self, found: Found, done: str = "") -> None:
        self.rules.setText("\n".join(rule.describe() for rule in found.rules))
        self.model.set_rows(found.due)
        count = f"{counted(len(found.due), 'record')} past the retention date."
        self.status.setText(f"{done} {count}" if done else count)
        self.holds.show_holds(found.holds)
        self.rules_tab.show_rules(found.rules)
        self.disposals.show_disposals(found.disposals)
        self.tabs.setTabText(1, f"H&olds ({self.holds.model.rowCount()})")

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(problems_text(exc, REASON_LABELS))

    def selected(self) -> DueRecord | None:
        found: DueRecord | None = selected_row(self.table, self.model)
        return found

    def _chosen_with_reason(self) -> tuple[DueRecord, str] | None:
        chosen = self.selected()
        if chosen is None:
            self.status.setText("Choose a record in the list first.")
            return None
        reason = self.reason.text().strip()
        if not reason:
            self.status.setText("Say why in Reason first.")
            self.reason.setFocus()
            return None
        return chosen, reason

    def hold_selected(self) -> None:
        picked = self._chosen_with_reason()
        if picked is None:
            return
        chosen, reason = picked
        tasks.run(retention.add_hold, self.session, ref=chosen.ref, reason=reason).on_success(
            lambda _made: self._done(f"{chosen.ref} is on hold.")
        ).on_error(self._hold_failed)

    def _hold_failed(self, exc: BaseException) -> None:
        """A record held already: the service's words say when, by whom and why."""
        if isinstance(exc, ValidationError) and "hold" in exc.problems:
            self.status.setText(exc.problems["hold"])
            return
        self._failed(exc)

    def dispose_selected(self) -> None:
        picked = self._chosen_with_reason()
        if picked is None:
            return
        chosen, reason = picked
        if chosen.held:
            self.status.setText(f"{chosen.ref} is on hold: it cannot be disposed of.")
            return
        if not msgbox.confirm(
            self,
            "Dispose of this record?",
            f"{chosen.ref} ({chosen.kind.label}) will be destroyed for good. Only its "
            "disposal record will stay. Backups made before today still hold it.",
        ):
            return
        self.dispose_button.setEnabled(False)
        tasks.run(retention.dispose, self.session, chosen.ref, reason).on_success(
            lambda _done: self._done(f"{chosen.ref} was disposed of.")
        ).on_error(self._dispose_failed)

    def _dispose_failed(self, exc: BaseException) -> None:
        self.dispose_button.setEnabled(True)
        self._failed(exc)

    def _done(self, text: str) -> None:
        self.dispose_button.setEnabled(True)
        self.reason.clear()
        self.load(text)


def _fetch(session: Session) -> Found:
    return Found(
        retention.rules(session),
        retention.due(session),
        retention.holds(session),
        retention.disposals(session),
    )
