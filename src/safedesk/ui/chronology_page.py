"""A pupil's chronology on screen, and its export to PDF with a progress bar and Cancel.

The screen shows what the PDF will: other pupils masked as "another pupil (A)" unless
"Include other pupils' names" is ticked (audited, and said on the PDF)."""

from __future__ import annotations

import threading
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain import local_time
from safedesk.domain.chronology import ChronologyItem, ItemGroup
from safedesk.domain.people import Pupil
from safedesk.services import chronology, export
from safedesk.services.chronology import Chronology
from safedesk.services.export import ExportCancelled, ExportResult
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message

ENCRYPTION_HELP = (
    "A password encrypts the PDF with AES-256, so it can be e-mailed: without the password "
    f"nobody can open it. It needs at least {export.MIN_PDF_PASSWORD} characters and must not "
    "be a common password: a few unrelated words are best. Send the password another way "
    "(phone it through). Leave blank for a PDF anyone holding the file can read."
)
OTHER_PUPILS_HELP = (
    "Off (usual): other pupils on these records appear as “another pupil (A)”, “(B)”…, and "
    "their names and UPNs are masked in the text. On: they are named, on screen and in the "
    "PDF; this is recorded in the audit log and printed on the PDF."
)


def _when(item: ChronologyItem) -> str:
    text = local_time.shown(item.happened_at)
    if item.recorded_later:
        text += f"  (recorded {item.recorded_at.astimezone():%d/%m/%Y %H:%M})"
    return text


def _qdate(value: QDate) -> date:
    return date.fromisoformat(value.toString(Qt.DateFormat.ISODate))


class ChronologyPage(QWidget):
    back = Signal()
    exported = Signal(object)  # ExportResult

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.pupil: Pupil | None = None
        self.current: Chronology | None = None
        self._cancel = threading.Event()
        back = QPushButton("← &Back")
        back.clicked.connect(self.back)
        self.title = QLabel()
        self.title.setObjectName("Title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a name is text, never markup

        allowed = chronology.allowed_groups(session.user)
        self.group_boxes: dict[ItemGroup, QCheckBox] = {}
        filters = QHBoxLayout()
        for group in ItemGroup:
            if group in allowed:
                box = QCheckBox(group.label)
                box.setChecked(True)
                box.toggled.connect(self.reload)
                self.group_boxes[group] = box
                filters.addWidget(box)
        filters.addStretch(1)
        self.use_dates = QCheckBox("Only from")
        self.use_dates.toggled.connect(self.reload)
        self.first_day = QDateEdit(QDate.currentDate().addYears(-1))
        self.last_day = QDateEdit(QDate.currentDate())
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.dateChanged.connect(self.reload)
        dates = QHBoxLayout()
        dates.addWidget(self.use_dates)
        dates.addWidget(self.first_day)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.last_day)
        dates.addStretch(1)
        self.include_others = QCheckBox("Include other pupils' &names")
        self.include_others.setToolTip(OTHER_PUPILS_HELP)
        self.include_others.toggled.connect(self.reload)
        dates.addWidget(self.include_others)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["When", "What", "Ref", "Summary"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_detail(row))
        self.detail = QTextBrowser()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([380, 200])

        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(
            f"PDF password (optional, at least {export.MIN_PDF_PASSWORD} characters)"
        )
        self.password.setToolTip(ENCRYPTION_HELP)
        self.password.textChanged.connect(self._check_password)
        self.password_problem = QLabel()
        self.password_problem.setObjectName("Error")
        self.password_problem.hide()
        password_help = QLabel(ENCRYPTION_HELP)
        password_help.setWordWrap(True)
        password_help.setObjectName("Subtitle")
        self.export_button = QPushButton("&Export PDF…")
        self.export_button.clicked.connect(self.choose_file)
        self.cancel_button = QPushButton("&Cancel export")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        # The worker only sets a number; the UI thread reads it (no call crosses threads per
        # item rendered: under load those were where the program crashed).
        self._percent = [0]  # a plain list: the worker never touches a Qt object
        self._progress_poll = QTimer(self)
        self._progress_poll.setInterval(100)
        self._progress_poll.timeout.connect(lambda: self.progress.setValue(self._percent[0]))
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        export_row = QHBoxLayout()
        export_row.addWidget(self.password, 1)
        export_row.addWidget(self.export_button)
        export_row.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(back, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.title)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addWidget(split, 1)
        layout.addLayout(export_row)
        layout.addWidget(self.password_problem)
        layout.addWidget(password_help)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)

    def groups(self) -> set[ItemGroup]:
        return {g for g, box in self.group_boxes.items() if box.isChecked()}

    def date_range(self) -> tuple[date | None, date | None]:
        if not self.use_dates.isChecked():
            return None, None
        return _qdate(self.first_day.date()), _qdate(self.last_day.date())

    def show_pupil(self, pupil: Pupil) -> None:
        """Opens (and audits) the chronology; raises if this user may not."""
        self.pupil = pupil
        self.title.setText(f"Chronology: {pupil.display_name} ({pupil.upn})")
        self.status.clear()
        self.reload()

    def reload(self) -> None:
        if self.pupil is None:
            return
        first, last = self.date_range()
        found = chronology.open_chronology(
            self.session,
            self.pupil.upn,
            groups=self.groups(),
            first_day=first,
            last_day=last,
            include_other_pupils=self.include_others.isChecked(),
        )
        self.current = found
        self.table.setRowCount(len(found.items))
        for row, item in enumerate(found.items):
            for column, value in enumerate((_when(item), item.title, item.ref, item.summary)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.detail.setHtml(f"<p>{len(found.items)} items. Choose one to see it in full.</p>")

    def show_detail(self, row: int) -> None:
        if self.current is None or not 0 <= row < len(self.current.items):
            return
        item = self.current.items[row]
        rows = "".join(
            f"<tr><th align=left valign=top>{escape(label)}</th>"
            f"<td>{escape(value).replace(chr(10), '<br>')}</td></tr>"
            for label, value in item.detail
        )
        self.detail.setHtml(
            f"<h3>{escape(item.title)} · {escape(item.ref)}</h3>"
            f"<p>{escape(_when(item))} — {escape(item.author)}</p>"
            f"<table cellspacing=4>{rows}</table>"
        )

    def choose_file(self) -> None:
        if self.pupil is None:
            return
        suggested = f"Chronology {self.pupil.upn}.pdf"  # a file name is seen by many
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the chronology as", str(Path.home() / suggested), "PDF (*.pdf)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, target: Path) -> None:
        """Renders off the UI thread; the file appears only when it is complete."""
        if self.pupil is None:
            return
        problem = self._check_password()
        if problem:
            self.status.setText(f"Not exported: the PDF password {problem}.")
            self.password.setFocus()
            return
        self._cancel.clear()
        first, last = self.date_range()
        self.export_button.setEnabled(False)
        self.cancel_button.show()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        percent = self._percent = [0]
        self._progress_poll.start()
        self.progress.show()
        self.status.setText("Exporting…")
        tasks.run(
            export.export_chronology_pdf,
            self.session,
            self.pupil.upn,
            target,
            password=self.password.text() or None,
            groups=self.groups(),
            first_day=first,
            last_day=last,
            include_other_pupils=self.include_others.isChecked(),
            progress=lambda done, total: percent.__setitem__(0, int(done * 100 / max(total, 1))),
            cancelled=self._cancel.is_set,
        ).on_success(self._exported).on_error(self._failed)

    def _check_password(self) -> str | None:
        """Says, under the field, why the password will not do (as the service would)."""
        text = self.password.text()
        problem = export.pdf_password_problem(text) if text else None
        self.password_problem.setText(f"The PDF password {problem}." if problem else "")
        self.password_problem.setVisible(bool(problem))
        return problem

    def cancel(self) -> None:
        self._cancel.set()
        self.status.setText("Cancelling…")

    def _finish(self, text: str) -> None:
        self._progress_poll.stop()
        self.export_button.setEnabled(True)
        self.cancel_button.hide()
        self.progress.hide()
        self.status.setText(text)

    def _exported(self, result: ExportResult) -> None:
        lock = " It is encrypted: it needs its password to open." if result.encrypted else ""
        named = " It names other pupils." if result.names_other_pupils else ""
        self._finish(
            f"Saved {result.path} ({result.items} items, {result.pages} pages).{lock}{named}"
        )
        self.password.clear()
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ExportCancelled):
            self._finish("Export cancelled. No file was written.")
        else:
            self._finish(user_message(exc))
