"""The school's recovery key, made at the headteacher's first sign-in: shown once, never
logged, and the dialog stays until the head says it is stored. (The same thing is a "recovery
key" everywhere on screen and on paper; the code's own names still say "code" here and there.)"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QCloseEvent, QMouseEvent, QShowEvent, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import date_text
from safedesk.ui import printing
from safedesk.ui.clipboard import copy_secret, forget_secret
from safedesk.ui.task_dialog import fit, label

WHAT_IT_IS = (
    "safedesk has just made your school's recovery key. With it, the safeguarding and "
    "behaviour records can still be opened, and any password reset, if you and every DSL "
    "forget yours. It is shown only now: safedesk does not keep it."
)
WHERE_IT_IS_USED = (
    "Where it is used: on the sign-in window, choose \u2018Forgotten your password?\u2019 and "
    "type this key."
)
WHERE_TO_KEEP_IT = (
    "Print it, write it down or save it to a USB stick, and keep it with the school's other "
    "important documents (for example in the safe), away from this computer. Anyone holding "
    "it can read every record, so never e-mail it or save it on this computer."
)
SAVE_TITLE = "Save the recovery key (choose a USB stick)"
PDF_FILTER = "PDF document (*.pdf)"
TEXT_FILTER = "Plain text (*.txt)"


FIRST_SIGN_IN = "at the headteacher's first sign-in"


def recovery_sheet(
    code: str, school_name: str, when: datetime, occasion: str = FIRST_SIGN_IN
) -> str:
    """The printed page: what it is, for which school, the key in large type, and where it is
    used."""
    made = date_text(when.astimezone().date())
    return (
        f"<h2>safedesk recovery key — {html.escape(school_name)}</h2>"
        f"<p>Made on {made} {html.escape(occasion)}.</p>"
        f"<p style='font-size:24pt; font-family:monospace'><b>{html.escape(code)}</b></p>"
        f"<p><b>{html.escape(WHERE_IT_IS_USED)}</b></p>"
        f"<p>{html.escape(WHAT_IT_IS)}</p><p>{html.escape(WHERE_TO_KEEP_IT)}</p>"
        "<p><b>OFFICIAL-SENSITIVE</b></p>"
    )


def recovery_text(
    code: str, school_name: str, when: datetime, occasion: str = FIRST_SIGN_IN
) -> str:
    """The same sheet as plain text."""
    made = date_text(when.astimezone().date())
    return (
        f"safedesk recovery key — {school_name}\n"
        f"Made on {made} {occasion}.\n\n"
        f"    {code}\n\n"
        f"{WHERE_IT_IS_USED}\n\n"
        f"{WHAT_IT_IS}\n\n{WHERE_TO_KEEP_IT}\n\nOFFICIAL-SENSITIVE\n"
    )


def choose_save_path(parent: QWidget | None, title: str, start: Path) -> Path | None:
    """Ask where to save (tests replace this: no file dialog in tests)."""
    chosen, chosen_filter = QFileDialog.getSaveFileName(
        parent, title, str(start), f"{PDF_FILTER};;{TEXT_FILTER}"
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() not in (".pdf", ".txt"):
        path = path.with_name(path.name + (".txt" if chosen_filter == TEXT_FILTER else ".pdf"))
    return path


def holds_safedesk_data(folder: Path, data_folder: Path | None = None) -> bool:
    """True if ``folder`` is, or is inside, a safedesk data folder (this one or any other):
    the key must never lie beside the records it unlocks."""
    try:
        folder = folder.resolve()
        mine = data_folder.resolve() if data_folder is not None else None
    except OSError:
        return True
    for place in (folder, *folder.parents):
        if place == mine or (place / "keys.json").exists() or (place / "school.db").exists():
            return True
    return False


def _start_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found or Path.home())


def save_recovery_sheet(
    parent: QWidget,
    code: str,
    school_name: str,
    when: datetime,
    occasion: str = FIRST_SIGN_IN,
    *,
    data_folder: Path | None = None,
) -> str:
    """Ask where, refuse a data folder, and write the sheet as PDF or plain text. Returns
    what to tell the person ("" if they cancelled)."""
    path = choose_save_path(parent, SAVE_TITLE, _start_folder() / "safedesk recovery key.pdf")
    if path is None:
        return ""
    if holds_safedesk_data(path.parent, data_folder):
        return (
            "Not saved: that folder holds safedesk's records. Save the key somewhere else, "
            "such as a USB stick, never beside the records it unlocks."
        )
    try:
        if path.suffix.lower() == ".txt":
            path.write_text(recovery_text(code, school_name, when, occasion), encoding="utf-8")
        else:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setDocName("safedesk recovery key")
            printer.setOutputFileName(str(path))
            document = QTextDocument()
            document.setHtml(recovery_sheet(code, school_name, when, occasion))
            document.print_(printer)
            if not path.exists():
                raise OSError("not written")
    except OSError:
        return f"Could not save to {path.parent}. Check the USB stick is in, and try again."
    return f"Saved as {path.name} in {path.parent}. Keep it locked away, not on this computer."


def key_buttons(
    on_print: Callable[[], None],
    on_save: Callable[[], None],
    on_copy: Callable[[], None],
    *,
    copied_until: str,
) -> tuple[QPushButton, QPushButton, QPushButton]:
    """Print, Save and Copy for a recovery key, the same wherever it is shown."""
    print_button = QPushButton("&Print…")
    print_button.clicked.connect(on_print)
    save_button = QPushButton("Sa&ve…")
    save_button.setToolTip("Save it to a USB stick that is then locked away")
    save_button.clicked.connect(on_save)
    copy_button = QPushButton("&Copy")
    copy_button.setToolTip(f"Kept out of Windows clipboard history; {copied_until}")
    copy_button.clicked.connect(on_copy)
    return print_button, save_button, copy_button


class _TickingLabel(QLabel):
    """A wrapped label that ticks its box when clicked, as a check box's own text does."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self._box = box
        self.setWordWrap(True)
        self.setBuddy(box)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._box.isEnabled():
            self._box.toggle()
            self._box.setFocus()
        super().mousePressEvent(event)


def ticked_statement(short: str, more: str) -> tuple[QCheckBox, QWidget]:
    """A check box with short text and a wrapped explanation under it (a check box's own text
    never wraps, and would be cut off in a narrow window)."""
    box = QCheckBox(short)
    box.setAccessibleDescription(more)
    holder = QWidget()
    grid = QGridLayout(holder)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setVerticalSpacing(2)
    grid.addWidget(box, 0, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
    indent = box.style().pixelMetric(box.style().PixelMetric.PM_IndicatorWidth) + 6
    grid.setColumnMinimumWidth(0, indent)
    grid.addWidget(_TickingLabel(more, box), 1, 1)
    grid.setColumnStretch(1, 1)
    return box, holder


class RecoveryCodeDialog(QDialog):
    """Opened with ``open()``; closes only once "I have stored it" is ticked."""

    def __init__(
        self, code: str, school_name: str, made_at: datetime, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self._code = code
        self._school_name = school_name
        self._made_at = made_at
        self.setWindowTitle("safedesk — your recovery key")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(620)
        heading = label("Your school's recovery key", "Title")
        self.key = label(code, "RecoveryKey", plain=True)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setAccessibleName("Recovery key")
        self.print_button, self.save_button, self.copy_button = key_buttons(
            self._print, self._save, self._copy, copied_until="cleared on close"
        )
        for button in (self.print_button, self.save_button, self.copy_button):
            button.setAutoDefault(False)  # Enter goes on (or is Done), never prints
        self.status = label("", "Subtitle")
        self.saved, statement = ticked_statement(
            "I have &stored the key safely",
            "Printed, written down or saved on a USB stick, and kept away from this computer.",
        )
        self.done_button = QPushButton("&Done")
        self.done_button.setObjectName("Primary")
        self.done_button.setEnabled(False)
        self.done_button.clicked.connect(self.accept)
        self.saved.toggled.connect(self.done_button.setEnabled)

        tools = QHBoxLayout()
        tools.addWidget(self.status, 1)
        tools.addWidget(self.print_button)
        tools.addWidget(self.save_button)
        tools.addWidget(self.copy_button)
        last = QHBoxLayout()
        last.addStretch(1)
        last.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(label(WHAT_IT_IS))
        layout.addWidget(self.key)
        layout.addWidget(label(WHERE_IT_IS_USED))
        layout.addLayout(tools)
        layout.addWidget(label(WHERE_TO_KEEP_IT, "Note"))
        layout.addWidget(statement)
        layout.addStretch(1)
        layout.addLayout(last)
        self.finished.connect(self._forget)
        self.saved.setFocus()

    def _print(self) -> None:
        sheet = recovery_sheet(self._code, self._school_name, self._made_at)
        if printing.print_html(self, "safedesk recovery key", sheet):
            self._say("Sent to the printer. Check the page printed in full.")

    def _save(self) -> None:
        said = save_recovery_sheet(self, self._code, self._school_name, self._made_at)
        if said:
            self._say(said)

    def _copy(self) -> None:
        copy_secret(self._code)
        self._say("Copied. It is taken off the clipboard when you press Done.")

    def reject(self) -> None:
        if self.saved.isChecked():  # Esc works only once it is stored
            super().reject()
        else:
            self.remind()

    def remind(self) -> None:
        self._say("Tick the box once the key is stored: it is not shown again.")

    def _say(self, text: str) -> None:
        self.status.setText(text)
        fit(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.saved.isChecked():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    def _forget(self) -> None:
        forget_secret(self._code)
        self.key.clear()
        self._code = ""
