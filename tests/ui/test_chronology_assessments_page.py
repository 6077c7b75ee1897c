"""The chronology page lists a pupil's risk assessments, each version on its day, and shows
one in full when it is chosen by keyboard (for a DSL: both kinds; a behaviour lead: plans)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.roles import Role
from safedesk.services.session import Session
from safedesk.store import pupils
from safedesk.ui.chronology_page import ChronologyPage
from tests.factories import PUPIL_A
from tests.unit.services.test_chronology_assessments import dsl as dsl


def _page(qtbot: QtBot, session: Session) -> ChronologyPage:
    view = ChronologyPage(session)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    with session.store.read() as conn:
        view.show_pupil(pupils.by_upns(conn, [PUPIL_A])[PUPIL_A])
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=60000)
    return view


def _whats(view: ChronologyPage) -> list[str]:
    return [str(view.model.index(r, 1).data()) for r in range(view.model.rowCount())]


def test_the_dsl_sees_each_version_and_reads_one_in_full(qtbot: QtBot, dsl: Session) -> None:
    view = _page(qtbot, dsl)
    assert _whats(view) == [
        "Behaviour incident",
        "Safeguarding risk assessment",
        "Behaviour plan",
        "Safeguarding risk assessment",
    ]
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))
    for _ in range(3):  # down to the newest version
        qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: "Risk 3" in view.detail.toPlainText(), timeout=60000)
    shown = view.detail.toPlainText()
    assert "RA-2026-0001" in shown
    assert "2 (replaces version 1)" in shown
    assert "another pupil (A)" in shown and "Wiśniewska" not in shown


def test_the_behaviour_lead_sees_the_plan_only(
    qtbot: QtBot, dsl: Session, session_as: Callable[[Role], Session]
) -> None:
    view = _page(qtbot, session_as(Role.BEHAVIOUR_LEAD))
    assert _whats(view) == ["Behaviour incident", "Behaviour plan"]


def test_they_have_their_own_filter_reached_with_the_keyboard(qtbot: QtBot, dsl: Session) -> None:
    from safedesk.domain.chronology import ItemGroup
    from tests.ui.conftest import activate

    view = _page(qtbot, dsl)
    activate(qtbot, view)
    boxes = view.group_boxes
    assert boxes[ItemGroup.RISK_ASSESSMENT].text() == "Risk assessments"
    # Tab goes along the first row (three kinds, then the dates), then the second.
    boxes[ItemGroup.INTERVENTION].setFocus()
    qtbot.keyClick(boxes[ItemGroup.INTERVENTION], Qt.Key.Key_Tab)
    assert view.use_dates.hasFocus()
    boxes[ItemGroup.CASEWORK].setFocus()
    qtbot.keyClick(boxes[ItemGroup.CASEWORK], Qt.Key.Key_Tab)
    assert boxes[ItemGroup.RISK_ASSESSMENT].hasFocus()
    qtbot.keyClick(boxes[ItemGroup.RISK_ASSESSMENT], Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _whats(view) == ["Behaviour incident"], timeout=60000)
    qtbot.keyClick(boxes[ItemGroup.RISK_ASSESSMENT], Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(_whats(view)) == 4, timeout=60000)
