"""Errors nothing caught, and work that failed: logged with their stack in the data folder's
log (never their words, nor what was typed), the person told in plain words where the log
is, and every window left as it was."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from safedesk import app_log
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import errors, tasks
from safedesk.ui.signin import SignInWindow
from tests.conftest import HEAD_PASSWORD, SchoolStore

TYPED_MARK = "gannetrow"  # typed into a window
ERROR_MARK = "capybarish"  # in an unexpected error's message
PASSWORD_MARK = "tapirglow"  # in a wrong password


@pytest.fixture
def log_folder(school: SchoolStore) -> Iterator[Path]:
    folder = app_log.setup(school.paths, "tests")
    assert folder is not None
    errors.install_excepthooks()
    yield folder
    errors.uninstall_excepthooks()
    app_log.stop()


def logged(folder: Path) -> str:
    app_log.stop()
    return "\n".join(p.read_text("utf-8") for p in app_log.log_files(folder))


def sign_in_window(qtbot: QtBot, school: SchoolStore) -> SignInWindow:
    window = SignInWindow(school.paths, kdf=FAST_KDF)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.mark.qt_no_exception_capture
def test_an_error_in_the_ui_is_logged_and_said_and_nothing_is_closed(
    qtbot: QtBot,
    school: SchoolStore,
    log_folder: Path,
    no_modal_dialogs: list[tuple[str, str]],
) -> None:
    window = sign_in_window(qtbot, school)
    qtbot.keyClicks(window.username, f"head {TYPED_MARK}")

    def broken_slot() -> None:
        raise ValueError(f"cannot show {ERROR_MARK} {window.username.text()}")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: bool(no_modal_dialogs))
    [(title, text)] = no_modal_dialogs
    assert title == errors.CRASH_TITLE
    assert "Something went wrong in safedesk. Your work has not been lost" in text
    assert str(log_folder) in text
    # Still open, as typed.
    assert window.isVisible() and window.username.text() == f"head {TYPED_MARK}"
    text = logged(log_folder)
    assert "unexpected error on the UI thread" in text and "in broken_slot" in text
    assert "ValueError (message not logged)" in text
    assert ERROR_MARK not in text and TYPED_MARK not in text


@pytest.mark.qt_no_exception_capture
def test_an_error_on_a_thread_is_logged_and_said_on_the_ui_thread(
    qtbot: QtBot, log_folder: Path, no_modal_dialogs: list[tuple[str, str]]
) -> None:
    def background() -> None:
        raise KeyError(ERROR_MARK)

    thread = threading.Thread(target=background, name="worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(no_modal_dialogs))
    [(_title, text)] = no_modal_dialogs
    assert str(log_folder) in text
    text = logged(log_folder)
    assert "unexpected error in a background thread" in text and "in background" in text
    assert "KeyError (message not logged)" in text and ERROR_MARK not in text


def test_failed_work_is_logged_with_its_stack_and_time_and_the_message_says_where(
    qtbot: QtBot, log_folder: Path
) -> None:
    def export_pdf(password: str) -> None:
        raise RuntimeError(f"page for {ERROR_MARK} too long")

    failures: list[BaseException] = []
    tasks.run(export_pdf, f"secret {PASSWORD_MARK}").on_error(failures.append)
    qtbot.waitUntil(lambda: bool(failures))
    said = errors.user_message(failures[0])
    assert said.startswith(errors.UNEXPECTED) and str(log_folder) in said
    text = logged(log_folder)
    assert "failed after 0." in text and "in export_pdf" in text
    assert "RuntimeError (message not logged)" in text
    assert ERROR_MARK not in text and PASSWORD_MARK not in text


def test_sign_in_is_logged_by_its_outcome_only(
    qtbot: QtBot, school: SchoolStore, log_folder: Path
) -> None:
    window = sign_in_window(qtbot, school)
    signed_in: list[Session] = []
    window.signed_in.connect(signed_in.append)
    qtbot.keyClicks(window.username, "head")
    qtbot.keyClicks(window.password, f"wrong {PASSWORD_MARK}")
    qtbot.keyClick(window.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.password.isEnabled())
    window.password.clear()
    qtbot.keyClicks(window.password, HEAD_PASSWORD)
    qtbot.keyClick(window.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(signed_in))
    signed_in[0].close()
    text = logged(log_folder)
    assert "task safedesk.ui.signin._unlock refused after" in text
    assert ": AuthenticationError" in text
    assert "task safedesk.ui.signin._unlock took" in text
    for secret in (PASSWORD_MARK, HEAD_PASSWORD, "Ms Ada Ngozi"):
        assert secret not in text


def test_without_a_log_the_message_says_nothing_of_one() -> None:
    app_log.stop()
    assert errors.user_message(RuntimeError("x")) == errors.UNEXPECTED
    assert "could not be written to a log" in errors.crash_message()
