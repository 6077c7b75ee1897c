"""The one way to run slow work (KDF, backups, exports) off the UI thread.

    tasks.run(fn, *args).on_success(show).on_error(report)

Work starts on the next pass of the event loop, so callbacks can be attached first.
Results come back on the UI thread through queued signals. Tests swap in an inline pool.
A failure is logged here (an unexpected one with its stack; ours by its type only, since
its message may name someone) before it reaches ``on_error``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from safedesk.domain.errors import SafedeskError

log = logging.getLogger(__name__)


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
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # reported to the UI, never lost on a thread
            _log_failure(self._fn, exc)
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


def _name(fn: Callable[..., Any]) -> str:
    inner = getattr(fn, "func", fn)  # functools.partial
    return f"{getattr(inner, '__module__', '?')}.{getattr(inner, '__qualname__', repr(inner))}"


def _log_failure(fn: Callable[..., Any], exc: BaseException) -> None:
    if isinstance(exc, SafedeskError):
        log.info("task %s refused: %s", _name(fn), type(exc).__name__)
    else:
        log.error("task %s failed", _name(fn), exc_info=exc)


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


def wait_for_all() -> None:
    """At exit, when the event loop no longer runs: block until every started task ends."""
    pool = _current_pool()
    if isinstance(pool, QThreadPool):
        pool.waitForDone()
