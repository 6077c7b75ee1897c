"""The chair of governors confirms a colleague's account in person, so that it can pass on a
concern about the headteacher, sealed to the chair's file. The chair sees no list of
accounts: the colleague types their own username and password at the chair's side."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from safedesk.domain.errors import AuthenticationError
from safedesk.services import membership
from safedesk.services.session import Session
from safedesk.ui.account_dialogs import password_field, plain_message
from safedesk.ui.task_dialog import TaskDialog, label


class ColleagueConfirmDialog(TaskDialog):
    """Emits ``succeeded`` once the colleague's account is confirmed."""

    def __init__(self, session: Session, parent: QWidget | None) -> None:
        super().__init__(parent, "Confirm a colleague in person", "&Confirm")
        self.session = session
        self.body.addWidget(
            label(
                "Confirming a colleague's account tells it which key is yours, so that a "
                "concern they pass on about the headteacher is sealed to you alone. Nothing "
                "secret is given to them, and you see none of their records.",
                "Subtitle",
            )
        )
        self.body.addWidget(
            label(
                "Ask your colleague to sit at this computer and type <b>their own</b> username "
                "and password below. Do not type them for them.",
                "Note",
            )
        )
        self.username = QLineEdit()
        self.username.setAccessibleName("Their username")
        self.password = password_field("Their password")
        form = QFormLayout()
        for text, field in (("Their &username", self.username), ("Their &password", self.password)):
            caption = QLabel(text)
            caption.setBuddy(field)
            form.addRow(caption, field)
        self.body.addLayout(form)
        self.finished.connect(lambda _result: self.password.clear())
        self.username.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.username, self.password]

    def submit(self) -> None:
        if self.working:
            return
        missing = [
            name
            for name, field in (
                ("Their username", self.username),
                ("Their password", self.password),
            )
            if not field.text().strip()
        ]
        if missing:
            self.say(" and ".join(missing) + (" are" if len(missing) > 1 else " is") + " needed.")
            (self.username if not self.username.text().strip() else self.password).setFocus()
            return
        self.run(
            "Confirming the account…",
            membership.confirm,
            self.session,
            self.username.text().strip(),
            self.password.text(),
        )

    def failed(self, exc: BaseException) -> None:
        self.say(plain_message(exc))
        if isinstance(exc, AuthenticationError):
            self.password.clear()
        self.password.setFocus()
