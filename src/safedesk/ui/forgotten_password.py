"""Forgotten your password? For most staff the answer is the administrator, who sets a
one-time password: the dialog says that first. Whoever holds the school's recovery key (the
headteacher keeps it) chooses a new one here (the same reset as
``safedesk-admin passwd --recovery``). The reset runs off the UI thread; afterwards the
sign-in window has the username filled in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from safedesk.domain.errors import AuthenticationError, ValidationError
from safedesk.domain.people import validate_password
from safedesk.paths import DataPaths
from safedesk.ui.task_dialog import TaskDialog, label

if TYPE_CHECKING:
    from safedesk.services.key_costs import KdfParams

ASK_FIRST = (
    "Ask your administrator to set a one-time password for you. You sign in with it and then "
    "choose your own. Nothing you have recorded is lost."
)
EXPLAINED = (
    "If you hold the school's recovery key (the headteacher keeps it, printed or on a USB "
    "stick), you can choose a new password for your account here instead."
)


def _reset(
    paths: DataPaths, recovery_key: str, username: str, password: str, kdf: KdfParams | None
) -> str:
    from safedesk.services import vault  # on the worker thread: the crypto modules are slow

    vault.reset_with_recovery_key(paths, recovery_key, username, password, kdf)
    return username


class ForgottenPasswordDialog(TaskDialog):
    """``succeeded`` carries the username whose password was changed."""

    def __init__(
        self, paths: DataPaths, parent: QWidget | None, *, kdf: KdfParams | None = None
    ) -> None:
        super().__init__(parent, "Forgotten your password?", "&Change password")
        self.paths = paths
        self.kdf = kdf
        self.username = QLineEdit()
        self.username.setAccessibleName("Username")
        self.username.setPlaceholderText("for example j.smith")
        self.recovery_key = QLineEdit()
        self.recovery_key.setAccessibleName("Recovery key")
        self.recovery_key.setPlaceholderText("five groups, for example ABCDE-12345-…")
        self.recovery_key.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.new = QLineEdit()
        self.new.setEchoMode(QLineEdit.EchoMode.Password)
        self.new.setAccessibleName("New password")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName("New password again")
        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("&Recovery key", self.recovery_key)
        form.addRow("&New password", self.new)
        form.addRow("New password &again", self.confirm)
        self.ask_first = label(ASK_FIRST, "Note")
        self.body.addWidget(self.ask_first)
        self.body.addWidget(label(EXPLAINED))
        self.body.addLayout(form)
        # Enter moves on down the form, and changes the password from the last field.
        self.username.returnPressed.connect(self.recovery_key.setFocus)
        self.recovery_key.returnPressed.connect(self.new.setFocus)
        self.new.returnPressed.connect(self.confirm.setFocus)
        self.confirm.returnPressed.connect(self.submit)
        # Only the fields' own Enter: a default button would also submit half a form.
        self.action_button.setDefault(False)
        self.action_button.setAutoDefault(False)
        self.username.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.username, self.recovery_key, self.new, self.confirm]

    def submit(self) -> None:
        if self.working:
            return
        username = self.username.text().strip().lower()
        key, new = self.recovery_key.text().strip(), self.new.text()
        problems = []
        if not username:
            problems.append("Please enter your username.")
        if not key:
            problems.append("Please enter the recovery key.")
        if reason := validate_password(new):
            problems.append(f"The new password {reason}.")
        elif new != self.confirm.text():
            problems.append("The two new passwords do not match.")
        if problems:
            self.say("\n".join(problems))
            first = self.username if not username else self.recovery_key if not key else self.new
            first.setFocus()
            return
        self.run(
            "Checking the recovery key and changing the password… this takes a moment.",
            _reset,
            self.paths,
            key,
            username,
            new,
            self.kdf,
        )

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.say("\n".join(f"The new {k} {v}." for k, v in exc.problems.items()))
            self.new.setFocus()
            return
        super().failed(exc)
        if isinstance(exc, AuthenticationError):
            self.recovery_key.setFocus()
            self.recovery_key.selectAll()

    def _succeeded(self, result: object) -> None:
        for secret in (self.recovery_key, self.new, self.confirm):
            secret.clear()
        super()._succeeded(result)
