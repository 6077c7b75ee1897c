"""The set-up wizard's two paths (the person setting up is, or is not, the headteacher), the
unanswered question, and saving the recovery key — driven through the real widgets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from safedesk.domain.compartments import READING, ROLE_COMPARTMENTS, Compartment
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import records, users, vault
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import printing, recovery_dialog
from safedesk.ui.recovery_dialog import RecoveryCodeDialog
from safedesk.ui.setup_wizard import SetupWizard
from tests.conftest import SchoolStore
from tests.ui.conftest import activate
from tests.ui.test_setup_and_signin import fill_school_and_account

ADMIN_PASSWORD = "a long enough password"
ONE_TIME = "a one time password"
HEAD_OWN = "the head's very own password"


def start(qtbot: QtBot, tmp_path: Path) -> tuple[SetupWizard, DataPaths]:
    paths = DataPaths(tmp_path / "data")
    wizard = SetupWizard(paths, FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.show()
    activate(qtbot, wizard)
    fill_school_and_account(qtbot, wizard, "Hill Top Primary")
    return wizard, paths


def commit_button(wizard: SetupWizard) -> QWidget:
    return wizard.button(wizard.WizardButton.CommitButton)


def visible_text(widget: QWidget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


def test_neither_answer_is_chosen_and_set_up_cannot_go_on(qtbot: QtBot, tmp_path: Path) -> None:
    wizard, paths = start(qtbot, tmp_path)
    page = wizard.head_page
    assert not page.yes.isChecked() and not page.no.isChecked()
    assert page.is_head() is None
    assert not commit_button(wizard).isEnabled()
    page.yes.setFocus()
    qtbot.keyClick(page.yes, Qt.Key.Key_Return)  # Enter does not answer for them
    wizard.next()
    assert wizard.currentPage() is page
    assert not paths.store_exists() and not paths.keys.exists()
    qtbot.keyClick(page.yes, Qt.Key.Key_Space)
    assert commit_button(wizard).isEnabled()


def test_the_business_manager_alone_never_sees_the_records_nor_the_key(
    qtbot: QtBot, tmp_path: Path
) -> None:
    wizard, paths = start(qtbot, tmp_path)
    page = wizard.head_page
    # Alt+O answers No (its mnemonic), as a keyboard user would.
    qtbot.keyClick(page.yes, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.is_head() is False)  # a mnemonic "animates" its click
    qtbot.keyClicks(page.head_username, "j.okafor")
    qtbot.keyClicks(page.head_display, "Mr Joseph Okafor")
    qtbot.keyClicks(page.head_password, ONE_TIME)
    qtbot.keyClicks(page.head_confirm, "a different one")
    qtbot.keyClick(page.head_confirm, Qt.Key.Key_Return)
    assert wizard.currentPage() is page and "do not match" in page.error.text()
    assert not paths.store_exists()
    page.head_confirm.clear()
    qtbot.keyClicks(page.head_confirm, ONE_TIME)
    qtbot.keyClick(page.head_confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.head_later_page)
    assert wizard.created is not None and wizard.created.recovery_key is None
    assert wizard.recovery_page.key.text() == ""
    assert "recovery key" in visible_text(wizard) and "in person" in visible_text(wizard)
    assert not any(paths.database(c.value).exists() for c in READING)
    qtbot.keyClick(wizard.head_later_page, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.backup_page
    with qtbot.waitSignal(wizard.finished_setup):
        qtbot.keyClick(wizard.backup_page.folder, Qt.Key.Key_Return)

    # The head's first sign-in: their own password makes the reading files and the code.
    head = vault.sign_in(paths, "j.okafor", ONE_TIME, kdf=FAST_KDF)
    try:
        assert head.new_recovery_code is None
        users.change_own_password(head, ONE_TIME, HEAD_OWN, FAST_KDF)
        assert head.new_recovery_code
        code = head.new_recovery_code
    finally:
        head.close()
    assert all(paths.database(c.value).exists() for c in READING)

    # The administrator still opens neither, and holds no recovery key.
    office = vault.sign_in(paths, "s.bennett", ADMIN_PASSWORD)
    try:
        assert office.compartments == {} and office.new_recovery_code is None
        assert records.session_readable_kinds(office) == []
        for compartment in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR):
            with pytest.raises(PermissionDenied):
                office.compartment(compartment)
    finally:
        office.close()
    vault.reset_with_recovery_key(paths, code, "j.okafor", "reset by the head", FAST_KDF)


def test_the_head_alone_sees_the_key_and_must_tick_before_going_on(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed: list[str] = []
    monkeypatch.setattr(printing, "print_html", lambda _p, _t, page: printed.append(page))
    wizard, paths = start(qtbot, tmp_path)
    page = wizard.head_page
    qtbot.keyClick(page.no, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.is_head() is True)  # a mnemonic "animates" its click
    assert page.head_fields.isHidden()
    qtbot.keyClick(page.yes, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page)
    key_page = wizard.recovery_page
    assert len(key_page.key.text()) == 29
    next_button = wizard.button(wizard.WizardButton.NextButton)
    assert not next_button.isEnabled()
    qtbot.keyClick(key_page.key, Qt.Key.Key_Return)
    assert wizard.currentPage() is key_page and printed == []  # Enter never prints
    key_page.saved.setFocus()
    qtbot.keyClick(key_page.saved, Qt.Key.Key_Space)
    assert next_button.isEnabled()
    # The explanation under the tick box is text that wraps, not the box's own text.
    assert len(key_page.saved.text()) < 45
    qtbot.keyClick(key_page.saved, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.backup_page
    session = vault.sign_in(paths, "s.bennett", ADMIN_PASSWORD)
    try:
        assert {r.value for r in session.user.roles} == {"admin", "head"}
        # The head's first sign-in also makes the allegations file, which only the head opens.
        assert set(session.compartments) == ROLE_COMPARTMENTS[Role.HEAD]
    finally:
        session.close()


def test_it_is_a_recovery_key_everywhere_and_the_sheet_says_where_it_is_used(
    qtbot: QtBot,
) -> None:
    code = "ABCDE-12345-FGHIJ-67890-KLMNO"
    dialog = RecoveryCodeDialog(code, "Hill Top", datetime.now(), None)
    qtbot.addWidget(dialog)
    dialog.show()
    on_screen = " ".join(
        [dialog.windowTitle(), dialog.saved.text(), dialog.key.accessibleName()]
        + [w.text() for w in dialog.findChildren(QLabel)]
    )
    assert "code" not in on_screen.lower().replace(code.lower(), "")
    assert "recovery key" in dialog.windowTitle() and "the key safely" in dialog.saved.text()
    used = "On the sign-in window, choose \u2018Forgotten your password?\u2019 and type this key"
    assert used.lower() in on_screen.lower()
    for sheet in (
        recovery_dialog.recovery_sheet(code, "Hill Top", datetime.now()),
        recovery_dialog.recovery_text(code, "Hill Top", datetime.now()),
    ):
        assert "safedesk recovery key" in sheet and "recovery code" not in sheet
        assert "Forgotten your password?" in sheet and "type this key" in sheet


def test_the_wrapped_explanation_ticks_the_box_when_clicked(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = RecoveryCodeDialog("ABCDE-12345-FGHIJ-67890-KLMNO", "Hill Top", datetime.now(), None)
    qtbot.addWidget(dialog)
    dialog.show()
    explanation = next(
        label for label in dialog.findChildren(QLabel) if label.text().startswith("Printed,")
    )
    assert explanation.wordWrap() and explanation.buddy() is dialog.saved
    qtbot.mouseClick(explanation, Qt.MouseButton.LeftButton)
    assert dialog.saved.isChecked() and dialog.done_button.isEnabled()


@pytest.mark.parametrize("suffix", [".pdf", ".txt"])
def test_save_writes_the_sheet_and_refuses_the_data_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    wizard, paths = start(qtbot, tmp_path)
    page = wizard.head_page
    qtbot.keyClick(page.yes, Qt.Key.Key_Space)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page)
    key_page = wizard.recovery_page
    code = key_page.key.text()
    answers: list[Path | None] = []
    monkeypatch.setattr(recovery_dialog, "choose_save_path", lambda *_a: answers.pop(0))

    # Into the data folder, or a folder inside it: refused, nothing written.
    for refused in (paths.root / f"key{suffix}", paths.backups / f"key{suffix}"):
        paths.backups.mkdir(exist_ok=True)
        answers.append(refused)
        qtbot.mouseClick(key_page.save_button, Qt.MouseButton.LeftButton)
        assert "Not saved" in key_page.status.text()
        assert not refused.exists()

    stick = tmp_path / "usb stick"
    stick.mkdir()
    target = stick / f"safedesk recovery key{suffix}"
    answers.append(target)
    qtbot.mouseClick(key_page.save_button, Qt.MouseButton.LeftButton)
    assert "Saved" in key_page.status.text()
    assert target.exists() and target.stat().st_size > 0
    if suffix == ".txt":
        written = target.read_text(encoding="utf-8")
        assert code in written and "Hill Top Primary" in written
        assert "Anyone holding it can read every record" in written
    else:
        assert target.read_bytes().startswith(b"%PDF")

    # Cancelled: nothing said, nothing written.
    key_page.status.clear()
    answers.append(None)
    qtbot.mouseClick(key_page.save_button, Qt.MouseButton.LeftButton)
    assert key_page.status.text() == ""


def test_the_head_can_save_the_code_at_first_sign_in_but_not_beside_the_records(
    qtbot: QtBot, school: SchoolStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dialog = RecoveryCodeDialog("ABCDE-12345-FGHIJ-67890-KLMNO", "Hill Top", datetime.now(), None)
    qtbot.addWidget(dialog)
    dialog.show()
    answers = [school.paths.root / "code.txt", tmp_path / "code.txt"]
    monkeypatch.setattr(recovery_dialog, "choose_save_path", lambda *_a: answers.pop(0))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Not saved" in dialog.status.text()
    assert not (school.paths.root / "code.txt").exists()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "ABCDE-12345-FGHIJ-67890-KLMNO" in (tmp_path / "code.txt").read_text("utf-8")
