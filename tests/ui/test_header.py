"""The main window's header: a long school name or a person with several roles never widens
the window past a laptop's at 125 %, and the text size is a visible choice, not only keys."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from safedesk.services.session import Session
from safedesk.ui import text_size
from safedesk.ui.main_window import MainWindow
from tests.ui.test_windows_fit import SCREEN, minimum, themed

LONG_NAME = "The Federation of St Mary and St Joseph's Catholic Primary Schools and Nursery"

__all__ = ["themed"]


def test_a_long_school_name_does_not_widen_the_window(
    qtbot: QtBot, head_session: Session, themed: None
) -> None:
    window = MainWindow(head_session, LONG_NAME)
    qtbot.addWidget(window)
    window.show()
    assert minimum(window).width() <= SCREEN.width()
    assert window.windowTitle().endswith(LONG_NAME)


def test_text_size_is_a_button_with_each_size(qtbot: QtBot, head_session: Session) -> None:
    window = MainWindow(head_session, "Hillside Primary")
    qtbot.addWidget(window)
    menu = window.text_button.menu()
    assert menu is not None
    assert [a.text() for a in menu.actions()] == [s.label for s in text_size.TextSize]
