"""The governors' report and the inspection pack, made from the Reports page for its dates.

Offered only to those the service lets make them (``leader_reports.may_make``: the head and
the DSLs). Each asks where to save (the dialog asks before replacing a file), writes the PDF
off the UI thread, then says where it went and how many pages it has, or why it was not made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.analysis import Filters
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text
from safedesk.services import analysis as analysis_service
from safedesk.services import leader_reports
from safedesk.services.leader_reports import ReportResult
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message

FILE_FIELD = "file"  # the service's name for the file chosen: said here as the file itself


class Report(Enum):
    GOVERNORS = "governors"
    INSPECTION = "inspection"


@dataclass(frozen=True)
class _Words:
    button: str  # with its Alt+letter (V and D: free everywhere on the main window)
    name: str  # in a sentence
    file_stem: str  # the suggested file name, before the dates
    note: str  # beside the button
    about: str  # its tooltip and what a screen reader says of it
    after: str  # said once it is saved


WORDS = {
    Report.GOVERNORS: _Words(
        "Go&vernors' report (PDF)…",
        "the governors' report",
        "Governors report",
        "Anonymised: no names",
        "The termly report for governors, for the From and To dates above: figures and "
        "charts only. No pupil or member of staff is named in it.",
        "It is anonymised: it names no pupil or member of staff.",
    ),
    Report.INSPECTION: _Words(
        "Inspection pack (P&DF)…",
        "the inspection pack",
        "Inspection pack",
        "Names pupils and staff",
        "The logs an inspector asks for, for the From and To dates above: concerns, "
        "referrals, physical interventions and bullying, naming pupils and staff. Keep it as "
        "safe as the records themselves.",
        "It names pupils and staff: keep it as safe as the records themselves.",
    ),
}


def suggested_name(report: Report, first_day: str, last_day: str) -> str:
    """A file name with the dates and never a child's name."""
    return f"{WORDS[report].file_stem} {first_day} to {last_day}.pdf"


def _writer(report: Report) -> Callable[..., ReportResult]:
    # Looked up when used, so a test can watch the service's own function.
    if report is Report.GOVERNORS:
        return leader_reports.write_governors_report
    return leader_reports.write_inspection_pack


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        return ""
    return _capital(reason) + ("" if reason.endswith((".", "?", "!")) else ".")


def failure_words(exc: BaseException) -> str:
    """Why the PDF was not made, in plain words: a problem with the file chosen is said as
    the file's (the service calls it ``file``, a name nobody sees); the dates by their labels."""
    if not isinstance(exc, ValidationError):
        return user_message(exc)
    return " ".join(
        _sentence(reason) if field == FILE_FIELD else f"{field}: {reason.rstrip('.')}."
        for field, reason in exc.problems.items()
    )


class _Note(QLabel):
    """Beside its button: on one line where there is room, in two rather than cut where there
    is not (a word-wrapped label alone asks for less than its line, and wrapped at any width)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins()
        line = self.fontMetrics().horizontalAdvance(self.text()) + 2  # the last glyph's edge
        return QSize(max(hint.width(), line + margins.left() + margins.right()), hint.height())


class LeaderReports(QWidget):
    """Two buttons, each with what its PDF holds beside it, and a line saying what happened."""

    made = Signal(object)  # ReportResult
    failed = Signal(str)  # what the person was told

    def __init__(self, session: Session, filters: Callable[[], Filters]) -> None:
        super().__init__()
        self.session = session
        self._filters = filters
        self._folder = Path.home()
        self._making = Report.GOVERNORS  # the one being made (one at a time)
        self.buttons: dict[Report, QPushButton] = {}
        self.notes: dict[Report, QLabel] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(8)
        for report in Report:
            words = WORDS[report]
            button = QPushButton(words.button)
            button.setToolTip(words.about)
            button.setAccessibleDescription(words.about)
            button.clicked.connect(lambda _checked=False, r=report: self.choose_file(r))
            note = _Note(words.note)
            note.setObjectName("Subtitle")
            note.setToolTip(words.about)
            self.buttons[report], self.notes[report] = button, note
            row.addWidget(button)
            row.addWidget(note)
            row.addSpacing(12)
        row.addStretch(1)
        layout.addLayout(row)

        self.status = QLabel()
        self.status.setObjectName("Subtitle")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # a path may hold any character
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        layout.addWidget(self.status)

    @property
    def working(self) -> bool:
        return not all(b.isEnabled() for b in self.buttons.values())

    def choose_file(self, report: Report) -> None:
        """Checks the dates, asks where to save (the dialog asks before replacing), makes it."""
        filters = self._filters()
        try:
            analysis_service.check_range(filters)
        except Exception as exc:
            self._say(f"{_capital(WORDS[report].name)} was not made. {failure_words(exc)}", True)
            return
        first, last = filters.first_day, filters.last_day
        suggested = self._folder / suggested_name(report, first.isoformat(), last.isoformat())
        title = f"Save {WORDS[report].name} as"
        chosen, _ = QFileDialog.getSaveFileName(self, title, str(suggested), "PDF (*.pdf)")
        if not chosen:
            return
        target, replace = Path(chosen), True  # the dialog asked before replacing
        if target.suffix.casefold() != ".pdf":
            target, replace = target.with_name(f"{target.name}.pdf"), False  # not asked about
        self.make(report, target, replace=replace)

    def make(self, report: Report, target: Path, *, replace: bool = False) -> None:
        """Writes the PDF off the UI thread for the page's dates; says what happened."""
        if self.working:
            return  # one at a time (its buttons are disabled meanwhile)
        filters = self._filters()
        self._making = report
        for button in self.buttons.values():
            button.setEnabled(False)
        self._say(
            f"Making {WORDS[report].name} for {date_text(filters.first_day)} to "
            f"{date_text(filters.last_day)}. This can take a minute; you can go on working.",
            False,
        )
        tasks.run(
            _writer(report),
            self.session,
            filters.first_day,
            filters.last_day,
            target,
            replace=replace,
        ).on_success(self._made).on_error(self._failed)  # bound: let go if the page goes

    def _made(self, result: ReportResult) -> None:
        report = self._making
        self._ready()
        self._folder = result.path.parent
        words = WORDS[report]
        self._say(
            f"Saved {words.name} as {result.path} ({counted(result.pages, 'page')}). {words.after}",
            False,
        )
        self.made.emit(result)

    def _failed(self, exc: BaseException) -> None:
        report = self._making
        self._ready()
        text = f"{_capital(WORDS[report].name)} was not made. {failure_words(exc)}"
        self._say(text, True)
        self.failed.emit(text)

    def _ready(self) -> None:
        for button in self.buttons.values():
            button.setEnabled(True)

    def _say(self, text: str, problem: bool) -> None:
        self.status.setText(text)
        self.status.setObjectName("FieldError" if problem else "Subtitle")
        style = self.status.style()
        style.unpolish(self.status)
        style.polish(self.status)
        self.status.show()
