"""Changing one's own password: new keys for every file this account opens, off the UI thread."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from safedesk.domain.errors import AuthenticationError, ValidationError
from safedesk.domain.people import MIN_PASSWORD_LENGTH
from safedesk.services import users
from safedesk.services.key_costs import KdfParams
from safedesk.services.session import Session
from safedesk.ui.task_dialog import TaskDialog, label


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class PasswordDialog(TaskDialog):
    """Emits ``succeeded`` once the password and the keys have been changed."""

    def __init__(
        self,
        session: Session,
        parent: QWidget | None,
        kdf: KdfParams | None = None,
        note: str = "",
    ) -> None:
        super().__init__(parent, "Change my password", "&Change password")
        self.session = session
        self.kdf = kdf
        if note:
            self.body.addWidget(label(note, "Note"))
        self.body.addWidget(
            label(
                "Your password protects your keys. Changing it also gives new keys to every "
                "file you open, so an old copy of the key file opens nothing with your old "
                f"password. It takes a few seconds. Use at least {MIN_PASSWORD_LENGTH} "
                "characters: a few unrelated words are easy to remember.",
                "Subtitle",
            )
        )
        self.current = _password_field("Current password")
        self.new = _password_field("New password")
        self.confirm = _password_field("Confirm the new password")
        form = QFormLayout()
        form.addRow("C&urrent password", self.current)
        form.addRow("&New password", self.new)
        form.addRow("Con&firm new password", self.confirm)
        self.body.addLayout(form)
        self.finished.connect(lambda _result: self._forget())
        self.current.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.current, self.new, self.confirm]

    def submit(self) -> None:
        if self.working:
            return
        current, new = self.current.text(), self.new.text()
        problem, field = None, self.current
        if not current:
            problem = "Type your current password."
        elif not new:
            problem, field = "Type a new password.", self.new
        elif new != self.confirm.text():
            problem, field = "The new password and its confirmation do not match.", self.confirm
        elif new == current:
            problem, field = "The new password must differ from your current one.", self.new
        if problem:
            self.say(problem)
            field.setFocus()
            return
        self.run(
            "Changing your password and your keys… Please wait: this takes a few seconds.",
            users.change_own_password,
            self.session,
            current,
            new,
            self.kdf,
        )

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, AuthenticationError):
            self.say("Your current password is not right. Nothing has been changed.")
            self.current.clear()
            self.current.setFocus()
        elif isinstance(exc, ValidationError) and "password" in exc.problems:
            self.say(f"The new password {exc.problems['password']}.")
            self.new.setFocus()
        else:
            super().failed(exc)

    def _forget(self) -> None:
        for field in (self.current, self.new, self.confirm):
            field.clear()
