"""Applies the style sheet shipped inside the package, its text sized from the system's font."""

from __future__ import annotations

import re
from importlib import resources

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

# The sheet was drawn for 10.5 pt text where Windows gives 9 pt: "Normal" keeps that ratio
# to whatever size the system gives (larger when the person asked Windows for larger text).
NORMAL_RATIO = 10.5 / 9
# Colours the sheet cannot set (the palette's), kept here so a test can check their contrast.
TEXT = "#1f2933"
PLACEHOLDER = "#5f6b7a"  # 5.4:1 on white (WCAG AA asks 4.5:1 for text)
BACKGROUND = "#ffffff"  # of inputs
WINDOW = "#f6f7f9"  # of windows and dialogs
_SIZE = re.compile(r"@size\(([0-9.]+)\)")
_system_points: float | None = None


def system_points(app: QApplication) -> float:
    """The point size of the platform's own font (Windows' text size setting included), as it
    was before we changed anything."""
    global _system_points
    if _system_points is None:
        font = app.font()
        size = font.pointSizeF()
        if size <= 0:  # a platform that gives pixels: 96 px an inch, 72 points an inch
            size = font.pixelSize() * 72 / 96
        _system_points = size if size > 0 else 9.0
    return _system_points


def base_points(app: QApplication, factor: float = 1.0) -> float:
    """The point size of ordinary text: the system's, times our ratio and the chosen step."""
    return round(system_points(app) * NORMAL_RATIO * factor * 2) / 2


def style_sheet(base: float) -> str:
    """The sheet with each ``@size(r)`` written as ``r`` times ``base`` points."""
    text = resources.files("safedesk.ui").joinpath("style.qss").read_text("utf-8")
    return _SIZE.sub(lambda m: f"{round(base * float(m.group(1)), 1)}pt", text)


def apply(app: QApplication, factor: float = 1.0) -> None:
    """Size every window's text (``factor`` times the system's) and style it; windows already
    open follow at once."""
    base = base_points(app, factor)
    font = QFont(app.font())
    font.setPointSizeF(base)
    app.setFont(font)
    palette = app.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(PLACEHOLDER))
        palette.setColor(group, QPalette.ColorRole.Text, QColor(TEXT))
    app.setPalette(palette)
    app.setStyleSheet(style_sheet(base))
