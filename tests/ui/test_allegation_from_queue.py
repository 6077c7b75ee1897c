# mypy: disallow-untyped-calls=False
# (pytest-qt's QtBot methods carry no annotations.)
"""The head's queue says an allegation waits for the LADO (by number, never the person):
Enter on it opens the Allegations page with that allegation chosen, not a case that is not
there."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.services import allegations
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import tasks
from safedesk.ui.item_roles import REF_ROLE
from safedesk.ui.main_window import MainWindow
from tests.conftest import SCHOOL_NAME

WAIT = 60_000


def test_enter_on_the_lado_item_opens_the_allegation(qtbot: QtBot, head_session: Session) -> None:
    yesterday = (head_session.clock.now() - timedelta(days=1)).isoformat()
    about = {"subject_role": "Midday supervisor", "happened_at": yesterday, "raised_by": "A TA"}
    first = allegations.record_allegation(
        head_session, {**about, "subject_name": "Mr Kraglin Obfonteri", "alleged": "Pulled"}
    )
    second = allegations.record_allegation(
        head_session, {**about, "subject_name": "Ms Nebula Luphomoid", "alleged": "Pushed"}
    )
    window = MainWindow(head_session, SCHOOL_NAME, kdf=FAST_KDF)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT)
    queue, page = window.queue_page, window.allegations_page
    assert queue is not None and page is not None
    refs = [str(queue.proxy.index(r, 0).data(REF_ROLE)) for r in range(queue.proxy.rowCount())]
    assert f"ALLEGATION-{second}" in refs and f"ALLEGATION-{first}" in refs
    queue.table.setFocus()
    queue.table.selectRow(refs.index(f"ALLEGATION-{second}"))
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT)
    assert window.pages.currentWidget() is page
    chosen = page.chosen()
    assert chosen is not None and chosen.id == second
    assert "Ms Nebula Luphomoid" in page.view.toPlainText()
    window.stop()
