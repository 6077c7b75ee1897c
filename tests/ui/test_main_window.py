"""Signed in: the pupil list, search, the idle lock, and the one-instance rule."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safedesk import app as safedesk_app
from safedesk.services.session import Session
from safedesk.store.instance_lock import InstanceLock
from safedesk.ui import tasks
from safedesk.ui.controller import AppController
from safedesk.ui.main_window import MainWindow
from safedesk.ui.pupil_model import PupilTableModel
from safedesk.ui.signin import SignInWindow
from tests.conftest import HEAD_PASSWORD, SchoolStore
from tests.ui.conftest import add_roll


def _sign_in(qtbot: QtBot, controller: AppController, password: str = HEAD_PASSWORD) -> None:
    window = controller.window
    assert isinstance(window, SignInWindow)
    qtbot.keyClicks(window.username, "head")
    qtbot.keyClicks(window.password, password)
    qtbot.keyClick(window.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(controller.window, MainWindow))


@pytest.fixture
def controller(qtbot: QtBot, school: SchoolStore, head_session: Session):
    add_roll(head_session)
    head_session.lock()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    made = AppController(app, school.paths, idle_ms=60_000)
    made.start()
    yield made
    made.shutdown()
    if made.window is not None:
        made.window.close()


def test_sign_in_shows_the_pupil_list(qtbot: QtBot, controller: AppController) -> None:
    _sign_in(qtbot, controller)
    window = controller.window
    assert isinstance(window, MainWindow)
    page = window.pupils_page
    assert page is not None
    qtbot.waitUntil(lambda: page.model.rowCount() == 4)
    assert page.proxy.data(page.proxy.index(0, 0)) == "De la Cruz, Mateo"
    assert page.count.text() == "4 pupils"
    assert window.page_names == [
        "Queue",
        "Behaviour",
        "Record",
        "My records",
        "Pupils",
        "Search",
        "Risk assessments",
        "Policies",
        "Training",
        "Allegations",
        "Reports",
        "Retention",
        "Admin",
    ]


def test_search_filters_as_you_type(qtbot: QtBot, controller: AppController) -> None:
    _sign_in(qtbot, controller)
    window = controller.window
    assert isinstance(window, MainWindow) and window.pupils_page is not None
    page = window.pupils_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 4)
    qtbot.keyClicks(page.search, "oconnor")
    assert page.proxy.rowCount() == 1
    assert page.proxy.data(page.proxy.index(0, 0)) == "O'Connor-Nguyễn, Shiv"
    page.search.clear()
    qtbot.keyClicks(page.search, "zoe")
    assert page.proxy.rowCount() == 1
    assert page.count.text() == "1 of 4 pupils match"


def test_idle_lock_returns_to_sign_in_and_closes_the_store(
    qtbot: QtBot, controller: AppController
) -> None:
    controller.idle_ms = 100
    sign_in = controller.window
    assert isinstance(sign_in, SignInWindow)
    qtbot.keyClicks(sign_in.username, "head")
    qtbot.keyClicks(sign_in.password, HEAD_PASSWORD)
    # The lock may come before a poll would see the main window: catch the session instead.
    with qtbot.waitSignal(sign_in.signed_in) as signed:
        qtbot.keyClick(sign_in.password, Qt.Key.Key_Return)
    session = signed.args[0]
    qtbot.waitUntil(lambda: controller.window not in (sign_in, None), timeout=3000)
    qtbot.waitUntil(lambda: isinstance(controller.window, SignInWindow), timeout=3000)
    qtbot.waitUntil(lambda: session.locked)
    assert bytes(session.store._key) == bytes(32)
    window = controller.window
    assert isinstance(window, SignInWindow)
    assert window.username.text() == "head"
    assert "locked itself" in window.notice.text()


def test_lock_button(qtbot: QtBot, controller: AppController) -> None:
    _sign_in(qtbot, controller)
    window = controller.window
    assert isinstance(window, MainWindow)
    qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
    assert isinstance(controller.window, SignInWindow)
    assert controller.session is None


def test_a_lock_hides_the_records_at_once_and_closes_the_store_after_the_work_in_hand(
    qtbot: QtBot, controller: AppController
) -> None:
    _sign_in(qtbot, controller)
    session = controller.session
    assert session is not None
    qtbot.waitUntil(lambda: not tasks.busy())
    finished: list[bool] = []
    tasks.run(lambda: finished.append(session.locked))  # work still to run at the lock
    controller.lock()
    assert isinstance(controller.window, SignInWindow)  # out of sight at once
    assert not session.locked
    qtbot.waitUntil(lambda: session.locked)
    assert finished == [False]  # the work ran with its store open


def test_pupil_model_passes_the_model_tester(qtmodeltester, head_session: Session) -> None:
    from safedesk.services import pupils

    add_roll(head_session)
    model = PupilTableModel()
    model.set_pupils(pupils.list_pupils(head_session))
    qtmodeltester.check(model)


def test_second_instance_is_refused(
    school: SchoolStore, no_modal_dialogs: list[tuple[str, str]]
) -> None:
    with InstanceLock(school.paths.lock):
        code = safedesk_app.main(["--data-dir", str(school.paths.root)])
    assert code == 4
    [(title, text)] = no_modal_dialogs
    assert title == "safedesk is already open"
    assert str(school.paths.root) in text
