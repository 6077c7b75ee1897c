"""The PDF page view at 1366x768, by keyboard: the page as printed, fitted to the width, Page
Down / Page Up to turn, Ctrl++ / Ctrl+- / Ctrl+0 to zoom, a locked or damaged PDF said so
plainly, and nothing written to the temporary folder while drawing."""

# pytest-qt's QtBot is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfWriter
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from safedesk.ui.pdf_page_view import PdfPageView, self_test
from tests.ui.conftest import activate

WAIT = 60_000


def three_pages() -> bytes:
    """Three A4 pages; page n has n black squares across its top, so each page is known."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    for number in (1, 2, 3):
        for square in range(number):
            page.rect(50 + square * 150, A4[1] - 150, 100, 100, stroke=0, fill=1)
        page.drawString(72, 72, f"Paragraph {number} of the policy")
        page.showPage()
    page.save()
    return out.getvalue()


def squares(view: PdfPageView) -> int:
    """How many black squares the page shown has across its top (which page it is)."""
    image = view.picture.pixmap().toImage()
    scale = image.width() / 595
    y = int(100 * scale)
    return sum(
        1
        for square in range(3)
        if image.pixelColor(int((100 + square * 150) * scale), y).name() == "#000000"
    )


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    """A window at 1366x768 for the view to fill."""
    made = QWidget()
    qtbot.addWidget(made)
    made.resize(1366, 768)
    QVBoxLayout(made)
    return made


def make(qtbot: QtBot, window: QWidget, data: bytes) -> PdfPageView:
    view = PdfPageView(data, window)
    layout = window.layout()
    assert layout is not None
    layout.addWidget(view)
    window.show()
    activate(qtbot, window)
    view.setFocus()
    qtbot.waitUntil(lambda: not view.picture.pixmap().isNull(), timeout=WAIT)
    return view


def test_the_first_page_is_drawn_as_printed_fitted_to_the_width(
    qtbot: QtBot, window: QWidget
) -> None:
    view = make(qtbot, window, three_pages())
    assert view.page_label.text() == "Page 1 of 3"
    assert view.area.hasFocus()
    assert squares(view) == 1
    width = view.picture.pixmap().width()
    assert view.area.viewport().width() - 40 <= width <= view.area.viewport().width()
    assert not view.previous_button.isEnabled() and view.next_button.isEnabled()
    assert view.area.accessibleName() == "Page 1 of 3"


def test_page_down_and_page_up_turn_the_pages(qtbot: QtBot, window: QWidget) -> None:
    view = make(qtbot, window, three_pages())
    qtbot.keyClick(view.area, Qt.Key.Key_PageDown)
    assert view.page_label.text() == "Page 2 of 3" and squares(view) == 2
    qtbot.keyClick(view.area, Qt.Key.Key_PageDown)
    assert view.page_label.text() == "Page 3 of 3" and squares(view) == 3
    assert not view.next_button.isEnabled()
    qtbot.keyClick(view.area, Qt.Key.Key_PageDown)  # the last page stays
    assert view.page == 3
    qtbot.keyClick(view.area, Qt.Key.Key_PageUp)
    assert view.page_label.text() == "Page 2 of 3" and squares(view) == 2


def test_zooming_in_and_out_and_back_to_the_width(qtbot: QtBot, window: QWidget) -> None:
    view = make(qtbot, window, three_pages())
    fitted = view.picture.pixmap().width()
    qtbot.keyClick(view.area, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.picture.pixmap().width() > fitted
    scroll = view.area.horizontalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0, timeout=WAIT)  # wider than the window
    qtbot.keyClick(view.area, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.picture.pixmap().width() == fitted
    qtbot.keyClick(view.area, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.picture.pixmap().width() < fitted


def test_a_locked_pdf_is_said_to_be_locked(qtbot: QtBot) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(three_pages()))
    writer.encrypt("the-senders-secret", algorithm="AES-256")
    locked = io.BytesIO()
    writer.write(locked)
    view = PdfPageView(locked.getvalue(), unreadable_hint="Save a copy to try another program.")
    qtbot.addWidget(view)
    assert view.unreadable and view.locked
    assert view.message.text() == (
        "This PDF is locked with a password, so safedesk cannot show it. "
        "Save a copy to try another program."
    )
    assert "Paragraph" not in view.picture.text()


def test_a_damaged_pdf_is_said_to_be_damaged_with_the_words_found_in_it(qtbot: QtBot) -> None:
    good = three_pages()
    damaged = good.replace(b"%PDF-1.", b"%PDX-1.", 1)  # PDFium refuses it; pypdf reads on
    view = PdfPageView(damaged)
    qtbot.addWidget(view)
    assert view.unreadable and not view.locked
    assert view.message.text() == (
        "This PDF could not be read: it may be damaged. "
        "The words safedesk could find in it are shown below."
    )
    assert "Paragraph 1 of the policy" in view.picture.text()
    assert "Paragraph 3 of the policy" in view.picture.text()
    nothing = PdfPageView(b"not a PDF at all")
    qtbot.addWidget(nothing)
    assert nothing.message.text() == "This PDF could not be read: it may be damaged."
    assert nothing.picture.text() == ""


def test_drawing_pages_writes_nothing_to_the_temporary_folder(
    qtbot: QtBot, window: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    view = make(qtbot, window, three_pages())
    for _ in range(2):
        qtbot.keyClick(view.area, Qt.Key.Key_PageDown)
    qtbot.keyClick(view.area, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert list(temp.iterdir()) == []
    assert tempfile.gettempdir() == str(temp)  # where a temporary file would have gone


def test_the_frozen_builds_check_draws_the_square_page() -> None:
    assert self_test() == "drawn 100x100, 6400 dark pixels"


def test_zoom_keys_zoom_the_page_not_the_text_size(qtbot: QtBot, window: QWidget) -> None:
    """Ctrl++ changes the text size in every window of the app, except in a page view, where
    it zooms the page (the app-wide keys had taken it first, so the page never zoomed)."""
    from PySide6.QtWidgets import QApplication

    from safedesk.ui import text_size

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    text_size.install(app)
    before = text_size.current()
    view = make(qtbot, window, three_pages())
    fitted = view.picture.pixmap().width()
    activate(qtbot, view.area)
    view.area.setFocus()
    qtbot.waitUntil(view.area.hasFocus, timeout=WAIT)
    qtbot.keyClick(view.area, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.picture.pixmap().width() > fitted
    qtbot.keyClick(view.area, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.picture.pixmap().width() == fitted
    assert text_size.current() is before


def test_the_document_is_closed_when_the_view_goes(qtbot: QtBot, window: QWidget) -> None:
    view = make(qtbot, window, three_pages())
    pdf = view._pdf
    assert pdf is not None and pdf._document.raw
    view.deleteLater()
    qtbot.waitUntil(lambda: not pdf._document.raw, timeout=WAIT)
