"""The letter to a parent or carer after a physical intervention: what the 2025 guidance says
they must be told (when, where, how long, what happened before and what staff tried first, the
kind and holds, the reason force was necessary, injuries, the support given afterwards, whether
they were already told) and who to contact, in plain words. Marked "Private and confidential"
(never the records' OFFICIAL-SENSITIVE banner: it goes to a parent); each answer is its own
paragraph, so a long one flows on to the next page."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)

from safedesk.reports.pdf_base import BOLD, FONT, MARGIN, PAGE, styles, text

PRIVATE = "Private and confidential"


@dataclass(frozen=True)
class ParentLetter:
    """What the letter says, every value already in words (labels, local dates and times) and
    staff's words already masked (services.parent_letter)."""

    school_name: str
    written_on: str  # the letter's date, dd/mm/yyyy
    ref: str  # the record's reference, for the parent to quote
    pupil_name: str  # as the school knows them ("Shiv O'Connor-Nguyễn")
    pupil_known_as: str  # the first name used in the text ("Shiv")
    day: str  # when it happened: dd/mm/yyyy
    time: str  # and the time it started, HH:MM
    location: str
    duration: str  # "4 minutes"
    kind: str  # the kind of intervention, or "" on a record made before it was asked
    holds: str  # "Single elbow (3 minutes), then Seated hold (2 minutes)"
    hold_detail: str  # how the hold was done (the degree of force), may be ""
    cause: str  # what happened before
    deescalation: str  # what staff tried first
    reason: str  # why force was necessary
    injuries: str  # injuries to the pupil, as recorded
    marks: tuple[str, ...]  # each mark on the body map: kind, where, size (never the note)
    support_after: str  # may be "" on a record made before it was asked
    pupil_account: str  # may be ""
    parent_told: str  # "We spoke to you by phone on 29/11/2026 (Ms Byrne).", may be ""
    contact_name: str  # who is writing, and whom to contact
    masked: int = 0  # names, pupil numbers and dates of birth taken out of staff's words


def _facts(letter: ParentLetter) -> list[tuple[str, str]]:
    name = letter.pupil_known_as
    facts = [
        ("When", f"{letter.day}, starting at {letter.time}"),
        ("Where", letter.location),
        ("How long", letter.duration),
        ("What happened before", letter.cause),
        ("What staff tried first", letter.deescalation),
        ("Why holding " + name + " was necessary", letter.reason),
    ]
    if letter.kind:
        facts.append(("What kind of intervention", letter.kind))
    holds = letter.holds
    if letter.hold_detail:
        holds += f"\n{letter.hold_detail}"
    facts += [
        ("How staff held " + name, holds),
        (f"Injuries to {name}", letter.injuries),
    ]
    if letter.marks:
        facts.append(("Marks we noted", "\n".join(letter.marks)))
    if letter.support_after:
        facts.append((f"Support given to {name} afterwards", letter.support_after))
    if letter.pupil_account:
        facts.append((f"What {name} told us", letter.pupil_account))
    return facts


def _letter_styles() -> dict[str, ParagraphStyle]:
    st = styles()
    body = ParagraphStyle("letter", parent=st["body"], fontSize=10, leading=13.5, spaceAfter=6)
    return st | {
        "letter": body,
        "school": ParagraphStyle("school", parent=st["title"], fontSize=14, leading=18),
        "fact": ParagraphStyle("fact", parent=body, leftIndent=6 * mm, spaceAfter=3),
        "fact_label": ParagraphStyle(
            "fact_label",
            parent=st["label"],
            fontSize=9.5,
            leading=13,
            spaceBefore=1,
            textColor=colors.HexColor("#1f3a5f"),
        ),
    }


def _private_canvas(footer_left: str) -> type[pdf_canvas.Canvas]:
    """A canvas that learns the page count, then writes "Private and confidential" at the top
    and the page number at the foot of each page."""

    class LetterCanvas(pdf_canvas.Canvas):  # type: ignore[misc]
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
            self.setFont(BOLD, 9)
            self.drawString(MARGIN + 6, height - 11 * mm, PRIVATE)
            self.setFont(FONT, 7.5)
            self.drawString(MARGIN + 6, 10 * mm, footer_left)
            self.drawRightString(width - MARGIN - 6, 10 * mm, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    return LetterCanvas


def render_parent_letter(letter: ParentLetter) -> bytes:
    """The letter as PDF bytes (built in memory)."""
    st = _letter_styles()
    name = text(letter.pupil_known_as)
    story: list[Flowable] = [
        Paragraph(text(letter.school_name), st["school"]),
        Paragraph(f"{text(letter.written_on)} · Our reference: {text(letter.ref)}", st["small"]),
        Spacer(1, 6 * mm),
        Paragraph(f"To the parent or carer of {text(letter.pupil_name)}", st["letter"]),
        Paragraph("Dear parent or carer,", st["letter"]),
        Paragraph(
            f"I am writing to let you know that on {text(letter.day)} staff at "
            f"{text(letter.school_name)} had to use physical intervention with {name}. We tell "
            "parents and carers every time this happens. This letter sets out what happened.",
            st["letter"],
        ),
    ]
    if letter.parent_told:
        story.append(Paragraph(text(letter.parent_told), st["letter"]))
    story.append(Spacer(1, 2 * mm))
    for label, value in _facts(letter):
        # A heading never ends a page, and a long answer starts under its heading and flows
        # on (keepWithNext would push a whole long answer to the next page).
        story += [
            CondPageBreak(12 * mm),
            Paragraph(text(label), st["fact_label"]),
            Paragraph(text(value), st["fact"]),
        ]
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            "Staff only hold a pupil when there is no other way to keep them, or others, safe. "
            "We will look at what happened and what we can do to make it less likely to happen "
            "again, and we would like to hear your views.",
            st["letter"],
        ),
        Paragraph(
            f"If you would like to talk about this, please contact {text(letter.contact_name)} "
            f"through the school office at {text(letter.school_name)}. Please quote our "
            f"reference, {text(letter.ref)}.",
            st["letter"],
        ),
        KeepTogether(
            [
                Spacer(1, 3 * mm),
                Paragraph("Yours sincerely,", st["letter"]),
                Spacer(1, 8 * mm),
                Paragraph(text(letter.contact_name), st["letter"]),
                Paragraph(text(letter.school_name), st["letter"]),
            ]
        ),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Letter to the parent or carer of {letter.pupil_name}",
        author=letter.school_name,
    )
    footer = f"{letter.school_name} · letter to the parent or carer · {letter.ref}"
    doc.build(story, canvasmaker=_private_canvas(footer))
    return out.getvalue()
