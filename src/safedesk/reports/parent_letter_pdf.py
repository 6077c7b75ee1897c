"""The letter to a parent or carer after a physical intervention: what the 2025 guidance says
they must be told (when, where, how long, the kind and holds, the reason force was necessary,
injuries, the support given afterwards) and who to contact, in plain words on one page."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from safedesk.reports.pdf_base import MARGIN, PAGE, numbered_canvas, styles, text


@dataclass(frozen=True)
class ParentLetter:
    """What the letter says, every value already in words (labels, local dates and times)."""

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
    holds: tuple[str, ...]  # each hold in words, with its minutes where known
    hold_detail: str  # how the hold was done (the degree of force), may be ""
    reason: str  # why force was necessary
    injuries: str  # injuries to the pupil, as recorded
    marks: tuple[str, ...]  # each mark on the body map, in words
    support_after: str  # may be "" on a record made before it was asked
    pupil_account: str  # may be ""
    contact_name: str  # who is writing, and whom to contact


def _facts(letter: ParentLetter) -> list[tuple[str, str]]:
    name = letter.pupil_known_as
    facts = [
        ("When", f"{letter.day}, starting at {letter.time}"),
        ("Where", letter.location),
        ("How long", letter.duration),
    ]
    if letter.kind:
        facts.append(("What kind of intervention", letter.kind))
    holds = "\n".join(letter.holds)
    if letter.hold_detail:
        holds += f"\n{letter.hold_detail}"
    facts += [
        ("How staff held " + name, holds),
        ("Why it was necessary", letter.reason),
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
        "fact": ParagraphStyle("fact", parent=body, spaceAfter=0),
        "fact_label": ParagraphStyle("fact_label", parent=st["label"], fontSize=9.5, leading=13),
    }


def render_parent_letter(letter: ParentLetter) -> bytes:
    """The letter as PDF bytes (built in memory)."""
    st = _letter_styles()
    name = text(letter.pupil_known_as)
    story = [
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
    rows = [
        [Paragraph(text(label), st["fact_label"]), Paragraph(text(value), st["fact"])]
        for label, value in _facts(letter)
    ]
    table = Table(rows, colWidths=[52 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, colors.HexColor("#c8ced6")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    story += [
        Spacer(1, 2 * mm),
        table,
        Spacer(1, 5 * mm),
        Paragraph(
            "Staff only hold a pupil when there is no other way to keep them, or others, safe. "
            "We will look at what happened and what we can do to make it less likely to happen "
            "again, and we would like to hear your views.",
            st["letter"],
        ),
        Paragraph(
            f"If you would like to talk about this, please contact {text(letter.contact_name)} "
            f"at the school office. Please quote our reference, {text(letter.ref)}.",
            st["letter"],
        ),
        Spacer(1, 4 * mm),
        Paragraph("Yours sincerely,", st["letter"]),
        Spacer(1, 10 * mm),
        Paragraph(text(letter.contact_name), st["letter"]),
        Paragraph(text(letter.school_name), st["letter"]),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"Letter to the parent or carer of {letter.pupil_name}",
        author=letter.school_name,
    )
    footer = f"{letter.school_name} · letter to the parent or carer · {letter.ref}"
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return out.getvalue()
