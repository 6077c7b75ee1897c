"""Locks safedesk when Windows locks the session (Windows+L, the screen saver's lock, or
switching user), so a PC left locked never has records open behind the Windows lock screen.

Windows tells a window that asked (WTSRegisterSessionNotification) with WM_WTSSESSION_CHANGE;
the main window's native events come through an application-wide filter. Everywhere else
this does nothing.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QCoreApplication, QTimer
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

WM_WTSSESSION_CHANGE = 0x02B1
WTS_CONSOLE_DISCONNECT = 0x2  # another user switched to (fast user switching)
WTS_REMOTE_DISCONNECT = 0x4
WTS_SESSION_LOCK = 0x7
NOTIFY_FOR_THIS_SESSION = 0
_LOCKING = {WTS_SESSION_LOCK, WTS_CONSOLE_DISCONNECT, WTS_REMOTE_DISCONNECT}
_WINDOWS_MESSAGE = b"windows_generic_MSG"


def should_lock(message: int, wparam: int) -> bool:
    """Whether a window message says this Windows session was locked or left."""
    return message == WM_WTSSESSION_CHANGE and wparam in _LOCKING


class SessionWatch(QAbstractNativeEventFilter):
    """Calls ``on_lock`` (once per lock, on the next pass of the event loop) when Windows
    locks this session; ``stop`` before the window goes."""

    def __init__(self, on_lock: Callable[[], None], *, platform: str | None = None) -> None:
        super().__init__()
        self._on_lock = on_lock
        self.windows = (platform or sys.platform) == "win32"
        self._hwnd: int | None = None
        self._installed = False

    def start(self, window: QWidget) -> bool:
        """Ask Windows to tell ``window`` of session changes; False where it cannot."""
        app = QCoreApplication.instance()
        if not self.windows or app is None:
            return False
        app.installNativeEventFilter(self)
        self._installed = True
        hwnd = int(window.winId())
        try:
            wtsapi32: Any = ctypes.windll.wtsapi32  # type: ignore[attr-defined]
            registered = bool(wtsapi32.WTSRegisterSessionNotification(hwnd, 0))
        except (AttributeError, OSError) as exc:
            log.warning("session notifications unavailable (%s)", type(exc).__name__)
            return False
        if not registered:
            log.warning("session notifications were refused")
            return False
        self._hwnd = hwnd
        return True

    def stop(self) -> None:
        hwnd, self._hwnd = self._hwnd, None
        if hwnd is not None:
            try:
                wtsapi32: Any = ctypes.windll.wtsapi32  # type: ignore[attr-defined]
                wtsapi32.WTSUnRegisterSessionNotification(hwnd)
            except (AttributeError, OSError) as exc:
                log.warning("session notifications not unregistered (%s)", type(exc).__name__)
        app = QCoreApplication.instance()
        if self._installed and app is not None:
            app.removeNativeEventFilter(self)
        self._installed = False

    def nativeEventFilter(self, eventType: Any, message: Any) -> tuple[bool, int]:  # noqa: N803 - Qt's names
        if not self.windows or bytes(eventType) != _WINDOWS_MESSAGE:
            return False, 0
        try:
            from ctypes import wintypes

            msg = wintypes.MSG.from_address(int(message))
            if self._hwnd is not None and msg.hWnd != self._hwnd:
                return False, 0
            locking = should_lock(int(msg.message), int(msg.wParam or 0))
        except (AttributeError, TypeError, ValueError, OSError):
            return False, 0
        if locking:
            log.info("Windows locked the session: locking")
            QTimer.singleShot(0, self._on_lock)  # never inside Windows' own message handling
        return False, 0  # Windows' own handling goes on
