"""The chronology PDF: every item, in order, paginated, marked, Unicode intact, encryptable."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.reports.pdf_base import ExportCancelled
from safedesk.services import amendments, export, records
from safedesk.services.session import Session
from safedesk.store import audit
from tests import factories
from tests.factories import PUPIL_A

START = datetime.fromisoformat("2026-10-01T09:00").astimezone()
LONG_ACCOUNT = " ".join(f"sentence{n:04d} of a very long account." for n in range(500))


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    session = session_as(Role.DSL)
    for day in range(12):
        moment = START + timedelta(days=day)
        session.clock = FixedClock(moment + timedelta(minutes=5))
        description = LONG_ACCOUNT if day == 3 else f"Concern number {day:02d} — Zoë said “ça va”."
        records.record(
            session,
            Kind.CONCERN,
            factories.concern() | {"occurred_at": moment.isoformat(), "description": description},
        )
    session.clock = FixedClock(START + timedelta(days=20))
    amendments.amend(session, "C-2026-0002", "urgency", "immediate", "Disclosure repeated at home")
    return session


def pdf_text(data: bytes, password: str | None = None) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        reader.decrypt(password)
    return [page.extract_text() for page in reader.pages]


def test_every_item_in_order_with_page_numbers(dsl: Session, tmp_path: Path) -> None:
    target = tmp_path / "chronology.pdf"
    result = export.export_chronology_pdf(dsl, PUPIL_A, target)
    pages = pdf_text(target.read_bytes())
    assert result.items == 13
    assert result.pages == len(pages) >= 4  # the long account runs over pages
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert page.count("OFFICIAL-SENSITIVE") == 2
    whole = "\n".join(pages)
    numbers = [int(n) for n in re.findall(r"Concern\s+number\s+(\d\d)", whole)]
    # Each concern appears in the summary and again in full, both times in date order.
    assert numbers == [n for n in range(12) if n != 3] * 2
    assert "sentence0000" in whole
    assert "sentence0499" in whole
    assert "Shiv O'Connor-Nguyễn" in whole
    assert "Siobhán" in whole  # the legal name alongside the preferred one
    assert "Zoë said “ça va”" in whole
    assert "Disclosure repeated at home" in whole  # the amendment with its reason
    assert "B801200005001" in whole
    assert "St Brigid's C of E Primary" in whole
    # The head printed is the safeguarding file's, where the export was audited.
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        last = list(audit.events(conn))[-1]
    assert last.action == "chronology.exported"
    assert f"#{last.seq}" in pages[-1]
    assert last.hash in pages[-1].replace("\n", "")


def test_encrypted_pdf_needs_its_password(dsl: Session, tmp_path: Path) -> None:
    target = tmp_path / "sealed.pdf"
    export.export_chronology_pdf(dsl, PUPIL_A, target, password="long enough pass")
    data = target.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    assert reader.is_encrypted
    assert reader.trailer["/Encrypt"]["/R"] == 6  # AES-256, PDF 2.0
    assert reader.trailer["/Encrypt"]["/V"] == 5
    assert b"Nguy" not in data
    assert not reader.decrypt("wrong password")
    assert "Concern number 00" in "\n".join(pdf_text(data, "long enough pass"))


def test_short_password_refused_before_anything_is_written(dsl: Session, tmp_path: Path) -> None:
    target = tmp_path / "x.pdf"
    with pytest.raises(ValidationError):
        export.export_chronology_pdf(dsl, PUPIL_A, target, password="short")
    assert not target.exists()


def test_cancelled_export_leaves_no_file(dsl: Session, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "cancelled.pdf"
    seen: list[tuple[int, int]] = []
    with pytest.raises(ExportCancelled):
        export.export_chronology_pdf(
            dsl,
            PUPIL_A,
            target,
            progress=lambda done, total: seen.append((done, total)),
            cancelled=lambda: len(seen) >= 1,
        )
    assert seen
    assert not target.exists()
    assert list(folder.iterdir()) == []


def test_progress_reaches_the_end(dsl: Session, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    export.export_chronology_pdf(
        dsl, PUPIL_A, tmp_path / "p.pdf", progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_roles_that_may_not_read_get_no_file(
    dsl: Session, session_as: Callable[[Role], Session], role: Role, tmp_path: Path
) -> None:
    target = tmp_path / "no.pdf"
    with pytest.raises(PermissionDenied):
        export.export_chronology_pdf(session_as(role), PUPIL_A, target)
    assert not target.exists()


@pytest.mark.parametrize("password", [None, "long enough pass"])
def test_metadata_names_no_child(dsl: Session, tmp_path: Path, password: str | None) -> None:
    target = tmp_path / "m.pdf"
    export.export_chronology_pdf(dsl, PUPIL_A, target, password=password)
    reader = PdfReader(target)
    if password:
        reader.decrypt(password)
    metadata = reader.metadata
    assert metadata.title == "Chronology"
    assert metadata.subject == "OFFICIAL-SENSITIVE"
    for value in metadata.values():
        assert not any(w in str(value) for w in ("Shiv", "Siobh", "Nguy", "Connor", PUPIL_A))


def test_the_cover_says_how_other_pupils_are_shown(dsl: Session, tmp_path: Path) -> None:
    target = tmp_path / "c.pdf"
    export.export_chronology_pdf(dsl, PUPIL_A, target)
    cover = " ".join(PdfReader(target).pages[0].extract_text().split())
    assert "Other pupils None on these records." in cover  # concerns about Shiv alone
