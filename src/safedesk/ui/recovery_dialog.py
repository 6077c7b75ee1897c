"""The school's recovery code, made at the headteacher's first sign-in: shown once, never
logged, and the dialog stays until the head says it is stored."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safedesk.ui import printing
from safedesk.ui.clipboard import copy_secret, forget_secret
from safedesk.ui.task_dialog import fit, label

WHAT_IT_IS = (
    "safedesk has just made your school's recovery key. This code unlocks it. With it, the "
    "safeguarding and behaviour records can still be opened, and any password reset, if "
    "you and every DSL forget yours. It is shown only now: safedesk does not keep it."
)
WHERE_TO_KEEP_IT = (
    "Print it, or write it down, and keep it with the school's other important documents "
    "(for example in the safe), away from this computer. Anyone holding it can read every "
    "record, so never e-mail it or save it on this computer."
)


FIRST_SIGN_IN = "at the headteacher's first sign-in"


def recovery_sheet(
    code: str, school_name: str, when: datetime, occasion: str = FIRST_SIGN_IN
) -> str:
    """The printed page: what it is, for which school, and the code in large type."""
    made = when.astimezone().strftime("%d/%m/%Y")
    return (
        f"<h2>safedesk recovery code — {html.escape(school_name)}</h2>"
        f"<p>Made on {made} {html.escape(occasion)}.</p>"
        f"<p style='font-size:24pt; font-family:monospace'><b>{html.escape(code)}</b></p>"
        f"<p>{html.escape(WHAT_IT_IS)}</p><p>{html.escape(WHERE_TO_KEEP_IT)}</p>"
        "<p><b>OFFICIAL-SENSITIVE</b></p>"
    )


class RecoveryCodeDialog(QDialog):
    """Opened with ``open()``; closes only once "I have stored it" is ticked."""

    def __init__(
        self, code: str, school_name: str, made_at: datetime, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self._code = code
        self._school_name = school_name
        self._made_at = made_at
        self.setWindowTitle("safedesk — your recovery code")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(620)
        heading = label("Your school's recovery code", "Title")
        self.key = label(code, "RecoveryKey", plain=True)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setAccessibleName("Recovery code")
        self.print_button = QPushButton("&Print…")
        self.print_button.clicked.connect(self._print)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setToolTip("Kept out of Windows clipboard history; cleared on close")
        self.copy_button.clicked.connect(self._copy)
        self.status = label("", "Subtitle")
        self.saved = QCheckBox("I have printed or written down the code and &stored it safely")
        self.done_button = QPushButton("&Done")
        self.done_button.setObjectName("Primary")
        self.done_button.setEnabled(False)
        self.done_button.clicked.connect(self.accept)
        self.saved.toggled.connect(self.done_button.setEnabled)

        tools = QHBoxLayout()
        tools.addWidget(self.status, 1)
        tools.addWidget(self.print_button)
        tools.addWidget(self.copy_button)
        last = QHBoxLayout()
        last.addStretch(1)
        last.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(label(WHAT_IT_IS))
        layout.addWidget(self.key)
        layout.addLayout(tools)
        layout.addWidget(label(WHERE_TO_KEEP_IT, "Note"))
        layout.addWidget(self.saved)
        layout.addStretch(1)
        layout.addLayout(last)
        self.finished.connect(self._forget)
        self.saved.setFocus()

    def _print(self) -> None:
        sheet = recovery_sheet(self._code, self._school_name, self._made_at)
        if printing.print_html(self, "safedesk recovery code", sheet):
            self._say("Sent to the printer. Check the page printed in full.")

    def _copy(self) -> None:
        copy_secret(self._code)
        self._say("Copied. It is taken off the clipboard when you press Done.")

    def reject(self) -> None:
        if self.saved.isChecked():  # Esc works only once it is stored
            super().reject()
        else:
            self.remind()

    def remind(self) -> None:
        self._say("Tick the box once the code is stored: it is not shown again.")

    def _say(self, text: str) -> None:
        self.status.setText(text)
        fit(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.saved.isChecked():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    def _forget(self) -> None:
        forget_secret(self._code)
        self.key.clear()
        self._code = ""
