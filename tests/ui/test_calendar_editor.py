"""The admin's calendar editor: terms and closures change the queue's school days."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from safedesk.services import school_calendar, settings
from safedesk.services.session import Session
from safedesk.ui.calendar_editor import CalendarEditor


def test_add_and_remove_terms_and_closures(qtbot: QtBot, head_session: Session) -> None:
    editor = CalendarEditor(head_session)
    qtbot.addWidget(editor)
    editor.term_from.setDate(QDate(2026, 9, 2))
    editor.term_to.setDate(QDate(2026, 10, 23))
    qtbot.mouseClick(editor.add_term_button, Qt.MouseButton.LeftButton)
    assert school_calendar.terms(head_session) == [(date(2026, 9, 2), date(2026, 10, 23))]
    assert editor.terms.count() == 1

    # An overlapping term is refused in plain words and nothing changes.
    editor.term_from.setDate(QDate(2026, 10, 1))
    editor.term_to.setDate(QDate(2026, 12, 18))
    qtbot.mouseClick(editor.add_term_button, Qt.MouseButton.LeftButton)
    assert "overlaps" in editor.status.text()
    assert editor.terms.count() == 1

    editor.closure_day.setDate(QDate(2026, 9, 2))
    qtbot.keyClicks(editor.closure_reason, "INSET day")
    qtbot.keyClick(editor.closure_reason, Qt.Key.Key_Return)
    assert school_calendar.closures(head_session) == [(date(2026, 9, 2), "INSET day")]
    assert editor.closure_reason.text() == ""

    # A closure needs a reason.
    editor.closure_day.setDate(QDate(2026, 9, 3))
    qtbot.mouseClick(editor.add_closure_button, Qt.MouseButton.LeftButton)
    assert "reason" in editor.status.text()

    editor.closures.setCurrentRow(0)
    qtbot.mouseClick(editor.remove_closure_button, Qt.MouseButton.LeftButton)
    assert school_calendar.closures(head_session) == []
    editor.terms.setCurrentRow(0)
    qtbot.mouseClick(editor.remove_term_button, Qt.MouseButton.LeftButton)
    assert school_calendar.terms(head_session) == []


def test_targets_are_saved_as_settings(qtbot: QtBot, head_session: Session) -> None:
    editor = CalendarEditor(head_session)
    qtbot.addWidget(editor)
    editor.urgent.setValue(180)
    editor.day_start.setTime(editor.day_start.time().fromString("08:45", "HH:mm"))
    editor.region.setCurrentIndex(editor.region.findData("SCT"))
    editor.save_targets()
    saved = settings.get_settings(head_session)
    assert (saved.urgent_minutes, saved.school_day_start, saved.bank_holidays_region) == (
        180,
        "08:45",
        "SCT",
    )
    assert "saved" in editor.status.text()


def test_one_school_day_is_not_called_days(qtbot: QtBot, head_session: Session) -> None:
    editor = CalendarEditor(head_session)
    qtbot.addWidget(editor)
    editor.routine.setFocus()
    editor.routine.selectAll()
    qtbot.keyClicks(editor.routine, "1")
    assert editor.routine.text() == "1 school day"
    qtbot.keyClick(editor.routine, Qt.Key.Key_Up)
    assert editor.routine.text() == "2 school days"


def test_step_11_settings_are_typed_and_saved(qtbot: QtBot, head_session: Session) -> None:
    """Who needs a risk assessment, when training falls due and the largest attachment are
    the school's to change, by keyboard, beside the other targets."""
    editor = CalendarEditor(head_session)
    qtbot.addWidget(editor)
    typed = {
        editor.repeat_interventions: "5",
        editor.repeat_days: "90",
        editor.dsl_training: "12",
        editor.staff_update: "6",
        editor.attachment_limit: "8",
    }
    for spin, text in typed.items():
        spin.selectAll()
        qtbot.keyClicks(spin, text)
        qtbot.keyClick(spin, Qt.Key.Key_Tab)
    editor.save_targets()
    saved = settings.get_settings(head_session)
    assert (
        saved.repeat_interventions,
        saved.repeat_interventions_days,
        saved.dsl_training_months,
        saved.staff_update_months,
        saved.attachment_limit_mb,
    ) == (5, 90, 12, 6, 8)
    assert editor.repeat_interventions.accessibleName() == (
        "Vulnerable after this many physical interventions"
    )
