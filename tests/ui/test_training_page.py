# mypy: disallow-untyped-calls=False
"""Training page: an entry added with the keyboard alone (nobody chosen and no date filled in
for the person), what is missing said under its field by its label, a member of staff
confirming their own entry, nobody else offered to, and the count in the navigation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.services import training
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.training_dialog import ConfirmDialog, TrainingDialog
from safedesk.ui.training_page import NOT_YET, TrainingPage, name_key
from tests import factories
from tests.conftest import SchoolStore
from tests.ui.conftest import activate

WAIT = 60_000
STAFF = "amy.ta"


@pytest.fixture
def staff(head_session: Session, school: SchoolStore) -> Iterator[Session]:
    password = factories.account_with_own_password(head_session, STAFF)
    session = school.sign_in(STAFF, password)
    yield session
    session.close()


def settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT)


def open_page(qtbot: QtBot, session: Session) -> TrainingPage:
    page = TrainingPage(session)
    qtbot.addWidget(page)
    page.resize(1366 - 190, 700)
    page.show()
    page.load()
    settle(qtbot)
    return page


def rows(page: TrainingPage) -> list[list[str]]:
    model = page.entries_proxy
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def open_dialog(qtbot: QtBot, page: TrainingPage) -> TrainingDialog:
    activate(qtbot, page)
    qtbot.keyClick(page, "a", Qt.KeyboardModifier.AltModifier)  # &Add training…
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=WAIT)
    dialog = page.dialog
    assert isinstance(dialog, TrainingDialog)
    activate(qtbot, dialog)
    return dialog


def choose_person(qtbot: QtBot, dialog: TrainingDialog, typed: str, shown: str) -> None:
    """Part of a name typed in Member of staff; the one match chosen from the list with Enter."""
    qtbot.keyClicks(dialog.who, typed)
    finder = dialog.who.completer()
    assert finder is not None
    popup = finder.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible, timeout=WAIT)
    matches = [finder.completionModel().index(r, 0).data() for r in range(finder.completionCount())]
    assert matches == [shown]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=WAIT)
    assert dialog.who.currentText() == shown


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")  # offscreen
def test_a_person_found_by_their_surname_or_first_name(qtbot: QtBot, head_session: Session) -> None:
    page = open_page(qtbot, head_session)
    dialog = open_dialog(qtbot, page)
    assert dialog.who.hasFocus()
    choose_person(qtbot, dialog, "ngo", "Ms Ada Ngozi (head)")  # "Ms" first: the surname finds
    assert dialog.chosen_who() == "head"
    dialog.who.setEditText("")
    choose_person(qtbot, dialog, "Ada", "Ms Ada Ngozi (head)")  # and the first name
    assert dialog.chosen_who() == "head"


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")  # offscreen
def test_training_added_with_the_keyboard(
    qtbot: QtBot, head_session: Session, staff: Session, qtmodeltester: ModelTester
) -> None:
    page = open_page(qtbot, head_session)
    assert rows(page) == []
    dialog = open_dialog(qtbot, page)
    assert dialog.who.hasFocus()
    # Nothing is chosen or filled in for the person.
    assert (dialog.who.currentIndex(), dialog.course.currentIndex()) == (-1, -1)
    assert dialog.taken_on.text() == dialog.expires_on.text() == ""
    choose_person(qtbot, dialog, "amy", "Test amy.ta (amy.ta)")  # the username finds her
    assert dialog.chosen_who() == STAFF
    qtbot.keyClick(dialog.who, Qt.Key.Key_Tab)
    assert dialog.course.hasFocus()
    qtbot.keyClicks(dialog.course, "Pr")
    assert dialog.course.currentText() == "Prevent"
    qtbot.keyClick(dialog.course, Qt.Key.Key_Tab)
    assert dialog.provider.hasFocus()  # the course's name is for another course only
    qtbot.keyClicks(dialog.provider, "Home Office e-learning")
    qtbot.keyClick(dialog.provider, Qt.Key.Key_Tab)
    assert dialog.taken_on.box.hasFocus()
    qtbot.keyClicks(dialog.taken_on.box, "2/9/2026")
    qtbot.keyClick(dialog.taken_on.box, Qt.Key.Key_Tab)
    assert dialog.taken_on.text() == "02/09/2026"  # written out in full on leaving
    assert dialog.taken_on.button.hasFocus()
    qtbot.keyClick(dialog.taken_on.button, Qt.Key.Key_Tab)
    assert dialog.expires_on.box.hasFocus()
    with qtbot.waitSignal(dialog.succeeded, timeout=WAIT):
        qtbot.keyClick(
            dialog.expires_on.box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    settle(qtbot)
    assert rows(page) == [
        [
            "Test amy.ta",
            "Prevent",
            "Home Office e-learning",
            "02/09/2026",
            "Does not run out",
            NOT_YET,
        ]
    ]
    assert page.notice.text() == "Saved: Prevent for Test amy.ta, taken 02/09/2026."
    qtmodeltester.check(page.entries)
    qtmodeltester.check(page.due)
    (view,) = training.list_entries(staff)
    assert (view.entry.course.value, view.entry.taken_on) == ("prevent", date(2026, 9, 2))


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")  # offscreen
def test_a_date_picked_from_the_calendar(qtbot: QtBot, head_session: Session) -> None:
    page = open_page(qtbot, head_session)
    dialog = open_dialog(qtbot, page)
    dialog.taken_on.box.setFocus()
    qtbot.keyClicks(dialog.taken_on.box, "10/03/2026")
    dialog.expires_on.button.setFocus()
    qtbot.keyClick(dialog.expires_on.button, Qt.Key.Key_Space)
    calendar = dialog.expires_on.calendar
    assert calendar is not None
    qtbot.waitUntil(calendar.isVisible, timeout=WAIT)
    grid = calendar.focusWidget() or calendar
    chosen = calendar.selectedDate().addDays(1)
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert calendar.selectedDate() == chosen
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.expires_on.calendar is None, timeout=WAIT)
    assert dialog.expires_on.text() == chosen.toString("dd/MM/yyyy")
    assert dialog.expires_on.box.hasFocus()


def test_what_is_missing_is_said_under_its_field(qtbot: QtBot, head_session: Session) -> None:
    page = open_page(qtbot, head_session)
    dialog = open_dialog(qtbot, page)
    qtbot.keyClick(dialog.who, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    shown = {name: e.text() for name, e in dialog.errors.items() if e.isVisible()}
    assert shown == {
        "Member of staff": "Member of staff is required.",
        "Course": "Course is required.",
        "Date taken": "Date taken is required.",
    }
    assert dialog.who.hasFocus()
    dialog.course.setCurrentIndex(dialog.course.findData("other"))
    dialog.taken_on.box.setText("31/02/2026")
    dialog.submit()
    settle(qtbot)
    shown = {name: e.text() for name, e in dialog.errors.items() if e.isVisible()}
    # Every problem at once: not the person only after the date is put right.
    assert shown == {
        "Member of staff": "Member of staff is required.",
        "Course name": "Course name is required for another course: say which.",
        "Date taken": "Date taken needs a real date, typed like 24/11/2026.",
    }
    assert dialog.who.hasFocus()
    dialog.who.setEditText("Nobody here")
    dialog.submit()
    settle(qtbot)
    assert dialog.errors["Member of staff"].text() == (
        "Member of staff is not in the list: type part of their name and choose them."
    )
    assert dialog.isVisible()
    assert training.list_entries(head_session) == []


def test_a_member_of_staff_confirms_their_own(
    qtbot: QtBot, head_session: Session, staff: Session
) -> None:
    number = training.add_entry(
        head_session, {"who": STAFF, "course": "staff_update", "on": "2026-09-01"}
    )
    page = open_page(qtbot, staff)
    assert page.waiting.isVisible()
    assert page.waiting.text().startswith("1 entry waits for your confirmation")
    assert not hasattr(page, "add_button")
    with qtbot.waitSignal(page.waiting_changed, timeout=WAIT) as waited:
        page.load()
    assert waited.args == [1]
    assert page.confirm_button.isEnabled()  # the entry waiting is chosen already
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=WAIT)
    dialog = page.dialog
    assert isinstance(dialog, ConfirmDialog)
    activate(qtbot, dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(type(page.waiting)))
    assert "I attended Whole-staff safeguarding update on 01/09/2026." in texts
    assert dialog.action_button.hasFocus()
    with (
        qtbot.waitSignal(page.waiting_changed, timeout=WAIT) as waited,
        qtbot.waitSignal(dialog.succeeded, timeout=WAIT),
    ):
        qtbot.keyClick(dialog.action_button, Qt.Key.Key_Space)
    settle(qtbot)
    assert waited.args == [0]
    assert rows(page)[0][5].startswith("Confirmed ")
    assert not page.waiting.isVisible()
    assert not page.confirm_button.isEnabled()
    (view,) = training.list_entries(head_session)
    assert (view.entry.id, view.confirmed) == (number, True)


def test_nobody_is_offered_to_confirm_another_persons_entry(
    qtbot: QtBot, head_session: Session, staff: Session
) -> None:
    training.add_entry(head_session, {"who": STAFF, "course": "Prevent", "on": "2026-09-01"})
    page = open_page(qtbot, head_session)
    assert not page.waiting.isVisible()  # nothing recorded for the head
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Space)  # the row under the cursor, chosen
    assert page.selected() is not None
    assert not page.confirm_button.isEnabled()
    assert page.correct_button.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.dialog is None
    assert page.notice.text() == "Only Test amy.ta can confirm this entry, with their own sign-in."


def test_the_due_view_and_the_person_filter(
    qtbot: QtBot, head_session: Session, staff: Session
) -> None:
    training.add_entry(head_session, {"who": STAFF, "course": "staff_update", "on": "2026-09-01"})
    training.add_entry(head_session, {"who": "head", "course": "Prevent", "on": "2026-01-05"})
    page = open_page(qtbot, head_session)
    assert len(rows(page)) == 2
    page.person.setFocus()
    qtbot.keyClicks(page.person, "Test")
    settle(qtbot)
    assert [r[0] for r in rows(page)] == ["Test amy.ta"]
    page.show_due()
    assert page.tabs.currentIndex() == 1
    due = page.due_proxy
    found = [[due.index(r, c).data() for c in range(3)] for r in range(due.rowCount())]
    assert ["Ms Ada Ngozi", "DSL training", "None recorded"] in found
    assert ["Ms Ada Ngozi", "Whole-staff safeguarding update", "None recorded"] in found
    assert not any(row[0] == "Test amy.ta" for row in found)  # her update is current


def test_the_window_counts_what_waits_and_the_queue_opens_the_due_view(
    qtbot: QtBot, school: SchoolStore, head_session: Session, staff: Session
) -> None:
    from safedesk.ui.main_window import MainWindow
    from safedesk.ui.queue_model import REF
    from tests.conftest import SCHOOL_NAME

    training.add_entry(head_session, {"who": STAFF, "course": "staff_update", "on": "2026-09-01"})
    mine = MainWindow(staff, SCHOOL_NAME)
    qtbot.addWidget(mine)
    row = mine.page_names.index("Training")
    qtbot.waitUntil(lambda: mine.navigation.item(row).text() == "Training (1)", timeout=WAIT)
    mine.close()

    window = MainWindow(head_session, SCHOOL_NAME)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    queue = window.queue_page
    assert queue is not None
    qtbot.waitUntil(lambda: queue.model.rowCount() > 0, timeout=WAIT)
    refs = [queue.proxy.index(r, REF).data() for r in range(queue.proxy.rowCount())]
    row = refs.index("Training")  # the head's own DSL training: none recorded
    queue.table.setFocus()
    queue.table.selectRow(row)
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.training_page, timeout=WAIT)
    assert window.training_page.tabs.currentIndex() == 1
    assert window.navigation.currentRow() == window.page_names.index("Training")


def test_the_due_list_by_surname_and_its_count(
    qtbot: QtBot, head_session: Session, staff: Session
) -> None:
    page = open_page(qtbot, head_session)
    page.show_due()
    settle(qtbot)
    due = page.due_proxy
    names = [due.index(r, 0).data() for r in range(due.rowCount())]
    assert due.rowCount() >= 3
    assert names == sorted(names, key=name_key)
    assert names[0] == "Test amy.ta"  # amy.ta before Ngozi: not "Ms" before "Test"
    assert page.status.text() == f"{due.rowCount()} due or out of date"  # what the list shows
    page.tabs.setCurrentIndex(0)
    assert page.status.text() == "0 entries"


def test_out_of_date_training_stands_out_in_words(
    qtbot: QtBot, head_session: Session, staff: Session
) -> None:
    today = training.today(staff)
    ran_out = today - timedelta(days=120)
    soon = today + timedelta(days=21)
    for taken, expires in ((ran_out - timedelta(days=365), ran_out), (today, soon)):
        training.add_entry(
            head_session,
            {
                "who": STAFF,
                "course": "other",
                "course_text": f"First aid {taken.year}",
                "on": taken.isoformat(),
                "expires": expires.isoformat(),
            },
        )
    page = open_page(qtbot, staff)
    expiry = sorted(r[4] for r in rows(page))
    assert expiry == [
        f"Out of date since {ran_out.strftime('%d/%m/%Y')}",
        f"Runs out in 3 weeks ({soon.strftime('%d/%m/%Y')})",
    ]
