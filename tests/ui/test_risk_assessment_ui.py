# mypy: disallow-untyped-calls=False
# (pytest-qt's QtBot methods carry no annotations.)
"""Risk assessments on the pupil page, from the keyboard at 1366x768: a new one typed row by
row (Tab through every field in order, and back), problems named by their labels, a new
version starting from the last one's content (the review date typed afresh), every version
to read; and the page of pupils who need one, each opening the pupil."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from safedesk.domain.clock import FixedClock
from safedesk.domain.people import Pupil
from safedesk.domain.pupil_status import StatusKind
from safedesk.domain.risk_assessment import AssessmentKind
from safedesk.domain.roles import Role
from safedesk.services import pupil_status, risk_assessments
from safedesk.services.session import Session
from safedesk.store import pupils
from safedesk.ui.item_roles import OBJECT_ROLE
from safedesk.ui.pupil_view import PupilView
from safedesk.ui.risk_assessment_dialog import RiskAssessmentDialog
from safedesk.ui.risk_assessments_panel import HistoryDialog
from safedesk.ui.risk_page import RiskPage
from tests import factories
from tests.factories import PUPIL_A, PUPIL_B

NOW = datetime.fromisoformat("2026-11-16T10:00").astimezone()
WAIT = 60_000


def pupil(session: Session, upn: str = PUPIL_A) -> Pupil:
    with session.store.read() as conn:
        return pupils.by_upns(conn, [upn])[upn]


def make_view(qtbot: QtBot, session: Session) -> PupilView:
    session.clock = FixedClock(NOW)
    page = PupilView(session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.show_pupil(pupil(session))
    return page


@pytest.fixture
def view(qtbot: QtBot, head_session: Session) -> PupilView:
    factories.add_pupils(head_session)
    return make_view(qtbot, head_session)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def open_new(view: PupilView, qtbot: QtBot) -> RiskAssessmentDialog:
    view.risks.new_button.setFocus()
    qtbot.keyClick(view.risks.new_button, Qt.Key.Key_Space)
    dialog = view.risks.dialog
    assert isinstance(dialog, RiskAssessmentDialog) and dialog.isVisible()
    dialog.resize(1000, 640)
    qtbot.waitUntil(lambda: dialog.rows[0].risk.hasFocus(), timeout=WAIT)
    return dialog


def tab(qtbot: QtBot, backwards: bool = False) -> QWidget | None:
    widget = focused()
    assert widget is not None
    if backwards:
        qtbot.keyClick(widget, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    else:
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return focused()


def type_row(qtbot: QtBot, dialog: RiskAssessmentDialog, number: int, texts: list[str]) -> None:
    row = dialog.rows[number - 1]
    assert row.risk.hasFocus()
    qtbot.keyClicks(row.risk, texts[0])
    assert tab(qtbot) is row.measures
    qtbot.keyClicks(row.measures, texts[1])
    assert tab(qtbot) is row.owner
    qtbot.keyClicks(row.owner, texts[2])
    assert tab(qtbot) is row.remove


def test_a_new_assessment_typed_from_the_keyboard(
    view: PupilView, qtbot: QtBot, tmp_path: Path, qtmodeltester: Any
) -> None:
    assert view.risks.isVisible()
    assert view.risks.heading.text() == "Risk assessments (none yet)"
    assert not view.risks.version_button.isEnabled()
    dialog = open_new(view, qtbot)
    assert [dialog.kind.itemData(i) for i in range(dialog.kind.count())] == [
        AssessmentKind.SAFEGUARDING,
        AssessmentKind.BEHAVIOUR_PLAN,
    ]
    assert dialog.review.text() == "" and dialog.consulted.toPlainText() == ""
    type_row(qtbot, dialog, 1, ["Runs from the gate at home time", "Adult at the gate", "TA"])
    assert tab(qtbot) is dialog.add_button
    qtbot.keyClick(dialog.add_button, Qt.Key.Key_Space)  # a second row, and focus in it
    assert len(dialog.rows) == 2
    type_row(qtbot, dialog, 2, ["Contact with father", "Office checks the list", "Office"])
    assert tab(qtbot) is dialog.add_button
    assert tab(qtbot) is dialog.consulted
    qtbot.keyClicks(dialog.consulted, "Mother, the pupil, the social worker")
    assert tab(qtbot) is dialog.review
    qtbot.keyClicks(dialog.review, "01/02/2027")
    assert tab(qtbot) is dialog.action_button
    assert tab(qtbot) is dialog.cancel_button
    # And back up through every field: no keyboard trap in the rows.
    for expected in (
        dialog.action_button,
        dialog.review,
        dialog.consulted,
        dialog.add_button,
        dialog.rows[1].remove,
        dialog.rows[1].owner,
        dialog.rows[1].measures,
        dialog.rows[1].risk,
        dialog.rows[0].remove,
    ):
        assert tab(qtbot, backwards=True) is expected
    dialog.grab().save(str(tmp_path / "risk-dialog.png"))
    dialog.review.setFocus()
    with qtbot.waitSignal(view.risk_saved, timeout=WAIT):
        qtbot.keyClick(dialog.review, Qt.Key.Key_Return)  # the default button: Save
    assert not dialog.isVisible()
    [history] = risk_assessments.pupil_assessments(view.session, PUPIL_A)
    saved = history.current
    assert (saved.reference, saved.kind) == ("RA-2026-0001 version 1", AssessmentKind.SAFEGUARDING)
    assert [r.owner for r in saved.content.risks] == ["TA", "Office"]
    assert saved.content.review_on == date(2027, 2, 1)
    model = view.risks.model
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert [model.index(0, c).data() for c in range(4)] == [
        "Safeguarding risk assessment",
        "RA-2026-0001",
        "1",
        "Review by 01/02/2027",
    ]
    assert view.risks.version_button.isEnabled()
    assert view.risks.new_button.isEnabled()  # a behaviour plan can still be added
    view.grab().save(str(tmp_path / "risk-pupil-page.png"))


def test_problems_are_named_by_their_labels_and_a_row_can_go(view: PupilView, qtbot: QtBot) -> None:
    dialog = open_new(view, qtbot)
    qtbot.keyClicks(dialog.rows[0].risk, "Climbs the fence")
    qtbot.keyClick(dialog.rows[0].risk, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert dialog.rows[0].error.text() == "Risk 1: say what reduces it and who does it."
    assert not dialog.risks_error.isVisible()
    assert dialog.errors["consulted"].text() == "Who was consulted: is required."
    assert dialog.errors["review_on"].text() == "Review date: is required."
    assert dialog.rows[0].measures.hasFocus()  # the first field to put right
    qtbot.keyClicks(dialog.review, "16/11/2026")
    assert dialog.errors["review_on"].text() == "Review date: must be after today (16/11/2026)."
    dialog.rows[0].remove.setFocus()
    qtbot.keyClick(dialog.rows[0].remove, Qt.Key.Key_Space)
    assert dialog.rows == []
    assert dialog.add_button.hasFocus()
    assert dialog.risks_error.text() == "Risks: at least one risk is required."
    assert risk_assessments.pupil_assessments(view.session, PUPIL_A) == []


def test_a_new_version_starts_from_the_last_and_every_version_is_shown(
    view: PupilView, qtbot: QtBot, tmp_path: Path
) -> None:
    session = view.session
    first = {
        "risks": [
            {"risk": "Hides <b>under</b> tables", "measures": "Quiet tent", "owner": "Teacher"},
            {"risk": "Bites when held", "measures": "No holds", "owner": "All staff"},
        ],
        "consulted": "Mother and the pupil",
        "review_on": "2026-11-20",
    }
    risk_assessments.make_assessment(session, PUPIL_A, first)
    view.show_pupil(pupil(session))
    assert view.risks.model.index(0, 3).data() == "Review by 20/11/2026"
    session.clock = FixedClock(datetime.fromisoformat("2026-11-23T10:00").astimezone())
    view.show_pupil(pupil(session))
    assert view.risks.model.index(0, 3).data() == "Review overdue since 20/11/2026"
    assert "review overdue: RA-2026-0001" in view.risks.heading.text()
    view.risks.version_button.setFocus()
    qtbot.keyClick(view.risks.version_button, Qt.Key.Key_Space)
    dialog = view.risks.dialog
    assert isinstance(dialog, RiskAssessmentDialog)
    qtbot.waitUntil(lambda: dialog.rows[0].risk.hasFocus(), timeout=WAIT)
    assert not dialog.kind.isEnabled()
    assert [r.value()["risk"] for r in dialog.rows] == [
        "Hides <b>under</b> tables",
        "Bites when held",
    ]
    assert dialog.consulted.toPlainText() == "Mother and the pupil"
    assert dialog.review.text() == ""  # typed afresh, never filled in
    dialog.rows[1].remove.setFocus()
    qtbot.keyClick(dialog.rows[1].remove, Qt.Key.Key_Space)
    assert dialog.rows[0].risk.hasFocus()  # the row before the one removed
    dialog.review.setFocus()
    qtbot.keyClicks(dialog.review, "23/02/2027")
    with qtbot.waitSignal(view.risk_saved, timeout=WAIT):
        qtbot.keyClick(dialog.review, Qt.Key.Key_Return)
    assert view.risks.model.index(0, 2).data() == "2"
    view.risks.view_button.setFocus()
    qtbot.keyClick(view.risks.view_button, Qt.Key.Key_Space)
    shown = view.risks.dialog
    assert isinstance(shown, HistoryDialog)
    text = shown.text.toPlainText()
    assert "RA-2026-0001 version 2" in text and "RA-2026-0001 version 1" in text
    assert text.index("version 2") < text.index("version 1")
    assert text.count("Bites when held") == 1  # only in version 1, kept as it was
    assert "Hides <b>under</b> tables" in text  # record text shown as typed, never markup
    shown.grab().save(str(tmp_path / "risk-history.png"))


def test_the_behaviour_lead_keeps_behaviour_plans_only(
    qtbot: QtBot, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    lead = session_as(Role.BEHAVIOUR_LEAD)
    view = make_view(qtbot, lead)
    dialog = open_new(view, qtbot)
    assert [dialog.kind.itemData(i) for i in range(dialog.kind.count())] == [
        AssessmentKind.BEHAVIOUR_PLAN
    ]
    assert not dialog.kind.isEnabled()
    dialog.reject()
    staff = session_as(Role.STAFF)
    page = PupilView(staff)
    qtbot.addWidget(page)
    assert not page.risks.isVisibleTo(page)


def test_the_page_of_pupils_who_need_one_opens_the_pupil(
    qtbot: QtBot, head_session: Session, qtmodeltester: Any, tmp_path: Path
) -> None:
    factories.add_pupils(head_session)
    head_session.clock = FixedClock(NOW)
    pupil_status.start_status(head_session, PUPIL_B, StatusKind.LOOKED_AFTER, "2026-11-02")
    page = RiskPage(head_session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT)
    qtmodeltester.check(page.model)
    assert [page.model.index(0, c).data() for c in range(4)] == [
        "Zoë Wiśniewska",
        "Looked after",
        "02/11/2026",
        "never assessed",
    ]
    assert page.count.text() == "1 pupil without a current risk assessment."
    page.table.setFocus()
    with qtbot.waitSignal(page.pupil_opened, timeout=WAIT) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [PUPIL_B]
    page.grab().save(str(tmp_path / "risk-page.png"))


def test_the_queues_risk_items_open_the_pupil(qtbot: QtBot, head_session: Session) -> None:
    from safedesk.domain.queue import ItemKind
    from safedesk.ui.queue_alerts import QueueNotifier
    from safedesk.ui.queue_page import QueuePage

    factories.add_pupils(head_session)
    head_session.clock = FixedClock(NOW)
    pupil_status.start_status(head_session, PUPIL_B, StatusKind.CHILD_IN_NEED, "2026-11-02")
    risk_assessments.make_assessment(
        head_session,
        PUPIL_A,
        {
            "risks": [{"risk": "Runs off", "measures": "Gate shut", "owner": "TA"}],
            "consulted": "Mother",
            "review_on": "2026-11-20",
        },
    )
    page = QueuePage(head_session, QueueNotifier(watch_escalation=False))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=WAIT)
    opened: dict[ItemKind, str] = {}
    for row in range(page.proxy.rowCount()):
        index = page.proxy.index(row, 0)
        item = index.data(OBJECT_ROLE)
        page.table.setCurrentIndex(index)
        page.table.setFocus()
        with qtbot.waitSignal(page.pupil_opened, timeout=WAIT) as signal:
            qtbot.keyClick(page.table, Qt.Key.Key_Return)
        opened[item.kind] = signal.args[0]
    assert opened == {ItemKind.RISK_REVIEW: PUPIL_A, ItemKind.RISK_MISSING: PUPIL_B}
