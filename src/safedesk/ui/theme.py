"""Applies the style sheet shipped inside the package."""

from __future__ import annotations

from importlib import resources

from PySide6.QtWidgets import QApplication


def apply(app: QApplication) -> None:
    app.setStyleSheet(resources.files("safedesk.ui").joinpath("style.qss").read_text("utf-8"))
