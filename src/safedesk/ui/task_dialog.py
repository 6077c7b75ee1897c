"""A small dialog whose one action runs off the UI thread: a busy bar meanwhile, its fields and
buttons held, and a plain message if it fails. Opened with ``open()``, never ``exec()``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safedesk.ui import tasks
from safedesk.ui.errors import user_message


def fit(dialog: QDialog) -> None:
    """Grow or shrink ``dialog`` to its content at its width: wrapped labels need the height
    for that width, which a window's minimum size does not follow by itself."""
    layout = dialog.layout()
    if layout is not None:
        layout.activate()
        dialog.resize(dialog.width(), max(layout.totalHeightForWidth(dialog.width()), 1))


def label(text: str = "", name: str = "", *, plain: bool = False) -> QLabel:
    """A wrapped label; ``plain`` for text that comes from records or people (never markup)."""
    made = QLabel(text)
    made.setWordWrap(True)
    if plain:
        made.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        made.setObjectName(name)
    return made


class TaskDialog(QDialog):
    """Subclasses add their fields to ``body`` and call ``run`` from ``submit``."""

    succeeded = Signal(object)  # the action's result, after the dialog has closed

    def __init__(self, parent: QWidget | None, title: str, action_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"safedesk — {title}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        heading = label(title, "Title")
        self.body = QVBoxLayout()
        self.body.setSpacing(10)
        self.error = label("", "Error")
        self.error.hide()
        self.busy_text = label("", "Subtitle")
        self.busy_text.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: these steps cannot say how far they are
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.buttons = QDialogButtonBox()
        self.action_button: QPushButton = self.buttons.addButton(
            action_text, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.action_button.setObjectName("Primary")
        self.action_button.setDefault(True)
        self.action_button.setToolTip("Ctrl+Enter")
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.submit)
        self.cancel_button: QPushButton = self.buttons.addButton(
            QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(self.body)
        layout.addWidget(self.error)
        layout.addWidget(self.busy_text)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.working = False

    def submit(self) -> None:
        raise NotImplementedError

    def inputs(self) -> list[QWidget]:
        """The fields held while the action runs."""
        return []

    def run(self, busy_text: str, fn: Callable[..., Any], *args: Any) -> None:
        self.error.hide()
        self._set_working(True, busy_text)
        tasks.run(fn, *args).on_success(self._succeeded).on_error(self._failed)

    def say(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        fit(self)

    def failed(self, exc: BaseException) -> None:
        """Override to put a failure by its field; the default says it in words."""
        self.say(user_message(exc))

    def _succeeded(self, result: object) -> None:
        self._set_working(False)
        self.accept()
        self.succeeded.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        self.failed(exc)

    def _set_working(self, working: bool, text: str = "") -> None:
        self.working = working
        self.busy_text.setText(text)
        self.busy_text.setVisible(working)
        self.progress.setVisible(working)
        self.buttons.setEnabled(not working)
        for widget in self.inputs():
            widget.setEnabled(not working)
        fit(self)

    def showEvent(self, event: QShowEvent) -> None:
        for button in self.findChildren(QPushButton):
            if button is not self.action_button:
                button.setAutoDefault(False)
        super().showEvent(event)
        fit(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in a field does the dialog's action, and on a button presses that button. Qt's
        # own "default button" follows the buttons Tab passes over: after Cancel or "Add a
        # row" had had the focus, Enter in a field threw away or doubled what was typed.
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if enter and plain:
            focused = self.focusWidget()
            if isinstance(focused, QPushButton):  # a tick box or option: Enter still acts
                focused.click()
            elif self.action_button.isEnabled() and self.action_button.isVisible():
                self.action_button.click()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if not self.working:  # Esc or Cancel cannot walk away from work half done
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.working:
            event.ignore()
            return
        super().closeEvent(event)
