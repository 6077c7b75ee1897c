"""Amending a record in the field's own box: long text in a multi-line box, a list's own
choices, a time in the date and time boxes, holding what the record says now."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from safedesk.domain.entries import Kind
from safedesk.services import lists, records
from safedesk.services.session import Session
from safedesk.ui.field_widgets import WhenBox
from safedesk.ui.record_view import RecordView
from tests import factories


@pytest.fixture
def view(qtbot: QtBot, head_session: Session) -> RecordView:
    factories.add_pupils(head_session)
    labels = {
        name: dict(values)
        for name, values in lists.choices(head_session, include_retired=True).items()
    }
    made = RecordView(head_session, labels)
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    return made


def choose_field(view: RecordView, name: str) -> None:
    view.field.setCurrentIndex(view.field.findData(name))
    assert view.value is not None and view.value.spec.name == name


def test_each_field_is_amended_in_its_own_box(
    qtbot: QtBot, view: RecordView, head_session: Session
) -> None:
    """Found by the new-user pass: one single-line box for every field, even long text,
    dates and lists."""
    payload = factories.concern() | {"occurred_at": "2026-11-20T10:15"}
    ref = records.record(head_session, Kind.CONCERN, payload)
    view.show_entry(ref)

    choose_field(view, "description")
    assert view.value is not None
    text = view.value.editor
    assert isinstance(text, QPlainTextEdit)
    assert text.toPlainText() == payload["description"]

    choose_field(view, "category")
    combo = view.value.editor
    assert isinstance(combo, QComboBox)
    assert combo.currentData() == "neglect"
    assert combo.findData("online") > 0

    choose_field(view, "occurred_at")
    when = view.value.editor
    assert isinstance(when, WhenBox)
    assert (when.day.text(), when.clock.text()) == ("20/11/2026", "10:15")
    when.clock.clear()
    qtbot.keyClicks(when.clock, "0945")
    qtbot.keyClicks(view.reason, "Checked the register: it was before break.")
    qtbot.mouseClick(view.amend_button, Qt.MouseButton.LeftButton)
    assert view.message.text().startswith("Amended.")
    [amendment] = records.open_record(head_session, ref).amendments
    assert amendment.field == "occurred_at"
    assert "Checked the register" in amendment.reason
    assert "20/11/2026 09:45" in view.body.toPlainText()


def test_a_long_text_amendment_keeps_its_lines(
    qtbot: QtBot, view: RecordView, head_session: Session
) -> None:
    ref = records.record(head_session, Kind.CONCERN, factories.concern())
    view.show_entry(ref)
    choose_field(view, "action_taken")
    assert view.value is not None
    editor = view.value.editor
    assert isinstance(editor, QPlainTextEdit)
    qtbot.keyClicks(editor, "Told the DSL.")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "Rang Mum at 3pm.")
    qtbot.keyClicks(view.reason, "Left out")
    view.amend_button.click()
    entry = records.open_record(head_session, ref)
    assert entry.current()["action_taken"] == "Told the DSL.\nRang Mum at 3pm."


def test_a_half_typed_time_is_refused_in_words_before_anything_is_sent(
    qtbot: QtBot, view: RecordView, head_session: Session
) -> None:
    ref = records.record(head_session, Kind.CONCERN, factories.concern())
    view.show_entry(ref)
    choose_field(view, "occurred_at")
    assert view.value is not None
    when = view.value.editor
    assert isinstance(when, WhenBox)
    when.day.clear()
    qtbot.keyClicks(when.day, "32/11/2026")
    qtbot.keyClicks(view.reason, "Wrong day")
    view.amend_button.click()
    assert view.value.error.text() == "When it happened needs a real date, typed like 24/11/2026."
    assert records.open_record(head_session, ref).amendments == ()


def test_amend_offers_only_values_still_in_use(
    qtbot: QtBot, view: RecordView, head_session: Session
) -> None:
    """A retired value would be refused by the service: it is not offered."""
    lists.add_value(head_session, "locations", "old_hut", "The old hut")
    lists.retire_value(head_session, "locations", "old_hut")
    ref = records.record(head_session, Kind.BEHAVIOUR, factories.behaviour())
    view.show_entry(ref)
    choose_field(view, "location")
    combo = view.value.editor if view.value is not None else None
    assert isinstance(combo, QComboBox)
    assert combo.findData("old_hut") == -1
    assert combo.findData("playground") > 0
