"""An attachment shown inside safedesk, from memory: never written decrypted to a file.

Images are read with QImage.loadFromData. A PDF is drawn page by page as printed, by PDFium
from the bytes in memory (ui/pdf_page_view.py); one PDFium cannot open is said to be locked
or damaged, with the words pypdf finds in it.
"Save a copy…" writes the file where the member chooses, audited as an export.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
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
from safedesk.domain.formatting import moment_text
from safedesk.services import attachments
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.pdf_page_view import PdfPageView

PAGE_WIDTH = 820  # pixels a page is drawn at on screen


def _image(data: bytes) -> QImage | None:
    image = QImage()
    return image if image.loadFromData(QByteArray(data)) else None


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
        self.pdf_view: PdfPageView | None = None
        self.pages = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(self.pages)
        self.area = QScrollArea()
        self.area.setWidget(holder)
        self.area.setWidgetResizable(True)
        self.area.setAccessibleName("The attachment")
        self.area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.shown = self._fill(content)
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
        layout.addWidget(self.pdf_view or self.area, 1)
        layout.addLayout(buttons)
        self.area.setFocus()

    def _fill(self, content: AttachmentContent) -> int:
        """The PDF's pages or the picture; how many pages or pictures can be shown."""
        if content.info.media_type is MediaType.PDF:
            self.pdf_view = PdfPageView(
                content.data,
                unreadable_hint="Save a copy to try another program.",
            )
            self.area = self.pdf_view.area  # the page view's own scroll area
            return self.pdf_view.count
        image = _image(content.data)
        label = QLabel()
        if image is None:
            label.setText("This picture could not be read.")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            self.pages.addWidget(label)
            self.pages.addStretch(1)
            return 0
        fitted = image.scaledToWidth(
            min(PAGE_WIDTH, image.width()), Qt.TransformationMode.SmoothTransformation
        )
        label.setPixmap(QPixmap.fromImage(fitted))
        label.setAccessibleName("Picture 1")
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.pages.addWidget(label)
        self.pages.addStretch(1)
        return 1

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
