"""Cycles are collected on the UI thread only, and never while a task's worker runs."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from safedesk.ui import tasks
from safedesk.ui.collector import UiThreadCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[UiThreadCollector]:
    was_enabled = gc.isenabled()
    made = UiThreadCollector(interval_ms=10)
    made.thresholds = (0, 0, 0)  # collect at every check, whatever the counts
    yield made
    made.stop()
    assert gc.isenabled() == was_enabled
    tasks.set_pool(tasks.InlinePool())


def _garbage_cycle() -> weakref.ref[Node]:
    node = Node()
    return weakref.ref(node)


def test_automatic_collection_is_off_and_the_timer_collects_cycles(
    qtbot: QtBot, collector: UiThreadCollector
) -> None:
    assert not gc.isenabled()
    cycle = _garbage_cycle()
    assert cycle() is not None  # refcounting alone never frees a cycle
    qtbot.waitUntil(lambda: cycle() is None, timeout=5_000)


def test_nothing_is_collected_while_a_task_runs_on_a_worker_thread(
    qtbot: QtBot, collector: UiThreadCollector
) -> None:
    tasks.set_pool(QThreadPool.globalInstance())
    release = threading.Event()
    done: list[bool] = []
    tasks.run(release.wait, 10).on_finished(lambda: done.append(True))
    qtbot.waitUntil(tasks.busy)
    cycle = _garbage_cycle()
    qtbot.wait(100)  # ten checks of the timer
    assert collector.collect_if_quiet() == 0
    assert cycle() is not None
    release.set()
    qtbot.waitUntil(lambda: bool(done), timeout=5_000)
    qtbot.waitUntil(lambda: cycle() is None, timeout=5_000)
    QThreadPool.globalInstance().waitForDone(5_000)
