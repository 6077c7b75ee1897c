# mypy: disallow-untyped-calls=False
# (pytest-qt's QtBot methods carry no annotations.)
"""What a new user found in step 11, checked from the keyboard at 1366x768: the risk form shows
two whole risks and says a row's problem at that row; the behaviour lead's pupil page speaks of
behaviour plans only; the case page opens the record's attachments."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from safedesk.demo.attachments import scanned_note
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.risk_assessment import AssessmentKind
from safedesk.domain.roles import Role
from safedesk.services import attachments, records, risk_assessments
from safedesk.services.session import Session
from safedesk.store import pupils
from safedesk.ui.case_view import CaseView
from safedesk.ui.pupil_view import PupilView
from safedesk.ui.risk_assessment_dialog import RiskAssessmentDialog
from safedesk.ui.risk_page import RiskPage, page_name
from tests import factories
from tests.factories import PUPIL_A
from tests.ui.conftest import activate

NOW = datetime.fromisoformat("2026-11-16T10:00").astimezone()
WAIT = 60_000
SHOTS = os.environ.get("SAFEDESK_TEST_SHOTS", "")


def shot(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.window().grab().save(os.path.join(SHOTS, name))


def pupil_view(qtbot: QtBot, session: Session) -> PupilView:
    session.clock = FixedClock(NOW)
    page = PupilView(session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    with session.store.read() as conn:
        page.show_pupil(pupils.by_upns(conn, [PUPIL_A])[PUPIL_A])
    return page


def whole_in_view(row: QWidget, area: QWidget) -> bool:
    top = row.mapTo(area, QPoint(0, 0)).y()
    return top >= 0 and top + row.height() <= area.height()


@pytest.fixture
def view(qtbot: QtBot, head_session: Session) -> PupilView:
    factories.add_pupils(head_session)
    return pupil_view(qtbot, head_session)


def open_new(view: PupilView, qtbot: QtBot) -> RiskAssessmentDialog:
    view.risks.new_button.setFocus()
    qtbot.keyClick(view.risks.new_button, Qt.Key.Key_Space)
    dialog = view.risks.dialog
    assert isinstance(dialog, RiskAssessmentDialog)
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.rows[0].risk.hasFocus(), timeout=WAIT)
    return dialog


def test_the_risk_box_shows_two_whole_risks_and_scrolls_beyond(
    view: PupilView, qtbot: QtBot
) -> None:
    dialog = open_new(view, qtbot)
    dialog.add_button.setFocus()
    qtbot.keyClick(dialog.add_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(dialog.rows) == 2 and dialog.rows[1].risk.hasFocus(), timeout=WAIT)
    viewport = dialog.risk_area.viewport()
    qtbot.waitUntil(lambda: whole_in_view(dialog.rows[1], viewport), timeout=WAIT)
    assert whole_in_view(dialog.rows[0], viewport)
    assert dialog.frameGeometry().height() <= 768
    shot(dialog, "two-risks.png")
    for _ in range(3):
        qtbot.keyClick(dialog.add_button, Qt.Key.Key_Space)
    assert len(dialog.rows) == 5
    bar = dialog.risk_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT)  # the rest scroll
    assert dialog.frameGeometry().height() <= 768
    shown = sum(whole_in_view(row, viewport) for row in dialog.rows)
    assert shown >= 2
    shot(dialog, "five-risks.png")
    # Every row wrong: each says so under it, and the form still fits the screen.
    dialog.submit()
    assert all(row.error.isVisible() for row in dialog.rows)
    assert dialog.frameGeometry().height() <= 768
    shot(dialog, "five-risks-wrong.png")


def test_a_rows_problem_is_said_at_that_row(view: PupilView, qtbot: QtBot) -> None:
    dialog = open_new(view, qtbot)
    qtbot.keyClicks(dialog.rows[0].risk, "Leaves school alone")
    qtbot.keyClick(dialog.rows[0].risk, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.rows[0].measures, "Collected by a named adult")
    qtbot.keyClick(dialog.add_button, Qt.Key.Key_Space)
    qtbot.keyClicks(dialog.rows[1].risk, "Contact with older friends online")
    qtbot.keyClick(dialog.rows[1].risk, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert dialog.rows[0].error.text() == "Risk 1: say who does it."
    assert dialog.rows[1].error.text() == "Risk 2: say what reduces it and who does it."
    assert dialog.rows[0].error.isVisible() and dialog.rows[1].error.isVisible()
    assert not dialog.risks_error.isVisible()  # nothing beside "Add a risk"
    # The row's words sit under that row, not by the button below the box.
    assert dialog.rows[0].error.parentWidget() is dialog.rows[0]
    assert dialog.rows[0].owner.hasFocus()
    shot(dialog, "row-errors.png")
    qtbot.keyClicks(dialog.rows[0].owner, "Office")
    assert dialog.rows[0].error.text() == ""
    assert not dialog.rows[0].error.isVisible()


def test_the_behaviour_lead_reads_of_behaviour_plans_only(
    qtbot: QtBot, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    head_session.clock = FixedClock(NOW)
    # The pupil has a safeguarding risk assessment the behaviour lead cannot see.
    risk_assessments.make_assessment(
        head_session,
        PUPIL_A,
        {
            "risks": [{"risk": "Leaves alone", "measures": "Collected", "owner": "Office"}],
            "consulted": "Mother",
            "review_on": "01/02/2027",
        },
        AssessmentKind.SAFEGUARDING,
    )
    lead = session_as(Role.BEHAVIOUR_LEAD)
    view = pupil_view(qtbot, lead)
    assert view.risks.heading.text() == "Behaviour plans (none yet)"
    assert view.risks.new_button.text() == "New behaviour pl&an…"
    shown = [view.risks.heading.text(), view.risks.new_button.text()]
    assert not any("risk" in text.lower() for text in shown)
    shot(view, "bl-pupil.png")
    dialog = open_new(view, qtbot)
    assert dialog.windowTitle() == "safedesk — New behaviour plan: Shiv O'Connor-Nguyễn"
    dialog.reject()
    page = RiskPage(lead)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitUntil(lambda: page.count.text() != "Loading…", timeout=WAIT)
    texts = [label.text() for label in page.findChildren(QLabel)]
    assert "Pupils who may need a behaviour plan" in texts
    assert page.count.text() == "Every pupil who may need a behaviour plan has a current one."
    assert not any("risk assessment" in text for text in texts)
    assert page_name(lead) == "Behaviour plans"
    shot(page, "bl-page.png")
    # The DSL's words are as they were.
    assert page_name(head_session) == "Risk assessments"
    head_view = pupil_view(qtbot, head_session)
    assert head_view.risks.heading.text() == "Risk assessments (1)"
    assert head_view.risks.new_button.text() == "New risk &assessment…"


def test_the_case_page_opens_the_concerns_attachments(
    qtbot: QtBot, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    staff = session_as(Role.STAFF)
    ref = records.record(staff, Kind.CONCERN, factories.concern() | {"pupils": [PUPIL_A]})
    dsl = session_as(Role.DSL)
    attachments.attach(dsl, ref, data=scanned_note(), file_name="n.png", description="Note")
    view = CaseView(dsl, {})
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    qtbot.waitExposed(view)
    view.show_case(ref)
    assert view.attachments_button.isVisible()
    assert view.attachments_button.text() == "Attac&hments (1)…"
    activate(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # Attac&hments
    # (a mnemonic clicks its button a moment later, as a press would)
    qtbot.waitUntil(
        lambda: view.attachments is not None and view.attachments.isVisible(), timeout=WAIT
    )
    dialog = view.attachments
    assert dialog is not None
    assert dialog.windowTitle() == f"safedesk — Attachments of {ref}"
    assert dialog.panel.model.rowCount() == 1
    shot(view, "case.png")
    dialog.close()
