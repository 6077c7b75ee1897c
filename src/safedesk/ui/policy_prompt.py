"""After sign-in: the current policies this person has not yet confirmed, to read and confirm
now or later ("Not now" asks again at the next sign-in). A note in the header ("2 policies to
read") opens it: it never takes the keyboard from what the person had started. A window beside
the main one, never modal: the records stay in reach."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import counted
from safedesk.domain.roles import is_staff
from safedesk.services import policies
from safedesk.services.policies import MyPolicy
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.policies_page import (
    PoliciesModel,
    PolicyReader,
    confirm_state,
    document_of,
    policy_table,
)
from safedesk.ui.task_dialog import label


class PolicyPrompt(QDialog):
    """The policies to read and confirm, one row each; opened with show(), never exec()."""

    changed = Signal()  # a policy was confirmed here

    def __init__(self, session: Session, waiting: list[MyPolicy], parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("safedesk — Policies to read")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(920, 340)  # the buttons and what they say, on one line
        heading = label("Please read these policies", "Title")
        intro = label(
            "These policies are new, or have a new version, since you last confirmed them. "
            "Read each one, then confirm you have read and understood it: your confirmation "
            "is signed with your own sign-in. You can also do this later on the Policies page, or "
            "with the button at the top of the window.",
            "Subtitle",
        )
        self.model = PoliciesModel(managing=False)
        self.model.set_rows([(m, None) for m in waiting])
        self.table = policy_table(self.model, "Policies to read")
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._chosen())
        self.table.doubleClicked.connect(lambda _index: self.read())
        self.read_button = QPushButton("&Read the policy…")
        self.read_button.clicked.connect(self.read)
        self.confirm_button = QPushButton("&I have read and understood it")
        self.confirm_button.setObjectName("Primary")
        self.confirm_button.clicked.connect(self.confirm)
        self.read_first = label("", "Hint", plain=True)
        self.read_first.setWordWrap(False)  # one line beside the button
        self.read_first.hide()
        self.later_button = QPushButton("&Not now")
        self.later_button.clicked.connect(self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self.status = label("", "Subtitle", plain=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.read_first)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.later_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.reader: PolicyReader | None = None
        self.setTabOrder(self.table, self.read_button)
        self.setTabOrder(self.read_button, self.confirm_button)
        self.setTabOrder(self.confirm_button, self.later_button)
        self.table.selectRow(0)
        self.table.setFocus()
        self._chosen()

    def current(self) -> MyPolicy | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        found = self.model.row_of(rows[0])
        return None if found is None else found[0]

    def _chosen(self) -> None:
        mine = self.current()
        self.read_button.setEnabled(mine is not None)
        may, why_not = confirm_state(self.session, mine)
        self.confirm_button.setEnabled(may)
        self.read_first.setText(why_not)
        self.read_first.setVisible(bool(why_not))
        left = sum(1 for m, _ in self.model.rows() if m.confirmed_at is None)
        if left:
            self.status.setText(f"{counted(left, 'policy', 'policies')} to confirm.")
        else:
            self.status.setText("Thank you: you have confirmed them all.")
            self.later_button.setText("&Close")

    def read(self) -> None:
        mine = self.current()
        if mine is None:
            return
        tasks.run(document_of, self.session, mine.policy).on_success(
            lambda pdf: self._show_reader(mine, pdf)
        ).on_error(lambda exc: self.status.setText(user_message(exc)))

    def _show_reader(self, mine: MyPolicy, pdf: bytes | None) -> None:
        reader = PolicyReader(self.session, mine.policy, pdf, parent=self)
        reader.confirmed.connect(lambda _id: self.reload())
        reader.finished.connect(lambda _result: self._read_closed())
        self.reader = reader
        reader.show()
        self._chosen()  # opened: it may be confirmed here too now

    def _read_closed(self) -> None:
        self._chosen()
        if self.isVisible():
            self.activateWindow()
            (self.confirm_button if self.confirm_button.isEnabled() else self.table).setFocus()

    def confirm(self) -> None:
        mine = self.current()
        if mine is None or not confirm_state(self.session, mine)[0]:
            return
        self.confirm_button.setEnabled(False)
        tasks.run(policies.confirm, self.session, mine.policy.id).on_success(
            lambda _at: self.reload()
        ).on_error(self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._chosen()
        self.status.setText(user_message(exc))

    def reload(self) -> None:
        """The rows again (those confirmed say when), the same one chosen, the next to do
        chosen when it was confirmed."""
        self.changed.emit()
        shown = [m.policy.id for m, _ in self.model.rows()]
        tasks.run(policies.mine, self.session).on_success(
            lambda found: self._refilled(found, shown)
        ).on_error(self._failed)

    def _refilled(self, found: list[MyPolicy], shown: list[int]) -> None:
        by_id = {m.policy.id: m for m in found}
        rows = [(by_id[i], None) for i in shown if i in by_id]
        self.model.set_rows(rows)
        next_one = next((n for n, (m, _) in enumerate(rows) if m.confirmed_at is None), None)
        if next_one is not None:
            self.table.selectRow(next_one)
            self.table.setFocus()
        else:
            self.table.selectRow(0)
            self.later_button.setFocus()
        self._chosen()


class PolicyNote(QPushButton):
    """The header's "2 policies to read": opens the prompt when pressed, never by itself."""

    def __init__(self, session: Session, window: QWidget) -> None:
        super().__init__()
        self.session = session
        self.window_over = window
        self.setObjectName("Primary")
        self.setToolTip("Read and confirm the school's new policies")
        self.prompt: PolicyPrompt | None = None
        self.waiting: list[MyPolicy] = []
        self.clicked.connect(self.open_prompt)
        page = getattr(window, "policies_page", None)
        if page is not None:
            page.changed.connect(self.recount)  # confirmed on the Policies page
        self.hide()

    def show_waiting(self, found: list[MyPolicy]) -> None:
        waiting = [m for m in found if m.confirmed_at is None]
        self.waiting = waiting
        self.setText(f"{counted(len(waiting), 'policy', 'policies')} to read")
        self.setAccessibleName(self.text())
        self.setVisible(bool(waiting))

    def open_prompt(self) -> None:
        if self.prompt is not None:
            self.prompt.raise_()
            self.prompt.activateWindow()
            return
        if not self.waiting:
            return
        prompt = PolicyPrompt(self.session, self.waiting, self.window_over)
        page = getattr(self.window_over, "policies_page", None)
        if page is not None:
            prompt.changed.connect(page.load)
        prompt.changed.connect(self.recount)
        prompt.destroyed.connect(lambda _o=None: setattr(self, "prompt", None))
        self.prompt = prompt
        prompt.show()
        prompt.activateWindow()

    def recount(self) -> None:
        tasks.run(policies.mine, self.session).on_success(self.show_waiting).on_error(
            lambda _exc: None
        )


def header_row(window: QWidget) -> QBoxLayout | None:
    """The main window's header row (its frame is named "Header"), where the note goes."""
    header = window.findChild(QFrame, "Header")
    layout = header.layout() if header is not None else None
    return layout if isinstance(layout, QBoxLayout) else None


def ask_after_sign_in(session: Session, window: QWidget) -> None:
    """A note in ``window``'s header, "2 policies to read", that opens the prompt, when current
    policies wait for this person's confirmation: it never takes the keyboard from what they
    started (not while their password is one an administrator set: they choose their
    own first, and only then can they sign)."""
    if session.password_from_administrator or not is_staff(session.user.roles):
        return  # a governor (the chair) is not asked to confirm the staff's policies

    def show(found: list[MyPolicy]) -> None:
        if not any(m.confirmed_at is None for m in found):
            return
        row = header_row(window)
        if row is None or window.findChild(PolicyNote) is not None:
            return
        note = PolicyNote(session, window)
        row.insertWidget(1, note)  # after the school's name: seen, and reached by Tab
        note.show_waiting(found)

    tasks.run(policies.mine, session).on_success(show).on_error(lambda _exc: None)
