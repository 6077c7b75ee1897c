"""First run and signing in, driven through the real widgets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from safedesk.domain.compartments import READING, Compartment
from safedesk.paths import DataPaths
from safedesk.services import vault
from safedesk.store.crypto import FAST_KDF
from safedesk.ui.setup_wizard import SetupWizard
from safedesk.ui.signin import SignInWindow
from tests.conftest import HEAD_PASSWORD, SCHOOL_NAME, SchoolStore
from tests.ui.conftest import activate


def fill_school_and_account(qtbot: QtBot, wizard: SetupWizard, school: str = "Hill Top") -> None:
    """The first two pages, by keyboard: typing, then Enter for Next."""
    qtbot.keyClicks(wizard.school_page.school, school)
    qtbot.keyClick(wizard.school_page.school, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.account_page
    page = wizard.account_page
    qtbot.keyClicks(page.username, "s.bennett")
    qtbot.keyClick(page.username, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.display, "Mrs Sue Bennett")
    qtbot.keyClick(page.display, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.password, "a long enough password")
    qtbot.keyClick(page.password, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.confirm, "a long enough password")
    qtbot.keyClick(page.confirm, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.head_page


def test_wizard_creates_the_records_and_shows_the_recovery_key_once(
    qtbot: QtBot, tmp_path: Path
) -> None:
    paths = DataPaths(tmp_path / "data")
    wizard = SetupWizard(paths, FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_school_and_account(qtbot, wizard, "St Brigid's C of E Primary")
    page = wizard.head_page
    page.yes.setFocus()
    qtbot.keyClick(page.yes, Qt.Key.Key_Space)
    assert page.is_head() is True
    qtbot.keyClick(page.yes, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page)
    assert paths.store_exists()
    key = wizard.recovery_page.key.text()
    assert len(key) == 29
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()  # must confirm first
    qtbot.mouseClick(wizard.recovery_page.saved, Qt.MouseButton.LeftButton)
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    assert wizard.currentPage() is wizard.backup_page
    # Nothing chosen for them: empty, and the page says what empty means.
    assert wizard.backup_page.folder.text() == ""
    assert "USB disk" in wizard.backup_page.folder.placeholderText()
    if_empty = wizard.backup_page.if_empty
    assert if_empty.isVisible() and str(paths.backups) in if_empty.text()
    assert "until you choose a folder on the Admin page" in if_empty.text()
    assert "if the PC fails or is stolen" in if_empty.text()
    with qtbot.waitSignal(wizard.finished_setup) as finished:
        wizard.accept()
    assert finished.args == ["s.bennett", ""]  # the data folder's own, until one is chosen
    assert wizard.recovery_page.key.text() == ""  # not left in the widget
    session = vault.sign_in(paths, "s.bennett", "a long enough password")
    try:
        assert {r.value for r in session.user.roles} == {"admin", "head"}
        # The head who set up holds the allegations file too (made with the reading files).
        assert set(session.compartments) == {*READING, Compartment.ALLEGATIONS}
    finally:
        session.close()
    vault.reset_with_recovery_key(paths, key, "s.bennett", "reset with the key", FAST_KDF)


def test_the_office_sets_up_for_a_headteacher_who_will_make_the_keys(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Answering No, by keyboard, makes the head's account with a one-time password; no
    recovery key is shown, the next page says it is given in person, and the head's first
    sign-in asks them to choose their own password."""
    paths = DataPaths(tmp_path / "data")
    wizard = SetupWizard(paths, FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.resize(1366, 768)
    wizard.show()
    activate(qtbot, wizard)
    fill_school_and_account(qtbot, wizard)
    page = wizard.head_page
    assert page.head_fields.isHidden()
    page.no.setFocus()
    qtbot.keyClick(page.no, Qt.Key.Key_Space)
    assert not page.head_fields.isHidden()
    qtbot.keyClick(page.no, Qt.Key.Key_Tab)
    assert page.head_username.hasFocus()
    qtbot.keyClicks(page.head_username, "s.okafor")
    qtbot.keyClick(page.head_username, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.head_display, "Mr Sam Okafor")
    qtbot.keyClick(page.head_display, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.head_password, "a one time password")
    qtbot.keyClick(page.head_password, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.head_confirm, "a one time password")
    qtbot.keyClick(page.head_confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is not page)
    assert wizard.created is not None and wizard.created.recovery_key is None
    assert wizard.currentPage() is wizard.head_later_page
    said = wizard.head_later_page.text.text()
    assert "s.okafor" in said and "in person" in said and "Mr Sam Okafor" in said
    # Staff accounts wait for the head to confirm the administrator's own, in person.
    assert "once the headteacher has signed in for the first time" in said
    assert "Admin → Staff accounts → Confirm in person" in said
    assert wizard.recovery_id not in wizard.visitedIds()
    wizard.next()
    assert wizard.currentPage() is wizard.backup_page
    usb = tmp_path / "usb" / "safedesk backups"
    qtbot.keyClick(wizard, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # Backup f&older
    assert wizard.backup_page.folder.hasFocus()
    qtbot.keyClicks(wizard.backup_page.folder, str(usb))
    with qtbot.waitSignal(wizard.finished_setup) as finished:
        qtbot.keyClick(wizard.backup_page.folder, Qt.Key.Key_Return)
    assert finished.args == ["s.bennett", str(usb)]

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


def _mnemonic(text: str) -> str | None:
    """The letter after a single "&" (Alt+letter), if any."""
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].lower() if 0 <= at < len(plain) - 1 else None


def clashes(wizard: SetupWizard) -> set[str]:
    """Alt+letters of the current page's fields that the wizard's own buttons also use."""
    from PySide6.QtWidgets import QAbstractButton

    buttons = {
        _mnemonic(wizard.button(which).text())
        for which in (
            wizard.WizardButton.BackButton,
            wizard.WizardButton.NextButton,
            wizard.WizardButton.CommitButton,
            wizard.WizardButton.FinishButton,
            wizard.WizardButton.CancelButton,
        )
        if wizard.button(which).isVisible()
    } - {None}
    page = wizard.currentPage()
    fields = [w.text() for w in page.findChildren(QLabel) if w.isVisible()]
    fields += [w.text() for w in page.findChildren(QAbstractButton) if w.isVisible()]
    return {m for m in map(_mnemonic, fields) if m} & buttons


def test_no_alt_letter_on_a_page_is_also_a_wizard_buttons(qtbot: QtBot, tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    wizard = SetupWizard(paths, FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.resize(1366, 768)
    wizard.show()
    activate(qtbot, wizard)
    seen = [clashes(wizard)]
    qtbot.keyClicks(wizard.school_page.school, "Hill Top")
    # Alt+N is Next, not the name field: it goes on to the account page.
    qtbot.keyClick(wizard, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.account_page)
    seen.append(clashes(wizard))
    wizard.back()
    fill_school_and_account(qtbot, wizard)
    page = wizard.head_page
    for answer in (page.no, page.yes):
        qtbot.keyClick(answer, Qt.Key.Key_Space)
        seen.append(clashes(wizard))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page)
    seen.append(clashes(wizard))
    qtbot.keyClick(wizard.recovery_page.saved, Qt.Key.Key_Space)
    wizard.next()
    assert wizard.currentPage() is wizard.backup_page
    seen.append(clashes(wizard))
    assert seen == [set()] * len(seen)


def test_the_question_is_only_whether_you_are_the_headteacher(qtbot: QtBot, tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    wizard = SetupWizard(paths, FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_school_and_account(qtbot, wizard)
    said = " ".join(w.text() for w in wizard.head_page.findChildren(QLabel) if w.isVisible())
    assert "Are you also the headteacher?" in said
    assert "DSL" not in said and "Safeguarding Lead" not in said
    assert "DSL" not in wizard.head_page.yes.text()
    # What each answer does, before choosing.
    assert "can read every safeguarding and behaviour record" in said
    assert "one-time password you give them in person" in said


def test_wizard_names_what_is_wrong_and_creates_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    wizard = SetupWizard(paths, FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.school_page.school, "Hill Top")
    wizard.next()
    page = wizard.account_page
    qtbot.keyClicks(page.username, "Bad Name")
    qtbot.keyClicks(page.password, "short")
    wizard.next()
    assert wizard.currentPage() is page
    assert page.error.isVisible()
    assert "Username must be" in page.error.text()
    assert "Password must be at least 10" in page.error.text()
    assert "Full name is required" in page.error.text()
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


def shown_text(window: SignInWindow) -> list[str]:
    return [label.text() for label in window.findChildren(QLabel) if label.isVisible()]


def test_sign_in_never_shows_the_folder_and_shows_the_school_once_known(
    qtbot: QtBot, school: SchoolStore
) -> None:
    """The name is only inside the encrypted school file (no file holds it in the clear): at
    a cold start the window says "safedesk"; once a sign-in has read it, as at a lock, the
    next window shows it."""
    window = SignInWindow(school.paths)
    qtbot.addWidget(window)
    window.show()
    assert window.title.text() == "safedesk"
    assert not any(str(school.paths.root) in text for text in shown_text(window))
    assert not any("Data folder" in text for text in shown_text(window))
    qtbot.keyClicks(window.username, "head")
    qtbot.keyClicks(window.password, HEAD_PASSWORD)
    with qtbot.waitSignal(window.signed_in) as signed:
        qtbot.keyClick(window.password, Qt.Key.Key_Return)
    signed.args[0].close()
    again = SignInWindow(school.paths)
    qtbot.addWidget(again)
    again.show()
    assert again.title.text() == SCHOOL_NAME and "Sign in to safedesk" in shown_text(again)
    assert not any(str(school.paths.root) in text for text in shown_text(again))
    for path in school.paths.root.rglob("*"):  # and it was written nowhere in the clear
        if path.is_file():
            assert SCHOOL_NAME.encode() not in path.read_bytes(), path.name


def test_after_set_up_the_sign_in_window_names_the_school(qtbot: QtBot, tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    wizard = SetupWizard(paths, FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_school_and_account(qtbot, wizard, "Hill Top Primary")
    qtbot.keyClick(wizard.head_page.yes, Qt.Key.Key_Space)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page)
    with qtbot.waitSignal(wizard.finished_setup):
        wizard.accept()
    window = SignInWindow(paths)
    qtbot.addWidget(window)
    assert window.title.text() == "Hill Top Primary"
