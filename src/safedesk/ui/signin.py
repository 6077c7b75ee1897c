"""The sign-in window: username and password; the slow unlock runs off the UI thread."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
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

if TYPE_CHECKING:
    from safedesk.services.session import Session
    from safedesk.store.crypto import KdfParams


def _unlock(paths: DataPaths, username: str, password: str, kdf: KdfParams | None) -> Session:
    # Imported on the worker thread, so the window shows before the crypto modules load.
    from safedesk.services import vault

    return vault.sign_in(paths, username, password, kdf=kdf)


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

        title = QLabel("Sign in to safedesk")
        title.setObjectName("Title")
        where = QLabel(school_name or f"Data folder: {paths.root}")
        where.setObjectName("Subtitle")
        where.setWordWrap(True)

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
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignRight)
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

    def _succeeded(self, session: Session) -> None:
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
        self.button.setText("Unlocking…" if busy else "Sign in")
