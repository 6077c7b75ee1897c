"""A pupil's chronology on screen, and its export to PDF with a progress bar and Cancel.

The screen shows what the PDF will: other pupils masked as "another pupil (A)" unless
"Include other pupils' names" is ticked (audited, and said on the PDF)."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

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
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain import body_map
from safedesk.domain.chronology import Chronology, ChronologyItem, ItemGroup
from safedesk.domain.formatting import counted, moment_text, rich
from safedesk.domain.local_time import to_local
from safedesk.domain.people import Pupil
from safedesk.domain.pupil_status import mis_flags, statuses_line
from safedesk.services import chronology, export
from safedesk.services.export import ExportCancelled, ExportResult
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import FILTER_ROLE, OBJECT_ROLE, REF_ROLE, SORT_ROLE
from safedesk.ui.record_view import body_map_html
from safedesk.ui.rows_model import Index, RowsModel

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
    text = item.when
    if item.recorded_later:
        text += f"  (recorded {moment_text(item.recorded_at)})"
    return text


def _qdate(value: QDate) -> date:
    return date.fromisoformat(value.toString(Qt.DateFormat.ISODate))


def suggested_file_name(now: datetime) -> str:
    """A name that says what the file is and when it was made, never whose it is: a file
    name is seen in folders, in e-mail and in recent-file lists without opening it."""
    return f"Chronology {to_local(now):%Y-%m-%d %H%M}.pdf"


def header_text(found: Chronology) -> str:
    """The child's needs above the items: safeguarding status (for those who may see it)
    and what the school's MIS says."""
    parts = []
    if found.statuses is not None:
        parts.append(f"Safeguarding status: {statuses_line(found.statuses)}")
    flags = ", ".join(mis_flags(found.pupil.details)) or "none recorded"
    parts.append(f"From the school's MIS: {flags}")
    return "  ·  ".join(parts)


WHEN, WHAT, REF, BY, SUMMARY = range(5)


class ChronologyModel(RowsModel):
    """A chronology's items, one a row, in time order."""

    headers = ("When", "What", "Ref", "By", "Summary")

    def item(self, row: int) -> ChronologyItem:
        found: ChronologyItem = self._rows[row]
        return found

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.row_of(index)
        if item is None:
            return None
        column = index.column()
        if role == OBJECT_ROLE:
            return item
        if role == REF_ROLE:
            return item.ref
        if role == Qt.ItemDataRole.DisplayRole:
            return (_when(item), item.title, item.ref, item.author, item.summary)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column in (WHAT, BY, SUMMARY):
            return self.data(index, Qt.ItemDataRole.DisplayRole) or None
        if role == SORT_ROLE:
            return (
                item.happened_at.isoformat(),
                item.title,
                item.ref,
                item.author.casefold(),
                item.summary.casefold(),
            )[column]
        if role == FILTER_ROLE:
            return " ".join((item.title, item.ref, item.author, item.summary))
        return None


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
        self.needs = QLabel()
        self.needs.setObjectName("Subtitle")
        self.needs.setTextFormat(Qt.TextFormat.PlainText)
        self.needs.setWordWrap(True)

        allowed = chronology.allowed_groups(session.user)
        self.group_boxes: dict[ItemGroup, QCheckBox] = {}
        for group in ItemGroup:
            if group in allowed:
                box = QCheckBox(group.label)
                box.setChecked(True)
                box.toggled.connect(self.reload)
                self.group_boxes[group] = box
        # Two rows, each ending with the other filters, so that the page fits a laptop at 125%.
        boxes = list(self.group_boxes.values())
        first_row, second_row = QHBoxLayout(), QHBoxLayout()
        for box in boxes[:3]:
            first_row.addWidget(box)
        for box in boxes[3:]:
            second_row.addWidget(box)
        first_row.addStretch(1)
        second_row.addStretch(1)
        self.use_dates = QCheckBox("Only &from")
        self.use_dates.toggled.connect(self.reload)
        self.first_day = QDateEdit(QDate.currentDate().addYears(-1))
        self.last_day = QDateEdit(QDate.currentDate())
        self.first_day.setAccessibleName("First day of the chronology")
        self.last_day.setAccessibleName("Last day of the chronology")
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.dateChanged.connect(self.reload)
        first_row.addWidget(self.use_dates)
        first_row.addWidget(self.first_day)
        first_row.addWidget(QLabel("to"))
        first_row.addWidget(self.last_day)
        self.include_others = QCheckBox("Include other pupils' &names")
        self.include_others.setToolTip(OTHER_PUPILS_HELP)
        self.include_others.toggled.connect(self.reload)
        second_row.addWidget(self.include_others)

        self.model = ChronologyModel()
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Chronology items")
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        # Sized once to the items when they load, not at every layout: sizing to contents
        # asks every cell again each time anything on the page moves (the progress bar while
        # a PDF renders), which starved the UI thread.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.show_detail(current.row())
        )
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("The chosen item in full")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([380, 200])

        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("PDF password")
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
        # Scans and photographs are copied as they are: names in them cannot be masked.
        self.include_attachments = QCheckBox("Include a&ttachments")
        self.include_attachments.setToolTip(
            "Add each record's attachments after the chronology: pictures on a page each, PDFs "
            "page by page. They are copied as they are: names in them are not masked."
        )
        export_row = QHBoxLayout()
        export_row.addWidget(self.include_attachments)
        export_row.addWidget(self.password, 1)
        export_row.addWidget(self.export_button)
        export_row.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(back, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.title)
        layout.addWidget(self.needs)
        layout.addLayout(first_row)
        layout.addLayout(second_row)
        # Tab goes along each row in turn, as it reads.
        in_order = [*boxes[:3], self.use_dates, self.first_day, self.last_day, *boxes[3:]]
        for before, after in zip(in_order, [*in_order[1:], self.include_others], strict=True):
            QWidget.setTabOrder(before, after)
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
        self.needs.setText(header_text(found))
        self.model.set_rows(found.items)
        for column in range(self.model.columnCount()):
            if column != SUMMARY:
                self.table.resizeColumnToContents(column)
        self.detail.setHtml(
            f"<p>{counted(len(found.items), 'item')}. Choose one to see it in full.</p>"
        )

    def show_detail(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        item = self.model.item(row)
        rows = "".join(
            f"<tr><th align=left valign=top>{rich(label)}</th><td>{rich(value)}</td></tr>"
            for label, value in item.detail
        )
        ref = f" · {rich(item.ref)}" if item.ref else ""
        # The marks as drawn (their words are in the rows above, masked like other text).
        drawing = (
            f"<p><b>Body map</b></p>{body_map_html(body_map.to_json(item.marks) or '')}"
            if item.marks
            else ""
        )
        self.detail.setHtml(
            f"<h3>{rich(item.title)}{ref}</h3>"
            f"<p>{rich(_when(item))} — {rich(item.author)}</p>"
            f"<table cellspacing=4>{rows}</table>{drawing}"
        )

    def choose_file(self) -> None:
        if self.pupil is None:
            return
        suggested = suggested_file_name(self.session.clock.now())
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
            include_attachments=self.include_attachments.isChecked(),
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
        sizes = f"{counted(result.items, 'item')}, {counted(result.pages, 'page')}"
        self._finish(f"Saved {result.path} ({sizes}).{lock}{named}")
        self.password.clear()
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ExportCancelled):
            self._finish("Export cancelled. No file was written.")
        else:
            self._finish(user_message(exc))
