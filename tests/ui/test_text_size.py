"""Text follows the system's size and the person's own Text size (Ctrl++, Ctrl+-, Ctrl+0),
in every open window at once, kept for next time."""

# pytest-qt's QtBot is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from safedesk.ui import text_size, theme
from safedesk.ui.text_size import TextSize
from tests.ui.conftest import activate


@pytest.fixture
def app(tmp_path: Path) -> Iterator[QApplication]:
    """The application with a system font of 12 pt, put back as it was afterwards."""
    made = QApplication.instance()
    assert isinstance(made, QApplication)
    # Widgets earlier tests left go now, not while every widget is being restyled: after the
    # whole UI suite, restyling what they leaked took minutes per key press (a CI hang).
    for leftover in QApplication.topLevelWidgets():
        leftover.close()
        leftover.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    font, palette, sheet = QFont(made.font()), made.palette(), made.styleSheet()
    text_size.use_settings_file(str(tmp_path / "settings.ini"))
    system = QFont(font)
    system.setPointSizeF(12)
    made.setFont(system)
    theme._system_points = None  # as the platform gives it, read afresh
    yield made
    text_size.use_settings_file(None)
    made.setStyleSheet(sheet)
    made.setPalette(palette)
    made.setFont(font)
    theme._system_points = None


def window(qtbot: QtBot) -> tuple[QWidget, QLabel, QLineEdit]:
    widget = QWidget()
    label = QLabel("Pupils")
    title = QLabel("Title")
    title.setObjectName("Title")
    edit = QLineEdit()
    layout = QVBoxLayout(widget)
    for child in (label, title, edit):
        layout.addWidget(child)
    qtbot.addWidget(widget)
    widget.show()
    return widget, label, edit


def press(qtbot: QtBot, widget: QWidget, key: Qt.Key, then: TextSize) -> None:
    """Ctrl+``key``, then wait for the text size it chose to be applied to every window."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.ControlModifier)
    expected = theme.style_sheet(theme.base_points(app, then.factor))
    qtbot.waitUntil(lambda: app.styleSheet() == expected and text_size.current() is then)


def points(widget: QWidget) -> float:
    widget.ensurePolished()
    return widget.font().pointSizeF()


def test_text_follows_the_system_size(qtbot: QtBot, app: QApplication) -> None:
    """The sheet fixed 10.5 pt whatever the system said; now a 12 pt system font gives
    12 x 10.5/9 = 14 pt text, and a title 1.43 times that."""
    text_size.install(app)
    shown, label, _ = window(qtbot)
    assert points(label) == 14 and shown.isVisible()
    assert "font-size: 20.0pt" in app.styleSheet()  # the title: 1.43 x 14
    assert "10.5pt" not in app.styleSheet()


def test_ctrl_plus_minus_and_zero_resize_every_open_window(qtbot: QtBot, app: QApplication) -> None:
    text_size.install(app)
    first, label, edit = window(qtbot)
    second, other, _ = window(qtbot)
    activate(qtbot, edit)
    edit.setFocus()
    press(qtbot, edit, Qt.Key.Key_Plus, TextSize.LARGER)
    assert points(label) == points(other) == 17.5  # 14 x 1.25
    assert edit.text() == ""  # the key went to the text size, not into the box
    press(qtbot, edit, Qt.Key.Key_Equal, TextSize.LARGEST)
    assert points(other) == 21
    press(qtbot, edit, Qt.Key.Key_Plus, TextSize.LARGEST)  # no further
    press(qtbot, edit, Qt.Key.Key_Minus, TextSize.LARGER)
    press(qtbot, edit, Qt.Key.Key_0, TextSize.NORMAL)
    assert points(label) == 14
    press(qtbot, edit, Qt.Key.Key_Minus, TextSize.NORMAL)  # no smaller than the system's
    first.close()
    second.close()


def test_the_choice_is_kept_for_next_time(qtbot: QtBot, app: QApplication) -> None:
    text_size.choose(TextSize.LARGEST)
    theme.apply(app)  # as if the app had started afresh at Normal
    text_size.install(app)  # start-up reads the setting
    shown, label, _ = window(qtbot)
    assert text_size.current() is TextSize.LARGEST
    assert points(label) == 21 and shown.isVisible()


def test_typing_still_types(qtbot: QtBot, app: QApplication) -> None:
    """Plain +, - and 0 (and Shift+=) go into the box as ever."""
    text_size.install(app)
    shown, _, edit = window(qtbot)
    activate(qtbot, edit)
    qtbot.keyClicks(edit, "1+0-2=0")
    assert edit.text() == "1+0-2=0" and shown.isVisible()
    assert text_size.current() is TextSize.NORMAL
