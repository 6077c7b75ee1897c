"""The search box: searches after a pause in typing, shows escaped rich text, opens on Enter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import casework, records
from safedesk.services.search import search
from safedesk.services.session import Session
from safedesk.store import audit
from safedesk.ui import search_box
from safedesk.ui.search_box import REF_ROLE, RICH_TEXT_ROLE, SearchBox, SearchResultModel
from tests import factories
from tests.factories import PUPIL_B

NOW = datetime.fromisoformat("2026-11-23T10:00").astimezone()


@pytest.fixture
def head(head_session: Session) -> Session:
    factories.add_pupils(head_session)
    head_session.clock = FixedClock(NOW)
    return head_session


def concern(description: str) -> dict[str, object]:
    return factories.concern() | {"occurred_at": "2026-11-23T09:15", "description": description}


def make_box(qtbot: QtBot, session: Session) -> SearchBox:
    box = SearchBox(session)
    qtbot.addWidget(box)
    box.resize(600, 400)
    box.show()
    return box


def searches(session: Session) -> int:
    with session.store.read() as conn:
        return len(audit.events_with_action(conn, "search.performed"))


def test_typing_searches_once_after_a_pause(qtbot: QtBot, head: Session) -> None:
    ref = records.record(head, Kind.CONCERN, concern("Came in without a coat again."))
    box = make_box(qtbot, head)
    qtbot.keyClicks(box.edit, "withou")
    assert box.model.rowCount() == 0 and box.timer.isActive()  # nothing yet: still typing
    qtbot.waitUntil(lambda: box.model.rowCount() == 1)
    assert box.model.index(0, 0).data(REF_ROLE) == ref
    assert box.status.text() == "1 match."
    assert searches(head) == 1  # six key presses, one search

    box.edit.clear()
    assert box.model.rowCount() == 0 and not box.timer.isActive()
    qtbot.keyClicks(box.edit, "zebra")
    qtbot.waitUntil(lambda: box.status.text() == "No records you can see match.")
    assert searches(head) == 2


def test_results_are_rich_text_with_record_text_escaped(qtbot: QtBot, head: Session) -> None:
    records.record(
        head, Kind.CONCERN, concern('Wrote <img src="x"> & <script>alert(1)</script> on it.')
    )
    box = make_box(qtbot, head)
    qtbot.keyClicks(box.edit, "script")
    qtbot.waitUntil(lambda: box.model.rowCount() == 1)
    rich = box.model.index(0, 0).data(RICH_TEXT_ROLE)
    assert "<script>" not in rich and "<img" not in rich
    assert "&lt;<b>script</b>&gt;alert(1)&lt;/<b>script</b>&gt;" in rich
    assert "&lt;img src=&quot;x&quot;&gt; &amp;" in rich
    assert "Shiv O&#x27;Connor-Nguyễn" in rich
    assert "<script>alert(1)</script>" in box.model.index(0, 0).data()  # plain text as written
    assert not box.grab().isNull()  # the delegate paints it


def test_enter_and_double_click_open_a_record(qtbot: QtBot, head: Session) -> None:
    first = records.record(head, Kind.CONCERN, concern("Puddle puddle puddle."))
    second = records.record(head, Kind.CONCERN, concern("A puddle by the gate."))
    box = make_box(qtbot, head)
    qtbot.keyClicks(box.edit, "puddle")
    qtbot.waitUntil(lambda: box.model.rowCount() == 2)
    with qtbot.waitSignal(box.record_opened) as opened:
        qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert opened.args == [first]  # the best match

    qtbot.keyClick(box.edit, Qt.Key.Key_Down)
    assert box.results.hasFocus()
    qtbot.keyClick(box.results, Qt.Key.Key_Down)
    with qtbot.waitSignal(box.record_opened) as opened:
        qtbot.keyClick(box.results, Qt.Key.Key_Return)
    assert opened.args == [second]

    centre = box.results.visualRect(box.model.index(0, 0)).center()
    qtbot.mouseClick(box.results.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    with qtbot.waitSignal(box.record_opened) as opened:
        qtbot.mouseDClick(box.results.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert opened.args == [first]


def test_enter_before_the_pause_searches_at_once_and_opens(qtbot: QtBot, head: Session) -> None:
    ref = records.record(head, Kind.CONCERN, concern("Lost a wellington."))
    box = make_box(qtbot, head)
    qtbot.keyClicks(box.edit, "welling")
    with qtbot.waitSignal(box.record_opened) as opened:
        qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert opened.args == [ref]
    assert searches(head) == 1


def test_stale_results_are_dropped(qtbot: QtBot, head: Session) -> None:
    records.record(head, Kind.CONCERN, concern("Apples at lunch."))
    pears = records.record(head, Kind.CONCERN, concern("Pears at lunch."))
    box = make_box(qtbot, head)
    box.edit.setText("apples")
    box.timer.stop()
    box._search_now()  # started, but its results only arrive on the next event-loop pass
    box.edit.setText("pears")
    qtbot.waitUntil(lambda: searches(head) == 1)  # the search for apples has run ...
    assert box.model.rowCount() == 0  # ... and its results were dropped
    qtbot.waitUntil(lambda: box.model.rowCount() == 1)
    assert box.model.index(0, 0).data(REF_ROLE) == pears
    assert searches(head) == 2


def test_each_user_sees_only_what_they_may_read(
    qtbot: QtBot, head: Session, session_as: Callable[[Role], Session]
) -> None:
    staff = session_as(Role.STAFF)
    staff.clock = FixedClock(NOW)
    theirs = records.record(head, Kind.CONCERN, concern("Scooter accident."))
    police = casework.record_notification(
        head,
        {
            "pupils": [PUPIL_B],
            "received_at": "2026-11-23T07:45",
            "received_from": "Operation Encompass",
            "summary": "Scooter taken by police.",
        },
    )
    mine = records.record(staff, Kind.CONCERN, concern("Scooter left at the gate."))
    head_box, staff_box = make_box(qtbot, head), make_box(qtbot, staff)
    for box in (head_box, staff_box):
        qtbot.keyClicks(box.edit, "scooter")
    qtbot.waitUntil(lambda: staff_box.model.rowCount() == 1 and head_box.model.rowCount() == 3)
    assert staff_box.model.index(0, 0).data(REF_ROLE) == mine
    shown = {
        head_box.model.index(r, 0).data(REF_ROLE): head_box.model.index(r, 0).data(RICH_TEXT_ROLE)
        for r in range(3)
    }
    assert set(shown) == {theirs, police, mine}
    assert "Police notification" in shown[police]


def test_a_refusal_is_shown_in_words(
    qtbot: QtBot, head: Session, session_as: Callable[[Role], Session]
) -> None:
    admin = session_as(Role.ADMIN)
    box = make_box(qtbot, admin)
    qtbot.keyClicks(box.edit, "coat")
    qtbot.waitUntil(lambda: "not allowed to search" in box.status.text())
    assert box.model.rowCount() == 0


def test_the_model_passes_the_model_tester(qtmodeltester, head: Session) -> None:
    records.record(head, Kind.CONCERN, concern("Muddy boots."))
    model = SearchResultModel()
    model.set_hits(search(head, "muddy"))
    assert model.rowCount() == 1
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None
    qtmodeltester.check(model)


def test_kind_labels() -> None:
    assert search_box.kind_label("notification") == "Police notification"
    assert search_box.kind_label("behaviour") == "Behaviour incident"
    assert search_box.kind_label("something-new") == "something-new"
