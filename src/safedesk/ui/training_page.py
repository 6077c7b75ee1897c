"""Training: every member of staff sees their own training and confirms each entry with their
own sign-in; DSLs, the headteacher and the administrator record training for anyone, see every
entry (by person) and what is due or out of date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import counted, date_text, moment_text
from safedesk.domain.training import DUE_SOON_DAYS, Standing
from safedesk.services import confirmations, training
from safedesk.services.session import Session
from safedesk.services.training import EntryView, Person
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.page_parts import add_heading
from safedesk.ui.rows_model import Index, RowsModel
from safedesk.ui.training_dialog import ConfirmDialog, TrainingDialog

NOT_YET = "Not yet confirmed"
DOES_NOT_CHECK_OUT = "A confirmation that does not check out"
EVERYONE = "Everyone"


def confirmed_words(view: EntryView) -> str:
    if view.confirmed_at is not None:
        after = confirmations.reset_words(view.reset)
        return f"Confirmed {moment_text(view.confirmed_at)}" + (f" ({after})" if after else "")
    return DOES_NOT_CHECK_OUT if view.confirmation_fails else NOT_YET


def name_key(display_name: str) -> str:
    """Sorted by surname, then the rest: "Miss Priya Shah" files under S."""
    words = display_name.casefold().split()
    return " ".join(words[-1:] + words[:-1])


def expiry_words(expires_on: date | None, today: date) -> str:
    """ "Out of date since 02/08/2026", "Runs out in 3 weeks (23/08/2026)", or the date."""
    if expires_on is None:
        return "Does not run out"
    if expires_on <= today:
        return f"Out of date since {date_text(expires_on)}"
    days = (expires_on - today).days
    if days <= DUE_SOON_DAYS:
        left = counted(days, "day") if days < 14 else counted(days // 7, "week")
        return f"Runs out in {left} ({date_text(expires_on)})"
    return date_text(expires_on)


class EntriesModel(RowsModel):
    """One row an entry (the current ones)."""

    WHO, COURSE, PROVIDER, TAKEN, EXPIRES, CONFIRMED = range(6)
    headers = ("Member of staff", "Course", "Provider", "Taken", "Expires", "Confirmed")

    def __init__(self) -> None:
        super().__init__()
        self.today = date.min  # set with the rows: the school's today

    def set_today(self, today: date) -> None:
        self.today = today

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        view: EntryView | None = self.row_of(index)
        if view is None:
            return None
        if role == OBJECT_ROLE:
            return view
        entry, column = view.entry, index.column()
        if role == SORT_ROLE:
            if column == self.TAKEN:
                return entry.taken_on.isoformat()
            if column == self.EXPIRES:
                return entry.expires_on.isoformat() if entry.expires_on else "9999"
            if column == self.CONFIRMED:
                return view.confirmed_at.isoformat() if view.confirmed_at else ""
            if column == self.WHO:
                return name_key(view.display_name)
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return {
                self.WHO: view.display_name,
                self.COURSE: entry.course_name,
                self.PROVIDER: entry.provider or "",
                self.TAKEN: date_text(entry.taken_on),
                self.EXPIRES: expiry_words(entry.expires_on, self.today),
                self.CONFIRMED: confirmed_words(view),
            }.get(column)
        if role == Qt.ItemDataRole.ToolTipRole and entry.replaces is not None:
            return f"Replaces entry {entry.replaces}: {entry.reason}"
        return None


class DueModel(RowsModel):
    """One row a person and course that is due or out of date."""

    headers = ("Member of staff", "Training", "Where it stands")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: Standing | None = self.row_of(index)
        if row is None:
            return None
        if role == OBJECT_ROLE:
            return row
        column = index.column()
        if role == SORT_ROLE and column == 2:
            return row.expires_on.isoformat() if row.expires_on else ""
        if role == SORT_ROLE and column == 0:
            return f"{name_key(row.display_name)} {row.course.label}"
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if column == 0:
                return row.display_name
            if column == 1:
                return row.course.label
            if column == 2:
                if row.latest is None:
                    return "None recorded"
                return expiry_words(row.expires_on, row.today)
        return None


def table(model: QSortFilterProxyModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setSortingEnabled(True)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


def sorted_proxy(model: RowsModel) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy


@dataclass(frozen=True)
class Loaded:
    entries: list[EntryView]
    waiting: int
    today: date
    people: list[Person] = field(default_factory=list)
    due: list[Standing] = field(default_factory=list)


def load(session: Session, who: str | None) -> Loaded:
    """Everything the page shows (off the UI thread)."""
    managing = training.may_manage(session)
    entries = training.list_entries(session, who if managing else None)
    mine = training.list_entries(session, session.user.username) if managing else entries
    waiting = sum(1 for v in mine if not v.confirmed)
    today = training.today(session)
    if not managing:
        return Loaded(entries, waiting, today)
    return Loaded(entries, waiting, today, training.people(session), training.due(session))


class TrainingPage(QWidget):
    waiting_changed = Signal(int)  # entries waiting for this person's confirmation

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.managing = training.may_manage(session)
        self.dialog: TrainingDialog | ConfirmDialog | None = None
        self.people: list[Person] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        add_heading(
            layout,
            "Training",
            "Safeguarding training, dated and confirmed by each member of staff with their own "
            "sign-in. DSLs, the headteacher and the administrator record it; "
            "DSL training and the whole-staff update fall due in the queue."
            if self.managing
            else "Your safeguarding training, as it was recorded for you. Check each entry and "
            "confirm it with Confirm…: only you can.",
        )
        self.waiting = QLabel()
        self.waiting.setObjectName("Note")
        self.waiting.setWordWrap(True)
        self.waiting.hide()
        layout.addWidget(self.waiting)
        self.status = QLabel()
        self.status.setObjectName("Subtitle")
        self.status.setWordWrap(True)
        self.notice = QLabel()  # what was just done, or why not
        self.notice.setWordWrap(True)
        self.notice.hide()

        self.entries = EntriesModel()
        self.entries_proxy = sorted_proxy(self.entries)
        self.table = table(self.entries_proxy, "Training entries")
        self.table.doubleClicked.connect(lambda _i: self.confirm())
        self.table.activated.connect(lambda _i: self.confirm())
        self.confirm_button = QPushButton("&Confirm…")
        self.confirm_button.setToolTip("Confirm, with your own sign-in, training recorded for you")
        self.confirm_button.clicked.connect(self.confirm)
        self.confirm_button.setEnabled(False)
        buttons = QHBoxLayout()
        if self.managing:
            self.person = QComboBox()
            self.person.setAccessibleName("Person")
            self.person.setMinimumWidth(240)
            self.person.addItem(EVERYONE, None)
            self.person.currentIndexChanged.connect(lambda _i: self.load())
            person_label = QLabel("&Person")
            person_label.setBuddy(self.person)
            self.add_button = QPushButton("&Add training…")
            self.add_button.setObjectName("Primary")
            self.add_button.clicked.connect(self.add)
            self.correct_button = QPushButton("Co&rrect…")
            self.correct_button.setToolTip(
                "Replace the chosen entry with a corrected one, saying why (it stays on record)"
            )
            self.correct_button.clicked.connect(self.correct)
            self.correct_button.setEnabled(False)
            buttons.addWidget(person_label)
            buttons.addWidget(self.person)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        if self.managing:
            buttons.addWidget(self.correct_button)
            buttons.addWidget(self.add_button)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.table.setColumnHidden(EntriesModel.WHO, not self.managing)  # staff: all their own
        entries_page = QWidget()
        column = QVBoxLayout(entries_page)
        column.setContentsMargins(0, 8, 0, 0)
        column.addLayout(buttons)
        column.addWidget(self.table, 1)
        if self.managing:
            self.due = DueModel()
            self.due_proxy = sorted_proxy(self.due)
            self.due_table = table(self.due_proxy, "Due or out of date")
            due_page = QWidget()
            due_column = QVBoxLayout(due_page)
            due_column.setContentsMargins(0, 8, 0, 0)
            due_column.addWidget(
                QLabel(
                    "DSL training out of date or running out within 30 days, and whole-staff "
                    "updates out of date (or never recorded)."
                )
            )
            due_column.addWidget(self.due_table, 1)
            self.tabs = QTabWidget()
            self.tabs.addTab(entries_page, "&Entries")
            self.tabs.addTab(due_page, "&Due or out of date")
            self.tabs.currentChanged.connect(lambda _i: self._count())
            layout.addWidget(self.tabs, 1)
        else:
            layout.addWidget(entries_page, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.status)

    # --- loading ------------------------------------------------------------------------

    def chosen_person(self) -> str | None:
        if not self.managing:
            return None
        found = self.person.currentData()
        return str(found) if found else None

    def load(self) -> None:
        tasks.run(load, self.session, self.chosen_person()).on_success(self._loaded).on_error(
            self._failed
        )

    def _loaded(self, found: Loaded) -> None:
        self.entries.set_today(found.today)
        self.entries.set_rows(found.entries)
        self.table.sortByColumn(EntriesModel.TAKEN, Qt.SortOrder.DescendingOrder)
        self._choose_one_waiting()
        self._selected()
        if self.managing:
            self._set_people(found.people)
            self.due.set_rows(found.due)
            self.due_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
            self.tabs.setTabText(1, f"&Due or out of date ({len(found.due)})")
        self._count()
        if found.waiting:
            self.waiting.setText(
                f"{counted(found.waiting, 'entry', 'entries')} "
                f"{'waits' if found.waiting == 1 else 'wait'} for your confirmation: check "
                "what it says, then press Confirm…"
            )
        self.waiting.setVisible(bool(found.waiting))
        self.waiting_changed.emit(found.waiting)

    def _count(self) -> None:
        """The line under the list counts what the list shows."""
        if self.managing and self.tabs.currentIndex() == 1:
            self.status.setText(f"{self.due_proxy.rowCount()} due or out of date")
            return
        self.status.setText(counted(self.entries_proxy.rowCount(), "entry", "entries"))

    def _choose_one_waiting(self) -> None:
        """The first entry waiting for this person's confirmation is chosen: Enter opens it."""
        for row in range(self.entries_proxy.rowCount()):
            index = self.entries_proxy.index(row, 0)
            if self._mine_to_confirm(index.data(OBJECT_ROLE)):
                self.table.selectRow(row)
                return

    def _set_people(self, people: list[Person]) -> None:
        if people == self.people:
            return
        self.people = people
        chosen = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem(EVERYONE, None)
        for person in people:
            shown = person.display_name if person.active else f"{person.display_name} (disabled)"
            self.person.addItem(shown, person.username)
        self.person.setCurrentIndex(max(self.person.findData(chosen), 0))
        self.person.blockSignals(False)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("The training log could not be loaded: " + user_message(exc))

    # --- acting -----------------------------------------------------------------------------

    def selected(self) -> EntryView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        found: EntryView | None = rows[0].data(OBJECT_ROLE)
        return found

    def _mine_to_confirm(self, view: EntryView | None) -> bool:
        return (
            view is not None and view.entry.who == self.session.user.username and not view.confirmed
        )

    def _selected(self, *_args: QItemSelection) -> None:
        view = self.selected()
        self.confirm_button.setEnabled(self._mine_to_confirm(view))
        if self.managing:
            self.correct_button.setEnabled(view is not None)

    def confirm(self) -> None:
        view = self.selected()
        if not self._mine_to_confirm(view) or self.dialog is not None:
            if view is not None and view.entry.who != self.session.user.username:
                self.tell(
                    f"Only {view.display_name} can confirm this entry, with their own sign-in."
                )
            return
        assert view is not None
        dialog = ConfirmDialog(self.session, view.entry, self)
        dialog.succeeded.connect(lambda _at: self._done("Thank you: your training is confirmed."))
        self._show(dialog)

    def add(self) -> None:
        if self.dialog is None:
            dialog = TrainingDialog(self.session, self.people, self)
            dialog.succeeded.connect(lambda _number: self._done(dialog.saved_words()))
            self._show(dialog)

    def correct(self) -> None:
        view = self.selected()
        if view is None or self.dialog is not None:
            return
        dialog = TrainingDialog(self.session, self.people, self, replacing=view.entry)
        dialog.succeeded.connect(
            lambda _number: self._done(
                f"{dialog.saved_words()} It replaces the entry taken "
                f"{date_text(view.entry.taken_on)}, which stays on record."
            )
        )
        self._show(dialog)

    def _show(self, dialog: TrainingDialog | ConfirmDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: TrainingDialog | ConfirmDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.table.setFocus()

    def _done(self, words: str) -> None:
        self.tell(words)
        self.load()

    def tell(self, words: str) -> None:
        self.notice.setText(words)
        self.notice.setVisible(bool(words))

    def show_due(self) -> None:
        """From a queue item: the Due or out of date view, brought up to date."""
        if self.managing:
            self.tabs.setCurrentIndex(1)
            self.due_table.setFocus()
        self.load()


def show_waiting_training(navigation: QListWidget, waiting: int) -> None:
    """The navigation's Training row says how many entries wait for this person."""
    for row in range(navigation.count()):
        item = navigation.item(row)
        if item is not None and item.text().split(" (")[0] == "Training":
            item.setText(f"Training ({waiting})" if waiting else "Training")
            item.setToolTip(
                f"{counted(waiting, 'training entry', 'training entries')} to confirm"
                if waiting
                else ""
            )
