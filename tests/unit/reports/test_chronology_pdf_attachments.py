"""The chronology PDF with its records' attachments: each one starts with a page saying which
record and which attachment it is (the record's reference, the description, who added it and
when, the file's name and its whole SHA-256 as it was added), so a reader can match a page to
the record and the file to the audit log."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pypdf import PdfReader

from safedesk.demo.attachments import letter_pdf, scanned_note
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.services import attachments, export, records
from safedesk.services.session import Session
from tests import factories
from tests.unit.services.test_chronology_assessments import at


def _flat(page_text: str) -> str:
    return " ".join(page_text.split())


def test_each_attachment_starts_with_what_it_is(head_session: Session, tmp_path: Path) -> None:
    factories.add_pupils(head_session)
    head_session.clock = FixedClock(at("2026-11-03T10:04"))
    ref = records.record(
        head_session, Kind.CONCERN, factories.concern() | {"occurred_at": "2026-11-03T09:00"}
    )
    scan, letter = scanned_note(), letter_pdf(["A letter 3381 from home."])
    attachments.attach(
        head_session, ref, data=scan, file_name="scan.png", description="Scanned note"
    )
    head_session.clock = FixedClock(at("2026-11-03T11:15"))
    attachments.attach(
        head_session, ref, data=letter, file_name="letter.pdf", description="Letter from home"
    )
    plain = export.export_chronology_pdf(head_session, factories.PUPIL_A, tmp_path / "a.pdf")
    export.export_chronology_pdf(
        head_session, factories.PUPIL_A, tmp_path / "b.pdf", include_attachments=True
    )
    reader = PdfReader(tmp_path / "b.pdf")
    tail = [_flat(p.extract_text()) for p in reader.pages[plain.pages :]]
    assert len(tail) == 3  # the scan's page; the letter's cover and its own page
    scan_page, letter_cover, letter_page = tail
    assert f"Attachment to {ref}: Scanned note (PNG image, " in scan_page
    assert "added by Ms Ada Ngozi on 03/11/2026 10:04" in scan_page
    assert "File “scan.png” (PNG image); SHA-256 as it was added: " in scan_page
    assert hashlib.sha256(scan).hexdigest() in scan_page.replace(" ", "")
    assert f"Attachment to {ref}: Letter from home (PDF, " in letter_cover
    assert "added by Ms Ada Ngozi on 03/11/2026 11:15" in letter_cover
    assert hashlib.sha256(letter).hexdigest() in letter_cover.replace(" ", "")
    assert "The PDF follows (1 page)." in letter_cover
    assert "A letter 3381 from home." in letter_page
    assert "Attachment to" not in letter_page
