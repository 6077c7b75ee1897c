"""The sign-in window: the school's name, username and password (the slow unlock runs off the
UI thread), and "Forgotten your password?" for a reset with the school's recovery key."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.errors import SafedeskError
from safedesk.paths import DataPaths
from safedesk.ui import tasks
from safedesk.ui.errors import user_message

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from safedesk.services.key_costs import KdfParams
    from safedesk.services.session import Session


# The school's name is inside the encrypted school file, and never written anywhere in the
# clear (a lost PC or backup drive must not say whose records it holds): the sign-in window
# shows it once this program has read it — after set-up, or after a sign-in, as at a lock.
_known_names: dict[Path, str] = {}


def remember_school_name(paths: DataPaths, name: str) -> None:
    """In memory only, for the next sign-in window on ``paths``."""
    if name.strip():
        _known_names[paths.root] = name.strip()


def known_school_name(paths: DataPaths) -> str | None:
    return _known_names.get(paths.root)


def _unlock(
    paths: DataPaths, username: str, password: str, kdf: KdfParams | None
) -> tuple[Session, str]:
    # Imported on the worker thread, so the window shows before the crypto modules load.
    from safedesk.services import settings, vault

    session = vault.sign_in(paths, username, password, kdf=kdf)
    try:
        name = settings.school_name(session)
    except Exception as exc:  # a courtesy: never in the way of signing in
        log.warning("the school's name was not read at sign-in (%s)", type(exc).__name__)
        name = ""
    return session, name


class SignInWindow(QWidget):
    signed_in = Signal(object)  # Session

    def __init__(
        self,
        paths: DataPaths,
        *,
        kdf: KdfParams | None = None,
        school_name: str | None = None,
        demo_accounts: Sequence[tuple[str, str]] = (),
        demo_password: str | None = None,
        notice: str = "",
    ) -> None:
        super().__init__()
        self.setObjectName("SignIn")
        self.paths = paths
        self.kdf = kdf  # for key slots made at a first sign-in (tests: a fast one)
        self.setWindowTitle("safedesk — sign in")
        self.setMinimumWidth(460)

        self.school_name = school_name or known_school_name(paths) or ""
        title = QLabel(self.school_name or "safedesk")
        title.setObjectName("Title")
        title.setWordWrap(True)
        title.setTextFormat(Qt.TextFormat.PlainText)
        self.title = title
        where = QLabel("Sign in to safedesk")
        where.setObjectName("Subtitle")
        where.setVisible(bool(self.school_name))

        self.username = QLineEdit()
        self.username.setPlaceholderText("for example j.smith")
        self.username.setAccessibleName("Username")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)

        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.notice = QLabel(notice)
        self.notice.setObjectName("Note")
        self.notice.setWordWrap(True)
        self.notice.setVisible(bool(notice))

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the key derivation takes a moment on purpose
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.hide()

        self.forgotten = QPushButton("&Forgotten your password?")
        self.forgotten.setObjectName("Link")
        self.forgotten.setFlat(True)
        self.forgotten.setStyleSheet(
            "QPushButton { color: #2463b4; text-decoration: underline; border: none;"
            " padding: 4px 2px; background: transparent; }"
            "QPushButton:focus { border: 1px dotted #2463b4; }"
        )
        self.forgotten.setCursor(Qt.CursorShape.PointingHandCursor)
        self.forgotten.setAutoDefault(False)
        self.forgotten.clicked.connect(self.forgotten_password)
        self.forgotten_dialog: QDialog | None = None

        self.button = QPushButton("Sign in")
        self.button.setObjectName("Primary")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(where)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addWidget(self.progress)
        buttons = QHBoxLayout()
        buttons.addWidget(self.forgotten)
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        layout.addLayout(buttons)
        if demo_accounts:
            unbroken = (demo_password or "").replace("-", "\u2011")  # keep it on one line
            lines = "".join(f"<br><b>{u}</b> — {label}" for u, label in demo_accounts)
            demo = QLabel(
                f"<b>Demo school.</b> Every account's password is <b>{unbroken}</b>:{lines}"
            )
            demo.setObjectName("Note")
            demo.setWordWrap(True)
            demo.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(demo)
        layout.addStretch(1)
        self.username.setFocus()

    def forgotten_password(self) -> None:
        """A new password with the school's recovery key; then back here, username filled in."""
        from safedesk.ui.forgotten_password import ForgottenPasswordDialog

        dialog = ForgottenPasswordDialog(self.paths, self, kdf=self.kdf)
        dialog.username.setText(self.username.text().strip())
        dialog.succeeded.connect(self._password_reset)
        dialog.finished.connect(lambda _result: self._forgotten_closed(dialog))
        self.forgotten_dialog = dialog
        dialog.open()

    def _forgotten_closed(self, dialog: QDialog) -> None:
        if self.forgotten_dialog is dialog:
            self.forgotten_dialog = None
        dialog.deleteLater()

    def _password_reset(self, username: object) -> None:
        self.username.setText(str(username))
        self.password.clear()
        self.error.hide()
        self.notice.setText("Your password has been changed. Sign in with your new password.")
        self.notice.show()
        self.password.setFocus()

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.show_error("Please enter your username and password.")
            (self.username if not username else self.password).setFocus()
            return
        self.set_busy(True)
        tasks.run(_unlock, self.paths, username, password, self.kdf).on_success(
            self._succeeded
        ).on_error(self._failed)

    def _succeeded(self, unlocked: tuple[Session, str]) -> None:
        session, name = unlocked
        remember_school_name(self.paths, name)
        self.set_busy(False)
        self.password.clear()
        self.error.hide()
        self.signed_in.emit(session)

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.password.clear()
        self.password.setFocus()
        self.show_error(user_message(exc))
        if not isinstance(exc, SafedeskError):
            raise exc

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.button.setEnabled(not busy)
        self.username.setEnabled(not busy)
        self.password.setEnabled(not busy)
        self.forgotten.setEnabled(not busy)
        self.button.setText("Unlocking…" if busy else "Sign in")
