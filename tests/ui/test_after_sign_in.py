"""After sign-in: key rotations and waiting records are dealt with once the window shows, with
progress in the status bar; failures are said and logged; a new recovery code is shown once."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import records, upkeep, users, vault
from safedesk.services.session import Session
from safedesk.services.setup import Headteacher
from safedesk.services.upkeep import UpkeepReport
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import msgbox, printing, tasks
from safedesk.ui.clipboard import PRIVATE_FORMATS, windows_format
from safedesk.ui.controller import AppController
from safedesk.ui.main_window import MainWindow
from safedesk.ui.password_dialog import PasswordDialog
from safedesk.ui.recovery_dialog import RecoveryCodeDialog
from safedesk.ui.signin import SignInWindow
from tests import factories
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore, add_account

HEAD_ONE_TIME = "one time password"
HEAD_OWN = "the head's own password"


def make_controller(paths: DataPaths) -> AppController:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    made = AppController(app, paths, kdf=FAST_KDF, idle_ms=60_000)
    made.start()
    return made


@pytest.fixture
def controllers() -> Iterator[list[AppController]]:
    made: list[AppController] = []
    yield made
    for controller in made:
        controller.shutdown()
        if controller.window is not None:
            controller.window.close()


def sign_in(qtbot: QtBot, controller: AppController, username: str, password: str) -> MainWindow:
    window = controller.window
    assert isinstance(window, SignInWindow)
    window.username.clear()  # filled in after a lock
    qtbot.keyClicks(window.username, username)
    qtbot.keyClicks(window.password, password)
    qtbot.keyClick(window.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(controller.window, MainWindow))
    assert isinstance(controller.window, MainWindow)
    return controller.window


@pytest.fixture
def work_waiting(school: SchoolStore, head_session: Session) -> str:
    """While the head was away: the administrator disabled a DSL (the head's next sign-in
    owes a key rotation) and a teacher recorded a concern (sealed, waiting to be taken in)."""
    factories.add_pupils(head_session)
    add_account(head_session, "office", {Role.ADMIN})
    add_account(head_session, "t.dsl", {Role.DSL})
    add_account(head_session, "teacher", {Role.STAFF})
    head_session.lock()
    office = school.sign_in("office", OTHER_PASSWORD)
    users.disable_user(office, "t.dsl")
    office.lock()
    teacher = school.sign_in("teacher", OTHER_PASSWORD)
    ref = records.record(teacher, Kind.CONCERN, factories.concern())
    teacher.lock()
    return ref


def test_rotation_and_taking_in_run_after_the_window_shows_with_progress(
    qtbot: QtBot,
    school: SchoolStore,
    work_waiting: str,
    controllers: list[AppController],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps: list[tuple[str, bool]] = []
    real_begin = MainWindow.begin_work

    def spy(window: MainWindow, text: str) -> None:
        steps.append((text, window.isVisible()))
        real_begin(window, text)

    monkeypatch.setattr(MainWindow, "begin_work", spy)
    controller = make_controller(school.paths)
    controllers.append(controller)
    window = sign_in(qtbot, controller, "head", HEAD_PASSWORD)

    qtbot.waitUntil(lambda: not controller.upkeep_running)
    texts = [text for text, _shown in steps]
    assert texts[0] == "Getting the records ready…"
    assert "Changing keys: re-encrypting the file…" in texts
    assert all(shown for _text, shown in steps)  # the window was already on screen
    assert not window.work_bar.isVisible()
    done = window.work_text.text()
    assert "New keys are in place for the" in done and "1 new record in." in done
    assert controller.session is not None and controller.session.rotation_due == set()
    page = window.queue_page
    assert page is not None
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.item(0).case_ref == work_waiting


def test_a_failure_is_shown_plainly_and_logged(
    qtbot: QtBot,
    school: SchoolStore,
    controllers: list[AppController],
    monkeypatch: pytest.MonkeyPatch,
    no_modal_dialogs: list[tuple[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(_session: object, _progress: object) -> UpkeepReport:
        raise OSError("the disk went away")

    monkeypatch.setattr(upkeep, "after_sign_in", broken)
    controller = make_controller(school.paths)
    controllers.append(controller)
    with caplog.at_level(logging.INFO):
        window = sign_in(qtbot, controller, "head", HEAD_PASSWORD)
        qtbot.waitUntil(lambda: bool(no_modal_dialogs))

    [(title, text)] = no_modal_dialogs
    assert title == "safedesk could not finish getting ready"
    assert "unexpected problem" in text and "disk went away" not in text
    assert "did not finish" in window.work_text.text()
    assert not window.work_bar.isVisible()
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(r.exc_info and "disk went away" in str(r.exc_info[1]) for r in logged)
    assert any("work after sign-in did not finish (OSError)" in r.getMessage() for r in logged)
    # Nothing is left waiting for it: the queue still loads.
    assert window.queue_page is not None
    qtbot.waitUntil(lambda: "waiting" in window.queue_page.counts.text().lower())


def test_files_that_fail_their_check_are_named_and_keep_their_keys(
    qtbot: QtBot, head_session: Session, no_modal_dialogs: list[tuple[str, str]]
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = AppController(app, head_session.paths, kdf=FAST_KDF)
    controller.session = head_session
    controller.main_window = MainWindow(head_session, "School")
    qtbot.addWidget(controller.main_window)
    report = UpkeepReport(problems=["safeguarding: the audit chain is broken at event 12"])
    controller._upkeep_done(head_session, report)
    [(title, text)] = no_modal_dialogs
    assert title == "A file needs checking"
    assert "• safeguarding: the audit chain is broken at event 12" in text
    controller.idle.close()
    controller.session = None


# --- the recovery code made at the headteacher's first sign-in -----------------------------


@pytest.fixture
def head_to_come(tmp_path: Path) -> DataPaths:
    """Set up by the business manager: the head's account waits for its first sign-in."""
    created = vault.create_school(
        DataPaths(tmp_path / "data"),
        school_name="Hill Top Primary",
        username="office",
        display_name="Mrs Sue Bennett",
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
        headteacher=Headteacher("head", "Mr Sam Okafor", HEAD_ONE_TIME),
    )
    assert created.recovery_key is None
    return created.paths


def test_the_new_recovery_code_is_shown_once_and_stays_until_stored(
    qtbot: QtBot,
    head_to_come: DataPaths,
    controllers: list[AppController],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    printed: list[str] = []
    monkeypatch.setattr(printing, "print_html", lambda _p, _t, page: printed.append(page) or True)
    controller = make_controller(head_to_come)
    controllers.append(controller)
    with caplog.at_level(logging.DEBUG):
        window = sign_in(qtbot, controller, "head", HEAD_ONE_TIME)
        # An administrator chose that password: the head chooses their own first, and only
        # then are the first keys (and the recovery code) made.
        assert controller.recovery_dialog is None
        asked = window.password_dialog
        assert isinstance(asked, PasswordDialog) and asked.isVisible()
        assert "set by an administrator" in " ".join(w.text() for w in asked.findChildren(QLabel))
        monkeypatch.setattr(msgbox, "information", lambda *_args: None)
        qtbot.keyClicks(asked.current, HEAD_ONE_TIME)
        qtbot.keyClicks(asked.new, HEAD_OWN)
        qtbot.keyClicks(asked.confirm, HEAD_OWN)
        qtbot.keyClick(asked.confirm, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: controller.recovery_dialog is not None, timeout=20_000)
    dialog = controller.recovery_dialog
    assert isinstance(dialog, RecoveryCodeDialog)
    assert dialog.isVisible() and dialog.parent() is window
    code = dialog.key.text()
    assert re.fullmatch(r"[A-Z0-9]{5}(-[A-Z0-9]{5}){4}", code)
    assert controller.session is not None and controller.session.new_recovery_code is None
    assert not controller.idle.active  # no idle lock may close it unseen

    # It cannot be dismissed, nor the app locked, before it is stored.
    assert not dialog.done_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and "Tick the box" in dialog.status.text()
    dialog.status.clear()
    controller.lock()
    assert controller.window is window and dialog.isVisible()
    assert "Tick the box" in dialog.status.text()

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    clipboard = QGuiApplication.clipboard()
    assert clipboard.text() == code
    copied = clipboard.mimeData()
    assert copied is not None
    assert all(copied.hasFormat(windows_format(name)) for name in PRIVATE_FORMATS)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert len(printed) == 1 and code in printed[0] and "Hill Top Primary" in printed[0]

    dialog.saved.setFocus()
    qtbot.keyClick(dialog.saved, Qt.Key.Key_Space)
    assert dialog.done_button.isEnabled()
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.recovery_dialog is None)
    assert clipboard.text() == ""  # taken back off the clipboard
    assert controller.idle.active
    assert not any(code in r.getMessage() for r in caplog.records)

    # Shown once: signing in again does not show it again.
    controller.lock()
    again = sign_in(qtbot, controller, "head", HEAD_OWN)
    assert controller.recovery_dialog is None and again.password_dialog is None
    # And it is the real thing.
    controller.lock()
    qtbot.waitUntil(lambda: not tasks.busy())  # the store closes once its work is done
    vault.reset_with_recovery_key(head_to_come, code, "head", "reset with the code", FAST_KDF)


def test_no_recovery_dialog_for_anyone_else(
    qtbot: QtBot, school: SchoolStore, controllers: list[AppController]
) -> None:
    controller = make_controller(school.paths)
    controllers.append(controller)
    sign_in(qtbot, controller, "head", HEAD_PASSWORD)
    assert controller.recovery_dialog is None
    assert controller.idle.active
