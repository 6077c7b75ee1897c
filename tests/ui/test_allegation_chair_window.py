# mypy: disallow-untyped-calls=False
# (pytest-qt's QtBot methods carry no annotations.)
"""The chair of governors' window: a governor reads no pupil's records, so an account whose
only role is chair of governors sees the Allegations page first, and only the pages whose work
the services let it do (its own training and the school's policies to read); nothing it is
shown refuses it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safedesk.domain.roles import Role
from safedesk.services.session import Session
from safedesk.store import audit
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import tasks
from safedesk.ui.main_window import MainWindow
from tests.conftest import SCHOOL_NAME

WAIT = 60_000


def refusals(session: Session) -> int:
    with session.store.read() as conn:
        return len(audit.events_with_action(conn, "permission.refused"))


def test_the_chair_sees_the_allegations_page_first_and_nothing_that_refuses_them(
    qtbot: QtBot, session_as: Callable[[Role], Session]
) -> None:
    chair = session_as(Role.CHAIR_OF_GOVERNORS)
    before = refusals(chair)
    window = MainWindow(chair, SCHOOL_NAME, kdf=FAST_KDF)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT)
    assert window.page_names == ["Allegations", "Policies", "Training"]
    assert window.pages.currentWidget() is window.allegations_page
    assert window.allegations_page is not None and window.allegations_page.about_head
    # Its list has the keyboard, not the header's first button.
    focused = QApplication.focusWidget()
    assert focused is window.allegations_page.table
    for name in window.page_names:
        window.show_page(name)
        qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT)
    assert refusals(chair) == before
    for absent in ("Queue", "Record", "Pupils", "Search", "Reports", "Retention", "Admin"):
        assert absent not in window.page_names
    window.stop()
