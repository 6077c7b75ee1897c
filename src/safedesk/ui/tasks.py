"""The one way to run slow work (KDF, backups, exports) off the UI thread.

    tasks.run(fn, *args).on_success(show).on_error(report)

Work starts on the next pass of the event loop, so callbacks can be attached first.
Results come back on the UI thread through queued signals. Tests swap in an inline pool.
A failure is logged here, with how long the work ran (an unexpected one with its stack; ours
by its type only, since its message may name someone) before it reaches ``on_error``; work
that succeeded is logged with its time. Never a task's arguments: they hold passwords
and records. Locking and quitting wait for every running task (``when_idle``,
``wait_for_all``): nothing closes the store under one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QRunnable,
    QThreadPool,
    QTimer,
    Signal,
)

from safedesk.app_log import safe
from safedesk.domain.errors import SafedeskError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

SLOW_SECONDS = 1.0  # work that took longer is marked slow in the log
FINISHING_AFTER_MS = 300  # quitting shows "Finishing…" once the wait is this long


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class Task(QRunnable):
    def __init__(
        self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # we keep a reference until finished
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self.signals = _Signals()

    def on_success(self, callback: Callable[[Any], None]) -> Task:
        self.signals.succeeded.connect(callback)
        return self

    def on_error(self, callback: Callable[[BaseException], None]) -> Task:
        self.signals.failed.connect(callback)
        return self

    def on_finished(self, callback: Callable[[], None]) -> Task:
        self.signals.finished.connect(callback)
        return self

    def run(self) -> None:
        started = time.perf_counter()
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # reported to the UI, never lost on a thread
            _log_failure(self._fn, exc, time.perf_counter() - started)
            self.signals.failed.emit(exc)
        else:
            _log_success(self._fn, time.perf_counter() - started)
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


def _name(fn: Callable[..., Any]) -> safe:
    """Where the work is in the code (``safedesk.ui.signin._unlock``): never its arguments."""
    inner = getattr(fn, "func", fn)  # functools.partial
    qualname = getattr(inner, "__qualname__", None) or type(inner).__qualname__
    return safe(f"{getattr(inner, '__module__', '?')}.{qualname}")


def _log_failure(fn: Callable[..., Any], exc: BaseException, seconds: float) -> None:
    if isinstance(exc, SafedeskError):
        log.info("task %s refused after %.2f s: %s", _name(fn), seconds, type(exc).__name__)
    else:
        log.error("task %s failed after %.2f s", _name(fn), seconds, exc_info=exc)


def _log_success(fn: Callable[..., Any], seconds: float) -> None:
    # Every one: a few hundred short lines a day (a sign-in, the queue each minute).
    slow = " (slow)" if seconds >= SLOW_SECONDS else ""
    log.info("task %s took %.2f s%s", _name(fn), seconds, safe(slow))


class InlinePool:
    """Runs tasks at once on the calling thread (tests)."""

    def start(self, runnable: QRunnable) -> None:
        runnable.run()


_pool: QThreadPool | InlinePool | None = None
_running: set[Task] = set()
_when_idle: list[Callable[[], None]] = []


def set_pool(pool: QThreadPool | InlinePool | None) -> None:
    global _pool
    _pool = pool


def _current_pool() -> QThreadPool | InlinePool:
    return _pool if _pool is not None else QThreadPool.globalInstance()


class _UiCaller(QObject):
    """Lives on the UI thread; a signal from any thread runs the callable there."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._run)

    @staticmethod
    def _run(fn: Callable[[], None]) -> None:
        fn()


_ui_caller: _UiCaller | None = None


def call_on_ui_thread(fn: Callable[[], None]) -> None:
    """For progress reports from a task: queued to the UI thread, never run on the worker."""
    if _ui_caller is None:
        raise RuntimeError("call_on_ui_thread is for callbacks of tasks started with run()")
    _ui_caller.call.emit(fn)


def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
    global _ui_caller
    if _ui_caller is None:
        _ui_caller = _UiCaller()  # made here, on the UI thread, so it belongs to it
    task = Task(fn, args, kwargs)
    _running.add(task)
    task.signals.finished.connect(lambda: _finished(task))
    QTimer.singleShot(0, lambda: _current_pool().start(task))
    return task


def _finished(task: Task) -> None:
    _running.discard(task)
    if _running:
        return
    waiting = list(_when_idle)
    _when_idle.clear()
    for callback in waiting:
        callback()


def busy() -> bool:
    return bool(_running)


def when_idle(callback: Callable[[], None]) -> None:
    """Run ``callback`` on the UI thread once no task is running: at once if none is
    (a lock waits for the work in hand, so nothing closes the store under it)."""
    if not _running:
        callback()
    else:
        _when_idle.append(callback)


def running() -> int:
    """How many tasks are started and not yet finished (on the UI thread's count)."""
    return len(_running)


def wait_for_all() -> None:
    """At exit, when the event loop no longer runs: block until every started task ends,
    showing "Finishing…" if that takes a moment (while it shows, results reach the UI
    thread, and a lock waiting for them closes its store)."""
    pool = _current_pool()
    if isinstance(pool, QThreadPool) and not pool.waitForDone(FINISHING_AFTER_MS):
        log.info("quitting: waiting for %d task(s) to finish", pool.activeThreadCount())
        progress = _finishing_dialog()
        while not pool.waitForDone(50):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        if progress is not None:
            progress.close()
            progress.deleteLater()


def _finishing_dialog() -> QWidget | None:
    from PySide6.QtWidgets import QApplication, QProgressDialog

    if not isinstance(QCoreApplication.instance(), QApplication):
        return None
    dialog = QProgressDialog("Finishing the work in hand before safedesk closes…", "", 0, 0)
    dialog.setCancelButton(None)
    dialog.setWindowTitle("safedesk")
    dialog.setMinimumDuration(0)
    dialog.show()
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    return dialog
