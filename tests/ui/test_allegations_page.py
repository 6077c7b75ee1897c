# mypy: disallow-untyped-calls=False
# (pytest-qt's QtBot methods carry no annotations.)
"""The Allegations page from the keyboard at 1366x768, against a real school: the head records
an allegation (nothing filled in that nobody typed; Tab through every field in order; Enter in
a field saves nothing; every problem under its field by the label seen, all at once), reads it
in full with every event in order, records the LADO contacted, an action, the outcome in words
and a correction in dialogs; the LADO due line per allegation, overdue in words; low-level
concerns with their patterns; the chair of governors' page works on their own file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.domain.clock import FixedClock
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.local_time import to_local
from safedesk.domain.roles import Role
from safedesk.services import allegations
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.allegation_dialogs import (
    ActionDialog,
    AllegationDialog,
    CorrectDialog,
    LadoDialog,
    OutcomeDialog,
)
from safedesk.ui.allegations_page import AllegationsPage, load, may_keep_allegations
from safedesk.ui.main_window import MainWindow
from tests.conftest import OTHER_PASSWORD, SchoolStore

WAIT = 60_000
D = TypeVar("D", bound=AllegationDialog)
NOW = datetime.fromisoformat("2026-11-16T10:00").astimezone()  # a Monday, in term


def settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def make_page(qtbot: QtBot, session: Session) -> AllegationsPage:
    session.clock = FixedClock(NOW)
    page = AllegationsPage(session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page, timeout=WAIT)
    page.activateWindow()
    page.load()
    settle(qtbot)
    return page


def tab(qtbot: QtBot) -> QWidget | None:
    widget = focused()
    assert widget is not None
    qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return focused()


def type_in(qtbot: QtBot, text: str) -> None:
    widget = focused()
    assert widget is not None
    qtbot.keyClicks(widget, text)


def errors_shown(where: AllegationsPage | AllegationDialog) -> dict[str, str]:
    """The problems shown under the fields, by field."""
    grid = where.form.grid if isinstance(where, AllegationsPage) else where.grid
    return {k: e.text() for k, e in grid.errors.items() if not e.isHidden()}


def open_form(qtbot: QtBot, page: AllegationsPage) -> None:
    qtbot.keyClick(page.tabs, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is page.form, timeout=WAIT)
    qtbot.waitUntil(lambda: page.form.kind.hasFocus(), timeout=WAIT)


def record_by_keyboard(
    qtbot: QtBot, page: AllegationsPage, downs: int, name: str, what: str, when: str
) -> None:
    """The whole form typed, field by field with Tab, then Ctrl+Enter."""
    open_form(qtbot, page)
    for _ in range(downs):
        qtbot.keyClick(page.form.kind, Qt.Key.Key_Down)
    tab(qtbot)
    type_in(qtbot, name)
    tab(qtbot)
    type_in(qtbot, "Midday supervisor")
    day, clock = when.split(" ")
    tab(qtbot)
    type_in(qtbot, day)
    tab(qtbot)
    type_in(qtbot, clock)
    tab(qtbot)
    type_in(qtbot, what)
    tab(qtbot)
    type_in(qtbot, "Mrs Mantis, Year 2 teacher")
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)


def test_the_form_starts_empty_tabs_in_order_and_names_every_problem_by_its_label(
    qtbot: QtBot, head_session: Session
) -> None:
    page = make_page(qtbot, head_session)
    open_form(qtbot, page)
    form = page.form
    # Nothing filled in that nobody typed: no kind chosen, no time.
    assert form.kind.currentData() == ""
    assert form.happened_at.day.text() == "" and form.happened_at.clock.text() == ""
    order = [
        form.subject_name,
        form.subject_role,
        form.happened_at.day,
        form.happened_at.clock,
        form.what,
        form.raised_by,
        form.save_button,
    ]
    assert [tab(qtbot) for _ in order] == order
    # Enter in a field saves nothing (and says nothing either: it was not asked to save).
    form.subject_name.setFocus()
    type_in(qtbot, "Mr Kraglin Obfonteri")
    qtbot.keyClick(form.subject_name, Qt.Key.Key_Return)
    settle(qtbot)
    assert allegations.list_allegations(head_session) == []
    assert errors_shown(page) == {}
    # Saving half a form: every problem at once, under its field, by the label seen.
    qtbot.keyClick(form.subject_name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert errors_shown(page) == {
        "kind": "Type of record needs a choice: an allegation or a low-level concern.",
        "subject_role": "Their role is required.",
        "happened_at": "When it happened is required.",
        "what": "What is alleged is required.",
        "raised_by": "Raised by is required.",
    }
    assert form.status.text() == "5 things to put right before saving."
    assert form.kind.hasFocus()  # the first thing wrong
    assert allegations.list_allegations(head_session) == []
    # Put right as typed; a half-typed time is named as such, and a time to come refused.
    qtbot.keyClick(form.kind, Qt.Key.Key_Down)
    form.happened_at.clock.setFocus()
    type_in(qtbot, "0915")
    shown = errors_shown(page)
    assert "kind" not in shown
    assert shown["happened_at"] == "When it happened needs the date as well as the time."
    form.happened_at.day.setFocus()
    type_in(qtbot, "17/11/2026")
    assert errors_shown(page)["happened_at"] == "When it happened cannot be in the future."
    # A low-level concern's words are asked for by their own label.
    qtbot.keyClick(form.kind, Qt.Key.Key_Down)
    assert errors_shown(page)["what"] == "What the concern is is required."


def test_the_head_records_an_allegation_and_follows_it_to_its_outcome(
    qtbot: QtBot, qtmodeltester: ModelTester, head_session: Session
) -> None:
    page = make_page(qtbot, head_session)
    record_by_keyboard(
        qtbot,
        page,
        1,
        "Mr Kraglin Obfonteri",
        "Pulled a pupil off the climbing frame by the hood",
        "13/11/2026 12:40",
    )
    [saved] = allegations.list_allegations(head_session)
    assert saved.current("subject_name") == "Mr Kraglin Obfonteri"
    assert saved.alleged == "Pulled a pupil off the climbing frame by the hood"
    assert page.tabs.currentIndex() == 0 and page.allegations.rowCount() == 1
    assert page.tabs.tabText(0) == "&Allegations (1)"
    qtbot.waitUntil(lambda: focused() is page.table, timeout=WAIT)  # on the new one
    # The LADO due: one working day after it was recorded (Monday 10:00 -> Tuesday 10:00).
    assert page.due_label.isVisible() and not page.overdue_label.isVisible()
    assert page.due_label.text() == (
        f"Allegation {saved.id} (about Mr Kraglin Obfonteri): "
        "Tell the LADO by Tuesday 17/11/2026 10:00."
    )
    # The chosen allegation in full.
    assert page.chosen() is not None
    text = page.view.toPlainText()
    assert "Pulled a pupil off the climbing frame by the hood" in text
    assert "Raised by: Mrs Mantis, Year 2 teacher" in text
    assert "Tell the LADO by Tuesday 17/11/2026 10:00" in text
    assert "Nothing recorded since." in text

    # From the list, Tab goes through the allegation shown to what can be done on it.
    page.table.setFocus()
    buttons = [page.lado_button, page.action_button, page.outcome_button, page.correct_button]
    assert [tab(qtbot) for _ in range(5)] == [page.view, *buttons]

    # LADO contacted (Alt+C): both fields empty; Enter on them says what is missing, by label.
    qtbot.keyClick(page.table, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=WAIT)  # a button's Alt clicks late
    dialog = page.dialog
    assert isinstance(dialog, LadoDialog)
    qtbot.waitUntil(lambda: (f := focused()) is not None and dialog.isAncestorOf(f), timeout=WAIT)
    assert dialog.contacted_at.is_empty() and dialog.lado_name.text() == ""
    assert focused() is dialog.contacted_at.day
    qtbot.keyClick(dialog.contacted_at.day, Qt.Key.Key_Return)
    assert errors_shown(dialog) == {
        "contacted_at": "When the LADO was contacted is required.",
        "lado_name": "The LADO's name is required.",
    }
    assert dialog.isVisible()
    type_in(qtbot, "16/11/2026")
    tab(qtbot)
    type_in(qtbot, "0930")
    assert tab(qtbot) is dialog.lado_name
    type_in(qtbot, "Mr Stakar Ogord")
    qtbot.keyClick(dialog.lado_name, Qt.Key.Key_Return)
    settle(qtbot)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)
    assert not page.due_label.isVisible() and not page.overdue_label.isVisible()
    assert "Mr Stakar Ogord" in page.view.toPlainText()
    assert page.allegations.data(page.allegations.index(0, page.allegations.LADO)) == "Told"

    # An action.
    action = open_dialog(qtbot, page, page.action_button, ActionDialog)
    qtbot.keyClick(action.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert errors_shown(action) == {"action": "What was done is required."}
    type_in(qtbot, "Strategy meeting held; the member of staff told")
    qtbot.keyClick(action.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)

    # The outcome, chosen in words, with the day it was decided typed.
    outcome = open_dialog(qtbot, page, page.outcome_button, OutcomeDialog)
    assert outcome.outcome.currentData() == "" and outcome.decided_on.text() == ""
    words = [outcome.outcome.itemText(i) for i in range(1, outcome.outcome.count())]
    assert words[3] == "Unsubstantiated: not enough evidence to prove or disprove it"
    for _ in range(4):
        qtbot.keyClick(outcome.outcome, Qt.Key.Key_Down)
    assert tab(qtbot) is outcome.decided_on
    type_in(qtbot, "16/11/2026")
    qtbot.keyClick(outcome.decided_on, Qt.Key.Key_Return)
    settle(qtbot)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)
    cell = page.allegations.data(page.allegations.index(0, page.allegations.OUTCOME))
    assert cell == "Unsubstantiated"
    assert not page.outcome_button.isEnabled()  # recorded once

    # A correction, with its reason: the old value kept and shown.
    correct = open_dialog(qtbot, page, page.correct_button, CorrectDialog)
    for _ in range(5):
        qtbot.keyClick(correct.field, Qt.Key.Key_Down)
    assert correct.field.currentData() == "raised_by"
    assert correct.old.text() == "Now: Mrs Mantis, Year 2 teacher"
    assert tab(qtbot) is correct.new_text
    type_in(qtbot, "Mrs Mantis, Year 3 teacher")
    qtbot.keyClick(correct.new_text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert errors_shown(correct) == {"reason": "Reason for the correction is required."}
    assert focused() is correct.reason  # the first thing wrong
    type_in(qtbot, "She moved to Year 3 in September")
    qtbot.keyClick(correct.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)

    # Every event in order, each with who recorded it and when.
    text = page.view.toPlainText()
    order = [
        "16/11/2026 09:30: the LADO contacted",
        "16/11/2026 10:00: an action",
        "16/11/2026: the outcome",
        "16/11/2026 10:00: a correction to “Raised by”",
    ]
    assert [text.index(line) for line in order] == sorted(text.index(line) for line in order)
    assert "Was: Mrs Mantis, Year 2 teacher" in text and "Why: She moved to Year 3" in text
    assert text.count("Recorded by Ms Ada Ngozi on 16/11/2026 10:00") == 5  # it, and four
    assert "Raised by: Mrs Mantis, Year 3 teacher" in text
    qtmodeltester.check(page.allegations)


def open_dialog(qtbot: QtBot, page: AllegationsPage, button: QWidget, kind: type[D]) -> D:
    page.table.setFocus()
    page.table.selectRow(0)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    dialog = page.dialog
    assert isinstance(dialog, kind) and dialog.isVisible()
    qtbot.waitUntil(lambda: (f := focused()) is not None and dialog.isAncestorOf(f), timeout=WAIT)
    return dialog


def test_a_lado_contact_left_past_its_time_is_overdue_in_words(
    qtbot: QtBot, head_session: Session
) -> None:
    head_session.clock = FixedClock(NOW)
    number = allegations.record_allegation(
        head_session,
        {
            "subject_name": "Ms Nebula Luphomoid",
            "subject_role": "Supply teacher",
            "happened_at": "2026-11-16T08:50",
            "alleged": "Messaged a pupil on social media",
            "raised_by": "A parent",
        },
    )
    head_session.clock = FixedClock(NOW + timedelta(days=2))
    page = AllegationsPage(head_session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.load()
    settle(qtbot)
    assert page.overdue_label.isVisible() and not page.due_label.isVisible()
    assert page.overdue_label.text() == (
        f"Allegation {number} (about Ms Nebula Luphomoid): OVERDUE: the LADO should have been "
        "told by Tuesday 17/11/2026 10:00. Tell them now."
    )
    lado = page.allegations.data(page.allegations.index(0, page.allegations.LADO))
    assert lado == "OVERDUE"


def test_low_level_concerns_show_each_persons_pattern_at_a_glance(
    qtbot: QtBot, qtmodeltester: ModelTester, head_session: Session
) -> None:
    head_session.clock = FixedClock(NOW)
    for when in ("2026-10-05T12:30", "2026-10-19T12:30", "2026-11-09T12:30"):
        allegations.record_low_level(
            head_session,
            {
                "subject_name": "Mr Kraglin Obfonteri",
                "subject_role": "Midday supervisor",
                "happened_at": when,
                "what": "Ate his lunch in the pupils' toilets",
                "raised_by": "Year 2 teacher",
            },
        )
    page = make_page(qtbot, head_session)
    record_by_keyboard(
        qtbot, page, 2, "Mr Rocket Raccoon", "Shouted across the hall", "12/11/2026 14:05"
    )
    assert page.tabs.currentIndex() == 1
    assert page.tabs.tabText(1) == "&Low-level concerns (4)"
    assert page.low_level.rowCount() == 4
    rows = [
        [page.patterns.data(page.patterns.index(r, c)) for c in range(5)]
        for r in range(page.patterns.rowCount())
    ]
    assert rows == [
        [
            "Mr Kraglin Obfonteri",
            "Midday supervisor",
            "3",
            "3 in 5 weeks (05/10/2026 to 09/11/2026)",
            "Oct 2026: 2, Nov 2026: 1",
        ],
        ["Mr Rocket Raccoon", "Midday supervisor", "1", "1, on 12/11/2026", "Nov 2026: 1"],
    ]
    assert allegations.list_allegations(head_session) == []  # a concern is not an allegation
    for model in (page.low_level, page.patterns):
        qtmodeltester.check(model)


def test_the_chairs_page_keeps_allegations_about_the_head_in_the_chairs_file(
    qtbot: QtBot, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    chair = session_as(Role.CHAIR_OF_GOVERNORS)
    page = make_page(qtbot, chair)
    assert page.about_head
    record_by_keyboard(
        qtbot, page, 1, "Ms Ada Ngozi", "Shouted at a pupil in the corridor", "13/11/2026 09:00"
    )
    [saved] = allegations.list_allegations(chair, about_head=True)
    assert "Tell the LADO by Tuesday 17/11/2026 10:00." in page.due_label.text()
    dialog = open_dialog(qtbot, page, page.lado_button, LadoDialog)
    type_in(qtbot, "16/11/2026")
    tab(qtbot)
    type_in(qtbot, "0945")
    tab(qtbot)
    type_in(qtbot, "Mr Stakar Ogord")
    qtbot.keyClick(dialog.lado_name, Qt.Key.Key_Return)
    settle(qtbot)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)
    [contacted] = allegations.list_allegations(chair, about_head=True)
    assert contacted.lado_contacted is not None
    assert contacted.lado_contacted.lado_name == "Mr Stakar Ogord"
    # Not in the head's file, which the head's page shows.
    head_page = make_page(qtbot, head_session)
    assert head_page.allegations.rowCount() == 0 and saved.id == contacted.id


@pytest.mark.parametrize("role", [Role.STAFF, Role.DSL, Role.BEHAVIOUR_LEAD, Role.ADMIN])
def test_only_the_head_and_the_chair_have_the_page(
    role: Role, session_as: Callable[[Role], Session]
) -> None:
    assert not may_keep_allegations(session_as(role))


def test_the_chair_has_the_page(session_as: Callable[[Role], Session]) -> None:
    assert may_keep_allegations(session_as(Role.CHAIR_OF_GOVERNORS))


def test_what_the_page_loads_is_refused_to_anyone_else(
    head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    """A DSL with the program's code and their own password calls what the page calls: the
    services refuse, as they refuse the head the chair's file."""
    with pytest.raises(PermissionDenied):
        load(session_as(Role.DSL), False)
    with pytest.raises(PermissionDenied):
        load(head_session, True)


def allegation_screens(window: MainWindow) -> Iterator[tuple[str, QWidget]]:
    """For the walks over every window (test_windows_fit.py, test_accessibility.py): the
    Allegations page with one chosen (its LADO due), its other tabs, the form showing every
    problem, and each dialog showing its problems: (what is seen, the window it is in)."""
    page = window.allegations_page
    if page is None:
        return
    window.show_page("Allegations")
    session = page.session
    yesterday = (session.clock.now() - timedelta(days=1)).astimezone(UTC).isoformat()
    about = {"subject_name": "Mr Kraglin Obfonteri", "subject_role": "Midday supervisor"}
    number = allegations.record_allegation(
        session,
        {**about, "happened_at": yesterday, "alleged": "Pulled a pupil", "raised_by": "A TA"},
        about_head=page.about_head,
    )
    allegations.record_low_level(
        session,
        {**about, "happened_at": yesterday, "what": "Ate in the toilets", "raised_by": "A TA"},
        about_head=page.about_head,
    )
    page.load(choose=number)
    QApplication.processEvents()
    yield "Allegations, one chosen", window
    page.tabs.setCurrentIndex(1)
    yield "Allegations, low-level concerns", window
    page.tabs.setCurrentIndex(2)
    page.form.submit()
    yield "Allegations, the form with its problems", window
    page.tabs.setCurrentIndex(0)
    for what, opens in (
        ("LADO contacted", page.open_lado),
        ("Add an action", page.open_action),
        ("Record the outcome", page.open_outcome),
        ("Correct", page.open_correct),
    ):
        opens()
        dialog = page.dialog
        assert dialog is not None
        dialog.submit()
        yield f"Allegations, {what} with its problems", dialog
        dialog.reject()
        QApplication.processEvents()
    # An outcome recorded, then corrected; a low-level concern chosen, then corrected.
    today = to_local(session.clock.now()).date().isoformat()
    allegations.record_outcome(
        session, number, {"outcome": "unfounded", "decided_on": today}, about_head=page.about_head
    )
    page.load(choose=number)
    QApplication.processEvents()
    page.tabs.setCurrentIndex(1)
    page.low_level_table.selectRow(0)
    QApplication.processEvents()
    yield "Allegations, a low-level concern chosen", window
    page.tabs.setCurrentIndex(0)
    for what, opens in (
        ("Correct the outcome", page.open_correct_outcome),
        ("Correct a low-level concern", page.open_correct_concern),
    ):
        opens()
        dialog = page.dialog
        assert dialog is not None, what
        dialog.submit()
        yield f"Allegations, {what} with its problems", dialog
        dialog.reject()
        QApplication.processEvents()


def test_a_time_is_corrected_as_a_time_and_shown_written_out(
    qtbot: QtBot, head_session: Session
) -> None:
    head_session.clock = FixedClock(NOW)
    allegations.record_allegation(
        head_session,
        {
            "subject_name": "Mr Kraglin Obfonteri",
            "subject_role": "Midday supervisor",
            "happened_at": "2026-11-13T12:40",
            "alleged": "Pulled a pupil off the climbing frame by the hood",
            "raised_by": "Mrs Mantis",
        },
    )
    page = make_page(qtbot, head_session)
    correct = open_dialog(qtbot, page, page.correct_button, CorrectDialog)
    for _ in range(3):
        qtbot.keyClick(correct.field, Qt.Key.Key_Down)
    assert correct.field.currentData() == "happened_at"
    assert correct.old.text() == "Now: 13/11/2026 12:40"
    assert not correct.new_text.isVisible() and correct.new_when.is_empty()
    assert tab(qtbot) is correct.new_when.day
    type_in(qtbot, "12/11/2026")
    qtbot.keyClick(correct.new_when.day, Qt.Key.Key_Return)
    assert errors_shown(correct) == {
        "new value": "New value needs the time as well as the date.",
        "reason": "Reason for the correction is required.",
    }
    assert tab(qtbot) is correct.new_when.clock
    type_in(qtbot, "1240")
    assert tab(qtbot) is correct.reason
    type_in(qtbot, "It was the Thursday, not the Friday")
    qtbot.keyClick(correct.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)
    text = page.view.toPlainText()
    assert "When it happened: 12/11/2026 12:40" in text
    assert "Was: 13/11/2026 12:40" in text and "Now: 12/11/2026 12:40" in text


def test_the_chair_sees_an_alarm_in_their_file_and_deals_with_it_by_keyboard(
    qtbot: QtBot, session_as: Callable[[Role], Session]
) -> None:
    """The chair has no queue: an alarm in their file (verify found a row changed, say)
    waits on their page, and nobody else's."""
    from safedesk.domain.compartments import Compartment
    from safedesk.services import alarms, integrity

    chair = session_as(Role.CHAIR_OF_GOVERNORS)
    integrity._raise_alarms(chair, {Compartment.ALLEGATIONS_HEAD: ["allegation row [1] changed"]})
    page = make_page(qtbot, chair)
    qtbot.waitUntil(lambda: page.alarm_box.isVisible(), timeout=WAIT)
    assert "allegation row [1] changed" in page.alarm_label.text()
    qtbot.keyClick(page, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.alarm_dialog is not None, timeout=WAIT)
    dialog = page.alarm_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: focused() is dialog.note, timeout=WAIT)
    type_in(qtbot, "Restored last night's backup.")
    qtbot.keyClick(dialog.note, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.alarm_dialog is None, timeout=WAIT)
    settle(qtbot)
    assert alarms.open_alarms(chair) == []
    qtbot.waitUntil(lambda: not page.alarm_box.isVisible(), timeout=WAIT)
    assert "marked as dealt with" in page.status.text()


def test_the_chair_checks_their_file_from_the_page_and_finds_it_changed(
    qtbot: QtBot, school: SchoolStore, session_as: Callable[[Role], Session]
) -> None:
    """Someone with the chair's password and the key file changes an allegation behind the
    program's back: the chair's own check on the page names it and raises the alarm."""
    from tests.unit.services.test_allegations_verify import _change_behind_the_back

    chair = session_as(Role.CHAIR_OF_GOVERNORS)
    allegations.record_allegation(
        chair,
        {
            "subject_name": "Ms Ada Ngozi",
            "subject_role": "Headteacher",
            "happened_at": "2026-11-13T09:00",
            "alleged": "Shouted at a pupil in the corridor",
            "raised_by": "A teaching assistant",
        },
        about_head=True,
    )
    page = make_page(qtbot, chair)
    qtbot.keyClick(page, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "The file is sound" in page.status.text(), timeout=WAIT)
    assert not page.alarm_box.isVisible()

    _change_behind_the_back(school, "allegations_head", chair.user.username, OTHER_PASSWORD)
    qtbot.keyClick(page, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "PROBLEM FOUND" in page.status.text(), timeout=WAIT)
    assert "allegation row [1]" in page.status.text()
    qtbot.waitUntil(lambda: page.alarm_box.isVisible(), timeout=WAIT)
    assert "Use Verify this file on the Allegations page" in page.alarm_label.text()


def test_the_chair_confirms_a_colleague_who_can_then_pass_on_a_concern_about_the_head(
    qtbot: QtBot, school: SchoolStore, session_as: Callable[[Role], Session]
) -> None:
    """By keyboard at the chair's side: the colleague types their own username and
    password; their account can then seal a concern about the head to the chair's file."""
    from safedesk.services import adult_concerns

    chair = session_as(Role.CHAIR_OF_GOVERNORS)
    colleague = session_as(Role.STAFF).user.username
    page = make_page(qtbot, chair)
    qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.confirm_dialog is not None, timeout=WAIT)
    dialog = page.confirm_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: focused() is dialog.username, timeout=WAIT)
    type_in(qtbot, colleague)
    tab(qtbot)
    assert focused() is dialog.password
    type_in(qtbot, OTHER_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.confirm_dialog is None, timeout=WAIT)
    assert "Confirmed" in page.status.text()

    again = school.sign_in(colleague, OTHER_PASSWORD)
    try:
        adult_concerns.raise_concern(
            again,
            {
                "subject_name": "Ms Ada Ngozi",
                "subject_role": "Headteacher",
                "happened_at": "2026-11-13T09:00",
                "what": "Left a pupil 5531 alone in the office",
                "low_level": True,
                "about_head": True,
            },
        )
    finally:
        again.close()
    assert any("5531" in c.what for c in allegations.list_low_level(chair, about_head=True))
