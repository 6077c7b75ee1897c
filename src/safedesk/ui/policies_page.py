"""Policies: every member of staff reads the school's current policies and confirms each with
their own sign-in; DSLs and the headteacher publish versions and see who has not confirmed.

A policy's PDF is shown page by page as printed, drawn by PDFium from the bytes in memory
(ui/pdf_page_view.py): never written decrypted to a file.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text, moment_text
from safedesk.domain.policies import LABELS, USUAL_TITLES, Standing, StoredPolicy
from safedesk.services import policies
from safedesk.services.policies import MyPolicy
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.page_parts import add_heading
from safedesk.ui.pdf_page_view import PdfPageView
from safedesk.ui.rows_model import Index, RowsModel
from safedesk.ui.task_dialog import TaskDialog, fit, label

NOT_YET = "Not yet"
READ_FIRST = "Open it and read it first"

# The versions each session has opened in the reader: "I have read and understood it" is for
# those only (a confirmation given without opening the policy is not one).
_OPENED: dict[int, set[int]] = {}


def mark_opened(session: Session, policy_id: int) -> None:
    """This person opened this version in the reader, in this session."""
    key = id(session)
    if key not in _OPENED:
        _OPENED[key] = set()
        weakref.finalize(session, _OPENED.pop, key, None)
    _OPENED[key].add(policy_id)


def has_opened(session: Session, policy_id: int) -> bool:
    return policy_id in _OPENED.get(id(session), set())


def confirm_state(session: Session, mine: MyPolicy | None) -> tuple[bool, str]:
    """Whether "I have read and understood it" may be pressed for ``mine``, and the words
    beside the button when it may not because the policy was not opened yet."""
    if mine is None or mine.confirmed_at is not None:
        return False, ""
    if not has_opened(session, mine.policy.id):
        return False, READ_FIRST + "."
    return True, ""


# --- the lists ---------------------------------------------------------------------------


class PoliciesModel(RowsModel):
    """One row a policy: its current version, and for leaders how many have confirmed."""

    POLICY, VERSION, PUBLISHED, DOCUMENT, YOU, CONFIRMED_BY = range(6)
    base_headers = ("Policy", "Version", "Published on", "Document", "You")

    def __init__(self, managing: bool) -> None:
        super().__init__()
        self.headers = (*self.base_headers, "Read and confirmed") if managing else self.base_headers

    def rows(self) -> list[tuple[MyPolicy, Standing | None]]:
        return list(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: tuple[MyPolicy, Standing | None] | None = self.row_of(index)
        if row is None:
            return None
        mine, standing = row
        policy = mine.policy
        if role == OBJECT_ROLE:
            return row
        column = index.column()
        if role == SORT_ROLE:
            if column == self.PUBLISHED:
                return policy.published_on.isoformat()
            if column == self.YOU:
                return mine.confirmed_at.isoformat() if mine.confirmed_at else ""
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if column == self.POLICY:
                return policy.title
            if column == self.VERSION:
                return policy.version
            if column == self.PUBLISHED:
                return date_text(policy.published_on)
            if column == self.DOCUMENT:
                return "PDF" if policy.has_pdf else "Note only"
            if column == self.YOU:
                return (
                    f"Confirmed {moment_text(mine.confirmed_at)}"
                    if mine.confirmed_at
                    else (NOT_YET)
                )
            if column == self.CONFIRMED_BY and standing is not None:
                return f"{standing.figure} staff"
        return None


class StaffModel(RowsModel):
    """Who has and has not confirmed the chosen version: those who have not, first."""

    headers = ("Member of staff", "Read and confirmed")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: tuple[str, Any] | None = self.row_of(index)
        if row is None:
            return None
        name, at = row
        if role == OBJECT_ROLE:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if index.column() == 0:
                return name
            if role == SORT_ROLE:
                return at.isoformat() if at else ""
            return moment_text(at) if at else NOT_YET
        return None


def policy_table(model: RowsModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the name takes the rest
    return view


# --- reading one ------------------------------------------------------------------------


class PolicyReader(QDialog):
    """A policy's version: what changed and where to read it, and the PDF, shown from
    memory; "I have read and understood it" confirms it. Opened with show(), never exec()."""

    confirmed = Signal(int)  # the version's id, once confirmed

    def __init__(
        self,
        session: Session,
        policy: StoredPolicy,
        pdf: bytes | None,
        *,
        confirmed_at: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.policy = policy
        mark_opened(session, policy.id)
        self.setWindowTitle(f"safedesk — {policy.title}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(*((900, 700) if pdf else (860, 560)))  # a page needs the room
        heading = label(policy.title, "Title", plain=True)
        about = label(
            f"Version {policy.version}. {policies.published_words(policy)}.", "Subtitle", plain=True
        )
        parts = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(parts)
        if policy.note:
            parts.addWidget(label(LABELS["note"], "Subtitle"))
            note = label(policy.note, plain=True)
            note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
            parts.addWidget(note)
        parts.addStretch(1)
        self.area = QScrollArea()
        self.area.setWidget(holder)
        self.area.setWidgetResizable(True)
        self.area.setAccessibleName("The policy")
        self.area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pdf_view: PdfPageView | None = None
        if pdf:
            self.pdf_view = PdfPageView(
                pdf,
                unreadable_hint="Ask the person who published it for a paper copy if you need one.",
            )
            self.pdf_view.area.setAccessibleName("The policy")
            if policy.note:
                self.area.setMaximumHeight(110)  # the note above, the pages below
            else:
                self.area.hide()
        self.status = label("", "Subtitle")
        self.confirm_button = QPushButton("&I have read and understood it")
        self.confirm_button.setObjectName("Primary")
        self.confirm_button.clicked.connect(self.confirm)
        if confirmed_at is not None:
            self.confirm_button.hide()
            self.status.setText(f"You confirmed this version on {moment_text(confirmed_at)}.")
        close = QPushButton("C&lose")
        close.clicked.connect(self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addWidget(self.area, 0 if self.pdf_view else 1)
        if self.pdf_view is not None:
            layout.addWidget(self.pdf_view, 1)
            self.area = self.pdf_view.area  # where the keys go: Page Up, Page Down
        layout.addLayout(buttons)
        self.area.setFocus()

    def confirm(self) -> None:
        self.confirm_button.setEnabled(False)
        self.status.setText("Confirming…")
        tasks.run(policies.confirm, self.session, self.policy.id).on_success(
            self._confirmed
        ).on_error(self._failed)

    def _confirmed(self, at: Any) -> None:
        self.confirm_button.hide()
        self.status.setText(f"Thank you: confirmed {moment_text(at)}.")
        self.confirmed.emit(self.policy.id)

    def _failed(self, exc: BaseException) -> None:
        self.confirm_button.setEnabled(True)
        self.status.setText(user_message(exc))


def document_of(session: Session, policy: StoredPolicy) -> bytes | None:
    """The version's PDF (None: a note only); run it off the UI thread."""
    return policies.document(session, policy.id) if policy.has_pdf else None


# --- publishing ---------------------------------------------------------------------------

# The form's captions with their Alt+letters (unique in the dialog, with Publish and Cancel).
CAPTIONS = {
    "title": "Policy &title",
    "version": "&Version",
    "published_on": "Published &on",
    "note": "&What changed, and where to read it",
    "pdf": "Policy &document (PDF)",
}


def choose_pdf(parent: QWidget) -> Path | None:
    """The PDF to attach (a function of its own, for tests to replace)."""
    path, _ = QFileDialog.getOpenFileName(
        parent, "Choose the policy (a PDF)", str(Path.home()), "PDF files (*.pdf)"
    )
    return Path(path) if path else None


class PublishDialog(TaskDialog):
    """Publish a version of a policy: its title (the usual three offered), version label,
    the date published, what changed and where to read it, and optionally the PDF."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Publish a version of a policy", "&Publish")
        self.session = session
        self.setMinimumWidth(640)
        self.pdf: bytes | None = None
        self.title_box = QComboBox()
        self.title_box.setEditable(True)
        self.title_box.addItems(USUAL_TITLES)
        self.title_box.setCurrentIndex(-1)
        line = self.title_box.lineEdit()
        if line is not None:
            line.setPlaceholderText("Choose one, or type the title of another policy")
        self.version = QLineEdit()
        self.version.setPlaceholderText("for example 2026-27, or 3")
        self.published_on = QLineEdit()  # nothing filled in that nobody typed
        self.published_on.setPlaceholderText(
            f"dd/mm/yyyy, for example {date_text(policies.today(session))} for today"
        )
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(72)
        self.note.setPlaceholderText(
            "What is new in this version, and where staff can read it (needed when no PDF "
            "is attached)"
        )
        self.pdf_button = QPushButton("Choose a PD&F…")
        self.pdf_button.clicked.connect(self.choose)
        self.pdf_words = label("No document attached.", "Hint")
        pdf_row = QWidget()
        row = QHBoxLayout(pdf_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.pdf_button)
        row.addWidget(self.pdf_words, 1)
        self.form = QGridLayout()
        self.form.setColumnStretch(1, 1)
        self.form.setVerticalSpacing(3)
        self.body.addWidget(
            label(
                "Every member of staff is asked to read and confirm it when they next sign in. "
                "A version of a policy with the same title replaces the one before.",
                "Subtitle",
            )
        )
        self.body.addLayout(self.form)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        for number, (name, widget) in enumerate(
            (
                ("title", self.title_box),
                ("version", self.version),
                ("published_on", self.published_on),
                ("note", self.note),
                ("pdf", pdf_row),
            )
        ):
            caption = QLabel(CAPTIONS[name])
            caption.setBuddy(self.pdf_button if name == "pdf" else widget)
            caption.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
            widget.setAccessibleName(LABELS[name])
            error = label("", "FieldError")
            error.hide()
            self.fields[name] = widget
            self.errors[name] = error
            where = Qt.AlignmentFlag.AlignTop if name == "note" else Qt.AlignmentFlag.AlignVCenter
            self.form.addWidget(caption, 2 * number, 0, where)
            self.form.addWidget(widget, 2 * number, 1)
            self.form.addWidget(error, 2 * number + 1, 1)
        self.title_box.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.title_box, self.version, self.published_on, self.note, self.pdf_button]

    def choose(self) -> None:
        path = choose_pdf(self)
        if path is not None:
            self.attach(path)

    def attach(self, path: Path) -> None:
        try:
            self.pdf = path.read_bytes()
        except OSError as exc:
            self.pdf = None
            self.pdf_words.setText(f"{path.name} could not be read ({exc.strerror}).")
            return
        size = len(self.pdf)
        shown = (
            f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{-(-size // 1024)} KB"
        )
        self.pdf_words.setText(f"{path.name} ({shown})")

    def payload(self) -> dict[str, Any]:
        return {
            "title": self.title_box.currentText(),
            "version": self.version.text(),
            "published_on": self.published_on.text(),
            "note": self.note.toPlainText(),
        }

    def submit(self) -> None:
        if not self.working:
            self.run("Publishing…", policies.publish, self.session, self.payload(), self.pdf)

    def failed(self, exc: BaseException) -> None:
        for error in self.errors.values():
            error.hide()
        if not isinstance(exc, ValidationError):
            super().failed(exc)
            return
        by_label = {LABELS[name]: name for name in self.fields}
        other: list[str] = []
        first: QWidget | None = None
        for field, problem in exc.problems.items():
            name = by_label.get(field)
            if name is None:
                other.append(f"{field}: {problem}")
                continue
            self.errors[name].setText(f"{field} {problem}.")
            self.errors[name].show()
            first = first or (self.pdf_button if name == "pdf" else self.fields[name])
        if other:
            self.say("\n".join(other))
        else:
            self.error.hide()
            fit(self)
        if first is not None:
            first.setFocus()


# --- the page -----------------------------------------------------------------------------


class PoliciesPage(QWidget):
    """The current policies, whether you have confirmed each, and (leaders) who has not."""

    changed = Signal()  # a confirmation or a new version: the prompt and figures may differ

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.managing = policies.may_manage(session.user)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        add_heading(
            layout,
            "Policies",
            "The school's current policies. Read each one and confirm you have read and "
            "understood it: your confirmation is signed with your own sign-in."
            + (
                " As a leader you publish new versions here and see who has not confirmed."
                if self.managing
                else ""
            ),
        )
        self.model = PoliciesModel(self.managing)
        self.table = policy_table(self.model, "Current policies")
        self.table.doubleClicked.connect(lambda _index: self.read())
        self.table.selectionModel().selectionChanged.connect(self._chosen)
        self.read_button = QPushButton("&Read the policy…")
        self.read_button.clicked.connect(self.read)
        self.confirm_button = QPushButton("&I have read and understood it")
        self.confirm_button.setObjectName("Primary")
        self.confirm_button.clicked.connect(self.confirm)
        self.read_first = label("", "Hint", plain=True)
        self.read_first.setWordWrap(False)  # one line beside the button
        self.read_first.hide()
        self.status = label("", "Subtitle", plain=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.read_first)
        buttons.addWidget(self.status, 1)
        self.publish_button: QPushButton | None = None
        if self.managing:
            self.publish_button = QPushButton("&Publish a version…")
            self.publish_button.clicked.connect(self.publish)
            buttons.addWidget(self.publish_button)
        layout.addWidget(self.table, 3)
        layout.addLayout(buttons)
        self.staff_model = StaffModel()
        self.staff_heading: QLabel | None = None
        self.staff_table: QTableView | None = None
        if self.managing:
            self.staff_heading = label("", "Subtitle", plain=True)
            self.staff_table = policy_table(self.staff_model, "Who has read and confirmed it")
            layout.addWidget(self.staff_heading)
            layout.addWidget(self.staff_table, 2)
        self.dialog: PublishDialog | None = None
        self.reader: PolicyReader | None = None
        self._chosen()

    # loading

    def _fetch(self) -> list[tuple[MyPolicy, Standing | None]]:
        mine = policies.mine(self.session)
        standings = (
            {s.policy.id: s for s in policies.standings(self.session)} if (self.managing) else {}
        )
        return [(m, standings.get(m.policy.id)) for m in mine]

    def load(self) -> None:
        self.status.setText("Loading…")
        tasks.run(self._fetch).on_success(self._show).on_error(self._failed)

    def _show(self, rows: list[tuple[MyPolicy, Standing | None]]) -> None:
        chosen = self.current()
        keep = chosen[0].policy.title if chosen else None
        self.model.set_rows(rows)
        waiting = sum(1 for m, _ in rows if m.confirmed_at is None)
        if not rows:
            self.status.setText("No policy has been published yet.")
        elif waiting:
            self.status.setText(f"{waiting} of {len(rows)} still to read and confirm.")
        else:
            self.status.setText("You have confirmed every current policy.")
        again = next((n for n, (m, _) in enumerate(rows) if m.policy.title == keep), 0)
        if rows:
            self.table.selectRow(again)
        self._chosen()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(user_message(exc))

    def current(self) -> tuple[MyPolicy, Standing | None] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        found: tuple[MyPolicy, Standing | None] | None = self.model.row_of(rows[0])
        return found

    def _chosen(self, *_args: QItemSelection) -> None:
        row = self.current()
        self.read_button.setEnabled(row is not None)
        may, why_not = confirm_state(self.session, None if row is None else row[0])
        self.confirm_button.setEnabled(may)
        self.read_first.setText(why_not)
        self.read_first.setVisible(bool(why_not))
        if self.staff_heading is None:
            return
        if row is None or row[1] is None:
            self.staff_heading.setText("Choose a policy to see who has read and confirmed it.")
            self.staff_model.set_rows([])
            return
        standing = row[1]
        self.staff_heading.setText(
            f"{standing.policy.title}, version {standing.policy.version}: read and confirmed "
            f"by {standing.figure} members of staff."
        )
        self.staff_model.set_rows(
            [(name, None) for _u, name in standing.not_confirmed]
            + [
                (c.name + (f" (after a password reset by {c.reset_by})" * bool(c.reset_by)), c.at)
                for c in standing.confirmed
            ]
        )

    # actions

    def read(self) -> None:
        row = self.current()
        if row is None:
            return
        mine = row[0]
        tasks.run(document_of, self.session, mine.policy).on_success(
            lambda pdf: self._show_reader(mine, pdf)
        ).on_error(self._failed)

    def _show_reader(self, mine: MyPolicy, pdf: bytes | None) -> None:
        reader = PolicyReader(
            self.session, mine.policy, pdf, confirmed_at=mine.confirmed_at, parent=self
        )
        reader.confirmed.connect(lambda _id: self._after_change())
        reader.finished.connect(lambda _result: self._read_closed())
        self.reader = reader
        reader.show()
        self._chosen()  # opened: it may be confirmed here too now

    def _read_closed(self) -> None:
        self._chosen()
        self.table.setFocus()

    def confirm(self) -> None:
        row = self.current()
        if row is None or not confirm_state(self.session, row[0])[0]:
            return
        self.confirm_button.setEnabled(False)
        tasks.run(policies.confirm, self.session, row[0].policy.id).on_success(
            lambda _at: self._after_change()
        ).on_error(self._failed_confirm)

    def _failed_confirm(self, exc: BaseException) -> None:
        self._chosen()
        self._failed(exc)

    def _after_change(self) -> None:
        self.changed.emit()
        self.load()

    def publish(self) -> None:
        dialog = PublishDialog(self.session, self)
        self.dialog = dialog
        dialog.succeeded.connect(lambda _id: self._after_change())
        dialog.open()
