"""The parent letter's PDF: every answer flows across pages however long (20,000 characters,
markup characters, one long unbroken word), "Private and confidential" on every page and never
the records' OFFICIAL-SENSITIVE banner."""

from __future__ import annotations

import io

from pypdf import PdfReader

from safedesk.reports.parent_letter_pdf import PRIVATE, ParentLetter, render_parent_letter

LONG = ("Staff said <calm> & kind words, then waited for him to settle. " * 400)[:20_000]


def letter(**changed: object) -> ParentLetter:
    values: dict[str, object] = {
        "school_name": "St Brigid's C of E Primary",
        "written_on": "30/11/2026",
        "ref": "PI-2026-0001",
        "pupil_name": "Shiv O'Connor-Nguyễn",
        "pupil_known_as": "Shiv",
        "day": "29/11/2026",
        "time": "10:05",
        "location": "Corridor",
        "duration": "5 minutes",
        "kind": "Restraint with physical contact",
        "holds": "Single elbow (3 minutes), then Seated hold (2 minutes)",
        "hold_detail": "",
        "cause": "Refused to come in from play.",
        "deescalation": "Calm voice, choices offered.",
        "reason": "Risk of injury to another pupil.",
        "injuries": "none",
        "marks": ("Bruise: left forearm (front), 30 mm",),
        "support_after": "Quiet time in the library.",
        "pupil_account": "",
        "parent_told": "We spoke to you by phone on 29/11/2026 (Ms Byrne).",
        "contact_name": "Ms Ada Ngozi",
    }
    return ParentLetter(**(values | changed))  # type: ignore[arg-type]


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_twenty_thousand_characters_in_every_long_answer_flow_across_pages() -> None:
    long_fields = (
        "hold_detail",
        "cause",
        "deescalation",
        "reason",
        "injuries",
        "support_after",
        "pupil_account",
    )
    pdf = render_parent_letter(letter(**dict.fromkeys(long_fields, LONG)))
    pages = pages_of(pdf)
    text = " ".join(pages)
    assert len(pages) > 10
    assert text.count("kind words") >= len(long_fields) * 300
    assert "<calm> &" in text  # written as typed, not taken for markup
    assert "Yours sincerely" in pages[-1]
    for page in pages:
        assert PRIVATE in page
        assert "OFFICIAL-SENSITIVE" not in page


def test_one_long_unbroken_word_does_not_stop_the_letter() -> None:
    pdf = render_parent_letter(letter(pupil_account="a" * 20_000))
    assert "Yours sincerely" in pages_of(pdf)[-1]


def test_a_short_letter_is_one_page_with_the_parent_already_told() -> None:
    pages = pages_of(render_parent_letter(letter()))
    assert len(pages) == 1
    for words in (
        "We spoke to you by phone on 29/11/2026 (Ms Byrne).",
        "What happened before Refused to come in from play.",
        "What staff tried first Calm voice, choices offered.",
        "Single elbow (3 minutes), then Seated hold (2 minutes)",
        "Bruise: left forearm (front), 30 mm",
        "please contact Ms Ada Ngozi",
    ):
        assert words in pages[0], words
