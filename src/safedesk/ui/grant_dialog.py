"""Granting a requested reading role in person: the person types their own password here."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from safedesk.domain.compartments import READING, ROLE_COMPARTMENTS
from safedesk.domain.errors import AuthenticationError
from safedesk.domain.queue import QueueItem
from safedesk.services import membership
from safedesk.services.session import Session
from safedesk.store.access import RoleRequest
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

    def __init__(self, session: Session, request: RoleRequest, parent: QWidget | None) -> None:
        super().__init__(parent, "Grant access in person", "&Grant access")
        self.session = session
        self.request = request
        who = html.escape(request.display_name)
        files = " and ".join(c.label for c in READING if c in ROLE_COMPARTMENTS[request.role])
        asked = html.escape(f"{request.reason}; asked by {request.requested_by}")
        self.summary = label(
            f"<b>{who}</b> ({html.escape(request.username)}) is waiting for the "
            f"<b>{html.escape(request.role.label)}</b> role ({asked}). Granting it gives "
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
        self.finished.connect(lambda _result: self.password.clear())
        self.password.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.password]

    def submit(self) -> None:
        if self.working:
            return
        typed = self.password.text()
        if not typed:
            self.say(f"{self.request.display_name} needs to type their password first.")
            self.password.setFocus()
            return
        self.run(
            f"Giving {self.request.display_name} the keys…",
            membership.grant,
            self.session,
            self.request.username,
            self.request.role,
            typed,
        )

    def failed(self, exc: BaseException) -> None:
        super().failed(exc)
        if isinstance(exc, AuthenticationError):
            self.password.clear()
        self.password.setFocus()
