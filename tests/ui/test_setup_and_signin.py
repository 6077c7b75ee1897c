"""First run and signing in, driven through the real widgets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.paths import DataPaths
from safedesk.services import vault
from safedesk.store.crypto import FAST_KDF
from safedesk.ui.setup_wizard import SetupWizard
from safedesk.ui.signin import SignInWindow
from tests.conftest import HEAD_PASSWORD, SchoolStore


def test_wizard_creates_the_store_and_shows_the_recovery_key_once(
    qtbot: QtBot, tmp_path: Path
) -> None:
    paths = DataPaths(tmp_path / "data")
    wizard = SetupWizard(paths, FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.school_page.school, "St Brigid's C of E Primary")
    wizard.next()
    page = wizard.user_page
    qtbot.keyClicks(page.username, "a.ngozi")
    qtbot.keyClicks(page.display, "Mrs Ada Ngozi")
    qtbot.keyClicks(page.password, "a long enough password")
    qtbot.keyClicks(page.confirm, "a long enough password")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page)
    assert paths.store_exists()
    key = wizard.recovery_page.key.text()
    assert len(key) == 29
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()  # must confirm first
    qtbot.mouseClick(wizard.recovery_page.saved, Qt.MouseButton.LeftButton)
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    with qtbot.waitSignal(wizard.finished_setup) as finished:
        wizard.accept()
    assert finished.args == ["a.ngozi", str(paths.backups)]
    vault.reset_with_recovery_key(paths, key, "a.ngozi", "reset with the key", FAST_KDF)


def test_the_office_sets_up_for_a_headteacher_who_will_make_the_keys(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Found by the new-user pass: an office administrator could not set up safedesk without
    becoming the headteacher (and seeing the recovery key that reads every record). Ticking
    "I am not the headteacher", by keyboard, makes the head's account with a one-time
    password; nothing blank is shown for the recovery key, set-up goes on to backups, and the
    head's first sign-in asks them to choose their own password."""
    paths = DataPaths(tmp_path / "data")
    wizard = SetupWizard(paths, FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.resize(1366, 768)
    wizard.show()
    qtbot.keyClicks(wizard.school_page.school, "Hill Top")
    wizard.next()
    page = wizard.user_page
    assert page.head_username.isHidden()
    qtbot.keyClicks(page.username, "s.bennett")
    qtbot.keyClicks(page.display, "Mrs Sue Bennett")
    qtbot.keyClicks(page.password, "a long enough password")
    qtbot.keyClicks(page.confirm, "a long enough password")
    page.not_head.setFocus()
    qtbot.keyClick(page.not_head, Qt.Key.Key_Space)
    assert not page.head_username.isHidden()
    assert "becomes administrator" in page.subTitle()
    qtbot.keyClicks(page.head_username, "s.okafor")
    qtbot.keyClicks(page.head_display, "Mr Sam Okafor")
    qtbot.keyClicks(page.head_password, "a one time password")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is not page)
    assert wizard.created is not None and wizard.created.recovery_key is None
    assert wizard.currentPage() is wizard.backup_page
    assert wizard.recovery_id not in wizard.visitedIds()
    with qtbot.waitSignal(wizard.finished_setup) as finished:
        wizard.accept()
    assert finished.args == ["s.bennett", str(paths.backups)]

    office = vault.sign_in(paths, "s.bennett", "a long enough password")
    try:
        assert {r.value for r in office.user.roles} == {"admin"}
        assert office.compartments == {}
    finally:
        office.close()
    head = vault.sign_in(paths, "s.okafor", "a one time password")
    try:
        assert head.password_from_administrator and head.compartments == {}
    finally:
        head.close()


def test_wizard_names_what_is_wrong_and_creates_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    wizard = SetupWizard(paths, FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.school_page.school, "Hill Top")
    wizard.next()
    page = wizard.user_page
    qtbot.keyClicks(page.username, "Bad Name")
    qtbot.keyClicks(page.password, "short")
    wizard.next()
    assert wizard.currentPage() is page
    assert page.error.isVisible()
    assert "Username must be" in page.error.text()
    assert "Password must be at least 10" in page.error.text()
    assert not paths.store_exists()
    assert not paths.keys.exists() and paths.data_files() == []


def test_wrong_password_shows_a_message_and_stays(qtbot: QtBot, school: SchoolStore) -> None:
    window = SignInWindow(school.paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.username, "head")
    qtbot.keyClicks(window.password, "not the password")
    with qtbot.assertNotEmitted(window.signed_in, wait=50):
        qtbot.keyClick(window.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.error.isVisible())
    assert window.error.text() == "Wrong username or password."
    assert window.password.text() == ""
    assert window.button.isEnabled()


def test_right_password_signs_in(qtbot: QtBot, school: SchoolStore) -> None:
    window = SignInWindow(school.paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.username, "head")
    qtbot.keyClicks(window.password, HEAD_PASSWORD)
    with qtbot.waitSignal(window.signed_in) as signed:
        qtbot.mouseClick(window.button, Qt.MouseButton.LeftButton)
    session = signed.args[0]
    assert session.user.username == "head"
    session.store.close()


def test_empty_fields_are_caught_before_unlocking(qtbot: QtBot, school: SchoolStore) -> None:
    window = SignInWindow(school.paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.mouseClick(window.button, Qt.MouseButton.LeftButton)
    assert window.error.text() == "Please enter your username and password."
