"""Python's cycle collector, run only on the UI thread and only while no task is running.

Left to itself, the collector runs in whichever thread happens to allocate, whenever a count
is reached: on a worker thread rendering a PDF it could destroy Qt objects that belong to the
UI thread, and on the UI thread it could destroy wrappers while a worker is still inside Qt
code that uses them. Both have crashed safedesk under load (a segfault "Garbage-collecting"
while a chronology PDF was being rendered on a worker thread). So automatic collection is
switched off, and a timer on the UI thread collects, generation by generation as the counts
say, whenever no task started by ``ui.tasks`` is running. Reference counting still frees
almost everything at once; only cycles wait for the next quiet moment.

Calibre's GUI does the same for the same reason (a collector on a timer in the GUI thread).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from PySide6.QtCore import QObject, QTimer

from safedesk.ui import tasks

CHECK_EVERY_MS = 1000


class UiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect_if_quiet)
        self.timer.start()

    def collect_if_quiet(self) -> int:
        """Collect the generations whose counts are past their thresholds, unless a task is
        running; returns how many objects were found unreachable."""
        if tasks.busy():
            return 0
        counts = gc.get_count()
        found = 0
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                found += gc.collect(generation)
                break
        return found

    def stop(self) -> None:
        self.timer.stop()
        if self._was_enabled:
            gc.enable()


@contextlib.contextmanager
def no_collection_while_tasks_run() -> Iterator[None]:
    """For code (tests) that runs real worker threads outside the app's collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
