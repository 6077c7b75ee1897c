"""Locking with Windows: the decision on a window message, and that elsewhere nothing is
registered and no native event does anything."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from safedesk.store.crypto import FAST_KDF
from safedesk.ui import session_watch
from safedesk.ui.controller import AppController
from safedesk.ui.main_window import MainWindow
from safedesk.ui.session_watch import (
    WM_WTSSESSION_CHANGE,
    WTS_SESSION_LOCK,
    SessionWatch,
    should_lock,
)
from safedesk.ui.signin import SignInWindow
from tests.conftest import HEAD_PASSWORD, SchoolStore

WTS_SESSION_UNLOCK = 0x8
WTS_SESSION_LOGON = 0x5
WM_ACTIVATE = 0x0006


def test_a_session_lock_locks() -> None:
    assert should_lock(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert should_lock(WM_WTSSESSION_CHANGE, session_watch.WTS_CONSOLE_DISCONNECT)


@pytest.mark.parametrize(
    ("message", "wparam"),
    [
        (WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK),  # coming back: nothing to do
        (WM_WTSSESSION_CHANGE, WTS_SESSION_LOGON),
        (WM_ACTIVATE, WTS_SESSION_LOCK),  # the same number in another message
        (0, 0),
    ],
)
def test_other_messages_do_not(message: int, wparam: int) -> None:
    assert not should_lock(message, wparam)


def test_elsewhere_nothing_is_registered_and_native_events_do_nothing(
    qtbot: QtBot, qapp: QApplication
) -> None:
    locks: list[str] = []
    watch = SessionWatch(lambda: locks.append("lock"), platform="linux")
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    assert watch.start(window) is False
    # Even a genuine lock message's bytes, under Windows' event type, are not read here.
    buffer = (ctypes.c_byte * 64)()
    assert watch.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(buffer)) == (False, 0)
    assert watch.nativeEventFilter(b"xcb_generic_event_t", 0) == (False, 0)
    qapp.processEvents()
    assert locks == []
    watch.stop()  # nothing to undo, and no error


class _Msg(ctypes.Structure):
    """Windows' MSG, as laid out on 64-bit Windows (for a message made up in the test)."""

    _fields_ = [
        ("hWnd", ctypes.c_void_p),
        ("message", ctypes.c_uint),
        ("wParam", ctypes.c_size_t),
        ("lParam", ctypes.c_ssize_t),
        ("time", ctypes.c_uint32),
        ("pt_x", ctypes.c_long),
        ("pt_y", ctypes.c_long),
    ]


def test_a_lock_message_on_windows_locks_once_after_the_event(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filter as Windows would drive it: the MSG read from the address Qt passes."""
    from ctypes import wintypes

    if not hasattr(wintypes, "MSG"):
        monkeypatch.setattr(wintypes, "MSG", _Msg, raising=False)
    locks: list[str] = []
    watch = SessionWatch(lambda: locks.append("lock"), platform="win32")
    unlock = _Msg(None, WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK)
    lock = _Msg(None, WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert watch.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(unlock)) == (False, 0)
    # Qt gives the event type as a QByteArray.
    kind = QByteArray(b"windows_generic_MSG")
    assert watch.nativeEventFilter(kind, ctypes.addressof(lock)) == (False, 0)
    assert locks == []  # never inside Windows' own handling of the message
    qtbot.waitUntil(lambda: locks == ["lock"], timeout=60000)


@pytest.fixture
def controller(qtbot: QtBot, school: SchoolStore) -> Iterator[AppController]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    made = AppController(app, school.paths, kdf=FAST_KDF, idle_ms=60_000)
    made.start()
    window = made.window
    assert isinstance(window, SignInWindow)
    window.username.setText("head")
    window.password.setText(HEAD_PASSWORD)
    window.submit()
    qtbot.waitUntil(lambda: isinstance(made.window, MainWindow), timeout=60000)
    yield made
    made.shutdown()
    if made.window is not None:
        made.window.close()


def test_the_signed_in_app_locks_when_windows_does(
    qtbot: QtBot, controller: AppController, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The controller's own watch, driven as Windows would drive it (here, where it is not
    Windows, the watch is told it is, so the message is read)."""
    from ctypes import wintypes

    if not hasattr(wintypes, "MSG"):
        monkeypatch.setattr(wintypes, "MSG", _Msg, raising=False)
    watch = controller.session_watch
    assert watch is not None
    monkeypatch.setattr(watch, "windows", True)
    lock = _Msg(None, WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    watch.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(lock))
    qtbot.waitUntil(lambda: isinstance(controller.window, SignInWindow), timeout=60000)
    assert controller.session is None and controller.session_watch is None
    window = controller.window
    assert isinstance(window, SignInWindow)
    assert "when Windows was locked" in window.notice.text()
