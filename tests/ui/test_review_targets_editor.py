"""The Settings tab's targets for leaders' reviews of behaviour records, typed and saved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from safedesk.services import settings
from safedesk.services.session import Session
from safedesk.ui.calendar_editor import CalendarEditor


def test_review_targets_are_typed_and_saved(qtbot: QtBot, head_session: Session) -> None:
    editor = CalendarEditor(head_session)
    qtbot.addWidget(editor)
    assert editor.intervention_review.text() == "1 school day"
    assert editor.other_review.text() == "3 school days"
    for spin, typed in (
        (editor.intervention_review, "2"),
        (editor.serious_review, "2"),
        (editor.other_review, "5"),
    ):
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, typed)
    save = next(b for b in editor.findChildren(QPushButton) if b.text() == "Save t&argets")
    save.setFocus()
    qtbot.keyClick(save, Qt.Key.Key_Space)
    saved = settings.get_settings(head_session)
    assert (
        saved.intervention_review_school_days,
        saved.serious_behaviour_review_school_days,
        saved.behaviour_review_school_days,
    ) == (2, 2, 5)
    assert "behaviour page" in editor.status.text()


def test_the_editors_alt_letters_are_its_own(qtbot: QtBot, head_session: Session) -> None:
    editor = CalendarEditor(head_session)
    qtbot.addWidget(editor)
    letters = [
        b.text()[b.text().index("&") + 1].lower()
        for b in editor.findChildren(QPushButton)
        if "&" in b.text()
    ]
    assert sorted(letters) == ["a", "c", "t"]  # Add term, Add closure, Save targets
