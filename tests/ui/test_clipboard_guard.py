"""Record text copied while signed in: private to Windows, gone from the clipboard after its
time, at a lock and at exit, and only if it is still what safedesk put there. Driven with the
real clipboard (offscreen) and the guard's own timeout, never a wait."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListView, QPlainTextEdit
from pytestqt.qtbot import QtBot

from safedesk.domain.entries import Kind
from safedesk.ui.clipboard import copy_secret, is_private
from safedesk.ui.clipboard_guard import CLEAR_AFTER_MS, ClipboardGuard
from safedesk.ui.controller import AppController
from safedesk.ui.main_window import MainWindow
from tests.ui.conftest import activate
from tests.ui.test_session_watch import controller

WORDS = "Said her uncle hit her with a belt"

__all__ = ["controller"]  # a signed-in app, shared with test_session_watch.py


@pytest.fixture
def guard(qapp: QApplication) -> Iterator[ClipboardGuard]:
    qapp.clipboard().clear()
    # The clipboard's own answer to "did this app put it there?": offscreen, always no, so
    # what these tests find private was made so by the guard's keys, not its back-stop.
    made = ClipboardGuard(qapp)
    made.start()
    yield made
    made.close()
    qapp.clipboard().clear()


def focused_box(qtbot: QtBot, text: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    qtbot.addWidget(box)
    box.setPlainText(text)
    box.show()
    box.activateWindow()
    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=60000)
    return box


def test_ctrl_c_copies_privately_and_the_time_up_takes_it_back(
    qtbot: QtBot, qapp: QApplication, guard: ClipboardGuard
) -> None:
    box = focused_box(qtbot, WORDS)
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(box, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    clipboard = qapp.clipboard()
    assert clipboard.text() == WORDS
    assert is_private(clipboard.mimeData())  # out of Windows clipboard history
    assert guard.holding == WORDS
    assert CLEAR_AFTER_MS == 30_000
    guard.expire()  # the 30 seconds are up
    assert clipboard.text() == ""
    assert box.toPlainText() == WORDS  # the copy took nothing from the form


def test_ctrl_x_cuts_privately(qtbot: QtBot, qapp: QApplication, guard: ClipboardGuard) -> None:
    line = QLineEdit(WORDS)
    qtbot.addWidget(line)
    line.show()
    line.setFocus()
    qtbot.waitUntil(line.hasFocus, timeout=60000)
    line.setSelection(0, 4)
    qtbot.keyClick(line, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert qapp.clipboard().text() == "Said"
    assert is_private(qapp.clipboard().mimeData())
    assert line.text() == WORDS[4:]
    qtbot.keyClick(line, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert line.text() == WORDS  # undoable, as the box's own cut


def test_a_list_row_and_a_selectable_label_are_copied_privately(
    qtbot: QtBot, qapp: QApplication, guard: ClipboardGuard
) -> None:
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(QStringListModel(["Concern C-12: neglect", "Behaviour B-3"]))
    view.show()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=60000)
    view.setCurrentIndex(view.model().index(1, 0))
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert qapp.clipboard().text() == "Behaviour B-3"
    assert is_private(qapp.clipboard().mimeData())
    label = QLabel(WORDS)
    qtbot.addWidget(label)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.show()
    label.setFocus()
    qtbot.waitUntil(label.hasFocus, timeout=60000)
    label.setSelection(0, 8)
    qtbot.keyClick(label, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert qapp.clipboard().text() == "Said her"
    assert guard.holding == "Said her"


def test_a_copy_made_another_way_is_made_private_and_timed(qapp: QApplication) -> None:
    guard = ClipboardGuard(qapp, owns=lambda: True)  # as Windows says when the app set it
    guard.start()
    try:
        qapp.clipboard().setText(WORDS)  # as a right-click menu's Copy does
        assert is_private(qapp.clipboard().mimeData())
        assert guard.holding == WORDS
        guard.expire()
        assert qapp.clipboard().text() == ""
    finally:
        guard.close()


def test_what_someone_copied_since_is_left_alone(
    qtbot: QtBot, qapp: QApplication, guard: ClipboardGuard
) -> None:
    box = focused_box(qtbot, WORDS)
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(box, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qapp.clipboard().setText("a shopping list from Word")  # not ours: the guard does not own it
    guard.expire()
    assert qapp.clipboard().text() == "a shopping list from Word"


def test_a_lock_or_exit_takes_it_back_at_once(
    qtbot: QtBot, qapp: QApplication, guard: ClipboardGuard
) -> None:
    box = focused_box(qtbot, WORDS)
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(box, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    guard.stop()  # the lock (the controller calls it at a lock and at exit)
    assert qapp.clipboard().text() == ""
    # Signed out: a copy is the platform's own again, and not timed.
    qtbot.keyClick(box, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert qapp.clipboard().text() == WORDS
    assert guard.holding is None


def test_another_programs_copy_is_never_touched(qapp: QApplication) -> None:
    guard = ClipboardGuard(qapp, owns=lambda: False)
    guard.start()
    try:
        qapp.clipboard().setText("from Outlook")
        assert not is_private(qapp.clipboard().mimeData())
        assert guard.holding is None
        guard.stop()
        assert qapp.clipboard().text() == "from Outlook"
    finally:
        guard.close()
        qapp.clipboard().clear()


def test_the_recovery_code_is_left_to_its_own_screen(
    qapp: QApplication, guard: ClipboardGuard
) -> None:
    copy_secret("ABCDE-FGHJK")
    guard.expire()
    guard.stop()
    assert qapp.clipboard().text() == "ABCDE-FGHJK"  # its dialog takes it back at Done


def test_a_password_box_copies_nothing(
    qtbot: QtBot, qapp: QApplication, guard: ClipboardGuard
) -> None:
    box = QLineEdit("hunter2 but longer")
    qtbot.addWidget(box)
    box.setEchoMode(QLineEdit.EchoMode.Password)
    box.show()
    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=60000)
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert qapp.clipboard().text() == ""


def test_the_signed_in_app_takes_copied_record_text_back_at_a_lock(
    qtbot: QtBot, qapp: QApplication, controller: AppController
) -> None:
    """The controller's own guard: on from sign-in, emptying the clipboard at the lock."""
    window = controller.window
    assert isinstance(window, MainWindow)
    window.show_page("Record")
    assert window.record_page is not None
    form = window.record_page.open_form(Kind.CONCERN)
    editor = form.inputs["description"].editor
    assert isinstance(editor, QPlainTextEdit)
    activate(qtbot, editor)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus, timeout=60000)
    qtbot.keyClicks(editor, WORDS)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert qapp.clipboard().text() == WORDS
    assert is_private(qapp.clipboard().mimeData())
    controller.lock(asked=True)
    assert qapp.clipboard().text() == ""


def test_closing_twice_is_harmless(qapp: QApplication) -> None:
    """The app may say it is quitting more than once (a second shutdown)."""
    guard = ClipboardGuard(qapp)
    guard.close()
    guard.close()


def test_hiding_the_screen_takes_copied_record_text_off_the_clipboard(
    qtbot: QtBot, qapp: QApplication, controller: AppController
) -> None:
    """A child walks in after a copy: F12 and nothing is left to paste elsewhere either."""
    window = controller.window
    assert isinstance(window, MainWindow)
    guard = controller.clipboard_guard
    guard.copy(WORDS)  # as Ctrl+C in a record does
    assert qapp.clipboard().text() == WORDS
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert window.privacy.hidden
    assert qapp.clipboard().text() == ""
    window.privacy.show_again()


def test_the_time_set_is_the_time_used(qtbot: QtBot, qapp: QApplication) -> None:
    """The guard's own timer takes the text back (a short time here, waited for as an event,
    never as a measured time)."""
    qapp.clipboard().clear()
    guard = ClipboardGuard(qapp, clear_after_ms=1)
    guard.start()
    try:
        guard.copy(WORDS)
        assert guard.timing
        qtbot.waitUntil(lambda: qapp.clipboard().text() == "", timeout=60000)
        assert not guard.timing and guard.holding is None
    finally:
        guard.close()
