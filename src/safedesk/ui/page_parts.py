"""Parts every page and form share: a heading that says what it is for, a save row."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QWidget


def add_heading(layout: QBoxLayout, title: str, explanation: str = "") -> QLabel:
    """Adds the title (returned, for pages that retitle it) and the explanation."""
    heading = QLabel(title)
    heading.setObjectName("Title")
    layout.addWidget(heading)
    if explanation:
        text = QLabel(explanation)
        text.setObjectName("Subtitle")
        text.setWordWrap(True)
        layout.addWidget(text)
    return heading


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Opens ``window`` at ``width`` x ``height``, or smaller where the screen (less its
    taskbar) is smaller: a 1366x768 laptop at 125 % leaves about 1093x576."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry().size() if screen is not None else QSize(width, height)
    window.resize(QSize(width, height).boundedTo(room).expandedTo(window.minimumSize()))


class SaveBar(QWidget):
    """A form's last row: what is wrong (or happening), Cancel, and the save button.

    Ctrl+Enter anywhere in ``owner`` saves; with ``escape_cancels``, Esc cancels.
    """

    def __init__(
        self,
        owner: QWidget,
        save_text: str,
        on_save: Callable[[], None],
        on_cancel: Callable[[], None],
        *,
        escape_cancels: bool = False,
    ) -> None:
        super().__init__()
        self.status = QLabel()
        self.status.setObjectName("FieldError")
        self.status.setWordWrap(True)
        self.save_button = QPushButton(save_text)
        self.save_button.setObjectName("Primary")
        self.save_button.setToolTip("Ctrl+Enter")
        self.save_button.clicked.connect(on_save)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(on_cancel)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), owner).activated.connect(on_save)
        if escape_cancels:
            QShortcut(QKeySequence("Escape"), owner).activated.connect(on_cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addWidget(cancel)
        row.addWidget(self.save_button)
