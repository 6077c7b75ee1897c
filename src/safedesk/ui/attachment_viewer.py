"""An attachment shown inside safedesk, from memory: never written decrypted to a file.

Images are read with QImage.loadFromData. A PDF is drawn page by page with QtPdf (a
QPdfDocument read from a QBuffer) where this Qt has it; otherwise each page's pictures (a
scanned letter is one picture a page) and its words are shown, read with pypdf in memory.
"Save a copy…" writes the file where the member chooses, audited as an export.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.attachments import AttachmentContent, MediaType, size_text
from safedesk.domain.formatting import counted, moment_text
from safedesk.services import attachments
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message

PAGE_WIDTH = 820  # pixels a page is drawn at on screen


def _image(data: bytes) -> QImage | None:
    image = QImage()
    return image if image.loadFromData(QByteArray(data)) else None


def _qtpdf_pages(data: bytes) -> list[QImage] | None:
    """Each page drawn by QtPdf, or None where this Qt has no QtPdf."""
    try:
        from PySide6.QtPdf import QPdfDocument
    except ImportError:
        return None
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        return []
    pages = []
    for number in range(document.pageCount()):
        size = document.pagePointSize(number)
        scale = PAGE_WIDTH / max(size.width(), 1)
        pages.append(document.render(number, QSize(PAGE_WIDTH, int(size.height() * scale))))
    document.close()
    return pages


def pdf_pages(data: bytes) -> list[QImage | str]:
    """A PDF's pages as pictures (QtPdf), or each page's pictures and words (pypdf)."""
    drawn = _qtpdf_pages(data)
    if drawn:
        return list(drawn)
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    shown: list[QImage | str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return ["This PDF is locked with a password: save a copy to open it."]
        for number, page in enumerate(reader.pages, start=1):
            shown.append(f"Page {number}")
            for picture in page.images:
                image = _image(picture.data)
                if image is not None:
                    shown.append(image)
            words = (page.extract_text() or "").strip()
            if words:
                shown.append(words)
    except (PyPdfError, ValueError, KeyError, OSError):
        return [
            "This PDF could not be read: it may be damaged. Save a copy to try another program."
        ]
    return shown


def choose_save_path(parent: QWidget, suggested: Path) -> Path | None:
    """The file to save a copy as (a function of its own, for tests to replace)."""
    path, _ = QFileDialog.getSaveFileName(
        parent, "Save a copy of the attachment as", str(suggested)
    )
    return Path(path) if path else None


class AttachmentViewer(QDialog):
    """One attachment, shown from memory; opened with show(), never exec()."""

    def __init__(self, session: Session, content: AttachmentContent, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.content = content
        info = content.info
        self.setWindowTitle(f"{info.entry_ref}: {info.description}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(900, 700)
        about = QLabel(
            f"{info.description}\n{info.media_type.label}, {size_text(info.size)}, "
            f"“{info.file_name}”; added by {info.added_by_name} on {moment_text(info.added_at)}."
        )
        about.setTextFormat(Qt.TextFormat.PlainText)
        about.setWordWrap(True)
        self.pages = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(self.pages)
        self.shown = self._fill(content)
        self.area = QScrollArea()
        self.area.setWidget(holder)
        self.area.setWidgetResizable(True)
        self.area.setAccessibleName("The attachment")
        self.area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.save_button = QPushButton("Save a &copy…")
        self.save_button.clicked.connect(self.choose_copy)
        close = QPushButton("C&lose")
        close.clicked.connect(self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.area, 1)
        layout.addLayout(buttons)
        self.area.setFocus()

    def _fill(self, content: AttachmentContent) -> int:
        """The pages or picture; how many pictures were drawn."""
        if content.info.media_type is MediaType.PDF:
            parts = pdf_pages(content.data)
        else:
            image = _image(content.data)
            parts = [image] if image is not None else ["This picture could not be read."]
        pictures = 0
        for part in parts:
            label = QLabel()
            if isinstance(part, QImage):
                pictures += 1
                fitted = part.scaledToWidth(
                    min(PAGE_WIDTH, part.width()), Qt.TransformationMode.SmoothTransformation
                )
                label.setPixmap(QPixmap.fromImage(fitted))
                label.setAccessibleName(f"Picture {pictures}")
                label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            else:
                label.setText(part)
                label.setTextFormat(Qt.TextFormat.PlainText)
                label.setWordWrap(True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            self.pages.addWidget(label)
        self.pages.addStretch(1)
        if content.info.media_type is MediaType.PDF and not _has_qtpdf():
            found = f"{counted(pictures, 'picture')} and the words" if pictures else "The words"
            note = QLabel(
                f"{found} of each page are shown here, not the page's layout. Save a copy to "
                "see it as printed."
            )
            note.setObjectName("Subtitle")
            note.setWordWrap(True)
            self.pages.insertWidget(0, note)
        return pictures

    def choose_copy(self) -> None:
        info = self.content.info
        suggested = Path.home() / (Path(info.file_name).stem + info.media_type.suffix)
        target = choose_save_path(self, suggested)
        if target is not None:
            self.save_copy(target)

    def save_copy(self, target: Path, done: Callable[[], None] | None = None) -> None:
        info = self.content.info
        self.save_button.setEnabled(False)
        self.status.setText("Saving a copy…")

        def saved(path: Path) -> None:
            self.save_button.setEnabled(True)
            self.status.setText(f"Saved a copy as {path}. Keep it safe, and delete it when done.")
            if done:
                done()

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.status.setText(f"Not saved: {user_message(exc)}")

        tasks.run(attachments.save_copy, self.session, info.entry_ref, info.id, target).on_success(
            saved
        ).on_error(failed)


def _has_qtpdf() -> bool:
    try:
        from PySide6 import QtPdf  # noqa: F401
    except ImportError:
        return False
    return True
