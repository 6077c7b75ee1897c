# mypy: disallow-untyped-calls=False
"""Reports → Targets: a target set with the keyboard alone, errors by their fields, each week's
figure against the line as a chart and a table, a DSL who reads but does not set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.domain import upn
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import records, school_calendar
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import tasks
from safedesk.ui.main_window import MainWindow
from safedesk.ui.target_dialog import RetireDialog, TargetDialog
from safedesk.ui.targets_panel import TargetsPanel, line_name, week_state
from tests import factories
from tests.conftest import SCHOOL_NAME
from tests.ui.conftest import activate, add_roll
from tests.ui.test_windows_fit import SCREEN, themed

__all__ = ["themed"]

NOW = "2026-11-18T12:00"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


@pytest.fixture
def lead(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    """A behaviour lead in a school with its autumn term (half-term in the week of 26
    October), pupils, and incidents before and after the half-term."""
    head = head_session
    add_roll(head)
    school_calendar.add_term(head, "2026-09-02", "2026-10-23")
    school_calendar.add_term(head, "2026-11-02", "2026-12-18")
    for day in ("2026-10-06", "2026-10-13", "2026-10-20", "2026-10-27", "2026-11-10"):
        head.clock = FixedClock(at(f"{day}T11:00"))
        payload = factories.behaviour() | {"occurred_at": f"{day}T10:00"}
        records.record(head, Kind.BEHAVIOUR, payload)
    made = session_as(Role.BEHAVIOUR_LEAD)
    made.clock = FixedClock(at(NOW))
    return made


def settle(qtbot: QtBot) -> None:
    """Wait for the loads and charts started off the UI thread (inline here) to finish."""
    qtbot.waitUntil(lambda: tasks.running() == 0)


def open_panel(qtbot: QtBot, session: Session) -> TargetsPanel:
    panel = TargetsPanel(session)
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    panel.show()
    panel.refresh()
    settle(qtbot)
    return panel


def test_a_target_set_with_the_keyboard(qtbot: QtBot, lead: Session) -> None:
    panel = open_panel(qtbot, lead)
    assert panel.status.text() == "No targets yet. Set one with Set a target…"
    activate(qtbot, panel)
    qtbot.keyClick(panel, "t", Qt.KeyboardModifier.AltModifier)  # Set a &target…
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible())
    dialog = panel.dialog
    assert isinstance(dialog, TargetDialog)
    activate(qtbot, dialog)
    assert dialog.scope.hasFocus()
    assert dialog.scope.currentText() == "Whole school"  # the one default, said on the form
    assert not dialog.year_group.isVisible()
    qtbot.keyClick(dialog.scope, Qt.Key.Key_Down)  # (a space would open the list)
    assert dialog.scope.currentText() == "A year group"
    assert dialog.year_group.isVisible()
    qtbot.keyClick(dialog.scope, Qt.Key.Key_Tab)
    assert dialog.year_group.hasFocus()
    qtbot.keyClick(dialog.year_group, Qt.Key.Key_Down)  # Year 2, the first
    qtbot.keyClick(dialog.year_group, Qt.Key.Key_Down)
    assert dialog.year_group.currentText() == "Year 3"
    qtbot.keyClick(dialog.year_group, Qt.Key.Key_Tab)
    assert dialog.measure.hasFocus()  # the pupil's box is hidden and skipped
    qtbot.keyClicks(dialog.measure, "Behaviour")
    qtbot.keyClick(dialog.measure, Qt.Key.Key_Tab)
    assert dialog.goal.hasFocus()
    qtbot.keyClicks(dialog.goal, "0.5")
    qtbot.keyClick(dialog.goal, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.goal_on, "18/12/2026")
    qtbot.keyClick(dialog.goal_on, Qt.Key.Key_Tab)
    assert dialog.note.hasFocus()
    qtbot.keyClicks(dialog.note, "Lunchtimes first.")
    with qtbot.waitSignal(dialog.succeeded):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert panel.model.rowCount() == 1
    view = panel.current()
    assert view is not None
    assert (view.applies_to, view.measure) == ("Year 3", "Behaviour incidents a week")
    # 6 school weeks before 16 November: 5, 12, 19 October and 2, 9 November had 4 (the
    # half-term week of 26 October is not one of them): 4 / 6.
    assert view.target.baseline == 0.67
    assert view.target.target.note == "Lunchtimes first."
    assert panel.status.text() == "1 target being followed."
    weeks = panel.weeks_model
    rows = [
        [weeks.index(r, c).data() for c in range(weeks.columnCount())]
        for r in range(weeks.rowCount())
    ]
    assert rows[-1] == ["16/11/2026 (2026-W47)", "0", "0.67", "Not over yet"]
    assert rows[0] == ["14/12/2026 (2026-W51)", "", "0.5", "To come"]
    pixmap = panel.chart.pixmap()
    assert not pixmap.isNull()
    assert "Baseline 0.67 a week; goal 0.5 a week by 18/12/2026." in panel.summary.text()


def test_what_is_missing_is_said_under_its_field(qtbot: QtBot, lead: Session) -> None:
    panel = open_panel(qtbot, lead)
    panel.open_set()
    dialog = panel.dialog
    assert isinstance(dialog, TargetDialog)
    activate(qtbot, dialog)
    dialog.scope.setFocus()
    qtbot.keyClick(dialog.scope, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.scope, Qt.Key.Key_Down)
    assert dialog.scope.currentText() == "A pupil"
    qtbot.keyClick(dialog.scope, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert dialog.isVisible()
    said = {name: e.text() for name, e in dialog.errors.items() if e.isVisible()}
    assert said == {
        "pupil": "Pupil is required for a pupil's target.",
        "measure": "Measure is required.",
        "goal": "Goal a week is required.",
        "goal_on": "Goal date is required.",
    }
    assert dialog.pupil.hasFocus()
    # Typing a name's first letters goes to the pupil; the type of behaviour is asked for.
    qtbot.keyClicks(dialog.pupil, "Mateo")
    assert dialog.pupil.currentText() == "Mateo De la Cruz, Year 2"
    assert dialog.payload()["pupil"] == upn.make("801200005003")
    qtbot.keyClicks(dialog.measure, "Incidents")
    assert dialog.behaviour_type.isVisible()
    qtbot.keyClicks(dialog.goal, "1")
    qtbot.keyClicks(dialog.goal_on, "01/01/2026")
    qtbot.keyClick(dialog.goal, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    said = {name: e.text() for name, e in dialog.errors.items() if e.isVisible()}
    assert said == {
        "behaviour_type": "Type of behaviour is required for incidents of one type.",
        "goal_on": "Goal date must be after today (18/11/2026).",
    }


def test_change_and_retire_from_the_panel(
    qtbot: QtBot, lead: Session, qtmodeltester: ModelTester
) -> None:
    panel = open_panel(qtbot, lead)
    panel.open_set()
    dialog = panel.dialog
    assert isinstance(dialog, TargetDialog)
    dialog.measure.setCurrentIndex(dialog.measure.findText("Behaviour incidents a week"))
    dialog.goal.setText("1")
    dialog.goal_on.setText("18/12/2026")
    with qtbot.waitSignal(dialog.succeeded):
        dialog.submit()
    settle(qtbot)
    qtmodeltester.check(panel.model)
    qtmodeltester.check(panel.weeks_model)
    panel.open_change()
    change = panel.dialog
    assert isinstance(change, TargetDialog)
    assert change.goal.text() == "1"  # the goal it has now, to change
    change.goal.setText("0")
    with qtbot.waitSignal(change.succeeded):
        change.submit()
    settle(qtbot)
    view = panel.current()
    assert view is not None
    assert (view.target.version, view.target.target.goal) == (2, 0.0)
    panel.open_retire()
    retire = panel.dialog
    assert isinstance(retire, RetireDialog)
    retire.submit()
    settle(qtbot)
    assert retire.errors["reason"].text() == "Why it is retired is required."
    retire.reason.setText("Replaced by the new plan.")
    with qtbot.waitSignal(retire.succeeded):
        retire.submit()
    settle(qtbot)
    assert panel.model.rowCount() == 0
    assert panel.chart.pixmap().isNull()


def test_a_dsl_sees_targets_but_has_nothing_to_set_them_with(
    qtbot: QtBot, lead: Session, session_as: Callable[[Role], Session]
) -> None:
    from safedesk.services import targets

    targets.set_target(
        lead, {"measure": "incidents_per_week", "goal": "1", "goal_on": "18/12/2026"}
    )
    dsl = session_as(Role.DSL)
    dsl.clock = FixedClock(at(NOW) + timedelta(days=7))
    panel = open_panel(qtbot, dsl)
    assert panel.model.rowCount() == 1
    assert not panel.set_button.isVisible()
    assert not panel.change_button.isVisible()
    panel.open_set()
    assert panel.dialog is None


def test_small_windows_scroll_and_captions_are_never_cut(qtbot: QtBot, lead: Session) -> None:
    from safedesk.services import targets

    targets.set_target(
        lead, {"measure": "incidents_per_week", "goal": "1", "goal_on": "18/12/2026"}
    )
    panel = open_panel(qtbot, lead)
    panel.resize(1093, 420)  # a laptop at 125 %, less the window's header and tabs
    qtbot.waitUntil(lambda: panel.chart.height() > 0)
    # One part never drawn over another: the chart ends above the words under it.
    chart = panel.chart.geometry()
    assert chart.bottom() < panel.summary.geometry().top()
    assert panel.chart.height() >= panel.chart.minimumHeight()
    panel.open_set()
    dialog = panel.dialog
    assert isinstance(dialog, TargetDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.measure.setCurrentIndex(dialog.measure.findText("Incidents of one type a week"))
    for caption in dialog.captions.values():
        if caption.isVisible():
            words = caption.fontMetrics().horizontalAdvance(caption.text().replace("&", ""))
            assert caption.width() >= words, caption.text()


def test_the_line_stops_over_a_holiday_and_the_legend_says_so(
    qtbot: QtBot, lead: Session, head_session: Session
) -> None:
    from safedesk.services import targets

    school_calendar.add_term(head_session, "2027-01-05", "2027-02-12")
    targets.set_target(
        lead, {"measure": "incidents_per_week", "goal": "1", "goal_on": "12/02/2027"}
    )
    panel = open_panel(qtbot, lead)
    view = panel.current()
    assert view is not None
    states = {w.monday.isoformat(): week_state(w) for w in view.progress.weeks}
    assert states["2026-12-21"] == states["2026-12-28"] == "Holiday"
    assert line_name(view.progress) == "Line to the goal (none in holidays)"
    assert not panel.chart.pixmap().isNull()


def inside_a_table(widget: QWidget, panel: TargetsPanel) -> bool:
    """Within a table's own scrolled part (its cells scroll by themselves)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not panel:
        grand = parent.parentWidget()
        if (
            isinstance(grand, QAbstractScrollArea)
            and grand is not panel.scroller
            and parent is grand.viewport()
        ):
            return True
        parent = grand
    return False


def cut_at_the_right(panel: TargetsPanel) -> list[str]:
    """The panel's parts that run past the width it shows (it never scrolls sideways)."""
    seen = panel.scroller.viewport()
    found = []
    for child in panel.findChildren(QWidget):
        if not child.isVisibleTo(panel) or child.size().isEmpty() or inside_a_table(child, panel):
            continue
        if child is seen or child is panel.scroller or not seen.isAncestorOf(child):
            continue
        right = child.mapTo(seen, QPoint(child.width(), 0)).x()
        if right > seen.width():
            found.append(f"{type(child).__name__} {child.accessibleName()!r} ends at {right}")
    return found


def test_the_targets_tab_fits_a_laptop_at_125_percent(
    qtbot: QtBot, lead: Session, themed: None
) -> None:
    """The weeks' table beside the chart asked for more than the ~850 px the tab has on a
    1366x768 laptop at 125 %: the words above it and the table were cut at the right."""
    from safedesk.services import targets

    targets.set_target(
        lead, {"measure": "incidents_per_week", "goal": "1", "goal_on": "18/12/2026"}
    )
    window = MainWindow(lead, SCHOOL_NAME, kdf=FAST_KDF)
    qtbot.addWidget(window)
    window.resize(SCREEN)
    page = window.reports_page
    assert page is not None and page.targets is not None
    with qtbot.waitSignal(page.loaded, timeout=120_000):
        window.show()
        window.show_page("Reports")
    panel = page.targets
    page.tabs.setCurrentWidget(panel)
    settle(qtbot)
    qtbot.waitUntil(lambda: not panel.chart.pixmap().isNull())
    assert window.width() <= SCREEN.width()
    assert panel.current() is not None
    assert panel.weeks.isVisible()
    assert cut_at_the_right(panel) == []
    # The chart and the weeks both in view, one above the other, neither drawn over the other.
    assert panel.chart.geometry().bottom() < panel.summary.geometry().top()
    chart = panel.chart.mapTo(panel, QPoint(0, 0))
    weeks = panel.weeks.mapTo(panel, QPoint(0, 0))
    assert weeks.y() > chart.y() + panel.chart.height()
    window.stop()


def test_matplotlib_is_imported_only_when_a_chart_is_drawn() -> None:
    import subprocess
    import sys

    code = (
        "import sys, safedesk.ui.targets_panel, safedesk.ui.target_dialog, "
        "safedesk.services.targets; print('matplotlib' in sys.modules)"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert found.stdout.strip() == "False"


def test_the_weeks_open_at_this_week_not_the_weeks_to_come(qtbot: QtBot, lead: Session) -> None:
    """A new user found a target for the summer opened on a column of "To come" weeks."""
    panel = open_panel(qtbot, lead)
    panel.resize(1366, 500)
    panel.open_set()
    dialog = panel.dialog
    assert isinstance(dialog, TargetDialog)
    dialog.measure.setCurrentIndex(dialog.measure.findText("Behaviour incidents a week"))
    dialog.goal.setText("1")
    dialog.goal_on.setText("16/07/2027")
    with qtbot.waitSignal(dialog.succeeded):
        dialog.submit()
    settle(qtbot)
    model = panel.weeks_model
    rows = [model.row_of(model.index(r, 0)) for r in range(model.rowCount())]
    this_week = next(r for r, week in enumerate(rows) if week and week.figure is not None)
    assert this_week > 0  # the weeks to come are above it

    def in_view() -> bool:
        viewport = panel.weeks.viewport().height()
        return panel.weeks.rowAt(0) <= this_week <= panel.weeks.rowAt(viewport - 1)

    qtbot.waitUntil(in_view)
