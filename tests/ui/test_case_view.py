"""The case view and the queue rows that lead to it: what is due said in words that fit, the
overdue item's button highlighted, closing that asks about every open action and referral,
Alt+letters unique with any form open, and a layout that fits a 1366x768 laptop at 125 %."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QComboBox,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from safedesk.domain.casework import ActType, Outcome
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import casework, records
from safedesk.services.session import Session
from safedesk.ui.act_form import ActForm
from safedesk.ui.case_view import WHAT as EVENT_WHAT
from safedesk.ui.case_view import CaseView
from safedesk.ui.main_window import MainWindow
from safedesk.ui.queue_model import WHAT, QueueFilter, QueueModel
from safedesk.ui.queue_page import QueuePage
from safedesk.ui.queue_page import load as load_queue
from tests import factories
from tests.conftest import SCHOOL_NAME
from tests.factories import PUPIL_A

MONDAY_10 = datetime.fromisoformat("2026-11-23T10:00").astimezone()
WEDNESDAY_10 = MONDAY_10 + timedelta(days=2)
# A 1366x768 laptop at 125 % scaling, less the window's header and the taskbar.
PAGE_WIDTH, PAGE_HEIGHT = 1093, 570
NUMBERED = re.compile(r"\b(Action|Referral) \d")


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    return session_as(Role.DSL)


@pytest.fixture
def case_ref(dsl: Session, session_as: Callable[[Role], Session]) -> str:
    """A concern decided on Monday, with a home visit due Tuesday (overdue by Wednesday) and a
    referral whose decision is due next week."""
    staff = session_as(Role.STAFF)
    staff.clock = FixedClock(MONDAY_10 - timedelta(minutes=30))
    payload = factories.concern() | {
        "pupils": [PUPIL_A],
        "urgency": "urgent",
        "occurred_at": (MONDAY_10 - timedelta(hours=1)).isoformat(),
    }
    ref = records.record(staff, Kind.CONCERN, payload)
    dsl.clock = FixedClock(MONDAY_10)
    for act in (
        {"type": "triage", "decision": "social_care", "rationale": "Disclosure: threshold met."},
        {
            "type": "action",
            "description": "Home visit with the family support worker",
            "owner": "Ms Patel",
            "due_on": "2026-11-24",
        },
        {
            "type": "referral",
            "agency": "social_care",
            "made_at": "2026-11-23T09:50",
            "method": "phone",
            "spoken_to": "Sam Reid, MASH",
            "decision_due": "2026-12-02",
        },
    ):
        casework.act(dsl, ref, act)
    dsl.clock = FixedClock(WEDNESDAY_10)
    return ref


@pytest.fixture
def window(qtbot: QtBot, dsl: Session, case_ref: str) -> MainWindow:
    made = MainWindow(dsl, SCHOOL_NAME)
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    qtbot.waitExposed(made)
    page = made.queue_page
    assert page is not None
    qtbot.waitUntil(lambda: page.model.rowCount() >= 2)
    return made


@pytest.fixture
def view(qtbot: QtBot, dsl: Session, case_ref: str) -> CaseView:
    made = CaseView(dsl, {})
    qtbot.addWidget(made)
    made.resize(PAGE_WIDTH, PAGE_HEIGHT)
    made.show()
    qtbot.waitExposed(made)
    made.show_case(case_ref)
    return made


def shot(widget: QWidget, name: str) -> None:
    """A picture to look at, where SAFEDESK_SHOTS names a folder (never a check)."""
    folder = os.environ.get("SAFEDESK_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def queue_rows(page: QueuePage) -> list[str]:
    return [page.proxy.index(row, WHAT).data() for row in range(page.proxy.rowCount())]


# --- the queue's rows -------------------------------------------------------------------


def test_the_queue_says_what_is_due_in_words_that_fit(qtbot: QtBot, window: MainWindow) -> None:
    page = window.queue_page
    assert page is not None
    shown = queue_rows(page)
    assert "Action: Home visit with the family support worker (Ms Patel), due 24/11/2026" in shown
    assert (
        "Referral to Children's social care (MASH / front door), decision due 02/12/2026" in shown
    )
    assert not [what for what in shown if NUMBERED.search(what)]  # words, not record numbers
    shot(window, "case-queue-1366")

    # Every row's What is readable in full at this size: wrapped inside its cell, not cut off.
    table = page.table
    width = table.columnWidth(WHAT) - 12  # the cell's own margins
    metrics = table.fontMetrics()
    for row, what in enumerate(shown):
        needed = metrics.boundingRect(
            QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), what
        )
        assert needed.width() <= width, what
        assert needed.height() <= table.rowHeight(row), what


def test_the_queue_models_pass_the_model_tester(qtmodeltester, dsl: Session, case_ref: str) -> None:  # type: ignore[no-untyped-def]
    model = QueueModel()
    loaded = load_queue(dsl)
    model.set_queue(loaded.queue, loaded.names, loaded.requests)
    assert model.rowCount() >= 2
    qtmodeltester.check(model)
    proxy = QueueFilter()
    proxy.setSourceModel(model)
    proxy.set_text("home visit")
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)


def test_the_timeline_model_passes_the_model_tester(qtmodeltester, view: CaseView) -> None:  # type: ignore[no-untyped-def]
    model = view.timeline_model
    shown = [model.index(row, EVENT_WHAT).data() for row in range(model.rowCount())]
    assert shown[0].startswith("Referral")  # made at 09:50: in the order things happened
    assert shown[1:3] == ["Acknowledged", "Decision: Referral to children's social care"]
    qtmodeltester.check(model)


# --- opening what is overdue --------------------------------------------------------------


def test_opening_an_overdue_item_says_what_and_highlights_its_button(
    qtbot: QtBot, window: MainWindow, case_ref: str
) -> None:
    page = window.queue_page
    assert page is not None
    row = next(i for i, what in enumerate(queue_rows(page)) if what.startswith("Action:"))
    page.table.setFocus()
    page.table.selectRow(row)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.case_view)
    view = window.case_view
    note = view.due_note
    assert note.isVisible()
    text = note.text()
    assert "Overdue:" in text
    assert "Action: Home visit with the family support worker (Ms Patel), due 24/11/2026" in text
    assert "overdue by" in text and "Action done…" in text
    button = view.act_buttons[ActType.ACTION_DONE]
    assert button.isDefault() and button.property("due") == "overdue"
    assert "#b42318" in button.styleSheet()  # drawn red, as the queue's row was
    assert not any(b.isDefault() for a, b in view.act_buttons.items() if a != ActType.ACTION_DONE)
    qtbot.waitUntil(button.hasFocus)
    shot(window, "case-overdue-1366")

    # The highlighted button, pressed, opens the form on that very action.
    qtbot.keyClick(button, Qt.Key.Key_Space)
    form = view.form
    assert form is not None and form.act_type is ActType.ACTION_DONE
    combo = form.fields.inputs["action_id"].editor
    assert isinstance(combo, QComboBox)
    assert combo.currentText().startswith("Action: Home visit")


# --- closing --------------------------------------------------------------------------------


def test_closing_asks_about_each_open_action_and_referral(
    qtbot: QtBot, view: CaseView, dsl: Session, case_ref: str
) -> None:
    qtbot.mouseClick(view.act_buttons[ActType.CLOSURE], Qt.MouseButton.LeftButton)
    form = view.form
    assert isinstance(form, ActForm) and form.open_items is not None
    rows = form.open_items.rows
    assert [row.label.text() for row in rows] == [
        "Action: Home visit with the family support worker (Ms Patel), due 24/11/2026",
        "Referral to Children's social care (MASH / front door), decision due 02/12/2026",
    ]
    shot(view, "case-closing-1093x570")
    for name, text in (("outcome", "Family supported."), ("rationale", "Plan in place.")):
        editor = form.fields.inputs[name].editor
        assert isinstance(editor, QPlainTextEdit)
        qtbot.keyClicks(editor, text)

    # Left unsaid, nothing closes: each row says what it needs.
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.status.text() == "2 things to put right before this can be saved."
    assert [row.error.text() for row in rows] == ["Choose what became of it."] * 2
    assert rows[0].outcome.hasFocus()
    assert not casework.open_case(dsl, case_ref).head.closed

    rows[0].outcome.setCurrentIndex(rows[0].outcome.findData(Outcome.MONITORING.value))
    rows[1].outcome.setCurrentIndex(rows[1].outcome.findData(Outcome.CLOSED.value))
    qtbot.keyClicks(rows[0].note, "Class teacher keeps watch.")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert rows[1].error.text() == "Why is needed: the reason."
    assert rows[1].note.hasFocus()
    qtbot.keyClicks(rows[1].note, "MASH closed it at the front door.")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.form is None)
    qtbot.waitUntil(lambda: casework.open_case(dsl, case_ref).head.closed)
    case = casework.open_case(dsl, case_ref)
    notes = [e.values.get("note") or e.values.get("decision") for e in case.events[-3:-1]]
    assert notes == [
        "Carried into monitoring (recorded when the case was closed): Class teacher keeps watch.",
        "Closed without the agency's decision (recorded when the case was closed): "
        "MASH closed it at the front door.",
    ]
    assert not [item for item in load_queue(dsl).queue.items if item.case_ref == case_ref]


# --- Alt+letters ------------------------------------------------------------------------------


def mnemonics(root: QWidget) -> list[tuple[str, str]]:
    """(letter, text) for every Alt+letter a person can reach in ``root`` as shown."""
    found: list[tuple[str, str]] = []

    def letter(text: str) -> str | None:
        hit = re.search(r"&([^&])", text.replace("&&", ""))
        return hit.group(1).casefold() if hit else None

    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        texts: list[str] = []
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        for text in texts:
            if (key := letter(text)) is not None:
                found.append((key, text))
    return found


@pytest.mark.parametrize("act", [t for t in ActType if t is not ActType.ACKNOWLEDGE])
def test_alt_letters_are_unique_with_each_form_open(
    qtbot: QtBot, view: CaseView, act: ActType
) -> None:
    assert view.act_buttons[act].isEnabled()
    view.start_act(act)
    assert view.form is not None
    found = mnemonics(view)
    letters = [key for key, _ in found]
    clashes = {key: [t for k, t in found if k == key] for key in letters if letters.count(key) > 1}
    assert clashes == {}
    assert len(found) >= len(view.act_buttons) + 2  # the buttons, Back, and the form's save


# --- fitting a laptop ----------------------------------------------------------------------


def clipped(view: QWidget) -> list[str]:
    """Visible labels and buttons outside the scrolling panes that are cut off."""
    bounds = view.rect()
    found = []
    for widget in view.findChildren(QWidget):
        if not isinstance(widget, QLabel | QPushButton) or not widget.isVisibleTo(view):
            continue
        if any(isinstance(p, QAbstractScrollArea) for p in ancestors(widget, view)):
            continue  # inside a pane that scrolls
        box = QRect(widget.mapTo(view, widget.rect().topLeft()), widget.size())
        wanted = (
            widget.heightForWidth(widget.width())
            if widget.hasHeightForWidth()
            else widget.minimumSizeHint().height()
        )
        if not bounds.contains(box) or widget.height() < wanted:
            found.append(widget.text()[:40])
    return found


def ancestors(widget: QWidget, root: QWidget) -> Iterator[QWidget]:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        yield parent
        parent = parent.parentWidget()


@pytest.mark.parametrize("act", [t for t in ActType if t is not ActType.ACKNOWLEDGE])
def test_the_case_fits_a_laptop_at_125_percent_with_any_form_open(
    qtbot: QtBot, view: CaseView, act: ActType
) -> None:
    view.start_act(act)
    form = view.form
    assert form is not None
    qtbot.waitUntil(lambda: form.isVisible())
    hint = view.minimumSizeHint()
    assert hint.width() <= PAGE_WIDTH and hint.height() <= PAGE_HEIGHT, hint
    view.resize(PAGE_WIDTH, PAGE_HEIGHT)
    qtbot.wait(1)  # let the layout settle (no timing is asserted)
    assert view.size().width() == PAGE_WIDTH and view.size().height() == PAGE_HEIGHT
    assert clipped(view) == []
    # The concern, the timeline and the form each keep a usable pane.
    for pane in (view.concern, view.timeline, view.form_pane):
        assert pane.width() >= 220 and pane.height() >= 180, (pane, pane.size())
    assert view.form_pane.widget() is form
    shot(view, f"case-{act.value}-1093x570")
