"""Recording through the forms: submit each kind, every mandatory field refused, drafts kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from safedesk.domain.entries import FIELDS, Kind
from safedesk.domain.roles import Role
from safedesk.services import records
from safedesk.services.session import Session
from safedesk.ui.field_widgets import FieldInput, WhenBox, YesNo
from safedesk.ui.record_form import PARENT_INFORMED, RecordForm
from safedesk.ui.record_page import RecordPage
from tests import factories


@pytest.fixture
def staff(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    return session_as(Role.STAFF)


@pytest.fixture
def page(qtbot: QtBot, staff: Session) -> RecordPage:
    made = RecordPage(staff)
    qtbot.addWidget(made)
    made.show()
    return made


def type_when(qtbot: QtBot, field: FieldInput, iso: str) -> None:
    """Type a date and time into its two boxes as a person would: 24/11/2026, then 1015."""
    editor = field.editor
    assert isinstance(editor, WhenBox)
    wall = datetime.fromisoformat(iso)
    editor.day.clear()
    editor.clock.clear()
    qtbot.keyClicks(editor.day, wall.strftime("%d/%m/%Y"))
    qtbot.keyClicks(editor.clock, wall.strftime("%H%M"))


def answer(qtbot: QtBot, field: FieldInput, yes: bool) -> None:
    """Choose Yes or No by keyboard (Space on the button)."""
    editor = field.editor
    assert isinstance(editor, YesNo)
    button = editor.yes if yes else editor.no
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert editor.answer() is yes


def fill(qtbot: QtBot, form: RecordForm, payload: dict[str, Any]) -> None:
    """Type into the widgets as a person would (pupils by UPN, then Enter)."""
    people = [payload["pupil"]] if "pupil" in payload else payload["pupils"]
    for person in people:
        upn = person["upn"] if isinstance(person, dict) else person
        qtbot.keyClicks(form.picker.search, upn)
        qtbot.keyClick(form.picker.search, Qt.Key.Key_Return)
    if form.kind is Kind.BEHAVIOUR:
        for row, person in enumerate(people):
            combo = form.picker.chosen.cellWidget(row, 2)
            assert isinstance(combo, QComboBox)
            combo.setCurrentIndex(combo.findData(person["role"]))
    if form.parent_informed is not None:
        # Nobody's answer is filled in for them: say whether a parent was told.
        told = any(name in payload for name in PARENT_INFORMED)
        if told or "parent_not_informed_reason" in payload:
            answer(qtbot, form.parent_informed, told)
    for name, value in payload.items():
        if name in ("pupil", "pupils"):
            continue
        field = form.inputs[name]
        if isinstance(field.editor, QLineEdit | QPlainTextEdit):
            field.set_value("")
            type_text(qtbot, field.editor, value)
        elif isinstance(field.editor, WhenBox) and " " not in value:
            type_when(qtbot, field, value)
        elif isinstance(field.editor, YesNo):
            answer(qtbot, field, value)
        else:
            field.set_value(value)


def type_text(qtbot: QtBot, editor: QLineEdit | QPlainTextEdit, text: str) -> None:
    """QTest can only press keys it can name; curly quotes and accents are pasted in."""
    if text.isascii():
        qtbot.keyClicks(editor, text)
    elif isinstance(editor, QLineEdit):
        editor.insert(text)
    else:
        editor.insertPlainText(text)


@pytest.mark.parametrize("kind", list(Kind))
def test_fill_and_submit_shows_the_reference(
    qtbot: QtBot, page: RecordPage, staff: Session, kind: Kind
) -> None:
    qtbot.mouseClick(page.choice_buttons[kind], Qt.MouseButton.LeftButton)
    form = page.forms[kind]
    fill(qtbot, form, factories.PAYLOADS[kind]())
    with qtbot.waitSignal(page.recorded) as recorded:
        qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    ref = recorded.args[0]
    assert ref.startswith(f"{kind.ref_prefix}-")
    assert page.stack.currentWidget() is page.done
    assert ref in page.done_text.text()
    [mine] = records.my_records(staff)
    assert mine.ref == ref
    assert mine.pupils[0].upn == factories.PUPIL_A


REQUIRED = [(k, f.name) for k in Kind for f in FIELDS[k] if f.required and f.type != "datetime"]


@pytest.mark.parametrize(("kind", "field"), REQUIRED)
def test_form_refuses_each_missing_field_and_focuses_it(
    qtbot: QtBot, page: RecordPage, staff: Session, kind: Kind, field: str
) -> None:
    form = page.open_form(kind)
    payload = factories.PAYLOADS[kind]()
    payload.pop(field)
    fill(qtbot, form, payload)
    with qtbot.assertNotEmitted(page.recorded, wait=50):
        form.submit_button.click()
    target = form.inputs[field]
    assert target.error.isVisible()
    assert "is required" in target.error.text() or (
        target.spec.type == "bool" and "needs an answer" in target.error.text()
    )
    focused = form.focusWidget()
    assert focused is target.editor or target.editor.isAncestorOf(focused)
    assert records.my_records(staff) == []


@pytest.mark.parametrize("kind", list(Kind))
def test_form_refuses_no_pupil(qtbot: QtBot, page: RecordPage, kind: Kind) -> None:
    form = page.open_form(kind)
    payload = factories.PAYLOADS[kind]()
    payload.pop("pupil", None)
    payload["pupils"] = []
    fill(qtbot, form, payload)
    form.submit_button.click()
    assert form.picker_error.isVisible()
    assert form.picker_error.text() == "Choose the pupil this is about."


def test_bullying_asks_for_its_type(qtbot: QtBot, page: RecordPage) -> None:
    form = page.open_form(Kind.BEHAVIOUR)
    assert form.inputs["bullying_type"].isHidden()
    form.inputs["behaviour_type"].set_value("bullying")
    assert not form.inputs["bullying_type"].isHidden()
    fill(qtbot, form, {**factories.behaviour(), "behaviour_type": "bullying"})
    form.submit_button.click()
    assert "required" in form.inputs["bullying_type"].error.text()
    form.inputs["bullying_type"].set_value("prejudice")
    assert not form.inputs["prejudice_type"].isHidden()


def test_parent_not_informed_needs_a_reason(qtbot: QtBot, page: RecordPage) -> None:
    form = page.open_form(Kind.INTERVENTION)
    payload = factories.intervention()
    for name in ("parent_informed_at", "parent_informed_by", "parent_informed_how"):
        payload.pop(name)
    fill(qtbot, form, payload)
    assert form.parent_informed is not None
    answer(qtbot, form.parent_informed, False)
    assert not form.inputs["parent_not_informed_reason"].isHidden()
    assert form.inputs["parent_informed_at"].isHidden()
    form.submit_button.click()
    reason = form.inputs["parent_not_informed_reason"]
    assert reason.error.text() == (
        "Why the parent was not informed is required when no parent or carer has been informed."
    )
    qtbot.keyClicks(form.inputs["parent_not_informed_reason"].editor, "No answer; letter sent")
    with qtbot.waitSignal(page.recorded):
        form.submit_button.click()


def test_draft_is_brought_back_after_a_lock(qtbot: QtBot, page: RecordPage, staff: Session) -> None:
    form = page.open_form(Kind.CONCERN)
    qtbot.keyClicks(form.picker.search, factories.PUPIL_B)
    qtbot.keyClick(form.picker.search, Qt.Key.Key_Return)
    editor = form.inputs["description"].editor
    assert isinstance(editor, QPlainTextEdit)
    type_text(qtbot, editor, "Zoë said — half typed")
    form.inputs["category"].set_value("online")
    form.stop()  # what a lock does
    again = RecordPage(staff)
    qtbot.addWidget(again)
    again.refresh_drafts()
    assert "unfinished safeguarding concern" in again.drafts_note.text()
    again.resume_latest_draft()
    restored = again.forms[Kind.CONCERN]
    assert restored.inputs["description"].value() == "Zoë said — half typed"
    assert restored.inputs["category"].value() == "online"
    assert restored.picker.upns() == [factories.PUPIL_B]


def test_draft_saves_itself_on_a_timer(qtbot: QtBot, page: RecordPage, staff: Session) -> None:
    from safedesk.services import drafts

    form = page.open_form(Kind.BEHAVIOUR)
    form.autosave.setInterval(20)
    qtbot.keyClicks(form.inputs["antecedent"].editor, "Lost at football")
    qtbot.waitUntil(lambda: len(drafts.my_drafts(staff)) == 1)
    assert drafts.my_drafts(staff)[0].payload["antecedent"] == "Lost at football"


def test_a_time_in_the_hour_the_clocks_go_back_is_asked_which(
    qtbot: QtBot, page: RecordPage, staff: Session
) -> None:
    """01:50 on 25 October 2026 happened twice: the form asks which, by keyboard, and keeps
    the intervention's real length (20 minutes, from the first 01:50 to the second 01:10)."""
    qtbot.mouseClick(page.choice_buttons[Kind.INTERVENTION], Qt.MouseButton.LeftButton)
    form = page.forms[Kind.INTERVENTION]
    fill(
        qtbot,
        form,
        factories.intervention()
        | {
            "started_at": "2026-10-25T01:50",
            "ended_at": "2026-10-25T01:10",
            "parent_informed_at": "2026-10-25T09:00",
        },
    )
    started, ended = form.inputs["started_at"], form.inputs["ended_at"]
    assert not started.which.isHidden() and not ended.which.isHidden()
    assert form.inputs["parent_informed_at"].which.isHidden()
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "happened twice" in started.error.text()
    assert page.stack.currentWidget() is not page.done

    started.which.setFocus()
    qtbot.keyClick(started.which, Qt.Key.Key_Down)  # the first 01:50
    ended.which.setFocus()
    qtbot.keyClick(ended.which, Qt.Key.Key_Down)
    qtbot.keyClick(ended.which, Qt.Key.Key_Down)  # the second 01:10
    assert (started.value(), ended.value()) == (
        "2026-10-25T01:50:00 first",
        "2026-10-25T01:10:00 second",
    )
    with qtbot.waitSignal(page.recorded) as recorded:
        qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    head = records.my_records(staff)
    stored = next(e for e in head if e.ref == recorded.args[0]).current()
    length = datetime.fromisoformat(str(stored["ended_at"])) - datetime.fromisoformat(
        str(stored["started_at"])
    )
    assert length == timedelta(minutes=20)


def test_a_time_the_clocks_skipped_is_kept_as_typed_and_refused_in_words(
    qtbot: QtBot, page: RecordPage, staff: Session
) -> None:
    """Found by the new-user pass: 01:30 on 29 March 2026 (the hour the clocks go forward),
    typed by keyboard, was shown as 01:07 and saved as 15:07. It stays as typed, and the form
    says why it cannot be saved."""
    qtbot.mouseClick(page.choice_buttons[Kind.CONCERN], Qt.MouseButton.LeftButton)
    form = page.forms[Kind.CONCERN]
    fill(qtbot, form, factories.concern())
    when = form.inputs["occurred_at"]
    type_when(qtbot, when, "2026-03-29T01:30")
    assert when.value() == "2026-03-29T01:30:00"
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "not a time the clocks showed" in when.error.text()
    assert page.stack.currentWidget() is not page.done
    assert records.my_records(staff) == []


def test_which_of_the_twice_happening_times_is_asked_afresh_for_each_time(
    qtbot: QtBot, page: RecordPage
) -> None:
    """The question names the time typed, and a choice made for one time never carries over
    to another (found by the new-user pass: it asked "which 01:56?" and kept the answer)."""
    qtbot.mouseClick(page.choice_buttons[Kind.CONCERN], Qt.MouseButton.LeftButton)
    when = page.forms[Kind.CONCERN].inputs["occurred_at"]
    when.set_value("2026-10-25T01:50")
    assert "01:50" in when.which.itemText(0) and when.which.currentIndex() == 0
    when.which.setFocus()
    qtbot.keyClick(when.which, Qt.Key.Key_Down)
    assert when.value() == "2026-10-25T01:50:00 first"
    when.set_value("2026-10-25T01:20")
    assert "01:20" in when.which.itemText(0) and when.which.currentIndex() == 0
    assert when.value() == "2026-10-25T01:20:00"
    when.set_value("2026-10-25T09:00")
    assert when.which.isHidden() and when.value() == "2026-10-25T09:00:00"


def test_a_submitted_record_leaves_no_draft_behind(
    qtbot: QtBot, page: RecordPage, staff: Session
) -> None:
    """Found by the new-user pass: a concern whose draft was saved (a failed submit, then put
    right) was offered again as "unfinished" after it had been recorded."""
    from safedesk.services import drafts

    qtbot.mouseClick(page.choice_buttons[Kind.CONCERN], Qt.MouseButton.LeftButton)
    form = page.forms[Kind.CONCERN]
    fill(qtbot, form, factories.concern() | {"description": ""})
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.stack.currentWidget() is not page.done
    form.save_draft()
    assert len(drafts.my_drafts(staff)) == 1
    editor = form.inputs["description"].editor
    assert isinstance(editor, QPlainTextEdit)
    type_text(qtbot, editor, "Said she was hungry.")
    with qtbot.waitSignal(page.recorded):
        qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert drafts.my_drafts(staff) == []
    page.refresh_drafts()
    assert "unfinished" not in page.drafts_note.text()
