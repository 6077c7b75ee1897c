"""A page that says plainly what will appear there."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderPage(QWidget):
    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        heading = QLabel(title)
        heading.setObjectName("Title")
        body = QLabel(text)
        body.setWordWrap(True)
        body.setObjectName("Subtitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)
