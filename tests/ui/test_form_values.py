"""Nothing on a record that nobody entered: times and yes/no answers start empty, must be
given, and are read as people type them; an intervention's length is shown as it is typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import records
from safedesk.services.session import Session
from safedesk.ui.field_widgets import WhenBox, YesNo, parse_clock_text, parse_day_text
from safedesk.ui.record_form import PARENT_INFORMED, RecordForm
from safedesk.ui.record_page import RecordPage
from tests import factories
from tests.ui.test_record_forms import answer, fill


@pytest.fixture
def staff(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    return session_as(Role.STAFF)


@pytest.fixture
def page(qtbot: QtBot, staff: Session) -> RecordPage:
    made = RecordPage(staff)
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    return made


def when_box(form: RecordForm, name: str) -> WhenBox:
    editor = form.inputs[name].editor
    assert isinstance(editor, WhenBox)
    return editor


def type_time(qtbot: QtBot, form: RecordForm, name: str, day: str, clock: str) -> None:
    box = when_box(form, name)
    box.day.clear()
    box.clock.clear()
    qtbot.keyClicks(box.day, day)
    qtbot.keyClicks(box.clock, clock)


@pytest.mark.parametrize("kind", list(Kind))
def test_no_time_and_no_answer_is_filled_in_for_you(page: RecordPage, kind: Kind) -> None:
    """Found by the new-user pass: Started, Ended and Parent informed at were the moment the
    form opened, "A parent or carer has been informed" was ticked, and every form's "When
    it happened" was now; left alone, a restraint was saved as 10:10-10:10."""
    form = page.open_form(kind)
    times = [n for n, f in form.inputs.items() if f.spec.type == "datetime"]
    assert times
    for name in times:
        box = when_box(form, name)
        assert (box.day.text(), box.clock.text()) == ("", "")
        assert form.inputs[name].value() == ""
    answers = [f for f in form.inputs.values() if f.spec.type == "bool"]
    if form.parent_informed is not None:
        answers.append(form.parent_informed)
    for field in answers:
        assert isinstance(field.editor, YesNo)
        assert field.value() is None
        assert not field.editor.yes.isChecked() and not field.editor.no.isChecked()
    assert kind is Kind.CONCERN or answers


def test_an_intervention_left_without_times_or_an_answer_is_refused(
    qtbot: QtBot, page: RecordPage, staff: Session
) -> None:
    form = page.open_form(Kind.INTERVENTION)
    payload = factories.intervention()
    for name in ("started_at", "ended_at", *PARENT_INFORMED):
        payload.pop(name)
    fill(qtbot, form, payload)
    with qtbot.assertNotEmitted(page.recorded, wait=50):
        form.submit_button.click()
    assert form.inputs["started_at"].error.text() == "Started is required."
    assert form.inputs["ended_at"].error.text() == "Ended is required."
    assert form.parent_informed is not None
    assert form.parent_informed.error.text() == (
        "Parent or carer informed needs an answer: choose Yes or No."
    )
    assert form.status.text() == "3 things to put right before this can be submitted."
    assert records.my_records(staff) == []


def test_times_are_typed_as_people_type_them_and_the_length_is_shown(
    qtbot: QtBot, page: RecordPage, staff: Session
) -> None:
    form = page.open_form(Kind.INTERVENTION)
    assert form.duration is not None
    day = (datetime.now() - timedelta(days=1)).strftime("%d/%m/%Y")
    short = (datetime.now() - timedelta(days=1)).strftime("%d%m%y")
    type_time(qtbot, form, "started_at", day, "1015")
    assert form.duration.text() == ""
    type_time(qtbot, form, "ended_at", short, "10:40")
    assert form.duration.text() == "25 minutes"
    assert form.inputs["ended_at"].error.isHidden()
    # An end before the start is said as it is typed, before any submit.
    type_time(qtbot, form, "ended_at", day, "9.55")
    assert form.inputs["ended_at"].error.text() == "Ended is before the start."
    assert form.inputs["ended_at"].error.isVisible()
    assert form.duration.text() == ""
    type_time(qtbot, form, "ended_at", day, "1125")
    assert form.inputs["ended_at"].error.isHidden()
    assert form.duration.text() == "1 hour 10 minutes"
    # Moving on writes the typed time out in full.
    box = when_box(form, "started_at")
    box.clock.setFocus()
    qtbot.keyClick(box.clock, Qt.Key.Key_Tab)
    assert box.clock.text() == "10:15"

    payload = factories.intervention()
    for name in ("started_at", "ended_at"):
        payload.pop(name)
    fill(qtbot, form, payload)
    with qtbot.waitSignal(page.recorded) as recorded:
        form.submit_button.click()
    [mine] = records.my_records(staff)
    assert mine.ref == recorded.args[0]
    stored = mine.current()
    length = datetime.fromisoformat(str(stored["ended_at"])) - datetime.fromisoformat(
        str(stored["started_at"])
    )
    assert length == timedelta(minutes=70)


def test_a_half_typed_time_is_named_in_words(qtbot: QtBot, page: RecordPage) -> None:
    form = page.open_form(Kind.CONCERN)
    payload = factories.concern()
    payload.pop("occurred_at")
    fill(qtbot, form, payload)
    when = form.inputs["occurred_at"]
    box = when_box(form, "occurred_at")
    qtbot.keyClicks(box.clock, "1015")
    form.submit_button.click()
    assert when.error.text() == "When it happened needs the date as well as the time."
    qtbot.keyClicks(box.day, "31/02/2026")
    assert when.error.text() == "When it happened needs a real date, typed like 24/11/2026."
    box.day.clear()
    qtbot.keyClicks(box.day, "yesterday")
    assert when.error.isHidden()
    box.clock.clear()
    qtbot.keyClicks(box.clock, "25:00")
    assert "24-hour clock" in when.error.text()


def test_parents_informed_on_a_behaviour_incident_is_asked(
    qtbot: QtBot, page: RecordPage, staff: Session
) -> None:
    form = page.open_form(Kind.BEHAVIOUR)
    payload = factories.behaviour()
    payload.pop("parents_informed")
    fill(qtbot, form, payload)
    form.submit_button.click()
    field = form.inputs["parents_informed"]
    assert field.error.text() == "Parents informed needs an answer: choose Yes or No."
    answer(qtbot, field, False)
    assert field.error.isHidden()
    with qtbot.waitSignal(page.recorded):
        form.submit_button.click()
    [mine] = records.my_records(staff)
    assert mine.current()["parents_informed"] == "false"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("24/11/2026", (2026, 11, 24)),
        ("24.11.26", (2026, 11, 24)),
        ("24112026", (2026, 11, 24)),
        ("1/2/2026", (2026, 2, 1)),
        ("31/02/2026", None),
        ("2026-11-24", None),
        ("", None),
    ],
)
def test_days_as_typed(typed: str, expected: tuple[int, int, int] | None) -> None:
    found = parse_day_text(typed)
    assert (found.timetuple()[:3] if found else None) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10:15", (10, 15)),
        ("1015", (10, 15)),
        ("915", (9, 15)),
        ("9", (9, 0)),
        ("14.30", (14, 30)),
        ("2:30pm", (14, 30)),
        ("12am", (0, 0)),
        ("2460", None),
        ("24:00", None),
        ("13pm", None),
        ("ten", None),
    ],
)
def test_times_as_typed(typed: str, expected: tuple[int, int] | None) -> None:
    found = parse_clock_text(typed)
    assert ((found.hour, found.minute) if found else None) == expected


def test_a_half_typed_time_and_an_answer_come_back_with_the_draft(
    qtbot: QtBot, page: RecordPage, staff: Session
) -> None:
    """Back keeps what is typed as it stands, even a time not yet whole; nothing is added."""
    form = page.open_form(Kind.INTERVENTION)
    box = when_box(form, "started_at")
    qtbot.keyClicks(box.day, "24/11/20")
    assert form.parent_informed is not None
    answer(qtbot, form.parent_informed, False)
    form.back_button.click()
    assert page.stack.currentWidget() is page.menu
    again = RecordPage(staff)
    qtbot.addWidget(again)
    again.resume_latest_draft()
    restored = again.forms[Kind.INTERVENTION]
    restored_box = when_box(restored, "started_at")
    assert (restored_box.day.text(), restored_box.clock.text()) == ("24/11/20", "")
    assert when_box(restored, "ended_at").day.text() == ""
    assert restored.parent_informed is not None
    assert restored.parent_informed.value() is False
    assert not restored.inputs["parent_not_informed_reason"].isHidden()
