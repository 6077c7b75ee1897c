"""PDF pages drawn from memory with PDFium: the page as printed, no file written, no Qt."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from safedesk.demo.attachments import letter_pdf
from safedesk.pdf_pages import DrawnPage, PdfPages, PdfUnreadable, draw_all, page_count


def two_pages() -> bytes:
    """A4 then A5 landscape; the first page has a red box in its top-left corner."""
    from reportlab.lib.pagesizes import A4, A5, landscape
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setFillColorRGB(1, 0, 0)
    page.rect(0, A4[1] - 100, 100, 100, stroke=0, fill=1)
    page.showPage()
    page.setPageSize(landscape(A5))
    page.drawString(72, 72, "Second page")
    page.showPage()
    page.save()
    return buffer.getvalue()


def pixel(drawn: DrawnPage, x: int, y: int) -> tuple[int, ...]:
    start = y * drawn.stride + x * 4
    return tuple(drawn.pixels[start : start + 4])


def test_each_page_is_drawn_at_the_width_asked_with_its_own_shape() -> None:
    pages = draw_all(two_pages(), 600)
    assert [p.number for p in pages] == [1, 2]
    first, second = pages
    assert first.width == 600 and abs(first.height - round(600 * 842 / 595)) <= 1
    assert second.width == 600 and second.height < second.width  # landscape
    assert first.stride >= first.width * 4
    assert len(first.pixels) == first.stride * first.height


def test_the_pixels_are_the_page_as_printed_red_green_blue_alpha() -> None:
    first = draw_all(two_pages(), 595)[0]
    assert pixel(first, 10, 10) == (255, 0, 0, 255)  # inside the red box
    assert pixel(first, 300, 500) == (255, 255, 255, 255)  # white paper, opaque


def test_the_letters_words_are_drawn_as_ink() -> None:
    page = draw_all(letter_pdf(), 595)[0]
    inked = sum(
        1
        for y in range(60, 200)
        for x in range(60, 500)
        if pixel(page, x, y)[:3] != (255, 255, 255)
    )
    assert inked > 500


def test_an_open_document_draws_one_page_at_a_time_and_tells_its_sizes() -> None:
    with PdfPages(two_pages()) as pdf:
        assert pdf.count == 2
        assert round(pdf.size(1).width) == 595 and round(pdf.size(1).height) == 842
        assert pdf.draw(2, 300).width == 300
    assert page_count(two_pages()) == 2


def test_a_huge_width_is_kept_to_a_sane_size() -> None:
    page = draw_all(letter_pdf(), 10**6)[0]
    assert page.width <= 6000 and page.height <= 6000


def test_a_damaged_pdf_is_said_to_be_unreadable_not_locked() -> None:
    with pytest.raises(PdfUnreadable) as caught:
        PdfPages(b"%PDF-1.4\nthis is not really a PDF\n")
    assert caught.value.locked is False
    with pytest.raises(PdfUnreadable):
        PdfPages(b"")


def test_a_pdf_whose_page_tree_is_broken_is_unreadable_not_a_crash() -> None:
    broken = two_pages().replace(b"/Kids [", b"/Kidz [")
    with pytest.raises(PdfUnreadable) as caught:
        PdfPages(broken)
    assert caught.value.locked is False


def test_a_pdf_locked_with_a_password_is_said_to_be_locked() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(letter_pdf()))
    writer.encrypt("only-the-sender-knows", algorithm="AES-256")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(PdfUnreadable) as caught:
        PdfPages(locked.getvalue())
    assert caught.value.locked is True
    assert "only-the-sender-knows" not in str(caught.value)


def test_drawing_writes_nothing_to_the_temporary_folder(tmp_path: Path) -> None:
    before = set(os.listdir(tempfile.gettempdir()))
    draw_all(letter_pdf(), 820)
    with PdfPages(two_pages()) as pdf:
        pdf.draw(1, 400)
    assert set(os.listdir(tempfile.gettempdir())) - before == set()


def test_the_module_does_not_bring_in_qt() -> None:
    script = (
        "import sys, safedesk.pdf_pages as p\n"
        "from safedesk.demo.attachments import letter_pdf\n"
        "p.draw_all(letter_pdf(), 100)\n"
        "print(','.join(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
