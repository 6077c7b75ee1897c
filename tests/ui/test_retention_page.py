"""The headteacher's Retention page: the list of records past their date, a hold, a disposal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.services import records
from safedesk.services.session import Session
from safedesk.ui import msgbox, tasks
from safedesk.ui.retention_page import RetentionModel, RetentionPage
from tests import factories

AFTER_DUE = datetime(2043, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def page(qtbot: QtBot, head_session: Session) -> RetentionPage:
    factories.add_pupils(head_session)
    records.record(head_session, Kind.CONCERN, factories.concern())
    records.record(head_session, Kind.BEHAVIOUR, factories.behaviour())
    factories.take_in_all(head_session)
    head_session.clock = FixedClock(AFTER_DUE)
    made = RetentionPage(head_session)
    qtbot.addWidget(made)
    made.show()
    made.load()
    qtbot.waitUntil(lambda: made.model.rowCount() == 2)
    return made


def _choose(page: RetentionPage, ref_prefix: str) -> str:
    for row in range(page.model.rowCount()):
        ref = page.model.index(row, RetentionModel.REF).data()
        if ref.startswith(ref_prefix):
            page.table.selectRow(row)
            return str(ref)
    raise AssertionError(f"no {ref_prefix} record listed")


def test_the_list_passes_the_model_tester(page: RetentionPage, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 2
    assert "2 records past the retention date." in page.status.text()
    assert "Safeguarding concern: kept until the pupil's date of birth + 25 years" in (
        page.rules.text()
    )


def test_a_hold_then_a_disposal(qtbot: QtBot, page: RetentionPage) -> None:
    held = _choose(page, "C-")
    qtbot.keyClicks(page.reason, "Inquiry asked us to keep it")
    qtbot.mouseClick(page.hold_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f"{held} is on hold." in page.status.text())
    _choose(page, "C-")
    qtbot.keyClicks(page.reason, "Tidying up")
    qtbot.mouseClick(page.dispose_button, Qt.MouseButton.LeftButton)
    assert f"{held} is on hold: it cannot be disposed of." == page.status.text()

    gone = _choose(page, "B-")
    qtbot.mouseClick(page.dispose_button, Qt.MouseButton.LeftButton)  # reason still typed
    qtbot.waitUntil(lambda: f"{gone} was disposed of." in page.status.text())
    assert page.model.rowCount() == 1


def test_nothing_is_disposed_of_without_a_yes(
    qtbot: QtBot, page: RetentionPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(msgbox, "confirm", lambda *_a: False)
    _choose(page, "B-")
    qtbot.keyClicks(page.reason, "Past its date")
    qtbot.mouseClick(page.dispose_button, Qt.MouseButton.LeftButton)
    assert not tasks.busy()  # no disposal was started
    assert page.model.rowCount() == 2 and page.dispose_button.isEnabled()


def test_a_reason_is_asked_for(qtbot: QtBot, page: RetentionPage) -> None:
    _choose(page, "B-")
    qtbot.mouseClick(page.dispose_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "Say why in Reason first."
    assert page.model.rowCount() == 2
