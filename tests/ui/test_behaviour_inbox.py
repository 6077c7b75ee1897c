"""The behaviour lead's inbox on screen and the head's review from the queue, driven by the
keyboard: most serious first, amber and red with a frozen clock, the review form's inline
errors, and a reviewed record leaving both lists."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.domain.time_to_action import Timeliness
from safedesk.services import behaviour_review
from safedesk.services.session import Session
from safedesk.ui.behaviour_inbox_page import (
    FILLS,
    REF,
    STATUS,
    BehaviourInboxPage,
    InboxFilter,
    InboxModel,
)
from safedesk.ui.item_roles import OBJECT_ROLE
from safedesk.ui.main_window import MainWindow
from safedesk.ui.review_dialog import ReviewDialog
from tests import factories
from tests.conftest import SCHOOL_NAME
from tests.unit.services.test_behaviour_review import record_at

MONDAY_15 = datetime.fromisoformat("2026-11-23T15:00").astimezone()


@pytest.fixture
def teacher(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    return session_as(Role.STAFF)


@pytest.fixture
def lead(teacher: Session, session_as: Callable[[Role], Session]) -> Session:
    return session_as(Role.BEHAVIOUR_LEAD)


def three_records(teacher: Session) -> dict[str, str]:
    """An overdue intervention (Friday), a high incident due soon, a medium one on time."""
    return {
        "intervention": record_at(teacher, Kind.INTERVENTION, "2026-11-20T14:00"),
        "medium": record_at(teacher, Kind.BEHAVIOUR, "2026-11-23T09:00"),
        "high": record_at(teacher, Kind.BEHAVIOUR, "2026-11-20T16:00", severity="high"),
    }


def lead_window(qtbot: QtBot, lead: Session) -> MainWindow:
    lead.clock = FixedClock(MONDAY_15)
    window = MainWindow(lead, SCHOOL_NAME)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def rows(page: BehaviourInboxPage) -> list[tuple[str, str]]:
    proxy = page.proxy
    return [
        (str(proxy.index(r, REF).data()), str(proxy.index(r, STATUS).data()))
        for r in range(proxy.rowCount())
    ]


def open_dialog(qtbot: QtBot, page: BehaviourInboxPage) -> ReviewDialog:
    qtbot.waitUntil(lambda: page.dialog is not None)
    dialog = page.dialog
    assert isinstance(dialog, ReviewDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_the_model_passes_the_model_tester(
    qtmodeltester: ModelTester, teacher: Session, lead: Session
) -> None:
    three_records(teacher)
    model = InboxModel()
    model.set_inbox(behaviour_review.load_inbox(lead, MONDAY_15, include_reviewed=True))
    assert model.rowCount() == 3
    qtmodeltester.check(model)
    proxy = InboxFilter()
    proxy.setSourceModel(model)
    proxy.set_text("playground")
    qtmodeltester.check(proxy)


def test_the_behaviour_lead_starts_on_the_inbox_most_serious_first(
    qtbot: QtBot, teacher: Session, lead: Session
) -> None:
    refs = three_records(teacher)
    window = lead_window(qtbot, lead)
    page = window.behaviour_page
    assert page is not None
    assert window.page_names[0] == "Behaviour"
    assert window.pages.currentWidget() is page
    assert window.navigation.accessibleName() == "Pages"
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3)
    assert rows(page) == [
        (refs["intervention"], "Overdue"),
        (refs["high"], "Due soon"),
        (refs["medium"], "On time"),
    ]
    fills = [page.proxy.index(r, 0).data(Qt.ItemDataRole.BackgroundRole) for r in range(3)]
    assert fills[0].color() == FILLS[Timeliness.OVERDUE]
    assert fills[2] is None
    assert "3 records</b> waiting for review" in page.counts.text()
    assert "1 overdue" in page.counts.text() and "1 due soon" in page.counts.text()


def test_review_by_keyboard_with_errors_that_update(
    qtbot: QtBot, teacher: Session, lead: Session
) -> None:
    refs = three_records(teacher)
    window = lead_window(qtbot, lead)
    page = window.behaviour_page
    assert page is not None
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3)
    page.table.setFocus()
    page.table.selectRow(0)
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = open_dialog(qtbot, page)
    assert refs["intervention"] in dialog.record.toPlainText()
    # Nothing chosen: Ctrl+Enter says what is missing, under each field, by its label.
    qtbot.keyClick(dialog.decision, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert dialog.errors["decision"].text() == "Decision is required: choose one."
    assert dialog.errors["note"].isVisibleTo(dialog)
    assert "2 things to put right" in dialog.error.text()
    # Choosing "Follow-up needed" asks for the follow-up and its date, starred.
    dialog.decision.setFocus()
    qtbot.keyClick(dialog.decision, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.decision, Qt.Key.Key_Down)
    assert dialog.decision.currentData() == "follow_up"
    assert dialog.captions["follow_up"].text() == "F&ollow-up *"
    assert not dialog.errors["decision"].isVisibleTo(dialog)
    assert dialog.errors["follow_up"].text().startswith("Follow-up is required")
    qtbot.keyClicks(dialog.note, "Restraint was proportionate; plan updated.")
    assert not dialog.errors["note"].isVisibleTo(dialog)
    qtbot.keyClicks(dialog.follow_up, "Meet his parents with the SENCo")
    qtbot.keyClicks(dialog.follow_up_by, "31/02/2026")
    assert "must be a date like" in dialog.errors["follow_up_by"].text()
    dialog.follow_up_by.clear()
    qtbot.keyClicks(dialog.follow_up_by, "27/11/2026")
    assert not any(e.isVisibleTo(dialog) for e in dialog.errors.values())
    assert not dialog.error.isVisible()
    with qtbot.waitSignal(page.reviewed, timeout=10_000):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 2)
    assert refs["intervention"] not in [ref for ref, _ in rows(page)]
    assert page.notice.text() == f"{refs['intervention']} reviewed and signed off."
    # Show reviewed brings it back, marked as reviewed; opening it shows the review.
    page.show_reviewed.setChecked(True)
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3)
    reviewed = [s for ref, s in rows(page) if ref == refs["intervention"]]
    assert reviewed == [f"Reviewed by {lead.user.display_name}"]
    row = next(r for r in range(3) if page.proxy.index(r, REF).data() == refs["intervention"])
    page.table.setCurrentIndex(page.proxy.index(row, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    shown = open_dialog(qtbot, page)
    assert not shown.action_button.isVisible()
    detail = shown.findChild(QLabel, "Detail")
    assert detail is not None
    assert "Meet his parents with the SENCo" in detail.text()
    shown.reject()


def test_the_head_reviews_an_intervention_from_the_queue(
    qtbot: QtBot, teacher: Session, head_session: Session
) -> None:
    refs = three_records(teacher)
    head_session.clock = FixedClock(MONDAY_15)
    window = MainWindow(head_session, SCHOOL_NAME)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    assert window.page_names[:2] == ["Queue", "Behaviour"]
    assert window.pages.currentWidget() is window.queue_page
    queue = window.queue_page
    assert queue is not None and window.behaviour_page is not None
    qtbot.waitUntil(lambda: queue.proxy.rowCount() == 1)
    item = queue.proxy.index(0, 0).data(OBJECT_ROLE)
    assert (item.kind, item.case_ref) == (ItemKind.BEHAVIOUR_REVIEW, refs["intervention"])
    assert "Overdue" in str(queue.proxy.index(0, 5).data())
    queue.table.setFocus()
    queue.table.setCurrentIndex(queue.proxy.index(0, 0))
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    dialog = open_dialog(qtbot, window.behaviour_page)
    assert dialog.parent() is window
    dialog.decision.setFocus()
    qtbot.keyClick(dialog.decision, Qt.Key.Key_Down)  # signed off, no further action
    qtbot.keyClicks(dialog.note, "Reviewed with the staff involved; proportionate.")
    with qtbot.waitSignal(window.behaviour_page.reviewed, timeout=10_000):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: queue.proxy.rowCount() == 0)


def mnemonics(root: QWidget) -> list[str]:
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root.window()) or not widget.isVisible():
            continue
        text = ""
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            text = widget.text()
        text = text.replace("&&", "")
        if "&" in text:
            found.append(text[text.index("&") + 1].lower())
    return found


def test_no_mnemonic_is_used_twice_on_the_behaviour_page_or_the_review(
    qtbot: QtBot, teacher: Session, lead: Session
) -> None:
    three_records(teacher)
    window = lead_window(qtbot, lead)
    page = window.behaviour_page
    assert page is not None
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3)
    letters = mnemonics(window)
    assert len(letters) == len(set(letters)), letters
    page.open_review(page.proxy.index(0, REF).data(), window)
    dialog = open_dialog(qtbot, page)
    letters = mnemonics(dialog)
    assert len(letters) == len(set(letters)) >= 8, letters
    dialog.reject()
    QApplication.processEvents()


def test_alarms_of_the_behaviour_file_are_shown(qtbot: QtBot, lead: Session) -> None:
    from safedesk.domain.compartments import Compartment
    from safedesk.store import members

    with lead.compartment(Compartment.BEHAVIOUR).write() as conn:
        members.raise_alarm(conn, "gap", "Item 3 from <t.jones> never arrived.", MONDAY_15)
    window = lead_window(qtbot, lead)
    page = window.behaviour_page
    assert page is not None
    qtbot.waitUntil(lambda: page.alarms.isVisible())
    assert "Item 3 from &lt;t.jones&gt; never arrived." in page.alarms.text()
    assert "Nothing is waiting for review" in page.counts.text()


def test_staff_and_administrators_have_no_behaviour_page(
    qtbot: QtBot, teacher: Session, session_as: Callable[[Role], Session]
) -> None:
    for session in (teacher, session_as(Role.ADMIN)):
        window = MainWindow(session, SCHOOL_NAME)
        qtbot.addWidget(window)
        assert "Behaviour" not in window.page_names
        assert window.behaviour_page is None


@pytest.fixture
def themed() -> Iterator[None]:
    """The app's own look, put back afterwards."""
    from PySide6.QtGui import QFont

    from safedesk.ui import theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font, palette, sheet = QFont(app.font()), app.palette(), app.styleSheet()
    theme._system_points = None
    theme.apply(app)
    yield
    app.setStyleSheet(sheet)
    app.setPalette(palette)
    app.setFont(font)
    theme._system_points = None


def test_the_review_form_with_every_error_fits_a_laptop_at_125_percent(
    qtbot: QtBot, teacher: Session, lead: Session, themed: None
) -> None:
    refs = three_records(teacher)
    window = lead_window(qtbot, lead)
    page = window.behaviour_page
    assert page is not None
    page.open_review(refs["intervention"], window)
    dialog = open_dialog(qtbot, page)
    dialog.decision.setCurrentIndex(dialog.decision.findData("follow_up"))
    qtbot.keyClicks(dialog.follow_up_by, "yesterday")
    qtbot.keyClicks(dialog.parents_by, "01/01/2020")
    dialog.submit()
    QApplication.processEvents()
    assert sum(e.isVisibleTo(dialog) for e in dialog.errors.values()) == 4
    # 1366x768 at 125 % is a logical 1093x614, about 576 high without the taskbar.
    assert dialog.width() <= 1093 and dialog.height() <= 576, dialog.size()
    assert dialog.minimumSizeHint().height() <= 576
