"""Readable, not only fitting, on a 1366x768 laptop at 125 % (1093x576): found by the Step 9
new-user pass, the queue's What column was about 30 px wide there, one word to a line."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from safedesk.services.session import Session
from safedesk.ui import msgbox
from safedesk.ui.main_window import MainWindow
from safedesk.ui.queue_model import WHAT
from tests.conftest import SCHOOL_NAME
from tests.ui.test_case_view import case_ref, dsl  # noqa: F401 - fixtures
from tests.ui.test_windows_fit import SCREEN

ORIGINAL_CONFIRM = msgbox.confirm  # before the UI tests' fixture replaces it


def test_the_queue_says_what_is_due_in_a_readable_column(
    qtbot: QtBot,
    dsl: Session,  # noqa: F811
    case_ref: str,  # noqa: F811
) -> None:
    window = MainWindow(dsl, SCHOOL_NAME)
    qtbot.addWidget(window)
    window.resize(SCREEN)
    window.show()
    qtbot.waitExposed(window)
    page = window.queue_page
    assert page is not None
    qtbot.waitUntil(lambda: page.model.rowCount() >= 2)
    assert page.table.columnWidth(WHAT) >= 220
    assert not page.table.horizontalScrollBar().isVisible()
    tallest = max(page.table.rowHeight(r) for r in range(page.proxy.rowCount()))
    assert tallest <= 4 * page.table.fontMetrics().lineSpacing() + 12


def test_focus_starts_on_the_queue_not_the_header(
    qtbot: QtBot,
    dsl: Session,  # noqa: F811
    case_ref: str,  # noqa: F811
) -> None:
    """Found by the new-user pass: focus started on Text size, eight Tabs from the queue."""
    window = MainWindow(dsl, SCHOOL_NAME)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    page = window.queue_page
    assert page is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table)
    window.show_page("Pupils")
    pupils = window.pupils_page
    assert pupils is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pupils.search)


def test_a_question_that_throws_something_away_defaults_to_no(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by the new-user pass: Enter on "Discard this record?" discarded it."""
    asked: list[object] = []

    def question(*args: object) -> QMessageBox.StandardButton:
        asked.append(args[-1])
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(msgbox, "confirm", ORIGINAL_CONFIRM)
    assert msgbox.confirm(None, "Discard this record?", "It will be lost.") is False
    assert asked == [QMessageBox.StandardButton.No]


def test_the_pupil_search_goes_on_from_the_keyboard(qtbot: QtBot, head_session: Session) -> None:
    """Found by the new-user pass: with one match, Enter and Down did nothing."""
    from safedesk.ui.pupils_page import PupilsPage
    from tests import factories

    factories.add_pupils(head_session)
    page = PupilsPage(head_session)
    qtbot.addWidget(page)
    page.show()
    page.load()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    qtbot.keyClicks(page.search, "Wisn")
    assert page.proxy.rowCount() == 1
    with qtbot.waitSignal(page.pupil_opened) as opened:
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert opened.args[0].upn == factories.PUPIL_B
    page.search.clear()
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.table.hasFocus() or QApplication.focusWidget() is page.table
    assert page.table.selectionModel().selectedRows()
