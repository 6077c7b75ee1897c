"""After sign-in: the current policies this person has not yet confirmed, to read and confirm
now or later ("Not now" asks again at the next sign-in). A window beside the main one, never
modal: the records stay in reach."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from safedesk.domain.formatting import counted
from safedesk.services import policies
from safedesk.services.policies import MyPolicy
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.policies_page import PoliciesModel, PolicyReader, document_of, policy_table
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
        self.resize(760, 340)
        heading = label("Please read these policies", "Title")
        intro = label(
            "These policies are new, or have a new version, since you last confirmed them. "
            "Read each one, then confirm you have read and understood it: your confirmation "
            "is signed with your own sign-in. You can also do this later on the Policies page; "
            "safedesk asks again when you next sign in.",
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
        self.later_button = QPushButton("&Not now")
        self.later_button.clicked.connect(self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self.status = label("", "Subtitle", plain=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.confirm_button)
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
        self.confirm_button.setEnabled(mine is not None and mine.confirmed_at is None)
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
        self.reader = reader
        reader.show()

    def confirm(self) -> None:
        mine = self.current()
        if mine is None or mine.confirmed_at is not None:
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


def ask_after_sign_in(session: Session, window: QWidget) -> None:
    """Show the prompt over ``window`` when current policies wait for this person's
    confirmation (not while their password is one an administrator set: they choose their
    own first, and only then can they sign)."""
    if session.password_from_administrator:
        return

    def show(found: list[MyPolicy]) -> None:
        waiting = [m for m in found if m.confirmed_at is None]
        if not waiting or not window.isVisible():
            return
        prompt = PolicyPrompt(session, waiting, window)
        page = getattr(window, "policies_page", None)
        if page is not None:
            prompt.changed.connect(page.load)
        prompt.show()

    tasks.run(policies.mine, session).on_success(show).on_error(lambda _exc: None)
