"""Turns an exception into words for a person: ours as written, anything else generic, with
where the log is. And the excepthooks: an error nothing caught is logged with its stack and
the person told in plain words; nothing is closed, so what they were typing stays in front
of them."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from safedesk import app_log
from safedesk.domain.errors import SafedeskError, ValidationError

log = logging.getLogger(__name__)

UNEXPECTED = (
    "safedesk hit an unexpected problem and did not finish. Nothing half-done was saved. "
    "Please try again, and tell your administrator if it happens again."
)
CRASH_TITLE = "Something went wrong"


def log_location() -> str:
    """Where the log is, in words, or "" before it is set up."""
    folder = app_log.current_folder()
    return (
        f"The details (no names, no records) are in the log: {folder}" if folder is not None else ""
    )


def unexpected_message() -> str:
    where = log_location()
    return f"{UNEXPECTED} {where}" if where else UNEXPECTED


def crash_message() -> str:
    where = log_location() or "The details could not be written to a log."
    return (
        "Something went wrong in safedesk. Your work has not been lost: anything you were "
        "typing is still in its window, and what you saved is safe. Please try again; if it "
        f"keeps happening, tell your administrator.\n\n{where}"
    )


def user_message(exc: BaseException) -> str:
    if isinstance(exc, SafedeskError):
        return str(exc)
    return unexpected_message()


def report_failure(
    exc: BaseException, show_problems: Callable[[dict[str, str]], None], say: Callable[[str], None]
) -> None:
    """A form's save failed: field problems go by their fields, anything else in words."""
    if isinstance(exc, ValidationError):
        show_problems(exc.problems)
    else:
        say(user_message(exc))


# --- errors nothing caught --------------------------------------------------------------


class _CrashReporter(QObject):
    """Lives on the UI thread: a hook on any thread asks it to tell the person."""

    report = Signal()

    def __init__(self, show: Callable[[], None]) -> None:
        super().__init__()
        self._show = show
        self._showing = False
        # Always queued: the message shows once the event that failed has unwound.
        self.report.connect(self._tell, Qt.ConnectionType.QueuedConnection)

    def _tell(self) -> None:
        if self._showing:  # one message at a time: a broken paint must not stack up dialogs
            return
        self._showing = True
        try:
            self._show()
        finally:
            self._showing = False


def _show_crash_message() -> None:
    from safedesk.ui import msgbox

    app = QApplication.instance()
    parent = app.activeWindow() if isinstance(app, QApplication) else None
    msgbox.error(parent, CRASH_TITLE, crash_message())


_reporter: _CrashReporter | None = None
_before: tuple[Any, Any, Any] | None = None


def install_excepthooks() -> None:
    """Call on the UI thread once the log is set up. An uncaught error (in a slot, an event
    handler, a thread) is logged and said; safedesk carries on, every window as it was."""
    global _reporter, _before
    if _before is None:
        _before = (sys.excepthook, threading.excepthook, sys.unraisablehook)
    _reporter = _CrashReporter(_show_crash_message)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    sys.unraisablehook = _unraisablehook


def uninstall_excepthooks() -> None:
    """Put back the hooks there were before (tests)."""
    global _reporter, _before
    if _before is not None:
        sys.excepthook, threading.excepthook, sys.unraisablehook = _before
        _before = None
    if _reporter is not None:
        _reporter.deleteLater()
    _reporter = None


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    _log_and_tell("on the UI thread", exc_type, exc, tb)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    _log_and_tell("in a background thread", args.exc_type, args.exc_value, args.exc_traceback)


def _unraisablehook(args: sys.UnraisableHookArgs) -> None:
    # Never args.object nor args.err_msg: an object's repr may quote what it holds.
    if args.exc_value is not None:
        app_log.log_unexpected(
            "that could not be raised", args.exc_type, args.exc_value, args.exc_traceback
        )


def _log_and_tell(
    where: str, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    try:
        app_log.log_unexpected(where, exc_type, exc, tb)
    finally:
        if _reporter is not None:
            _reporter.report.emit()
