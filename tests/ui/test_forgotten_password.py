"""Forgotten your password? From the sign-in window, a new password with the school's recovery
key, by keyboard; a wrong key, or an unknown account, changes nothing and says the same."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.errors import AuthenticationError
from safedesk.services import vault
from safedesk.services.recovery import NOT_RIGHT
from safedesk.ui.forgotten_password import ForgottenPasswordDialog
from safedesk.ui.signin import SignInWindow
from tests.conftest import HEAD_PASSWORD, SchoolStore
from tests.ui.conftest import activate

NEW_PASSWORD = "a fresh start password"


def open_dialog(qtbot: QtBot, school: SchoolStore) -> tuple[SignInWindow, ForgottenPasswordDialog]:
    window = SignInWindow(school.paths)
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    # Alt+F, the link's mnemonic.
    qtbot.keyClick(window.username, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.forgotten_dialog is not None)
    dialog = window.forgotten_dialog
    assert isinstance(dialog, ForgottenPasswordDialog)
    qtbot.waitUntil(dialog.isVisible)
    return window, dialog


def type_in(qtbot: QtBot, dialog: ForgottenPasswordDialog, username: str, key: str) -> None:
    """Each field, then Enter, which moves down the form and submits from the last."""
    for field, text in (
        (dialog.username, username),
        (dialog.recovery_key, key),
        (dialog.new, NEW_PASSWORD),
        (dialog.confirm, NEW_PASSWORD),
    ):
        field.clear()
        field.setFocus()
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)


def test_a_new_password_with_the_recovery_key_signs_in(qtbot: QtBot, school: SchoolStore) -> None:
    window, dialog = open_dialog(qtbot, school)
    type_in(qtbot, dialog, "head", school.recovery_key.lower())  # typed as it comes
    qtbot.waitUntil(lambda: window.forgotten_dialog is None)
    assert window.username.text() == "head" and window.password.text() == ""
    assert "password has been changed" in window.notice.text() and window.notice.isVisible()
    with pytest.raises(AuthenticationError):
        vault.sign_in(school.paths, "head", HEAD_PASSWORD)
    qtbot.keyClicks(window.password, NEW_PASSWORD)
    with qtbot.waitSignal(window.signed_in) as signed:
        qtbot.keyClick(window.password, Qt.Key.Key_Return)
    session = signed.args[0]
    try:
        assert session.user.username == "head"
    finally:
        session.close()


@pytest.mark.parametrize(
    ("username", "wrong_key"), [("head", True), ("nobody.here", False)], ids=["key", "user"]
)
def test_a_wrong_key_or_unknown_user_changes_nothing(
    qtbot: QtBot, school: SchoolStore, username: str, wrong_key: bool
) -> None:
    before = school.paths.keys.read_bytes()
    window, dialog = open_dialog(qtbot, school)
    key = "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE" if wrong_key else school.recovery_key
    type_in(qtbot, dialog, username, key)
    qtbot.waitUntil(dialog.error.isVisible)
    assert dialog.error.text() == NOT_RIGHT  # the same words either way
    assert dialog.isVisible() and dialog.action_button.isEnabled()
    assert school.paths.keys.read_bytes() == before
    assert window.username.text() == ""
    vault.sign_in(school.paths, "head", HEAD_PASSWORD).close()


def test_the_form_is_checked_before_anything_slow(qtbot: QtBot, school: SchoolStore) -> None:
    before = school.paths.keys.read_bytes()
    _window, dialog = open_dialog(qtbot, school)
    qtbot.keyClicks(dialog.username, "head")
    dialog.recovery_key.setFocus()
    qtbot.keyClicks(dialog.recovery_key, school.recovery_key)
    qtbot.keyClicks(dialog.new, NEW_PASSWORD)
    qtbot.keyClicks(dialog.confirm, "not the same password")
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    assert dialog.error.text() == "The two new passwords do not match."
    dialog.new.clear()
    qtbot.keyClicks(dialog.new, "short")
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    assert "at least 10 characters" in dialog.error.text()
    assert school.paths.keys.read_bytes() == before


def test_staff_are_told_first_to_ask_the_administrator(qtbot: QtBot, school: SchoolStore) -> None:
    from PySide6.QtWidgets import QLabel

    _window, dialog = open_dialog(qtbot, school)
    said = [
        w.text()
        for w in sorted(
            (w for w in dialog.findChildren(QLabel) if w.isVisible() and w.text()),
            key=lambda w: w.mapTo(dialog, w.rect().topLeft()).y(),
        )
    ]
    asks = next(i for i, t in enumerate(said) if t.startswith("Ask your administrator"))
    holds = next(i for i, t in enumerate(said) if t.startswith("If you hold the school's"))
    assert asks < holds
    assert "set a one-time password for you" in said[asks]
    assert "(the headteacher keeps it" in said[holds]
    key_row = dialog.recovery_key.mapTo(dialog, dialog.recovery_key.rect().topLeft()).y()
    assert dialog.ask_first.mapTo(dialog, dialog.ask_first.rect().topLeft()).y() < key_row
