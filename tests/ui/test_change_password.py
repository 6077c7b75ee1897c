"""Change my password: reached from the main window by keyboard; current, new and confirm;
the key change runs off the UI thread with a progress bar; plain messages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import AuthenticationError
from safedesk.domain.roles import Role
from safedesk.services import queue
from safedesk.services.session import Session
from safedesk.store import audit
from safedesk.store.crypto import FAST_KDF
from safedesk.ui.main_window import MainWindow
from safedesk.ui.password_dialog import PasswordDialog
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SCHOOL_NAME, SchoolStore
from tests.ui.conftest import activate

NEW_PASSWORD = "a brand new passphrase"


def open_dialog(qtbot: QtBot, session: Session) -> tuple[MainWindow, PasswordDialog]:
    window = MainWindow(session, SCHOOL_NAME, kdf=FAST_KDF)
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # Change my pass&word
    qtbot.waitUntil(lambda: window.password_dialog is not None)  # a mnemonic animates the click
    dialog = window.password_dialog
    assert isinstance(dialog, PasswordDialog) and dialog.isVisible()
    return window, dialog


def fill(qtbot: QtBot, dialog: PasswordDialog, current: str, new: str, confirm: str) -> None:
    for field, text in ((dialog.current, current), (dialog.new, new), (dialog.confirm, confirm)):
        field.clear()
        qtbot.keyClicks(field, text)


def test_the_button_is_in_the_header_and_keyboard_reachable(
    qtbot: QtBot, head_session: Session
) -> None:
    window, dialog = open_dialog(qtbot, head_session)
    assert window.password_button.text() == "Change my pass&word…"
    assert window.password_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert dialog.focusWidget() in (None, dialog.current)  # typing starts at the current one


def test_a_member_changes_their_password_and_keeps_working(
    qtbot: QtBot,
    school: SchoolStore,
    head_session: Session,
    no_modal_dialogs: list[tuple[str, str]],
) -> None:
    window, dialog = open_dialog(qtbot, head_session)
    left: list[str] = []
    dialog.finished.connect(
        lambda _r: left.extend(f.text() for f in (dialog.current, dialog.new, dialog.confirm))
    )
    fill(qtbot, dialog, HEAD_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    # Off the UI thread: the bar shows and nothing can be typed or cancelled meanwhile.
    assert dialog.progress.isVisible() and dialog.busy_text.isVisible()
    assert not dialog.current.isEnabled() and not dialog.buttons.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: window.password_dialog is None)
    assert no_modal_dialogs[-1][0] == "Password changed"
    assert left == ["", "", ""]  # nothing typed is kept

    # The session carries on with the new keys; the new password opens, the old does not.
    assert queue.load_queue(head_session).items == ()
    with head_session.compartment(Compartment.SAFEGUARDING).read() as conn:
        assert audit.events_with_action(conn, "member.keys_changed")
    school.sign_in("head", NEW_PASSWORD).close()
    with pytest.raises(AuthenticationError):
        school.sign_in("head", HEAD_PASSWORD)


def test_mistakes_are_named_before_anything_changes(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    _window, dialog = open_dialog(qtbot, head_session)
    cases = [
        (("", NEW_PASSWORD, NEW_PASSWORD), "Type your current password.", dialog.current),
        ((HEAD_PASSWORD, "", ""), "Type a new password.", dialog.new),
        (
            (HEAD_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x"),
            "The new password and its confirmation do not match.",
            dialog.confirm,
        ),
        (
            (HEAD_PASSWORD, HEAD_PASSWORD, HEAD_PASSWORD),
            "The new password must differ from your current one.",
            dialog.new,
        ),
    ]
    for typed, message, field in cases:
        fill(qtbot, dialog, *typed)
        qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
        assert dialog.error.text() == message
        assert dialog.focusWidget() is field
        assert not dialog.working
    school.sign_in("head", HEAD_PASSWORD).close()


def test_a_wrong_current_password_or_a_short_new_one_is_refused_plainly(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    _window, dialog = open_dialog(qtbot, head_session)
    fill(qtbot, dialog, "not my password at all", NEW_PASSWORD, NEW_PASSWORD)
    qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.working)
    assert dialog.error.text() == "Your current password is not right. Nothing has been changed."
    assert dialog.current.text() == "" and dialog.isVisible()

    fill(qtbot, dialog, HEAD_PASSWORD, "short", "short")
    qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.working)
    assert dialog.error.text() == "The new password must be at least 10 characters long."
    school.sign_in("head", HEAD_PASSWORD).close()


def test_staff_change_theirs_too(
    qtbot: QtBot,
    school: SchoolStore,
    session_as: Callable[[Role], Session],
    no_modal_dialogs: list[tuple[str, str]],
) -> None:
    teacher = session_as(Role.STAFF)
    window, dialog = open_dialog(qtbot, teacher)
    fill(qtbot, dialog, OTHER_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.password_dialog is None)
    assert no_modal_dialogs[-1][0] == "Password changed"
    school.sign_in(teacher.user.username, NEW_PASSWORD).close()
