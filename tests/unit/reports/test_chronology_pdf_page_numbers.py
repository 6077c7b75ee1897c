"""A chronology exported with its attachments is numbered "Page n of N" over the whole file:
the chronology's own pages count the attachments' pages too, and every attachment page (a
picture's, a PDF's heading, each of a PDF's own pages) bears its number."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from safedesk.demo.attachments import letter_pdf, scanned_note
from safedesk.domain.entries import Kind
from safedesk.services import attachments, export, records
from safedesk.services.session import Session
from tests import factories

NUMBER = re.compile(r"Page (\d+) of (\d+)")


def two_page_letter() -> bytes:
    writer = PdfWriter()
    for words in ("First page 4411.", "Second page 4412."):
        writer.append(PdfReader(io.BytesIO(letter_pdf([words]))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_every_page_is_numbered_over_the_whole_file(head_session: Session, tmp_path: Path) -> None:
    factories.add_pupils(head_session)
    ref = records.record(head_session, Kind.CONCERN, factories.concern())
    attachments.attach(head_session, ref, data=scanned_note(), file_name="n.png", description="N")
    attachments.attach(
        head_session, ref, data=two_page_letter(), file_name="l.pdf", description="Letter"
    )
    plain = export.export_chronology_pdf(head_session, factories.PUPIL_A, tmp_path / "a.pdf")
    full = export.export_chronology_pdf(
        head_session, factories.PUPIL_A, tmp_path / "b.pdf", include_attachments=True
    )
    reader = PdfReader(tmp_path / "b.pdf")
    total = len(reader.pages)
    assert total == full.pages and total > plain.pages + 2
    for number, page in enumerate(reader.pages, start=1):
        said = NUMBER.findall(page.extract_text())
        assert said == [(str(number), str(total))], (number, said)  # once, and right
    words = "".join(page.extract_text() for page in reader.pages)
    assert "First page 4411." in words and "Second page 4412." in words
    # Without attachments the numbers are the chronology's own.
    alone = PdfReader(tmp_path / "a.pdf")
    for number, page in enumerate(alone.pages, start=1):
        assert NUMBER.findall(page.extract_text()) == [(str(number), str(len(alone.pages)))]
