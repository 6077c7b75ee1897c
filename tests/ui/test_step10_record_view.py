"""Step 10 in a stored record: further holds in words, the body map drawn with its marks
listed, amending either in its own editor holding what the record says, the parent letter."""

# pytest-qt's QtBot is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.entries import Kind
from safedesk.services import lists, records
from safedesk.services.session import Session
from safedesk.ui.body_map_widget import BodyMapEditor
from safedesk.ui.holds_widget import HoldsEditor
from safedesk.ui.record_view import RecordView
from tests import factories
from tests.ui.test_step10_forms import add_hold, add_mark_by_keyboard

MARKS = [
    {"side": "front", "x": 0.815, "y": 0.43, "kind": "bruise", "size_mm": 30, "note": "fingertips"}
]
HOLDS = [{"hold": "seated_hold", "minutes": 4}]


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


@pytest.fixture
def ref(head_session: Session) -> str:
    payload = factories.intervention() | {"more_holds": HOLDS, "body_map": MARKS}
    return records.record(head_session, Kind.INTERVENTION, payload)


def choose_field(view: RecordView, name: str) -> None:
    view.field.setCurrentIndex(view.field.findData(name))
    assert view.value is not None and view.value.spec.name == name


def test_holds_read_as_words_and_the_body_map_is_drawn(view: RecordView, ref: str) -> None:
    view.show_entry(ref)
    html = view.body.toHtml()
    shown = view.body.toPlainText()
    assert "Seated hold 4 min" in shown
    assert "Bruise, left forearm (front), 30 mm: fingertips" in shown
    assert '"side"' not in shown and '"hold"' not in shown  # never the stored JSON
    assert "data:image/png;base64," in html
    assert view.letter_button.isVisible()


def test_no_parent_letter_on_a_behaviour_incident(view: RecordView, head_session: Session) -> None:
    view.show_entry(records.record(head_session, Kind.BEHAVIOUR, factories.behaviour()))
    assert not view.letter_button.isVisible()


def test_the_body_map_is_amended_in_its_own_editor(
    qtbot: QtBot, view: RecordView, ref: str, head_session: Session
) -> None:
    view.show_entry(ref)
    choose_field(view, "body_map")
    assert view.value is not None
    editor = view.value.editor
    assert isinstance(editor, BodyMapEditor)
    assert editor.list.item(0).text() == "1. Bruise, left forearm (front), 30 mm: fingertips"
    add_mark_by_keyboard(qtbot, editor, "Back", "upper back", "Cut", "10", "seen later")
    qtbot.keyClicks(view.reason, "Second mark found by the school nurse")
    qtbot.mouseClick(view.amend_button, Qt.MouseButton.LeftButton)
    assert view.message.text().startswith("Amended")
    marks = json.loads(records.open_record(head_session, ref).current()["body_map"] or "")
    assert [m["kind"] for m in marks] == ["bruise", "cut"]


def test_amending_the_body_map_fits_a_laptop(view: RecordView, ref: str) -> None:
    """1366x768 at 125 % leaves the window 1093x576; the header takes under 90 of it."""
    view.show_entry(ref)
    choose_field(view, "body_map")
    assert view.minimumSizeHint().height() <= 576 - 90
    assert view.minimumSizeHint().width() <= 1093


def test_further_holds_are_amended_in_their_own_editor(
    qtbot: QtBot, view: RecordView, ref: str, head_session: Session
) -> None:
    view.show_entry(ref)
    choose_field(view, "more_holds")
    assert view.value is not None
    editor = view.value.editor
    assert isinstance(editor, HoldsEditor)
    assert editor.value() == HOLDS
    add_hold(qtbot, editor, "Single elbow", "2")
    qtbot.keyClicks(view.reason, "The second hold was left out")
    qtbot.mouseClick(view.amend_button, Qt.MouseButton.LeftButton)
    assert view.message.text().startswith("Amended"), view.message.text()
    stored = records.open_record(head_session, ref).current()["more_holds"]
    assert json.loads(stored or "") == [*HOLDS, {"hold": "single_elbow", "minutes": 2}]
    assert "Seated hold 4 min; Single elbow 2 min" in view.body.toPlainText()


def test_a_hold_without_minutes_is_not_amended(
    qtbot: QtBot, view: RecordView, ref: str, head_session: Session
) -> None:
    view.show_entry(ref)
    choose_field(view, "more_holds")
    assert view.value is not None
    editor = view.value.editor
    assert isinstance(editor, HoldsEditor)
    add_hold(qtbot, editor, "Single elbow", "")
    qtbot.keyClicks(view.reason, "Adding a hold")
    qtbot.mouseClick(view.amend_button, Qt.MouseButton.LeftButton)
    assert view.value.error.text() == (
        "Other holds used needs the minutes of other hold 2 (Single elbow)."
    )
    assert records.open_record(head_session, ref).amendments == ()


def test_the_parent_letter_is_saved_where_chosen(
    qtbot: QtBot, view: RecordView, ref: str, tmp_path: Path
) -> None:
    view.show_entry(ref)
    target = tmp_path / "letter.pdf"
    view.write_letter(target)
    qtbot.waitUntil(lambda: view.letter_button.isEnabled())
    assert target.read_bytes().startswith(b"%PDF")
    assert view.letter_status.text() == (
        f"Saved the letter to the parent as {target}. Read it before you send it."
    )


def test_a_letter_refused_says_why_and_writes_nothing(
    qtbot: QtBot, view: RecordView, ref: str, head_session: Session, tmp_path: Path
) -> None:
    view.show_entry(ref)
    target = tmp_path / "no such folder" / "letter.pdf"
    view.write_letter(target)
    qtbot.waitUntil(lambda: view.letter_button.isEnabled())
    assert view.letter_status.text() == (
        f"Letter not saved: the folder {target.parent} does not exist."
    )
    assert not target.exists()
