"""The inspection pack's layout: a row longer than a page runs over pages, every page says
"Page x of y", and the metadata names no child."""

from __future__ import annotations

import io
from datetime import date, datetime

from pypdf import PdfReader

from safedesk.reports.inspection_pdf import (
    BullyingLine,
    ConcernLine,
    Cover,
    InspectionPack,
    InterventionLine,
    render_inspection,
)

AT = datetime.fromisoformat("2026-11-16T10:05").astimezone()


def _pack(**logs: object) -> InspectionPack:
    cover = Cover("Little School", date(2026, 9, 1), date(2026, 12, 18), "Ms Head", AT)
    parts: dict[str, object] = {
        "concerns": (),
        "referrals": (),
        "interventions": (),
        "bullying": (),
        "timings": (),
    }
    parts |= logs
    return InspectionPack(cover, **parts)  # type: ignore[arg-type]


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    words = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return len(reader.pages), words


def test_a_row_longer_than_a_page_runs_over_pages() -> None:
    """An account of 20,000 characters (the most a field holds) in one row of a log."""
    long = ("The adults talked it through with both children at length. " * 340)[:20_000]
    bullying = BullyingLine(
        "B-2026-0007", AT, "Ana Kovač (instigator)", "Bullying: Verbal", "Playground", long, "Yes"
    )
    held = InterventionLine(
        "PI-2026-0003",
        AT,
        12,
        "Ana Kovač, Year 4",
        "Restraint with physical contact",
        "Double elbow (main hold)",
        "Mr Byrne",
        f"Pupil: {long}\nStaff: none",
        "16/11/2026 10:30 (phone)",
        "Not yet reviewed",
    )
    pages, text = _text(render_inspection(_pack(bullying=(bullying,), interventions=(held,))))
    assert pages > 4
    assert f"Page {pages} of {pages}" in text
    assert text.count("B-2026-0007") >= 1 and "Ana Kovač" in text


def test_many_rows_repeat_the_header_on_each_page() -> None:
    concerns = tuple(
        ConcernLine(f"C-2026-{n:04d}", AT, "Ana Kovač", "Neglect", "Routine", "Ms Shah", "Open.")
        for n in range(1, 120)
    )
    pdf = render_inspection(_pack(concerns=concerns))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    logged = [" ".join(p.extract_text().split()) for p in reader.pages]
    logged = [words for words in logged if "C-2026-" in words]
    assert len(logged) >= 2
    for words in logged:
        assert words.count("Reference and when recorded") == 1
    assert reader.metadata is not None and reader.metadata.title == "Inspection pack"


def test_a_header_is_repeated_only_at_the_top_of_a_page() -> None:
    """Rows of different lengths: where the next row did not fit whole, the rest of the
    table was tried in what was left of the page, under a second header mid-page."""
    account = "The adults talked it through with both children at length. " * 12
    said = ["Open. " + account[: n * 37 % 500] for n in range(30)]
    concerns = tuple(
        ConcernLine(f"C-2026-{n:04d}", AT, "Ana", "Neglect", "Routine", "Ms Shah", said[n])
        for n in range(1, 30)
    )
    reader = PdfReader(io.BytesIO(render_inspection(_pack(concerns=concerns))))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    header = "Reference and when recorded"
    assert sum("C-2026-" in words for words in pages) >= 3
    for words in pages:
        assert words.count(header) <= 1
        if header in words and "1. Referrals" not in words:
            assert words.index(header) < 40  # first on the page, after the marking
