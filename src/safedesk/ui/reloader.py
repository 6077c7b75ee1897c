"""A page's list loaded off the UI thread, now and every minute; a refresh asked for while a
load runs is done once more after it, since what changed meanwhile may have missed it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from safedesk.ui.tasks import Task

EVERY_MINUTE_MS = 60_000


class Reloader(QObject):
    """``begin`` starts one load (``tasks.run(...)`` with its own callbacks) and returns it;
    ``may_load`` says whether loading makes sense now (not while the session is locked)."""

    def __init__(
        self,
        parent: QObject,
        begin: Callable[[], Task],
        may_load: Callable[[], bool],
        interval_ms: int = EVERY_MINUTE_MS,
    ) -> None:
        super().__init__(parent)
        self._begin = begin
        self._may_load = may_load
        self.loading = False
        self._again = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)

    def start(self) -> None:
        """Load now, then every interval while the app is open (even minimised)."""
        self.refresh()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._again = False

    def refresh(self) -> None:
        if not self._may_load():
            return
        if self.loading:
            self._again = True
            return
        self.loading = True
        self._begin().on_finished(self._done)

    def _done(self) -> None:
        self.loading = False
        if self._again:
            self._again = False
            self.refresh()
