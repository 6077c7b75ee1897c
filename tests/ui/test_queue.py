"""The DSL queue on screen: amber and red rows with a frozen clock, alerts once per change,
and a case triaged, referred and closed by typing and clicking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from safedesk.domain.casework import ActType
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind, Status
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import casework, pupils, records, vault
from safedesk.services.session import Session
from safedesk.services.setup import Headteacher
from safedesk.store.crypto import FAST_KDF
from safedesk.ui.act_form import ActForm
from safedesk.ui.case_view import WHAT
from safedesk.ui.field_widgets import FieldInput, WhenBox
from safedesk.ui.main_window import MainWindow
from safedesk.ui.queue_alerts import Alert, QueueNotifier
from safedesk.ui.queue_model import FILLS, REF, STATUS, TIME_LEFT
from safedesk.ui.queue_page import QueuePage
from safedesk.ui.search_box import REF_ROLE
from tests import factories
from tests.conftest import SCHOOL_NAME
from tests.factories import PUPIL_A, PUPIL_B, PUPIL_C

MONDAY_10 = datetime.fromisoformat("2026-11-23T10:00").astimezone()


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    return session_as(Role.DSL)


@pytest.fixture
def staff(dsl: Session, session_as: Callable[[Role], Session]) -> Session:
    return session_as(Role.STAFF)


def raise_concern(session: Session, moment: datetime, urgency: str, pupil: str) -> str:
    session.clock = FixedClock(moment)
    payload = factories.concern() | {
        "pupils": [pupil],
        "urgency": urgency,
        "occurred_at": (moment - timedelta(minutes=10)).isoformat(),
    }
    return records.record(session, Kind.CONCERN, payload)


def three_concerns(author: Session) -> dict[str, str]:
    """At 10:00 on Monday: a routine one on time, an urgent one due soon, an immediate one late."""
    return {
        "on_time": raise_concern(author, MONDAY_10 - timedelta(hours=1), "routine", PUPIL_A),
        "due_soon": raise_concern(
            author, MONDAY_10 - timedelta(hours=3, minutes=30), "urgent", PUPIL_B
        ),
        "overdue": raise_concern(author, MONDAY_10 - timedelta(hours=2), "immediate", PUPIL_C),
    }


def loaded_page(qtbot: QtBot, session: Session, notifier: QueueNotifier) -> QueuePage:
    page = QueuePage(session, notifier)
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    return page


def rows(page: QueuePage) -> dict[str, tuple[str, str, object]]:
    """Reference -> (status words, time left, fill colour) as the table shows them."""
    found = {}
    for row in range(page.proxy.rowCount()):
        ref = page.proxy.index(row, REF).data()
        status = page.proxy.index(row, STATUS)
        brush = status.data(Qt.ItemDataRole.BackgroundRole)
        found[ref] = (
            status.data(),
            page.proxy.index(row, TIME_LEFT).data(),
            None if brush is None else brush.color().name(),
        )
    return found


def test_rows_are_on_time_amber_and_red_most_urgent_first(
    qtbot: QtBot, dsl: Session, staff: Session
) -> None:
    refs = three_concerns(staff)
    dsl.clock = FixedClock(MONDAY_10)
    page = loaded_page(qtbot, dsl, QueueNotifier(watch_escalation=False))

    shown = rows(page)
    assert shown[refs["overdue"]] == ("Overdue", "overdue by 1 h", FILLS["overdue"].name())
    assert shown[refs["due_soon"]] == ("Due soon", "due in 30 min", FILLS["due_soon"].name())
    assert shown[refs["on_time"]][0] == "On time"
    assert shown[refs["on_time"]][2] is None
    order = [page.proxy.index(row, REF).data() for row in range(3)]
    assert order == [refs["overdue"], refs["due_soon"], refs["on_time"]]
    assert "1 overdue" in page.counts.text() and "1 due soon" in page.counts.text()

    qtbot.keyClicks(page.filter, "wisniewska")  # PUPIL_B is Wiśniewska: typed without accent
    assert page.proxy.rowCount() == 1
    assert page.proxy.index(0, REF).data() == refs["due_soon"]
    page.filter.clear()
    page.showing.setCurrentText("Overdue only")
    assert [page.proxy.index(r, REF).data() for r in range(page.proxy.rowCount())] == [
        refs["overdue"]
    ]


def test_alert_fires_once_per_state_change_not_every_refresh(
    qtbot: QtBot, dsl: Session, staff: Session
) -> None:
    ref = raise_concern(staff, MONDAY_10, "urgent", PUPIL_A)  # due 14:00, amber from 13:00
    notifier = QueueNotifier(watch_escalation=False)
    alerts: list[Alert] = []
    notifier.alerted.connect(alerts.append)
    dsl.clock = FixedClock(MONDAY_10 + timedelta(minutes=5))
    page = loaded_page(qtbot, dsl, notifier)
    assert alerts == []  # on time: nothing to say

    def refresh_at(moment: datetime) -> None:
        dsl.clock = FixedClock(moment)
        before = page.counts.text()
        page.refresh()
        qtbot.waitUntil(lambda: page.counts.text() != before or page._loading is False)
        qtbot.waitUntil(lambda: not page._loading)

    refresh_at(MONDAY_10 + timedelta(hours=3, minutes=1))
    assert [(a.title, a.message) for a in alerts] == [
        ("Due soon", f"Concern {ref}: due in 59 min.")
    ]
    for minutes in (2, 3, 30):  # still amber: no more alerts
        refresh_at(MONDAY_10 + timedelta(hours=3, minutes=minutes))
    assert len(alerts) == 1
    refresh_at(MONDAY_10 + timedelta(hours=4, minutes=1))
    assert [a.title for a in alerts] == ["Due soon", "Overdue"]
    refresh_at(MONDAY_10 + timedelta(hours=5))
    assert len(alerts) == 2
    # Never a pupil's name on the desktop: a passer-by could read it.
    assert all("Siobhán" not in a.message and "O'Connor" not in a.message for a in alerts)


def test_signing_in_to_a_late_queue_gives_one_summary(
    qtbot: QtBot, dsl: Session, staff: Session
) -> None:
    three_concerns(staff)
    notifier = QueueNotifier(watch_escalation=False)
    alerts: list[Alert] = []
    notifier.alerted.connect(alerts.append)
    dsl.clock = FixedClock(MONDAY_10)
    loaded_page(qtbot, dsl, notifier)
    assert [(a.title, a.message) for a in alerts] == [
        ("The queue needs you", "1 overdue and 1 due soon.")
    ]


def test_the_head_hears_of_escalated_items(
    qtbot: QtBot, dsl: Session, staff: Session, head_session: Session
) -> None:
    ref = raise_concern(staff, MONDAY_10, "immediate", PUPIL_A)  # due 11:00
    head_alerts: list[Alert] = []
    head_notifier = QueueNotifier(watch_escalation=True)
    head_notifier.alerted.connect(head_alerts.append)
    head_session.clock = FixedClock(MONDAY_10 + timedelta(minutes=1))
    page = loaded_page(qtbot, head_session, head_notifier)
    head_session.clock = FixedClock(MONDAY_10 + timedelta(hours=1, minutes=5))
    page.refresh()
    qtbot.waitUntil(lambda: len(head_alerts) == 1)
    assert head_alerts[-1].title == "Overdue"
    head_session.clock = FixedClock(MONDAY_10 + timedelta(hours=2, minutes=1))  # late by 1 h+
    page.refresh()
    qtbot.waitUntil(lambda: len(head_alerts) == 2)
    assert head_alerts[-1].title == "Escalated to the head"
    assert ref in head_alerts[-1].message
    assert rows(page)[ref][0] == "Overdue, escalated"


def test_a_head_on_an_administrators_password_is_told_how_to_get_his_keys(
    qtbot: QtBot, tmp_path: Path
) -> None:
    paths = DataPaths(tmp_path / "data")
    vault.create_school(
        paths,
        school_name=SCHOOL_NAME,
        username="office",
        display_name="Mrs Pat Office",
        password="office password 1",
        kdf=FAST_KDF,
        headteacher=Headteacher("head", "Mr Sam Head", "one time passphrase"),
    )
    # He cancelled choosing his own password: no keys are made under one an administrator knows.
    head = vault.sign_in(paths, "head", "one time passphrase")
    try:
        assert head.password_from_administrator
        page = QueuePage(head, QueueNotifier(watch_escalation=True))
        qtbot.addWidget(page)
        page.refresh()
        qtbot.waitUntil(lambda: page.counts.text().startswith("The queue could not be loaded"))
        text = page.counts.text()
        assert text.endswith(
            "Choose your own password (Change my password, at the top) to get your keys."
        )
        assert "granted in person" not in text
        # The reason wraps: it does not widen the page (the window must fit 1366 px wide).
        assert page.counts.wordWrap()
        assert page.minimumSizeHint().width() <= 800
    finally:
        head.close()


def test_staff_have_no_queue(qtbot: QtBot, staff: Session) -> None:
    window = MainWindow(staff, SCHOOL_NAME)
    qtbot.addWidget(window)
    assert "Queue" not in window.page_names
    assert window.queue_page is None


def test_a_dsl_sees_the_queue_first(qtbot: QtBot, dsl: Session) -> None:
    window = MainWindow(dsl, SCHOOL_NAME)
    qtbot.addWidget(window)
    assert window.page_names[0] == "Queue"
    assert window.pages.currentWidget() is window.queue_page


# --- working a case through the window ---------------------------------------------------


def editor(form: ActForm, name: str) -> FieldInput:
    return form.fields.inputs[name]


def type_into(qtbot: QtBot, field: FieldInput, text: str) -> None:
    widget = field.editor
    assert isinstance(widget, QLineEdit | QPlainTextEdit)
    qtbot.keyClicks(widget, text)


def type_when(qtbot: QtBot, field: FieldInput, day: str, clock: str) -> None:
    when = field.editor
    assert isinstance(when, WhenBox) and when.is_empty(), "no time nobody typed"
    qtbot.keyClicks(when.day, day)
    qtbot.keyClicks(when.clock, clock)


def choose(field: FieldInput, value: str) -> None:
    combo = field.editor
    assert isinstance(combo, QComboBox)
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def open_form(qtbot: QtBot, window: MainWindow, act: ActType) -> ActForm:
    qtbot.mouseClick(window.case_view.act_buttons[act], Qt.MouseButton.LeftButton)
    form = window.case_view.form
    assert form is not None and form.act_type is act
    return form


def save(qtbot: QtBot, window: MainWindow, form: ActForm) -> None:
    model = window.case_view.timeline_model
    before = model.rowCount()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() > before)


def timeline(window: MainWindow) -> list[str]:
    model = window.case_view.timeline_model
    return [model.index(row, WHAT).data() for row in range(model.rowCount())]


def test_triage_refer_and_close_a_case(qtbot: QtBot, dsl: Session, staff: Session) -> None:
    ref = raise_concern(staff, MONDAY_10 - timedelta(minutes=30), "urgent", PUPIL_A)
    dsl.clock = FixedClock(MONDAY_10)
    window = MainWindow(dsl, SCHOOL_NAME)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    page = window.queue_page
    assert page is not None
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)

    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.case_view)
    assert window.case_view.title.text().startswith(ref)
    assert "Not yet acknowledged" in window.case_view.summary.text()

    # A decision with nothing filled in: the form names both missing fields.
    form = open_form(qtbot, window, ActType.TRIAGE)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.status.text() == "2 things to put right before this can be saved."
    assert editor(form, "decision").error.text() == "Decision is required."
    assert not editor(form, "decision").error.isHidden()
    qtbot.waitUntil(lambda: editor(form, "decision").editor.hasFocus())  # the first bad field
    choose(editor(form, "decision"), "social_care")
    type_into(qtbot, editor(form, "rationale"), "Bruising and disclosure: threshold met.")
    save(qtbot, window, form)
    assert timeline(window) == ["Acknowledged", "Decision: Referral to children's social care"]

    dsl.clock = FixedClock(MONDAY_10 + timedelta(minutes=40))
    form = open_form(qtbot, window, ActType.REFERRAL)
    choose(editor(form, "agency"), "social_care")
    choose(editor(form, "method"), "phone")
    type_into(qtbot, editor(form, "spoken_to"), "Sam Reid, MASH")
    type_into(qtbot, editor(form, "reference"), "MASH/2026/4411")
    type_when(qtbot, editor(form, "made_at"), "23/11/2026", "10:35")
    save(qtbot, window, form)
    assert (
        timeline(window)[-1]
        == "Referral to Children's social care (MASH / front door), spoke to Sam Reid, MASH"
    )

    dsl.clock = FixedClock(MONDAY_10 + timedelta(days=1))
    form = open_form(qtbot, window, ActType.REFERRAL_DECISION)
    combo = editor(form, "referral_id").editor
    assert isinstance(combo, QComboBox) and combo.count() == 2  # "choose" and referral 1
    choose(editor(form, "referral_id"), "1")
    type_into(qtbot, editor(form, "decision"), "Strategy discussion; section 47 enquiry.")
    type_into(qtbot, editor(form, "feedback_to_referrer"), "Told Miss Test it was referred.")
    day = editor(form, "decided_on").editor
    assert isinstance(day, QLineEdit) and day.text() == "", "no day nobody typed"
    qtbot.keyClicks(day, "24/11/2026")
    save(qtbot, window, form)
    assert not window.case_view.act_buttons[ActType.REFERRAL_DECISION].isEnabled()

    form = open_form(qtbot, window, ActType.CLOSURE)
    type_into(qtbot, editor(form, "outcome"), "Social care leading; school supports the plan.")
    type_into(qtbot, editor(form, "rationale"), "Agency lead in place; school actions done.")
    type_into(qtbot, editor(form, "shared_outcome"), "Passed to social care; thank you.")
    save(qtbot, window, form)
    assert "Closed." in window.case_view.summary.text()
    assert not any(b.isEnabled() for b in window.case_view.act_buttons.values())

    # Back at the queue, the case has gone.
    window.case_view.back.emit()
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)

    # The member of staff sees it was closed and the line the DSL shared, nothing more.
    mine = {entry.ref: entry for entry in records.my_records(staff)}
    assert mine[ref].status is Status.CLOSED
    assert mine[ref].outcome == "Passed to social care; thank you."
    case = casework.open_case(dsl, ref)
    assert [e.type for e in case.events] == [
        ActType.ACKNOWLEDGE,
        ActType.TRIAGE,
        ActType.REFERRAL,
        ActType.REFERRAL_DECISION,
        ActType.CLOSURE,
    ]


def test_police_notification_is_recorded_from_the_queue(qtbot: QtBot, dsl: Session) -> None:
    dsl.clock = FixedClock(MONDAY_10)
    window = MainWindow(dsl, SCHOOL_NAME)
    qtbot.addWidget(window)
    page = window.queue_page
    form = window.notification_form
    assert page is not None and form is not None
    page.notification_requested.emit()
    assert window.pages.currentWidget() is form

    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "Choose the pupil" in form.picker_error.text()
    form.picker.set_chosen([PUPIL_B])
    received = form.fields.inputs["received_at"]
    assert received.value() == "", "nobody typed when it arrived"
    type_into(qtbot, form.fields.inputs["received_from"], "PC Jones, Encompass desk")
    type_into(qtbot, form.fields.inputs["summary"], "Police attended a domestic incident.")
    assert form.fields.inputs["incident_at"].value() == ""  # left "not known"
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert received.error.text(), "the time it arrived is asked for"
    assert window.pages.currentWidget() is form
    when = received.editor
    assert isinstance(when, WhenBox)
    qtbot.keyClicks(when.day, "23/11/2026")
    qtbot.keyClicks(when.clock, "0750")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.case_view)
    assert window.case_view.title.text().startswith("E-2026-")
    assert "PC Jones, Encompass desk" in window.case_view.concern.toPlainText()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.item(0).kind.label == "Police notification"


def test_without_a_tray_the_window_title_carries_the_overdue_count(
    qtbot: QtBot, dsl: Session, staff: Session
) -> None:
    three_concerns(staff)
    dsl.clock = FixedClock(MONDAY_10)
    window = MainWindow(dsl, SCHOOL_NAME)
    qtbot.addWidget(window)
    tray = window.tray
    assert tray is not None
    qtbot.waitUntil(lambda: tray.tooltip == "safedesk — 3 waiting, 1 overdue, 1 due soon")
    if not tray.available:  # offscreen, and desktops without a tray
        assert window.windowTitle() == f"safedesk — {SCHOOL_NAME} (1 overdue)"


def test_search_result_and_pupil_chronology_open_from_the_window(
    qtbot: QtBot, dsl: Session, staff: Session
) -> None:
    refs = three_concerns(staff)
    dsl.clock = FixedClock(MONDAY_10)
    window = MainWindow(dsl, SCHOOL_NAME)
    qtbot.addWidget(window)
    window.show_page("Search")
    assert window.search_page is not None
    box = window.search_page.box
    qtbot.keyClicks(box.edit, "breakfast")
    qtbot.waitUntil(lambda: box.model.rowCount() == 3)
    first = box.model.index(0, 0).data(REF_ROLE)
    assert first in refs.values()
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.record_view)
    assert first in window.record_view.body.toPlainText()

    pupil = next(p for p in pupils.list_pupils(dsl) if p.upn == PUPIL_C)
    window.open_pupil(pupil)
    qtbot.mouseClick(window.pupil_view.chronology_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.chronology_page
    table = window.chronology_page.table.model()  # a table widget or a view on a model
    assert table.rowCount() == 1
    assert table.index(0, 2).data() == refs["overdue"]
