"""A member of staff passes on a concern about an adult by keyboard alone, at 1366x768: from
the main window (Ctrl+Shift+A), through every field by Tab, Enter passes it on; what is missing is
said under its field; the head finds it filed; naming the head's account ticks "about the
headteacher" (no chair yet: they are told to speak to the chair or the LADO)."""

# pytest-qt's QtBot is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safedesk.domain.roles import Role
from safedesk.services import allegations
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.adult_concern_dialog import AdultConcernDialog
from safedesk.ui.main_window import MainWindow
from tests.conftest import HEAD_USER
from tests.ui.conftest import activate

ORDER = [
    "Who it is about",
    "Their job",
    "When it happened: date",
    "When it happened: time",
    "What happened",
    "This is a low-level concern",
    "It is about the headteacher",
]


def _opened(qtbot: QtBot, session: Session) -> tuple[MainWindow, AdultConcernDialog]:
    window = MainWindow(session, "St Brigid's C of E Primary")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    # Ctrl+Shift+A from anywhere in the window (the button is also reached by Tab).
    qtbot.keyClick(
        window,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.adult_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    activate(qtbot, dialog)
    return window, dialog


def _type(qtbot: QtBot, text: str) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClicks(widget, text)


def _tab(qtbot: QtBot) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


def test_every_account_has_the_button(session_as, head_session: Session, qtbot: QtBot) -> None:
    for session in (head_session, session_as(Role.STAFF), session_as(Role.ADMIN)):
        window = MainWindow(session, "School")
        qtbot.addWidget(window)
        assert window.adult_button.text() == "Concern about an adult…"


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")  # offscreen
def test_staff_pass_one_on_by_keyboard_and_the_head_finds_it(
    session_as, head_session: Session, qtbot: QtBot, no_modal_dialogs
) -> None:
    staff = session_as(Role.STAFF)
    window, dialog = _opened(qtbot, staff)
    assert window.width() <= 1366 and window.height() <= 768
    assert dialog.width() <= 1366 and dialog.height() <= 768
    qtbot.waitUntil(dialog.who.hasFocus)
    seen = []
    for _ in ORDER:
        widget = QApplication.focusWidget()
        assert widget is not None
        seen.append(widget.accessibleName())
        _tab(qtbot)
    assert seen == ORDER
    # Nothing typed: Enter says what is missing, each under its field.
    dialog.who.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: tasks.running() == 0 and not dialog.working)
    for name in ("who", "job", "when", "what"):
        assert dialog.errors[name].isVisible(), name
    assert dialog.errors["what"].text() == "What happened is required."
    dialog.who.setFocus()
    _type(qtbot, "Mr Yondu Udonta")
    _tab(qtbot)
    _type(qtbot, "Caretaker")
    _tab(qtbot)
    _type(qtbot, "yesterday")
    _tab(qtbot)
    _type(qtbot, "1015")
    _tab(qtbot)
    _type(qtbot, "Swore at a Year 6 pupil by the bins")
    _tab(qtbot)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # low-level: ticked
    assert dialog.low_level.isChecked()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    ((title, said),) = no_modal_dialogs
    assert title == "Concern passed on" and "only the headteacher can read it" in said.lower()
    (found,) = allegations.list_low_level(head_session)
    assert found.what == "Swore at a Year 6 pupil by the bins"
    assert (found.subject.name, found.subject.role) == ("Mr Yondu Udonta", "Caretaker")
    assert found.raised_by == staff.user.username


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")  # offscreen
def test_naming_the_head_goes_to_the_chair_and_with_no_chair_says_whom_to_tell(
    session_as, qtbot: QtBot, no_modal_dialogs
) -> None:
    staff = session_as(Role.STAFF)
    _window, dialog = _opened(qtbot, staff)
    head = next(p for p in dialog.people if p.username == HEAD_USER)
    dialog.who.setFocus()
    _type(qtbot, f"{head.display_name} ({head.username})")
    assert dialog.about_head.isChecked()
    dialog.job.setText("Headteacher")
    dialog.when.set_raw("yesterday", "09:00")
    dialog.what.setPlainText("Shouted at a pupil in the hall")
    qtbot.keyClick(dialog.job, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tasks.running() == 0 and not dialog.working)
    assert dialog.isVisible() and not no_modal_dialogs
    assert "chair of governors, or the local authority designated officer" in dialog.error.text()
