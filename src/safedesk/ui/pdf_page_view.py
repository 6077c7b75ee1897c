"""A PDF shown page by page as printed, drawn from the bytes in memory (safedesk.pdf_pages).

Page Down and Page Up turn the pages, Ctrl++ and Ctrl+- zoom, Ctrl+0 fits the page to the
width again. A PDF that PDFium cannot open (locked with a password, or damaged) is said to be
so plainly, with whatever words pypdf can find in it below.
"""

from __future__ import annotations

import io

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QImage,
    QKeyEvent,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safedesk.pdf_pages import DrawnPage, PdfPages, PdfUnreadable
from safedesk.ui import text_size

ZOOM_STEP = 1.25
ZOOM_LIMITS = (0.25, 3.0)  # times the width that fits
MARGIN = 24  # pixels left beside a page fitted to the width (the grey around it)
AROUND = "QLabel { background: #d5dbe3; padding: 10px; }"  # the page's edge shows


def image_of(drawn: DrawnPage) -> QImage:
    """The page's pixels as a QImage (a copy, so the bytes may go)."""
    image = QImage(
        drawn.pixels, drawn.width, drawn.height, drawn.stride, QImage.Format.Format_RGBA8888
    )
    return image.copy()


def words_of(data: bytes) -> list[str]:
    """Each page's words, read with pypdf in memory (for a PDF PDFium cannot open)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    found: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return []
        for number, page in enumerate(reader.pages, start=1):
            words = (page.extract_text() or "").strip()
            if words:
                found.append(f"Page {number}\n{words}")
    except (PyPdfError, ValueError, KeyError, OSError, TypeError):
        return []
    return found


class PdfPageView(QWidget):
    """One PDF, a page at a time, fitted to the width unless zoomed."""

    def __init__(
        self, data: bytes, parent: QWidget | None = None, *, unreadable_hint: str = ""
    ) -> None:
        super().__init__(parent)
        self.page = 1
        self.count = 0
        self.zoom = 1.0  # times the width that fits
        self.unreadable = False
        self.locked = False
        self._pdf: PdfPages | None = None
        self._drawn_at: tuple[int, int] | None = None
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.area = QScrollArea()
        self.area.setWidget(self.picture)
        self.area.setWidgetResizable(True)
        self.area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.area.installEventFilter(self)
        self.page_label = QLabel()
        self.page_label.setTextFormat(Qt.TextFormat.PlainText)
        self.previous_button = QPushButton("◀ Previous page")
        self.previous_button.setToolTip("Page Up")
        self.previous_button.clicked.connect(self.previous_page)
        self.next_button = QPushButton("Next page ▶")
        self.next_button.setToolTip("Page Down")
        self.next_button.clicked.connect(self.next_page)
        self.fit_button = QPushButton("Fit to width")
        self.fit_button.setToolTip("Ctrl+0")
        self.fit_button.clicked.connect(self.fit_width)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.page_label)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(self.fit_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.area, 1)
        for keys, act in (
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence("Ctrl+0"), self.fit_width),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(act)
        self.setFocusProxy(self.area)
        self.setProperty(text_size.ZOOMS_ITSELF, True)  # Ctrl++ zooms the page here
        try:
            self._pdf = PdfPages(data)
            self.count = self._pdf.count
            # PDFium keeps its own copy of the bytes until the document is closed: close it
            # when the widget goes, not when the garbage collector gets round to it.
            self.destroyed.connect(self._pdf.close)
            self.picture.setStyleSheet(AROUND)
        except PdfUnreadable as exc:
            self._show_unreadable(data, exc.locked, unreadable_hint)
        self._update_controls()

    # --- an unreadable PDF -------------------------------------------------------------------

    def _show_unreadable(self, data: bytes, locked: bool, hint: str) -> None:
        self.unreadable = True
        self.locked = locked
        said = (
            "This PDF is locked with a password, so safedesk cannot show it."
            if locked
            else "This PDF could not be read: it may be damaged."
        )
        words = [] if locked else words_of(data)
        if words:
            said += " The words safedesk could find in it are shown below."
        if hint:
            said += " " + hint
        self.message.setText(said)
        self.message.show()
        self.picture.setText("\n\n".join(words))
        self.picture.setTextFormat(Qt.TextFormat.PlainText)
        self.picture.setWordWrap(True)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for button in (self.previous_button, self.next_button, self.fit_button):
            button.hide()
        self.area.setAccessibleName("The PDF's words")

    # --- pages -------------------------------------------------------------------------------

    def page_width(self) -> int:
        """Pixels the page is drawn at: the width that fits, times the zoom."""
        room = self.area.width() - 2 * self.area.frameWidth()
        room -= self.area.verticalScrollBar().sizeHint().width()  # there or not, the same width
        fits = max(room - MARGIN, 200)
        return max(50, int(fits * self.zoom))

    def show_page(self, number: int) -> None:
        if self._pdf is None or self.count == 0:
            return
        self.page = min(max(number, 1), self.count)
        self._draw()
        self.area.verticalScrollBar().setValue(0)

    def _draw(self) -> None:
        if self._pdf is None:
            return
        width = self.page_width()
        if self._drawn_at == (self.page, width):
            return
        try:
            drawn = self._pdf.draw(self.page, width)
        except PdfUnreadable:
            self.picture.setText(f"Page {self.page} could not be drawn: the PDF may be damaged.")
        else:
            self.picture.setPixmap(QPixmap.fromImage(image_of(drawn)))
        self._drawn_at = (self.page, width)
        self._update_controls()

    def _update_controls(self) -> None:
        if self.unreadable:
            return
        self.page_label.setText(f"Page {self.page} of {self.count}")
        self.previous_button.setEnabled(self.page > 1)
        self.next_button.setEnabled(self.page < self.count)
        self.area.setAccessibleName(f"Page {self.page} of {self.count}")

    def next_page(self) -> None:
        self.show_page(self.page + 1)

    def previous_page(self) -> None:
        self.show_page(self.page - 1)

    def _zoom_to(self, zoom: float) -> None:
        self.zoom = min(max(zoom, ZOOM_LIMITS[0]), ZOOM_LIMITS[1])
        self._draw()

    def zoom_in(self) -> None:
        self._zoom_to(self.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom_to(self.zoom / ZOOM_STEP)

    def fit_width(self) -> None:
        self._zoom_to(1.0)

    # --- Qt ----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.area and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_PageDown and self.page < self.count:
                self.next_page()
                return True
            if event.key() == Qt.Key.Key_PageUp and self.page > 1:
                self.previous_page()
                return True
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._draw()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._draw()

    def close_document(self) -> None:
        """Let PDFium go of the document (the widget shows what was drawn last)."""
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None


# --- the frozen build's check ---------------------------------------------------------------


def _square_pdf() -> bytes:
    """A 100-point square page with an 80-point black square on it, built by hand."""
    content = b"0 0 0 rg 10 10 80 80 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def self_test() -> str:
    """Draw a page from memory as the viewers do, and say what came out (no record in it):
    the frozen build's check (SAFEDESK_PDF_SELF_TEST, scripts/frozen_smoke.py)."""
    try:
        with PdfPages(_square_pdf()) as pdf:
            image = image_of(pdf.draw(1, 100))
    except (PdfUnreadable, ImportError, OSError) as exc:
        return f"not drawn: {type(exc).__name__}"
    dark = sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).lightness() < 64
    )
    return f"drawn {image.width()}x{image.height()}, {dark} dark pixels"
