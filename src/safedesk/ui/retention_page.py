"""Retention (the headteacher's): records past their retention date, holds, and disposal."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import counted, date_text
from safedesk.domain.retention import DueRecord, Rule
from safedesk.services import retention
from safedesk.services.session import Session
from safedesk.ui import msgbox, tasks
from safedesk.ui.errors import user_message
from safedesk.ui.page_parts import add_heading
from safedesk.ui.rows_model import Index, RowsModel


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


class RetentionPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.rules = QLabel()
        self.rules.setWordWrap(True)
        self.model = RetentionModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Records past their retention date")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
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
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Reason"))
        buttons.addWidget(self.reason, 1)
        buttons.addWidget(self.hold_button)
        buttons.addWidget(self.dispose_button)
        buttons.addWidget(self.refresh_button)
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
        layout.addWidget(self.rules)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

    def load(self, done: str = "") -> None:
        """Fetch the rules and the list again; ``done`` (what was just done) leads the status."""
        tasks.run(_fetch, self.session).on_success(
            lambda found: self._loaded(found, done)
        ).on_error(self._failed)

    def _loaded(self, found: tuple[list[Rule], list[DueRecord]], done: str = "") -> None:
        rules, due = found
        self.rules.setText("\n".join(rule.describe() for rule in rules))
        self.model.set_rows(due)
        count = f"{counted(len(due), 'record')} past the retention date."
        self.status.setText(f"{done} {count}" if done else count)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(user_message(exc))

    def selected(self) -> DueRecord | None:
        rows = self.table.selectionModel().selectedRows()
        index = rows[0] if rows else QModelIndex()
        found: DueRecord | None = self.model.row_of(index)
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
        ).on_error(self._failed)

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


def _fetch(session: Session) -> tuple[list[Rule], list[DueRecord]]:
    return retention.rules(session), retention.due(session)
