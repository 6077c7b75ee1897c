"""A PDF's pages drawn from the bytes in memory (PDFium), as raw pixels: no Qt, no file.

PDFium is given the bytes themselves (FPDF_LoadMemDocument64), so nothing decrypted is
written to a temporary file. PDFium must not be used from two threads at once, so every
document here is opened, drawn and closed under one lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Any

MAX_SIDE = 6000  # pixels: a page is never drawn wider or taller than this (memory)
_LOCK = threading.RLock()


class PdfUnreadable(Exception):
    """PDFium cannot open this PDF: it is locked with a password, or damaged."""

    def __init__(self, locked: bool) -> None:
        self.locked = locked
        super().__init__(
            "This PDF is locked with a password." if locked else "This PDF could not be read."
        )


@dataclass(frozen=True)
class PageSize:
    """A page's size in points (1/72 inch)."""

    width: float
    height: float


@dataclass(frozen=True)
class DrawnPage:
    """One page as pixels: 4 bytes a pixel, red, green, blue, alpha (opaque), row by row."""

    number: int  # counted from 1
    width: int
    height: int
    stride: int  # bytes a row
    pixels: bytes


def _pdfium() -> Any:
    import pypdfium2

    return pypdfium2


class PdfPages:
    """An open PDF, read from bytes in memory; close it (or use `with`) when done."""

    def __init__(self, data: bytes) -> None:
        pdfium = _pdfium()
        with _LOCK:
            try:
                self._document = pdfium.PdfDocument(bytes(data))
            except pdfium.PdfiumError as exc:
                locked = getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD
                raise PdfUnreadable(locked) from None
            try:
                self.count: int = len(self._document)
                self._sizes = [
                    PageSize(*self._document.get_page_size(i)) for i in range(self.count)
                ]
            except pdfium.PdfiumError:
                self._document.close()
                raise PdfUnreadable(locked=False) from None

    def size(self, number: int) -> PageSize:
        """Page `number`'s size (counted from 1)."""
        return self._sizes[number - 1]

    def draw(self, number: int, width: int) -> DrawnPage:
        """Page `number` (counted from 1) drawn `width` pixels wide, on white (PdfUnreadable
        if PDFium cannot draw it)."""
        pdfium = _pdfium()
        size = self.size(number)
        scale = max(1, min(width, MAX_SIDE)) / max(size.width, 1.0)
        scale = min(scale, MAX_SIDE / max(size.height, 1.0))
        with _LOCK:
            try:
                page = self._document[number - 1]
            except pdfium.PdfiumError:
                raise PdfUnreadable(locked=False) from None
            try:
                bitmap = page.render(
                    scale=scale,
                    force_bitmap_format=pdfium.raw.FPDFBitmap_BGRA,
                    rev_byteorder=True,
                    fill_color=(255, 255, 255, 255),
                    may_draw_forms=True,
                )
                try:
                    pixels = bytes(bitmap.buffer)  # a copy: the bitmap's memory goes below
                    return DrawnPage(number, bitmap.width, bitmap.height, bitmap.stride, pixels)
                finally:
                    bitmap.close()
            except pdfium.PdfiumError:
                raise PdfUnreadable(locked=False) from None
            finally:
                page.close()

    def close(self) -> None:
        with _LOCK:
            self._document.close()

    def __enter__(self) -> PdfPages:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def page_count(data: bytes) -> int:
    """How many pages the PDF has (PdfUnreadable if PDFium cannot open it)."""
    with PdfPages(data) as pdf:
        return pdf.count


def draw_all(data: bytes, width: int) -> list[DrawnPage]:
    """Every page drawn `width` pixels wide (PdfUnreadable if PDFium cannot open it)."""
    with PdfPages(data) as pdf:
        return [pdf.draw(number, width) for number in range(1, pdf.count + 1)]
