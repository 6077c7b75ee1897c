"""The Reports page on a real school: each reader sees the tabs their role may, the figures
with the school's labels, a chart beside each table, worked out off the UI thread; filters
reached and run from the keyboard; a pupil named in a table opens their page."""

# pytest-qt's QtBot is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import analysis as analysis_service
from safedesk.services import lists, records
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import analysis_charts
from safedesk.ui.analysis_figures import Tab
from safedesk.ui.analysis_panel import WORKING
from safedesk.ui.main_window import MainWindow
from safedesk.ui.reports_page import ReportsPage
from tests import factories
from tests.conftest import SCHOOL_NAME
from tests.ui.conftest import add_roll


def school_with_records(head: Session) -> None:
    add_roll(head)
    for kind in (Kind.CONCERN, Kind.BEHAVIOUR, Kind.INTERVENTION):
        records.record(head, kind, factories.PAYLOADS[kind]())
    factories.take_in_all(head)


def opened(qtbot: QtBot, session: Session) -> ReportsPage:
    page = ReportsPage(session)
    qtbot.addWidget(page)
    page.resize(900, 500)
    with qtbot.waitSignal(page.loaded, timeout=120_000):
        page.show()
    return page


def tab_names(page: ReportsPage) -> list[str]:
    tabs = page.tabs
    return [tabs.tabText(i).replace("&", "") for i in range(tabs.count()) if tabs.isTabVisible(i)]


def test_the_head_sees_every_figure_with_the_schools_labels(
    qtbot: QtBot, head_session: Session
) -> None:
    school_with_records(head_session)
    page = opened(qtbot, head_session)
    assert tab_names(page) == [
        "Behaviour",
        "Bullying",
        "Physical interventions",
        "Concerns",
        "Time to action",
        "Targets",
    ]
    before = page.chosen_filters().previous_words  # the same dates last year
    behaviour = page.panels[Tab.BEHAVIOUR]
    assert behaviour.summary.text() == f"<b>1 incident; none in {before}.</b>"
    labels = dict(lists.choices(head_session)["behaviour_types"])
    block = behaviour.blocks["behaviour.by_type"]
    model = block.model
    cells = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert cells == [labels["verbal_abuse"], "1", "100%"]
    assert block.chart is not None
    assert not block.chart.pixmap().isNull()  # drawn, and shown
    assert block.chart.accessibleDescription() == (
        f"By type of behaviour: {labels['verbal_abuse']} 1."
    )
    triggers = dict(lists.choices(head_session)["triggers"])
    trigger = behaviour.blocks["behaviour.by_trigger"].model
    assert trigger.data(trigger.index(0, 0)) == triggers["peer_conflict"]
    concerns = page.panels[Tab.CONCERNS]
    assert concerns.summary.text() == f"<b>1 concern; none in {before}.</b>"
    interventions = page.panels[Tab.INTERVENTIONS]
    by_pupil = interventions.blocks["interventions.by_pupil"].model
    assert by_pupil.data(by_pupil.index(0, 0)) == "Shiv O'Connor-Nguyễn"
    assert page.figures is not None
    qtbot.waitUntil(
        lambda: page.figures is not None and page.figures.table.rowCount() == 3, timeout=60_000
    )


def test_the_behaviour_lead_has_reports_without_concerns(
    qtbot: QtBot, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    school_with_records(head_session)
    lead = session_as(Role.BEHAVIOUR_LEAD)
    window = MainWindow(lead, SCHOOL_NAME, kdf=FAST_KDF)
    qtbot.addWidget(window)
    assert "Reports" in window.page_names
    page = window.reports_page
    assert page is not None
    with qtbot.waitSignal(page.loaded, timeout=120_000):
        window.show()
        window.show_page("Reports")
    assert tab_names(page) == ["Behaviour", "Bullying", "Physical interventions", "Targets"]
    assert page.analysis is not None and page.analysis.concerns is None
    assert page.figures is None  # time to action is about concerns
    window.stop()

    staff = session_as(Role.STAFF)
    window = MainWindow(staff, SCHOOL_NAME, kdf=FAST_KDF)
    qtbot.addWidget(window)
    assert "Reports" not in window.page_names


def test_filters_from_the_keyboard(qtbot: QtBot, head_session: Session) -> None:
    school_with_records(head_session)
    page = opened(qtbot, head_session)
    years = [page.year_group.itemText(i) for i in range(page.year_group.count())]
    assert years == ["All year groups", "Reception", "Year 2", "Year 3", "Year 4"]
    classes = [page.class_name.itemText(i) for i in range(page.class_name.count())]
    assert classes == ["All classes", "Ash", "Birch", "Elm", "Oak"]

    page.activateWindow()
    page.year_group.setFocus()
    for _ in range(3):  # Reception, Year 2, Year 3
        qtbot.keyClick(page.year_group, Qt.Key.Key_Down)
    assert page.year_group.currentText() == "Year 3"
    classes = [page.class_name.itemText(i) for i in range(page.class_name.count())]
    assert classes == ["All classes", "Oak"]  # the year group's own
    with qtbot.waitSignal(page.loaded, timeout=120_000):
        qtbot.keyClick(page.year_group, Qt.Key.Key_Return)  # Enter runs
    assert page.analysis is not None and page.analysis.filters.year_group == "3"
    assert "records naming Year 3" in page.status.text()
    # Year 4's pupil is the target of the incident; Year 2 has no record.
    qtbot.keyClick(page.year_group, Qt.Key.Key_Up)
    assert page.year_group.currentText() == "Year 2"
    with qtbot.waitSignal(page.loaded, timeout=120_000):
        qtbot.keyClick(page.year_group, Qt.Key.Key_Enter)
    summary = page.panels[Tab.BEHAVIOUR].summary.text()
    assert summary.startswith("<b>No incidents in these dates")

    # Tab goes through the filters in reading order.
    page.class_name.setFocus()
    qtbot.keyClick(page.class_name, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.group
    qtbot.keyClick(page.group, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.show_button


def test_to_before_from_is_said_by_its_labels(qtbot: QtBot, head_session: Session) -> None:
    page = opened(qtbot, head_session)
    before = page.analysis
    page.last_day.setDate(page.first_day.date().addDays(-1))
    page.show_button.click()
    assert "To: is before From: choose a last day on or after the first" in page.status.text()
    assert page.analysis is before  # nothing worked out


def test_a_pupil_named_in_a_table_opens_their_page(qtbot: QtBot, head_session: Session) -> None:
    school_with_records(head_session)
    window = MainWindow(head_session, SCHOOL_NAME, kdf=FAST_KDF)
    qtbot.addWidget(window)
    page = window.reports_page
    assert page is not None
    with qtbot.waitSignal(page.loaded, timeout=120_000):
        window.show()
        window.show_page("Reports")
    page.tabs.setCurrentWidget(page.panels[Tab.INTERVENTIONS])
    table = page.panels[Tab.INTERVENTIONS].blocks["interventions.by_pupil"].table
    assert table.accessibleName() == "By pupil"
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.pupil_view
    window.stop()


def test_figures_and_charts_are_made_off_the_ui_thread(
    qtbot: QtBot, head_session: Session, real_threads: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    school_with_records(head_session)
    threads: dict[str, threading.Thread] = {}
    analyse, draw_all = analysis_service.analyse, analysis_charts.draw_all

    def watched_analyse(*args: Any) -> Any:
        threads["analyse"] = threading.current_thread()
        return analyse(*args)

    def watched_draw(*args: Any) -> Any:
        threads["draw"] = threading.current_thread()
        return draw_all(*args)

    monkeypatch.setattr(analysis_service, "analyse", watched_analyse)
    monkeypatch.setattr("safedesk.ui.reports_page.draw_all", watched_draw)
    page = ReportsPage(head_session)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=120_000):
        page.show()
        # Painted at once, before any figure is known.
        assert page.panels[Tab.BEHAVIOUR].summary.text() == WORKING
        assert page.status.text() == WORKING
    assert set(threads) == {"analyse", "draw"}
    assert all(t is not threading.main_thread() for t in threads.values())
    charts = [
        block.chart
        for panel in page.panels.values()
        for block in panel.blocks.values()
        if block.chart is not None and not block.chart.isHidden()
    ]
    assert charts and all(not chart.pixmap().isNull() for chart in charts)


def test_a_load_asked_for_again_shows_only_the_last(qtbot: QtBot, head_session: Session) -> None:
    school_with_records(head_session)
    page = opened(qtbot, head_session)
    said: list[None] = []
    page.loaded.connect(lambda: said.append(None))
    with qtbot.waitSignal(page.loaded, timeout=120_000):
        page.load()  # all year groups
        page.year_group.setCurrentIndex(page.year_group.findText("Year 2"))
        page.load()  # then Year 2, before the first came back
    for _ in range(20):
        QApplication.processEvents()
    assert len(said) == 1
    assert page.analysis is not None and page.analysis.filters.year_group == "2"
    summary = page.panels[Tab.BEHAVIOUR].summary.text()
    assert summary.startswith("<b>No incidents in these dates")
