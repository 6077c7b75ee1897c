"""Locking and quitting wait for the work in hand: the store is closed only once every task
using it has finished (on real worker threads, not the inline pool)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safedesk.services import settings
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import tasks
from safedesk.ui.controller import AppController
from safedesk.ui.main_window import MainWindow
from safedesk.ui.signin import SignInWindow
from tests.conftest import HEAD_PASSWORD, SchoolStore


@pytest.fixture
def worker_threads() -> Iterator[QThreadPool]:
    pool = QThreadPool()
    tasks.set_pool(pool)
    yield pool
    pool.waitForDone()
    tasks.set_pool(tasks.InlinePool())


@pytest.fixture
def signed_in(
    qtbot: QtBot, school: SchoolStore, worker_threads: QThreadPool
) -> Iterator[tuple[AppController, Session]]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = AppController(app, school.paths, kdf=FAST_KDF, idle_ms=60_000)
    controller.start()
    window = controller.window
    assert isinstance(window, SignInWindow)
    window.username.setText("head")
    window.password.setText(HEAD_PASSWORD)
    window.submit()
    qtbot.waitUntil(lambda: isinstance(controller.window, MainWindow))
    qtbot.waitUntil(lambda: not tasks.busy())  # what the window loads after sign-in
    assert controller.session is not None
    yield controller, controller.session
    controller.shutdown()
    if controller.window is not None:
        controller.window.close()


@pytest.fixture
def go_on(signed_in: tuple[AppController, Session]) -> Iterator[threading.Event]:
    """Set by the test when the slow work may finish; at the end in any case (before the
    pool is waited for), so a failing test never leaves a worker stuck."""
    event = threading.Event()
    yield event
    event.set()


def slow_read(session: Session, go_on: threading.Event, seen: list[str]) -> None:
    """Work that uses the store after waiting (as a PDF export or a backup does)."""
    seen.append("started")
    go_on.wait()
    seen.append(settings.school_name(session))


def test_a_lock_closes_the_store_only_when_the_work_in_hand_is_done(
    qtbot: QtBot, signed_in: tuple[AppController, Session], go_on: threading.Event
) -> None:
    controller, session = signed_in
    seen: list[str] = []
    done: list[bool] = []
    tasks.run(slow_read, session, go_on, seen).on_finished(lambda: done.append(True))
    qtbot.waitUntil(lambda: seen == ["started"])

    controller.lock(asked=True)
    assert isinstance(controller.window, SignInWindow)  # the records are out of sight at once
    assert controller.session is None
    assert not session.locked  # but the store stays open under the running task
    assert controller._closing == [session]

    go_on.set()
    qtbot.waitUntil(lambda: session.locked)
    assert done and seen[1]  # the task read the school's name from the open store
    assert controller._closing == []


def test_quitting_waits_for_the_work_in_hand(
    qtbot: QtBot, signed_in: tuple[AppController, Session], go_on: threading.Event
) -> None:
    controller, session = signed_in
    seen: list[str] = []
    tasks.run(slow_read, session, go_on, seen)
    qtbot.waitUntil(lambda: seen == ["started"])
    # Let the work finish only once quitting has begun to wait (its "Finishing…" shows).
    QTimer.singleShot(0, go_on.set)
    controller.shutdown()
    assert len(seen) == 2 and seen[1]  # it read the open store to the end
    assert session.locked
