"""Granting a requested reading role in person: the person types their own password here."""

from __future__ import annotations

import functools

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from safedesk.domain.compartments import READING, ROLE_COMPARTMENTS
from safedesk.domain.errors import AuthenticationError
from safedesk.domain.formatting import rich
from safedesk.domain.people import RoleRequest
from safedesk.domain.queue import QueueItem
from safedesk.services import membership
from safedesk.services.session import Session
from safedesk.ui import msgbox
from safedesk.ui.task_dialog import TaskDialog, label


def request_for(item: QueueItem, requests: list[RoleRequest]) -> RoleRequest | None:
    """The request a queue item stands for (one person may ask for two roles)."""
    theirs = [r for r in requests if r.username == item.case_ref]
    for request in theirs:
        if item.what.startswith(f"Grant {request.role.label} to "):
            return request
    return theirs[0] if len(theirs) == 1 else None


class GrantDialog(TaskDialog):
    """Emits ``succeeded`` (the updated user) once the role is granted."""

    def __init__(
        self,
        session: Session,
        request: RoleRequest,
        parent: QWidget | None,
        *,
        asked_by: str | None = None,  # the full name of whoever asked, where known
    ) -> None:
        super().__init__(parent, "Grant access in person", "&Grant access")
        self.session = session
        self.request = request
        who = rich(request.display_name)
        files = " and ".join(c.label for c in READING if c in ROLE_COMPARTMENTS[request.role])
        asked = rich(f"{request.reason}; asked by {asked_by or request.requested_by}")
        self.summary = label(
            f"<b>{who}</b> is waiting for the "
            f"<b>{rich(request.role.label)}</b> role ({asked}). Granting it gives "
            f"them the keys to the {files}."
        )
        self.body.addWidget(self.summary)
        self.body.addWidget(
            label(
                f"Ask {who} to come to this computer and type <b>their own password</b> "
                "below. Do not type it for them: it proves the keys go to them and nobody "
                "else.",
                "Note",
            )
        )
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(f"{request.display_name}'s password")
        caption = label(f"{request.display_name.replace('&', '&&')}'s &password", plain=True)
        caption.setWordWrap(False)
        caption.setBuddy(self.password)
        form = QFormLayout()
        form.addRow(caption, self.password)
        self.body.addLayout(form)
        # Always: only keys made under a password nobody else has seen hold these records.
        self.own_note = label(
            f"Then {who} chooses a <b>new password of their own</b>, that nobody else knows "
            "(not even whoever set up their account): the keys are made under it.",
            "Note",
        )
        self.new_password = QLineEdit()
        self.confirm = QLineEdit()
        for field, name in ((self.new_password, "new password"), (self.confirm, "new again")):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(f"{request.display_name}'s {name}")
        self.own_form = QWidget()
        own = QFormLayout(self.own_form)
        own.setContentsMargins(0, 0, 0, 0)
        new_caption = label("&New password of their own", plain=True)
        new_caption.setBuddy(self.new_password)
        again_caption = label("New password &again", plain=True)
        again_caption.setBuddy(self.confirm)
        own.addRow(new_caption, self.new_password)
        own.addRow(again_caption, self.confirm)
        self.body.addWidget(self.own_note)
        self.body.addWidget(self.own_form)
        self.finished.connect(lambda _result: self._clear())
        self.password.setFocus()

    def _clear(self) -> None:
        for field in (self.password, self.new_password, self.confirm):
            field.clear()

    def inputs(self) -> list[QWidget]:
        return [self.password, self.new_password, self.confirm]

    def submit(self) -> None:
        if self.working:
            return
        typed = self.password.text()
        if not typed:
            self.say(f"{self.request.display_name} needs to type their password first.")
            self.password.setFocus()
            return
        new_password = self.new_password.text()
        if not new_password:
            self.say(f"{self.request.display_name} chooses a new password of their own.")
            self.new_password.setFocus()
            return
        if new_password != self.confirm.text():
            self.say("The two new passwords are not the same.")
            self.new_password.setFocus()
            return
        if new_password == typed:
            self.say("The new password must differ from the one they typed first.")
            self.new_password.setFocus()
            return
        self.run(
            f"Giving {self.request.display_name} the keys…",
            functools.partial(membership.grant, new_password=new_password),
            self.session,
            self.request.username,
            self.request.role,
            typed,
        )

    def _succeeded(self, result: object) -> None:
        # What the grant could not give (an allegations file, to someone it is about).
        warning, self.session.warning = self.session.warning, None
        super()._succeeded(result)
        if warning:
            msgbox.warning(self.parentWidget(), "Please read this", warning)

    def failed(self, exc: BaseException) -> None:
        super().failed(exc)
        if isinstance(exc, AuthenticationError):
            self.password.clear()
        self.password.setFocus()
