"""Import pupils from the MIS: choose a CSV export or a Common Transfer File, see what it
would change, then import exactly that. Reading and writing run off the UI thread."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import counted, date_text
from safedesk.domain.pupil_csv import MORE_PROBLEMS
from safedesk.services.pupil_import import (
    ImportOutdated,
    ImportPreview,
    ImportResult,
    PupilChange,
    apply_import,
    preview_import,
)
from safedesk.services.session import Session
from safedesk.ui import pickers, tasks
from safedesk.ui.errors import user_message

FILE_FILTER = "Pupil lists (*.csv *.xml *.ctf *.txt);;CSV files (*.csv);;CTF files (*.xml *.ctf)"
LABELS = {
    "upn": "UPN",
    "legal_surname": "Surname",
    "legal_forename": "Forename",
    "date_of_birth": "Date of birth",
    "preferred_forename": "Preferred name",
    "gender": "Sex",
    "year_group": "Year",
    "class_name": "Class",
    "sen": "SEN",
    "fsm": "Free school meals",
    "cla": "Looked after",
    "eal": "EAL",
}
CHANGE_COLUMNS = ("Pupil", "UPN", "Year", "What changes")
PROBLEM_COLUMNS = ("Where in the file", "What is wrong")
# The rows of identity changes (a new date of birth, or new names): the Note's amber.
CHECK_BACKGROUND = QColor("#fff1c2")
CHECK_FIRST = "Check this is the same child. "


def read_and_preview(session: Session, path: Path) -> ImportPreview:
    """The preview of the file at ``path`` (a worker thread runs this)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or "it could not be opened"
        return ImportPreview("the file", problems={"file": f"cannot be read: {reason}"})
    return preview_import(session, data)


class PupilImportDialog(QDialog):
    previewed = Signal()  # a preview (or its problems) is shown
    imported = Signal(object)  # ImportResult, once the pupils are written
    settled = Signal()  # the work in hand (a preview or an import) has finished, either way

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.path: Path | None = None
        self.preview: ImportPreview | None = None
        self.working = False
        self.setWindowTitle("Import pupils")

        intro = QLabel(
            "Choose the pupil list your MIS exported: a CSV file, or a Common Transfer File "
            "(CTF). You will see what it changes before anything is imported. Pupils who are "
            "not in the file are kept."
        )
        intro.setWordWrap(True)
        intro.setObjectName("Subtitle")

        self.choose_button = QPushButton("Choose &file…")
        self.choose_button.clicked.connect(self.choose)
        self.file_label = QLabel("No file chosen yet.")
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.file_label, 1)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: reading a file cannot say how far it is
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.hide()

        # Shown when the file would change who some pupils seem to be (see pupil_import).
        self.identity_warning = QLabel()
        self.identity_warning.setObjectName("Note")
        self.identity_warning.setWordWrap(True)
        self.identity_warning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.identity_warning.hide()
        self.identity_checked = QCheckBox("I have checked these are the &same children")
        self.identity_checked.toggled.connect(self._update_import_button)
        self.identity_checked.hide()

        self.table = QTableWidget(0, len(CHANGE_COLUMNS))
        self.table.setAccessibleName("What the import would change")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(220)
        # Rows grow with their wrapped text as the dialog is resized.
        self.table.horizontalHeader().sectionResized.connect(
            lambda *_a: self.table.resizeRowsToContents()
        )
        self.table.hide()

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()

        self.again_button = QPushButton("&Preview again")
        self.again_button.clicked.connect(self.preview_again)
        self.again_button.hide()
        self.import_button = QPushButton("&Import")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.apply)
        self.close_button = QPushButton("&Close")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.again_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.identity_warning)
        layout.addWidget(self.identity_checked)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(860, 560)

    # -- choosing and previewing -----------------------------------------------------------

    def choose(self) -> None:
        start = self.path.parent if self.path else Path.home()
        chosen = pickers.choose_file(self, "Choose the pupil list", start, FILE_FILTER)
        if chosen is not None:
            self.load(chosen)

    def load(self, path: Path) -> None:
        """Preview the file at ``path`` (the Choose file button ends here too)."""
        if self.working:
            return
        self.path = path
        self.preview = None
        # The name only (a long folder would widen the dialog); the whole path on hover.
        self.file_label.setText(path.name)
        self.file_label.setToolTip(str(path))
        self._show_status("")
        self.summary.hide()
        self._show_identity_warning(0)
        self.table.hide()
        self.again_button.hide()
        self._busy(True, "Reading the file and comparing it with the pupils in safedesk…")
        tasks.run(read_and_preview, self.session, path).on_success(self._previewed).on_error(
            self._failed
        ).on_finished(self._settled)

    def preview_again(self) -> None:
        if self.path is not None:
            self.load(self.path)

    def _previewed(self, preview: ImportPreview) -> None:
        self.preview = preview
        if preview.problems:
            self._show_problems(preview.problems)
        else:
            self._show_changes(preview)
        self.previewed.emit()

    def _show_changes(self, preview: ImportPreview) -> None:
        result = preview.result
        added, updated, unchanged = result.added, result.updated, result.unchanged
        made_for = (
            f" It was made for {preview.made_for}: check that is this school."
            if preview.made_for
            else ""
        )
        self.summary.setText(
            f"This is {preview.description}.{made_for} Importing it would add {_pupils(added)}, "
            f"update {_pupils(updated)} and leave {_pupils(unchanged)} as they are."
            + ("" if preview.changes else " There is nothing to import.")
        )
        self.summary.show()
        # Identity changes first: they are what must be checked before importing.
        checks = preview.identity_changes
        rows = [(c, CHECK_FIRST + _what_changes(c)) for c in checks]
        rows += [(c, "New pupil") for c in preview.added]
        rows += [(c, _what_changes(c)) for c in preview.updated if not c.identity_changed]
        self._fill(CHANGE_COLUMNS, [_change_row(c, what) for c, what in rows])
        self._highlight(len(checks))
        self.table.setVisible(bool(rows))
        self._show_identity_warning(len(checks))
        self.import_button.setText(f"&Import {_count(preview.changes, 'change')}")
        self._update_import_button()
        # Enter must not import changes of identity nobody has looked at.
        self.import_button.setDefault(bool(preview.changes) and not checks)
        self.close_button.setDefault(bool(checks))

    def _show_identity_warning(self, count: int) -> None:
        self.identity_checked.setChecked(False)
        self.identity_checked.setVisible(count > 0)
        self.identity_warning.setVisible(count > 0)
        if count:
            who = counted(count, "pupil")
            self.identity_warning.setText(
                f"{who} would change their date of birth or their names: the file may be for "
                "another school, or a UPN may be wrong. Check these are the same children "
                "before importing. They are listed first, highlighted."
            )

    def _update_import_button(self) -> None:
        """Import is there for a preview with changes, once any identity changes in it have
        been checked (the tick box)."""
        preview = self.preview
        ready = (
            preview is not None
            and not preview.problems
            and preview.changes > 0
            and not self.working
            and (not preview.identity_changes or self.identity_checked.isChecked())
        )
        self.import_button.setEnabled(ready)

    def _highlight(self, rows: int) -> None:
        bold = QFont(self.table.font())
        bold.setBold(True)
        for r in range(rows):
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                if item is not None:
                    item.setBackground(QBrush(CHECK_BACKGROUND))
                    item.setFont(bold)

    def _show_problems(self, found: Mapping[str, str]) -> None:
        listed = len(found) - (1 if MORE_PROBLEMS in found else 0)
        count = (
            f"more than {listed} problems" if MORE_PROBLEMS in found else _count(listed, "problem")
        )
        self.summary.setText(
            f"This file cannot be imported: {count} below. Nothing has "
            "been changed. Correct the file (or export it again from your MIS), then choose it "
            "again."
        )
        self.summary.show()
        rows = [[_where(where), reason] for where, reason in found.items()]
        self._fill(PROBLEM_COLUMNS, rows)
        self._show_identity_warning(0)
        self.table.show()
        self.import_button.setText("&Import")
        self.import_button.setEnabled(False)

    # -- importing -------------------------------------------------------------------------

    def apply(self) -> None:
        preview = self.preview
        if self.working or preview is None or preview.problems or not preview.changes:
            return
        if preview.identity_changes and not self.identity_checked.isChecked():
            return
        self._busy(True, f"Importing {_count(preview.changes, 'change')}…")
        tasks.run(apply_import, self.session, preview).on_success(self._applied).on_error(
            self._apply_failed
        ).on_finished(self._settled)

    def _applied(self, result: ImportResult) -> None:
        self.preview = None
        self.import_button.setText("&Import")
        self.import_button.setEnabled(False)
        self.table.hide()
        self.summary.hide()
        self._show_identity_warning(0)
        self._show_status(
            f"Done: {_pupils(result.added)} added, {_pupils(result.updated)} updated, "
            f"{_pupils(result.unchanged)} already up to date."
        )
        self.imported.emit(result)

    def _apply_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportOutdated):
            self.preview = None
            self.import_button.setEnabled(False)
            self.again_button.show()
            self.again_button.setDefault(True)
            self._show_status(str(exc), error=True)
            return
        self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        self._show_status(user_message(exc), error=True)

    # -- parts -----------------------------------------------------------------------------

    def _settled(self) -> None:
        self._busy(False)
        self.settled.emit()

    def reject(self) -> None:
        if not self.working:  # the work in hand finishes first (its result is shown)
            super().reject()

    def _busy(self, busy: bool, what: str = "") -> None:
        self.working = busy
        self.progress.setVisible(busy)
        for button in (self.choose_button, self.close_button, self.again_button):
            button.setEnabled(not busy)
        self.identity_checked.setEnabled(not busy)
        self._update_import_button()
        if busy:
            self._show_status(what)
        elif self.status.text().endswith("…"):
            self._show_status("")

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setObjectName("Error" if error else "")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setVisible(bool(text))

    def _fill(self, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.table.clear()
        self.table.setColumnCount(len(columns))
        self.table.setHorizontalHeaderLabels(list(columns))
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        for c in range(len(columns) - 1):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()


def _change_row(change: PupilChange, what: str) -> list[str]:
    d = change.details
    name = f"{d.legal_surname}, {d.known_as}"
    return [name, d.upn, d.year_group or "", what]


def _what_changes(change: PupilChange) -> str:
    before = change.before
    if before is None:
        return "New pupil"
    return "; ".join(
        f"{LABELS.get(name, name)}: {_shown(getattr(before, name))} → "
        f"{_shown(getattr(change.details, name))}"
        for name in change.fields
    )


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return date_text(value)
    if value is None or value == "":
        return "none"
    return str(value)


def _where(where: str) -> str:
    return where[:1].upper() + where[1:] if where != "file" else "The file"


def _count(n: int, word: str) -> str:
    return counted(n, word)


def _pupils(n: int) -> str:
    return _count(n, "pupil")
