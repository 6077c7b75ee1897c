"""Allegations about staff and low-level concerns: the headteacher's page (or, for those about
the headteacher, the chair of governors'). The LADO due line, the allegations with the chosen
one in full and what is done on it (its outcome corrected, too), the low-level concerns with
their patterns and the chosen one with its corrections, a form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.allegations import (
    Allegation,
    LowLevelConcern,
    Pattern,
    pattern_key,
    patterns,
)
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Urgency
from safedesk.domain.formatting import counted, date_text, moment_text
from safedesk.domain.local_time import to_local
from safedesk.domain.queue import ItemKind, QueueItem
from safedesk.domain.roles import Permission
from safedesk.services import alarms, allegations, integrity, restricted_files
from safedesk.services.allegations import LadoDue
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.alarm_dialog import AlarmDialog
from safedesk.ui.allegation_dialogs import (
    ActionDialog,
    AllegationDialog,
    CorrectDialog,
    LadoDialog,
    LowLevelCorrectDialog,
    OutcomeCorrectDialog,
    OutcomeDialog,
)
from safedesk.ui.allegation_form import ALLEGATION, AllegationForm
from safedesk.ui.allegation_view import AllegationView, LowLevelView, due_text
from safedesk.ui.colleague_confirm_dialog import ColleagueConfirmDialog
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.page_parts import add_heading
from safedesk.ui.rows_model import RowsModel

Index = QModelIndex | QPersistentModelIndex
DUE_SHOWN = 3  # waiting allegations named in the line above the tabs; the rest counted


def may_keep_allegations(session: Session) -> bool:
    return session.user.can(Permission.ALLEGATIONS) or session.user.can(
        Permission.ALLEGATIONS_ABOUT_HEAD
    )


class AllegationsModel(RowsModel):
    NUMBER, ABOUT, LADO, OUTCOME = range(4)
    headers = ("No.", "About", "LADO", "Outcome")

    def __init__(self) -> None:
        super().__init__()
        self.due: dict[int, datetime] = {}
        self.now: datetime | None = None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: Allegation | None = self.row_of(index)
        if row is None:
            return None
        if role == OBJECT_ROLE:
            return row
        if role == SORT_ROLE:
            return row.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        lado, decision = row.lado_contacted, row.decision
        outcome = "Open"
        if decision is not None:
            outcome = decision.outcome.label + (" (corrected)" if decision.corrected else "")
        return {
            self.NUMBER: str(row.id),
            self.ABOUT: f"{row.current('subject_name')} ({row.current('subject_role')})",
            self.LADO: "Told" if lado else self._waiting(row.id),
            self.OUTCOME: outcome,
        }.get(index.column())

    def _waiting(self, number: int) -> str:
        due = self.due.get(number)
        if due is None or self.now is None:
            return "Not yet"
        local = to_local(due)
        return "OVERDUE" if self.now > due else f"Due {local:%d/%m %H:%M}"


class LowLevelModel(RowsModel):
    """Each concern as it is now (its corrections applied; the view shows them)."""

    WHEN, ABOUT, ROLE, WHAT, RAISED_BY = range(5)
    headers = ("When", "About", "Their role", "What", "Raised by")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: LowLevelConcern | None = self.row_of(index)
        if row is None:
            return None
        if role == OBJECT_ROLE:
            return row
        if role == SORT_ROLE:
            return row.id
        what = row.current("what")
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.WHAT:
            return what
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return {
            self.WHEN: moment_text(row.current_happened_at),
            self.ABOUT: row.current("subject_name"),
            self.ROLE: row.current("subject_role"),
            self.WHAT: what.splitlines()[0] if what else "",
            self.RAISED_BY: row.current("raised_by"),
        }.get(index.column())


@dataclass(frozen=True)
class Spread:
    """A pattern with the first concern's time: how many, and over what span."""

    pattern: Pattern
    first: datetime


def span_text(first: datetime, last: datetime, total: int) -> str:
    """ "3 in 5 weeks (02/10/2026 to 06/11/2026)"; one alone: "1, on 02/10/2026"."""
    if total == 1:
        return f"1, on {date_text(first.date())}"
    days = (last.date() - first.date()).days
    if days < 14:
        length = counted(days + 1, "day")
    elif days < 63:
        length = counted(round(days / 7), "week")
    else:
        length = counted(round(days / 30.4), "month")
    return f"{total} in {length} ({date_text(first.date())} to {date_text(last.date())})"


def month_text(month: str) -> str:
    return datetime.strptime(month, "%Y-%m").strftime("%b %Y")


class PatternsModel(RowsModel):
    ABOUT, ROLE, TOTAL, SPAN, MONTHS = range(5)
    headers = ("About", "Their role", "How many", "Over what span", "By month")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: Spread | None = self.row_of(index)
        if row is None or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        found = row.pattern
        return {
            self.ABOUT: found.subject.name,
            self.ROLE: found.subject.role,
            self.TOTAL: str(found.total),
            self.SPAN: span_text(row.first, found.last, found.total),
            self.MONTHS: ", ".join(f"{month_text(m)}: {n}" for m, n in found.by_month),
        }.get(index.column())


@dataclass(frozen=True)
class Loaded:
    allegations: list[Allegation]
    low_level: list[LowLevelConcern]
    patterns: list[Spread]
    due: list[LadoDue]
    now: datetime
    names: dict[str, str]
    # Earlier files kept aside (nobody could open them any more), and the file's open alarms.
    notes: list[str]
    alarms: list[alarms.Listed]


def spreads(low_level: list[LowLevelConcern]) -> list[Spread]:
    """Each person's pattern with when their first concern happened (as corrected)."""
    first: dict[tuple[str, ...], datetime] = {}
    for concern in low_level:
        key = pattern_key(concern)
        when = concern.current_happened_at
        first[key] = min(first.get(key, when), when)
    found = []
    for pattern in patterns(low_level):
        key = next(pattern_key(c) for c in low_level if c.current_subject == pattern.subject)
        found.append(Spread(pattern, first[key]))
    return found


def file_of(about_head: bool) -> Compartment:
    return Compartment.ALLEGATIONS_HEAD if about_head else Compartment.ALLEGATIONS


def load(session: Session, about_head: bool) -> Loaded:
    compartment = file_of(about_head)
    low_level = allegations.list_low_level(session, about_head=about_head)
    low_level.sort(key=lambda c: c.current_happened_at, reverse=True)
    return Loaded(
        allegations.list_allegations(session, about_head=about_head),
        low_level,
        spreads(low_level),
        allegations.lado_due(session, about_head=about_head),
        session.clock.now(),
        allegations.names(session, about_head=about_head),
        restricted_files.kept_aside(session, compartment),
        alarms.open_alarms(session, only=compartment),
    )


def _table(model: RowsModel, name: str, stretch: int) -> QTableView:
    """A list whose columns fit their words, ``stretch`` taking what is left (cut short, with
    the whole in its tooltip, where the page is narrow: never a sideways scroll)."""
    table = QTableView()
    table.setAccessibleName(name)
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # arrows move in the list; Tab moves on from it
    table.setWordWrap(False)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().hide()
    return table


def _caption(text: str) -> QLabel:
    made = QLabel(text)
    made.setObjectName("Section")
    return made


class AllegationsPage(QWidget):
    """The head's, or the chair's: what is kept here opens for nobody else."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.about_head = not session.user.can(Permission.ALLEGATIONS)
        self.dialog: AllegationDialog | None = None
        self.found: Loaded | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        whose = (
            "Allegations and low-level concerns about the headteacher. Only you, as chair of "
            "governors, can open them."
            if self.about_head
            else "Allegations and low-level concerns about staff. Only the headteacher can "
            "open them; those about the headteacher are kept by the chair of governors."
        )
        add_heading(layout, "Allegations", whose)
        self.overdue_label = QLabel()
        self.overdue_label.setObjectName("Error")
        self.overdue_label.setWordWrap(True)
        self.overdue_label.setTextFormat(Qt.TextFormat.PlainText)
        self.overdue_label.hide()
        self.due_label = QLabel()
        self.due_label.setObjectName("Note")
        self.due_label.setWordWrap(True)
        self.due_label.setTextFormat(Qt.TextFormat.PlainText)
        self.due_label.hide()
        layout.addWidget(self.overdue_label)
        layout.addWidget(self.due_label)
        # An alarm in this file (verify found it changed, say): nobody else is told of it.
        self.alarm_label = QLabel()
        self.alarm_label.setObjectName("Error")
        self.alarm_label.setWordWrap(True)
        self.alarm_label.setTextFormat(Qt.TextFormat.PlainText)
        self.alarm_button = QPushButton("Deal &with the alarm…")
        self.alarm_button.clicked.connect(self.open_alarm)
        alarm_row = QHBoxLayout()
        alarm_row.addWidget(self.alarm_label, 1)
        alarm_row.addWidget(self.alarm_button, 0, Qt.AlignmentFlag.AlignTop)
        self.alarm_box = QWidget()
        self.alarm_box.setLayout(alarm_row)
        alarm_row.setContentsMargins(0, 0, 0, 0)
        self.alarm_box.hide()
        self.alarm_dialog: AlarmDialog | None = None
        # The chair has no Admin page: their file is checked here.
        self.check_button = QPushButton("&Verify this file")
        self.check_button.setToolTip(
            "Check every page of this file and its audit chain (as Verify does)"
        )
        self.check_button.clicked.connect(self.check_file)
        self.check_button.setVisible(self.about_head)
        self.confirm_button = QPushButton("Confirm a colleague in &person…")
        self.confirm_button.setToolTip(
            "So that their account can pass on a concern about the headteacher to you, sealed"
        )
        self.confirm_button.clicked.connect(self.confirm_colleague)
        self.confirm_button.setVisible(self.about_head)
        self.confirm_dialog: ColleagueConfirmDialog | None = None
        self.notes_label = QLabel()
        self.notes_label.setObjectName("Note")
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.hide()
        checking = QHBoxLayout()
        checking.addStretch(1)
        checking.addWidget(self.confirm_button)
        checking.addWidget(self.check_button)
        if self.about_head:
            layout.addLayout(checking)
        layout.addWidget(self.alarm_box)
        layout.addWidget(self.notes_label)

        self.allegations = AllegationsModel()
        self.low_level = LowLevelModel()
        self.patterns = PatternsModel()
        self.table = _table(self.allegations, "Allegations", AllegationsModel.ABOUT)
        self.table.selectionModel().selectionChanged.connect(self._chosen)
        self.view = AllegationView()
        self.lado_button = QPushButton("LADO &contacted…")
        self.action_button = QPushButton("Add an ac&tion…")
        self.outcome_button = QPushButton("Record the &outcome…")
        self.correct_button = QPushButton("Co&rrect…")
        self.correct_outcome_button = QPushButton("Correct the outco&me…")
        self.correct_outcome_button.setToolTip(
            "The outcome recorded is wrong: say what it should be and why (the first is kept)"
        )
        buttons = QGridLayout()
        for number, (button, opens) in enumerate(
            (
                (self.lado_button, self.open_lado),
                (self.action_button, self.open_action),
                (self.outcome_button, self.open_outcome),
                (self.correct_button, self.open_correct),
                (self.correct_outcome_button, self.open_correct_outcome),
            )
        ):
            button.clicked.connect(opens)
            buttons.addWidget(button, number // 3, number % 3)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.view, 1)
        right_column.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)

        self.low_level_table = _table(self.low_level, "Low-level concerns", LowLevelModel.WHAT)
        self.patterns_table = _table(
            self.patterns, "Patterns of low-level concerns", PatternsModel.MONTHS
        )
        self.low_level_table.selectionModel().selectionChanged.connect(self._concern_chosen)
        self.low_level_view = LowLevelView()
        self.low_level_view.setTabChangesFocus(True)
        # Beside the list, never taller than it at its smallest: with its button, the tab must
        # still fit a laptop at 125% (it grows with the window).
        self.low_level_view.setMinimumHeight(32)
        self.correct_concern_button = QPushButton("Corr&ect this concern…")
        self.correct_concern_button.setToolTip(
            "Correct a field of the chosen concern, with the reason (what was recorded is kept)"
        )
        self.correct_concern_button.clicked.connect(self.open_correct_concern)
        concern_side = QWidget()
        concern_column = QVBoxLayout(concern_side)
        concern_column.setContentsMargins(0, 0, 0, 0)
        concern_column.addWidget(self.low_level_view, 1)
        concern_column.addWidget(self.correct_concern_button, 0, Qt.AlignmentFlag.AlignRight)
        concern_split = QSplitter(Qt.Orientation.Horizontal)
        concern_split.setChildrenCollapsible(False)
        concern_split.addWidget(self.low_level_table)
        concern_split.addWidget(concern_side)
        concern_split.setStretchFactor(0, 3)
        concern_split.setStretchFactor(1, 2)
        concerns = QWidget()
        concerns_column = QVBoxLayout(concerns)
        concerns_column.setContentsMargins(0, 6, 0, 0)
        concerns_column.addWidget(_caption("Patterns: each person's low-level concerns"))
        concerns_column.addWidget(self.patterns_table, 2)
        concerns_column.addWidget(_caption("Every low-level concern, newest first"))
        concerns_column.addWidget(concern_split, 3)

        self.form = AllegationForm(session, self.about_head)
        self.form.saved.connect(self._recorded)

        self.tabs = QTabWidget()
        self.tabs.addTab(split, "&Allegations")
        self.tabs.addTab(concerns, "&Low-level concerns")
        self.tabs.addTab(self.form, "Record &new")
        self.tabs.currentChanged.connect(self._tab_changed)
        # Tab: the list, the chosen allegation (read-only: Tab moves on), then its buttons.
        self.view.setTabChangesFocus(True)
        chain = [self.table, self.view, self.lado_button, self.action_button]
        chain += [self.outcome_button, self.correct_button, self.correct_outcome_button]
        # The low-level concerns: the patterns, the list, the chosen one, its correction.
        concern_chain: list[QWidget] = [self.patterns_table, self.low_level_table]
        concern_chain += [self.low_level_view, self.correct_concern_button]
        for order in (chain, concern_chain):
            for first, second in pairwise(order):
                QWidget.setTabOrder(first, second)
        layout.addWidget(self.tabs, 1)
        self.status = QLabel()
        self.status.setObjectName("Subtitle")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        self._chosen()
        self._concern_chosen()

    # --- the chosen allegation -------------------------------------------------------------

    def chosen(self) -> Allegation | None:
        rows = self.table.selectionModel().selectedRows()
        return self.allegations.row_of(rows[0]) if rows else None

    def _chosen(self) -> None:
        found = self.chosen()
        for button in (self.lado_button, self.action_button, self.correct_button):
            button.setEnabled(found is not None)
        self.outcome_button.setEnabled(found is not None and found.outcome is None)
        self.outcome_button.setToolTip(
            "The outcome is recorded: if it is wrong, use Correct the outcome…"
            if found is not None and found.outcome is not None
            else ""
        )
        self.correct_outcome_button.setEnabled(found is not None and found.decision is not None)
        due = self.allegations.due.get(found.id) if found is not None else None
        self.view.show_allegation(found, due, self.allegations.now)

    def choose(self, number: int) -> None:
        for row in range(self.allegations.rowCount()):
            if self.allegations.data(self.allegations.index(row, 0), OBJECT_ROLE).id == number:
                self.table.selectRow(row)
                return

    def _open(self, make: Callable[..., AllegationDialog]) -> None:
        found = self.chosen()
        if found is None or self.dialog is not None:
            return
        dialog = make(self.session, found, self.about_head, self.window())
        dialog.succeeded.connect(lambda _result: self._done(found.id))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _closed(self, dialog: AllegationDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.table.setFocus()

    def open_lado(self) -> None:
        self._open(LadoDialog)

    def open_action(self) -> None:
        self._open(ActionDialog)

    def open_outcome(self) -> None:
        self._open(OutcomeDialog)

    def open_correct(self) -> None:
        self._open(CorrectDialog)

    def open_correct_outcome(self) -> None:
        found = self.chosen()
        if found is not None and found.decision is not None:
            self._open(OutcomeCorrectDialog)

    # --- the chosen low-level concern -------------------------------------------------------

    def chosen_concern(self) -> LowLevelConcern | None:
        rows = self.low_level_table.selectionModel().selectedRows()
        return self.low_level.row_of(rows[0]) if rows else None

    def _concern_chosen(self) -> None:
        found = self.chosen_concern()
        self.correct_concern_button.setEnabled(found is not None)
        self.low_level_view.show_concern(found)

    def choose_concern(self, number: int) -> None:
        for row in range(self.low_level.rowCount()):
            if self.low_level.data(self.low_level.index(row, 0), OBJECT_ROLE).id == number:
                self.low_level_table.selectRow(row)
                return

    def open_correct_concern(self) -> None:
        found = self.chosen_concern()
        if found is None or self.dialog is not None:
            return
        dialog = LowLevelCorrectDialog(self.session, found, self.about_head, self.window())
        dialog.succeeded.connect(lambda _result: self._concern_done(found.id))
        dialog.finished.connect(lambda _result: self._concern_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _concern_closed(self, dialog: AllegationDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.low_level_table.setFocus()

    def _concern_done(self, number: int) -> None:
        self.status.setText(f"Low-level concern {number}: correction saved.")
        self.load(concern=number)

    def _done(self, number: int) -> None:
        self.status.setText(f"Allegation {number}: saved.")
        self.load(choose=number)

    def _recorded(self, kind: str, number: int) -> None:
        if kind == ALLEGATION:
            self.status.setText(
                f"Allegation {number} recorded. Tell the LADO within one working day, then "
                "record it here with LADO contacted…"
            )
            self.load(choose=number)
            self.tabs.setCurrentIndex(0)
            self.table.setFocus()  # on the new allegation, not wherever Qt puts it
        else:
            self.status.setText(f"Low-level concern {number} recorded.")
            self.load()
            self.tabs.setCurrentIndex(1)
            self.low_level_table.setFocus()

    def _tab_changed(self, index: int) -> None:
        if index == 2:
            self.form.start()

    # --- loading ---------------------------------------------------------------------------

    def load(self, choose: int | None = None, concern: int | None = None) -> None:
        keep = choose
        if keep is None and (current := self.chosen()) is not None:
            keep = current.id
        keep_concern = concern
        if keep_concern is None and (chosen := self.chosen_concern()) is not None:
            keep_concern = chosen.id
        tasks.run(load, self.session, self.about_head).on_success(
            lambda found: self._loaded(found, keep, keep_concern)
        ).on_error(self._failed)

    def _loaded(
        self, found: Loaded, keep: int | None = None, keep_concern: int | None = None
    ) -> None:
        self.found = found
        self.view.names = found.names
        self.low_level_view.names = found.names
        self.allegations.due = {d.allegation_id: d.due_at for d in found.due}
        self.allegations.now = found.now
        self.allegations.set_rows(found.allegations)
        self.low_level.set_rows(found.low_level)
        self.patterns.set_rows(found.patterns)
        self.tabs.setTabText(0, f"&Allegations ({len(found.allegations)})")
        self.tabs.setTabText(1, f"&Low-level concerns ({len(found.low_level)})")
        self._show_due(found)
        self._show_alarms(found)
        self.notes_label.setText("\n".join(found.notes))
        self.notes_label.setVisible(bool(found.notes))
        if keep is not None:
            self.choose(keep)
        if keep_concern is not None:
            self.choose_concern(keep_concern)
        self._chosen()
        self._concern_chosen()

    def _show_due(self, found: Loaded) -> None:
        waiting = sorted(found.due, key=lambda d: d.due_at)
        late = [d for d in waiting if found.now > d.due_at]
        soon = [d for d in waiting if found.now <= d.due_at]
        for label, items in ((self.overdue_label, late), (self.due_label, soon)):
            lines = [
                f"Allegation {d.allegation_id} (about {d.subject_name}): "
                f"{due_text(d.due_at, found.now)}"
                for d in items[:DUE_SHOWN]
            ]
            if len(items) > DUE_SHOWN:
                lines.append(f"… and {len(items) - DUE_SHOWN} more.")
            label.setText("\n".join(lines))
            label.setVisible(bool(lines))

    def _show_alarms(self, found: Loaded) -> None:
        lines = [
            f"Alarm {a.ref}, raised {moment_text(a.alarm.raised_at)}: {a.alarm.detail}"
            for a in found.alarms
        ]
        self.alarm_label.setText("\n".join(lines))
        self.alarm_box.setVisible(bool(lines))

    def open_alarm(self) -> None:
        """The oldest open alarm of this file, to say what was done about it."""
        if self.found is None or not self.found.alarms or self.alarm_dialog is not None:
            return
        first = self.found.alarms[0]
        raised = first.alarm.raised_at
        item = QueueItem(
            first.ref,
            ItemKind.ALARM,
            first.alarm.id,
            first.alarm.detail,
            (),
            Urgency.URGENT,
            raised,
            raised,
        )
        dialog = AlarmDialog(self.session, item, self.window())
        dialog.succeeded.connect(lambda _result: self._alarm_done(first.ref))
        dialog.finished.connect(lambda _result: self._alarm_closed(dialog))
        self.alarm_dialog = dialog
        dialog.open()

    def confirm_colleague(self) -> None:
        if self.confirm_dialog is not None:
            return
        dialog = ColleagueConfirmDialog(self.session, self.window())
        dialog.succeeded.connect(
            lambda _none: self.status.setText(
                "Confirmed: that account can now pass on a concern about the headteacher to you."
            )
        )
        dialog.finished.connect(lambda _result: self._confirm_closed(dialog))
        self.confirm_dialog = dialog
        dialog.open()

    def _confirm_closed(self, dialog: ColleagueConfirmDialog) -> None:
        if self.confirm_dialog is dialog:
            self.confirm_dialog = None
        dialog.deleteLater()

    def check_file(self) -> None:
        self.check_button.setEnabled(False)
        self.status.setText("Checking every page of the file and its audit chain…")
        tasks.run(integrity.verify, self.session).on_success(self._checked).on_error(
            self._check_failed
        )

    def _checked(self, report: integrity.VerifyReport) -> None:
        self.check_button.setEnabled(True)
        if report.ok:
            self.status.setText("The file is sound: every page and the audit chain checked.")
        else:
            self.status.setText("PROBLEM FOUND: " + "; ".join(report.problems))
        self.load()

    def _check_failed(self, exc: BaseException) -> None:
        self.check_button.setEnabled(True)
        self._failed(exc)

    def _alarm_done(self, ref: str) -> None:
        self.status.setText(f"Alarm {ref}: marked as dealt with.")
        self.load()

    def _alarm_closed(self, dialog: AlarmDialog) -> None:
        if self.alarm_dialog is dialog:
            self.alarm_dialog = None
        dialog.deleteLater()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(user_message(exc))
