"""What every safedesk PDF shares: an embedded Unicode font, the protective marking on every
page, "Page x of y", cancellation, and AES-256 encryption (PDF 2.0, revision 6) via pypdf."""

from __future__ import annotations

import io
from collections.abc import Callable
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas

MARKING = "OFFICIAL-SENSITIVE"
FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
PAGE = A4
MARGIN = 18 * mm


class ExportCancelled(Exception):
    """The person cancelled; nothing was written."""


_registered = False


def register_fonts() -> None:
    """Embed DejaVu Sans (subsetted by reportlab): Latin, Greek, Cyrillic, Vietnamese…"""
    global _registered
    if _registered:
        return
    folder = resources.files("safedesk.reports") / "fonts"
    for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        with resources.as_file(folder / file) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    _registered = True


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "label": ParagraphStyle("label", parent=base, fontName=BOLD, fontSize=8.5, leading=11),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=10,
            spaceAfter=2,
            textColor=colors.HexColor("#1f3a5f"),
        ),
    }


def text(value: str | None) -> str:
    """Record text made safe for reportlab's paragraph markup, line breaks kept."""
    if not value:
        return "—"
    return escape(value).replace("\r\n", "\n").replace("\n", "<br/>")


def numbered_canvas(footer_left: str) -> type[pdf_canvas.Canvas]:
    """A canvas that learns the page count before writing 'Page x of y' and the marking."""

    class NumberedCanvas(pdf_canvas.Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = PAGE
            self.saveState()
            self.setFillColor(colors.HexColor("#8b0000"))
            self.setFont(BOLD, 9)
            self.drawCentredString(width / 2, height - 11 * mm, MARKING)
            self.drawCentredString(width / 2, 8 * mm, MARKING)
            self.setFillColor(colors.black)
            self.setFont(FONT, 7.5)
            self.drawString(MARGIN, 12 * mm, footer_left)
            self.drawRightString(width - MARGIN, 12 * mm, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    return NumberedCanvas


Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def encrypt(pdf: bytes, password: str) -> bytes:
    """AES-256 as PDF 2.0 defines it (revision 6), which current readers open."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password=None, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
