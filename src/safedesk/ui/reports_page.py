"""Reports: what leaders need to see patterns, for any dates and any group of pupils.

Filters (dates, year group, class, pupil group) above tabs: Behaviour, Bullying, Physical
interventions, Concerns, Time to action and Targets, each only for a reader whose role may
see it; for the head and DSLs, the governors' report and the inspection pack for the dates.
The page paints at once with "Working out the figures…": the figures are worked out on a
worker thread, then each chart is drawn there and shown as it arrives. ``loaded`` says
when every chart of a load is shown (the benchmark waits for it).
"""

from __future__ import annotations

import threading
from datetime import date
from functools import partial

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.analysis import Analysis, Filters, PupilGroup
from safedesk.domain.formatting import date_text
from safedesk.domain.people import Pupil
from safedesk.domain.roles import Permission
from safedesk.services import analysis as analysis_service
from safedesk.services import leader_reports
from safedesk.services import pupils as pupil_service
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.analysis_charts import draw_all, job_for, page_points
from safedesk.ui.analysis_figures import Section, Tab, sections, year_label
from safedesk.ui.analysis_panel import WORKING, AnalysisPanel
from safedesk.ui.errors import user_message
from safedesk.ui.figures_panel import FiguresPanel, school_year_start
from safedesk.ui.leader_report_buttons import LeaderReports
from safedesk.ui.page_parts import add_heading
from safedesk.ui.targets_panel import TargetsPanel

TAB_TITLES = {
    Tab.BEHAVIOUR: "&Behaviour",
    Tab.BULLYING: "Bu&llying",
    Tab.INTERVENTIONS: "Physical &interventions",
    Tab.CONCERNS: "Co&ncerns",
}
TIME_TO_ACTION_TITLE = "Time to &action"
TARGETS_TITLE = "Ta&rgets"
ALL_YEARS = "All year groups"
ALL_CLASSES = "All classes"
ALL_PUPILS = "All pupils"
GROUP_WORDS = {
    PupilGroup.SEN: "pupils with SEN",
    PupilGroup.PP_FSM: "pupils with pupil premium or free school meals",
    PupilGroup.CLA: "looked-after children",
}


def _year_order(value: str) -> tuple[int, int, str]:
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.isdigit():
        return (1, int(digits), value)
    return (0, 0, value)


def roll_choices(pupils: list[Pupil]) -> tuple[list[str], dict[str, list[str]]]:
    """The year groups on roll, in school order, and each one's classes (key "": all)."""
    years: set[str] = set()
    classes: dict[str, set[str]] = {"": set()}
    for pupil in pupils:
        d = pupil.details
        if d.year_group:
            years.add(d.year_group)
        if d.class_name:
            classes[""].add(d.class_name)
            classes.setdefault(d.year_group or "", set()).add(d.class_name)
    ordered = sorted(years, key=_year_order)
    return ordered, {k: sorted(v, key=str.casefold) for k, v in classes.items()}


def _scrolled(widget: QWidget) -> QScrollArea:
    """A tab's content that scrolls down on a laptop, never sideways."""
    holder = QScrollArea()
    holder.setWidgetResizable(True)
    holder.setFrameShape(QFrame.Shape.NoFrame)
    holder.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    holder.setWidget(widget)
    return holder


def _load_roll(session: Session) -> list[Pupil]:
    return pupil_service.list_pupils(session)


class ReportsPage(QWidget):
    loaded = Signal()  # every chart of the last load is shown, or the load failed
    pupil_opened = Signal(object)  # a Pupil, from a table of pupils

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        user = session.user
        self._started = False
        self._generation = 0
        self._stop = threading.Event()
        self._waiting_charts = 0
        self._drawing = False
        self._loaded_said = False
        self._pupils: dict[str, Pupil] = {}
        self._classes: dict[str, list[str]] = {"": []}
        self.analysis: Analysis | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        add_heading(
            layout,
            "Reports",
            "Patterns in behaviour, bullying, physical interventions and concerns, for any dates "
            "and any group of pupils. Enter shows the figures for what is chosen.",
        )

        today = session.clock.now().astimezone().date()
        first = school_year_start(today)
        self.first_day = self._date_edit(first, "From")
        self.last_day = self._date_edit(today, "To")
        self.year_group = QComboBox()
        self.year_group.addItem(ALL_YEARS, None)
        self.year_group.setAccessibleName("Year group")
        self.year_group.currentIndexChanged.connect(self._year_chosen)
        self.class_name = QComboBox()
        self.class_name.addItem(ALL_CLASSES, None)
        self.class_name.setAccessibleName("Class")
        self.group = QComboBox()
        self.group.setAccessibleName("Pupils")
        self.group.addItem(ALL_PUPILS, None)
        for group in PupilGroup:
            self.group.addItem(group.label, group)
        self.show_button = QPushButton("Show fi&gures")
        self.show_button.setObjectName("Primary")
        self.show_button.setToolTip("Enter, from any of the boxes")
        self.show_button.clicked.connect(self.load)

        self.filters = QWidget()
        rows = QVBoxLayout(self.filters)
        rows.setContentsMargins(0, 4, 0, 0)
        rows.setSpacing(6)
        top, bottom = QHBoxLayout(), QHBoxLayout()
        for row, boxes in (
            (
                top,
                (
                    ("&From", self.first_day),
                    ("T&o", self.last_day),
                    ("&Year group", self.year_group),
                ),
            ),
            (bottom, (("&Class", self.class_name), ("&Pupils", self.group))),
        ):
            for text, box in boxes:
                label = QLabel(text)
                # "To": the o's right edge is drawn past its advance, and was cut.
                label.setMinimumWidth(label.sizeHint().width() + 3)
                label.setBuddy(box)
                row.addWidget(label)
                row.addWidget(box)
                row.addSpacing(10)
            rows.addLayout(row)
        bottom.addWidget(self.show_button)
        top.addStretch(1)
        bottom.addStretch(1)
        for keys in ("Return", "Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.filters)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.load)
        layout.addWidget(self.filters)

        # The governors' report and the inspection pack, for the dates above: the head and DSLs.
        self.leader_reports: LeaderReports | None = None
        if leader_reports.may_make(user):
            self.leader_reports = LeaderReports(session, self.chosen_filters)
            layout.addWidget(self.leader_reports)

        self.status = QLabel(WORKING)
        self.status.setObjectName("Subtitle")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.panels: dict[Tab, AnalysisPanel] = {}
        reads_behaviour = user.can(Permission.READ_BEHAVIOUR)
        for tab in Tab:
            if tab is Tab.CONCERNS and not user.can(Permission.READ_CONCERNS):
                continue
            if tab is not Tab.CONCERNS and not reads_behaviour:
                continue
            panel = AnalysisPanel(TAB_TITLES[tab].replace("&", ""))
            panel.pupil_opened.connect(self._open_pupil)
            panel.built.connect(self._maybe_loaded)
            self.panels[tab] = panel
            self.tabs.addTab(panel, TAB_TITLES[tab])
        self.figures: FiguresPanel | None = None
        if user.can(Permission.CASEWORK):
            self.figures = FiguresPanel(session, dates_from_page=True)
            self.tabs.addTab(_scrolled(self.figures), TIME_TO_ACTION_TITLE)
        self.targets: TargetsPanel | None = None
        if reads_behaviour:
            self.targets = TargetsPanel(session)
            self.tabs.addTab(self.targets, TARGETS_TITLE)  # it scrolls by itself
        layout.addWidget(self.tabs, 1)

    # --- filters ---------------------------------------------------------------------------

    def _date_edit(self, day: date, name: str) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setAccessibleName(name)
        return edit

    def _year_chosen(self) -> None:
        """The classes offered are the chosen year group's (all, with no year group)."""
        year = self.year_group.currentData() or ""
        chosen = self.class_name.currentData()
        self.class_name.blockSignals(True)
        self.class_name.clear()
        self.class_name.addItem(ALL_CLASSES, None)
        for name in self._classes.get(year, []):
            self.class_name.addItem(name, name)
        index = self.class_name.findData(chosen) if chosen else 0
        self.class_name.setCurrentIndex(max(index, 0))
        self.class_name.blockSignals(False)

    def _roll_loaded(self, roll: list[Pupil]) -> None:
        self._pupils = {p.upn: p for p in roll}
        years, self._classes = roll_choices(roll)
        chosen = self.year_group.currentData()
        self.year_group.blockSignals(True)
        self.year_group.clear()
        self.year_group.addItem(ALL_YEARS, None)
        for year in years:
            self.year_group.addItem(year_label(year), year)
        self.year_group.setCurrentIndex(max(self.year_group.findData(chosen), 0) if chosen else 0)
        self.year_group.blockSignals(False)
        self._year_chosen()

    def chosen_filters(self) -> Filters:
        def day(edit: QDateEdit) -> date:
            return date.fromisoformat(edit.date().toString(Qt.DateFormat.ISODate))

        return Filters(
            day(self.first_day),
            day(self.last_day),
            self.year_group.currentData(),
            self.class_name.currentData(),
            self.group.currentData(),
        )

    # --- loading ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:  # the first time it is opened: this school year so far
            self._started = True
            tasks.run(_load_roll, self.session).on_success(self._roll_loaded)
            if self.targets is not None:
                self.targets.refresh()
            self.load()

    def load(self) -> None:
        """Works out the figures for the filters chosen, off the UI thread."""
        filters = self.chosen_filters()
        try:
            analysis_service.check_range(filters)
        except Exception as exc:
            self.status.setText(user_message(exc))
            self.status.setObjectName("FieldError")
            self._restyle(self.status)
            return
        self._started = True
        self._loaded_said = False
        self._drawing = True  # until the charts to draw are known
        self._stop.set()  # charts still being drawn for the last load are not wanted
        self._stop = threading.Event()
        self._generation += 1
        generation = self._generation
        self.status.setObjectName("Subtitle")
        self._restyle(self.status)
        self.status.setText(WORKING)
        for panel in self.panels.values():
            panel.working()
        if self.figures is not None:
            self.figures.show_range(filters.first_day, filters.last_day)
        if not self.panels:
            self._drawing = False
            self._maybe_loaded()
            return
        tasks.run(analysis_service.analyse, self.session, filters).on_success(
            partial(self._analysed, generation)
        ).on_error(partial(self._failed, generation))

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        text = user_message(exc)
        self.status.setText(text)
        for panel in self.panels.values():
            panel.working(text)
        self._drawing = False
        self._waiting_charts = 0
        self._maybe_loaded()

    def _analysed(self, generation: int, found: Analysis) -> None:
        if generation != self._generation:
            return
        self.analysis = found
        self.status.setText(self._described(found.filters))
        shown = {s.tab: s for s in sections(found)}
        for tab, panel in self.panels.items():
            section: Section | None = shown.get(tab)
            self.tabs.setTabVisible(self.tabs.indexOf(panel), section is not None)
            if section is not None:
                panel.show_section(section)
        self._draw(generation, list(shown.values()))

    def _described(self, f: Filters) -> str:
        who = []
        if f.year_group:
            who.append(year_label(f.year_group))
        if f.class_name:
            who.append(f"class {f.class_name}")
        if f.group is not None:
            who.append(GROUP_WORDS[f.group])
        pupils = f", records naming {' and '.join(who)}" if who else ""
        return (
            f"Figures for {date_text(f.first_day)} to {date_text(f.last_day)}"
            f" ({f.days:,} days){pupils}."
        )

    # --- charts ----------------------------------------------------------------------------

    def _draw(self, generation: int, found: list[Section]) -> None:
        screen = self.screen()
        scale = screen.devicePixelRatio() if screen is not None else self.devicePixelRatioF()
        points = page_points()
        jobs = [
            job
            for section in found
            for breakdown in section.breakdowns
            if (job := job_for(breakdown, scale, points)) is not None
        ]
        current = self.tabs.currentWidget()
        first = [j for j in jobs if self._panel_of(j.key) is current]
        jobs = first + [j for j in jobs if j not in first]  # the tab in view first
        self._waiting_charts = len(jobs)
        self._drawing = False
        if not jobs:
            self._maybe_loaded()
            return
        deliver = partial(self._deliver, generation)
        tasks.run(draw_all, jobs, deliver, self._stop).on_error(
            partial(self._charts_failed, generation)
        )

    def _charts_failed(self, generation: int, exc: BaseException) -> None:
        """The tables stand; the charts not drawn say so."""
        if generation != self._generation:
            return
        self.status.setText(f"{self.status.text()} The charts could not be drawn.")
        self._waiting_charts = 0
        self._maybe_loaded()

    def _deliver(self, generation: int, key: str, image: QImage) -> None:
        """On the worker thread: queue the chart to the UI thread."""
        tasks.call_on_ui_thread(partial(self._chart_drawn, generation, key, image))

    def _chart_drawn(self, generation: int, key: str, image: QImage) -> None:
        if generation != self._generation:
            return
        panel = self._panel_of(key)
        if panel is not None:
            panel.show_chart(key, image)
        self._waiting_charts -= 1
        self._maybe_loaded()

    def _maybe_loaded(self) -> None:
        """``loaded``, once a load's every chart is drawn and shown."""
        if self._loaded_said or self._waiting_charts or self._drawing:
            return
        if all(panel.complete for panel in self.panels.values()):
            self._loaded_said = True
            self.loaded.emit()

    def _panel_of(self, key: str) -> AnalysisPanel | None:
        return next((p for p in self.panels.values() if p.owns(key)), None)

    def _open_pupil(self, upn: str) -> None:
        pupil = self._pupils.get(upn)
        if pupil is not None:
            self.pupil_opened.emit(pupil)

    @staticmethod
    def _restyle(widget: QWidget) -> None:
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)
