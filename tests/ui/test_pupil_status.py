# mypy: disallow-untyped-calls=False
# (pytest-qt's QtBot methods carry no annotations.)
"""The pupil page's safeguarding status: shown to DSLs and the head, set with its date from the
keyboard in its dialog (fields checked as they are typed, by their labels), never shown to
anyone else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.clock import FixedClock
from safedesk.domain.people import Pupil
from safedesk.domain.pupil_status import StatusKind
from safedesk.domain.roles import Role
from safedesk.services import pupil_status
from safedesk.services.session import Session
from safedesk.store import pupils
from safedesk.ui.pupil_status_dialog import PupilStatusDialog
from safedesk.ui.pupil_view import PupilView
from tests import factories
from tests.factories import PUPIL_A

NOW = datetime.fromisoformat("2026-03-10T10:00").astimezone()


def pupil(session: Session) -> Pupil:
    with session.store.read() as conn:
        return pupils.by_upns(conn, [PUPIL_A])[PUPIL_A]


@pytest.fixture
def view(qtbot: QtBot, head_session: Session) -> PupilView:
    factories.add_pupils(head_session)
    head_session.clock = FixedClock(NOW)
    page = PupilView(head_session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.show_pupil(pupil(head_session))
    return page


def open_dialog(view: PupilView, qtbot: QtBot) -> PupilStatusDialog:
    view.status_button.setFocus()
    qtbot.keyClick(view.status_button, Qt.Key.Key_Space)
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.change.hasFocus)
    return dialog


def test_a_status_is_started_from_the_keyboard_and_shown(
    view: PupilView, qtbot: QtBot, tmp_path: Path
) -> None:
    assert view.status.text() == "Safeguarding status: <b>none recorded</b>"
    assert view.status_button.isVisible()
    dialog = open_dialog(view, qtbot)
    qtbot.keyClick(dialog.change, Qt.Key.Key_Down)  # the first: Start: Child protection plan
    assert dialog.change.currentText() == "Start: Child protection plan"
    assert dialog.day.text() == ""  # empty until someone types the day
    qtbot.keyClick(dialog.change, Qt.Key.Key_Tab)
    assert dialog.day.hasFocus()
    qtbot.keyClicks(dialog.day, "03/02/2026")
    qtbot.keyClick(dialog.day, Qt.Key.Key_Tab)
    assert dialog.note.hasFocus()
    qtbot.keyClicks(dialog.note, "Initial child protection conference")
    dialog.grab().save(str(tmp_path / "status-dialog.png"))
    with qtbot.waitSignal(view.status_changed, timeout=10_000):
        qtbot.keyClick(dialog.day, Qt.Key.Key_Return)  # the dialog's default button: Save
    assert "Child protection plan since 03/02/2026" in view.status.text()
    now = pupil_status.current_statuses(view.session, [PUPIL_A])[PUPIL_A]
    assert [(p.kind, p.note) for p in now] == [
        (StatusKind.CHILD_PROTECTION_PLAN, "Initial child protection conference")
    ]
    view.grab().save(str(tmp_path / "pupil-view.png"))


def test_errors_name_the_fields_and_go_when_put_right(view: PupilView, qtbot: QtBot) -> None:
    dialog = open_dialog(view, qtbot)
    dialog.submit()  # nothing chosen, no day
    assert dialog.errors["Status"].text() == "What changes: choose one."
    assert dialog.errors["day"].text() == "Starts on: is required."
    assert dialog.captions["Status"].text() == "&What changes *"  # the label errors use
    assert "2 things to put right" in dialog.error.text()
    qtbot.keyClick(dialog.change, Qt.Key.Key_Down)
    assert dialog.errors["Status"].isHidden()
    qtbot.keyClicks(dialog.day, "11/03/2026")  # tomorrow
    assert "cannot be in the future" in dialog.errors["day"].text()
    assert "1 thing to put right" in dialog.error.text()
    dialog.day.clear()
    qtbot.keyClicks(dialog.day, "31/02/2026")
    assert dialog.errors["day"].text().startswith("Starts on: must be a date like")
    dialog.day.clear()
    qtbot.keyClicks(dialog.day, "10/03/2026")  # today
    assert dialog.errors["day"].isHidden()
    assert dialog.error.isHidden()


def test_a_status_is_ended_on_a_day_after_it_started(view: PupilView, qtbot: QtBot) -> None:
    made = pupil_status.start_status(
        view.session, PUPIL_A, StatusKind.YOUNG_CARER, date(2026, 2, 3)
    )
    view.show_pupil(pupil(view.session))
    dialog = open_dialog(view, qtbot)
    ends = dialog.change.findText(f"End: {made.text()}")
    assert ends >= 0
    assert dialog.change.findText("Start: Young carer") == -1  # it holds: only its end
    dialog.change.setCurrentIndex(ends)
    assert dialog.day.accessibleName() == "Ends on"
    qtbot.keyClicks(dialog.day, "01/02/2026")
    dialog.submit()
    assert (
        dialog.errors["day"].text()
    ) == "Ends on: must be on or after the day it started (03/02/2026)."
    dialog.day.clear()
    qtbot.keyClicks(dialog.day, "09/03/2026")
    with qtbot.waitSignal(view.status_changed, timeout=10_000):
        dialog.submit()
    assert "Young carer from 03/02/2026 to 09/03/2026" in view.status.text()
    assert PUPIL_A not in pupil_status.current_statuses(view.session, [PUPIL_A])


def test_a_behaviour_lead_never_sees_safeguarding_status(
    qtbot: QtBot, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    pupil_status.start_status(
        head_session, PUPIL_A, StatusKind.CHILD_PROTECTION_PLAN, date(2026, 2, 3)
    )
    page = PupilView(session_as(Role.BEHAVIOUR_LEAD))
    qtbot.addWidget(page)
    page.show()
    page.show_pupil(pupil(head_session))
    assert not page.status_button.isVisible()
    assert not page.status.isVisible()
    assert "protection" not in page.status.text()
    assert page.open_status_dialog() is None
