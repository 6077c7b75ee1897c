"""The time-to-action figures panel computes per urgency for the chosen range."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.services import casework, records
from safedesk.services.session import Session
from safedesk.ui.figures_panel import FiguresPanel, span_words
from tests import factories


def test_figures_for_a_range(qtbot: QtBot, head_session: Session) -> None:
    factories.add_pupils(head_session)
    start = datetime.fromisoformat("2026-11-23T09:00").astimezone()
    head_session.clock = FixedClock(start)
    payload = factories.concern() | {"occurred_at": "2026-11-23T08:30", "urgency": "urgent"}
    ref = records.record(head_session, Kind.CONCERN, payload)
    head_session.clock = FixedClock(start + timedelta(minutes=90))
    casework.act(head_session, ref, {"type": "acknowledge"})

    panel = FiguresPanel(head_session)
    qtbot.addWidget(panel)
    panel.first_day.setDate(QDate(2026, 11, 1))
    panel.last_day.setDate(QDate(2026, 11, 30))
    qtbot.mouseClick(panel.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3)
    cells = [panel.table.item(1, c).text() for c in range(panel.table.columnCount())]
    assert cells == ["Urgent", "1", "100% (1 of 1)", "1 h 30 min", "—", "0"]
    assert panel.status.text() == "1 concern recorded in these dates."

    panel.first_day.setDate(QDate(2026, 12, 1))
    qtbot.mouseClick(panel.show_button, Qt.MouseButton.LeftButton)
    assert panel.status.text() == "To is before From: choose a last day on or after the first."


def test_span_words() -> None:
    assert span_words(None) == "—"
    assert span_words(timedelta(minutes=7)) == "7 min"
    assert span_words(timedelta(hours=26, minutes=5)) == "1 d 2 h"
