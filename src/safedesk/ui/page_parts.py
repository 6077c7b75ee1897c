"""The heading every page starts with: a title and a line or two saying what it is for."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QLabel


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
