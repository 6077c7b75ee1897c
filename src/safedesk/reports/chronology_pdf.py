"""A pupil's chronology as a PDF: cover details, a summary table, then every item in full.

The document's metadata names no child (its title is "Chronology"): file managers, mail
clients and search indexes show a PDF's metadata without anyone opening it. The cover says
how other pupils are shown, and when they are named every page's footer says so too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from safedesk.domain import local_time
from safedesk.domain.attachments import AttachmentContent
from safedesk.domain.chronology import Chronology, ChronologyItem
from safedesk.domain.entries import BODY_MAP
from safedesk.domain.formatting import counted, date_text, moment_text, time_text
from safedesk.domain.pupil_status import mis_flags, statuses_line
from safedesk.domain.transfer import TransferDetails
from safedesk.reports.body_map_drawing import body_map_flowables
from safedesk.reports.pdf_base import (
    BOLD,
    FONT,
    MARGIN,
    MARKING,
    PAGE,
    Cancelled,
    ExportCancelled,
    Progress,
    numbered_canvas,
    register_fonts,
    styles,
    text,
)
from safedesk.reports.transfer_receipt import receipt_page

_GREY = colors.HexColor("#555555")
PDF_TITLE = "Chronology"


def _when(moment: datetime) -> str:
    return moment_text(moment)


def _flags(chronology: Chronology) -> str:
    """What the school's MIS says (SEN support, EHCP, looked after…)."""
    return ", ".join(mis_flags(chronology.pupil.details)) or "none recorded"


def status_rows(chronology: Chronology) -> list[tuple[str, str]]:
    """The cover's lines about the child's needs: the DSL's safeguarding status (only for
    those who may see it) and the MIS's flags."""
    rows = []
    if chronology.statuses is not None:
        rows.append(("Safeguarding status", statuses_line(chronology.statuses)))
    rows.append(("From the school's MIS", _flags(chronology)))
    return rows


def _cover(chronology: Chronology, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    d = chronology.pupil.details
    span = (
        date_text(chronology.first_day, "the first record")
        + " to "
        + date_text(chronology.last_day, "the latest")
    )
    groups = ", ".join(g.label for g in sorted(chronology.groups, key=lambda g: g.value))
    name = d.display_name
    if d.preferred_forename and d.preferred_forename != d.legal_forename:
        name += f" (legal name {d.legal_forename} {d.legal_surname})"
    rows = [
        ("School", chronology.school_name),
        ("Pupil", name),
        ("Date of birth", date_text(d.date_of_birth)),
        ("UPN", d.upn),
        ("Year and class", f"Year {d.year_group or '—'}, {d.class_name or '—'}"),
        *status_rows(chronology),
        ("Date range", span),
        ("Includes", groups),
        ("Exported by", f"{chronology.opened_by}, {_when(chronology.opened_at)}"),
        ("Items", str(len(chronology.items))),
        ("Other pupils", other_pupils_note(chronology)),
    ]
    table = Table(
        [[Paragraph(a, st["label"]), Paragraph(text(b), st["body"])] for a, b in rows],
        colWidths=[38 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)])
    )
    return [
        Paragraph(f"Chronology: {text(d.display_name)}", st["title"]),
        Spacer(1, 4 * mm),
        table,
    ]


def other_pupils_note(chronology: Chronology) -> str:
    """What the cover says about the other children on these records."""
    if chronology.other_pupils_named:
        return (
            f"Named: {chronology.opened_by} chose to include the names of the other pupils on "
            "these records (this was recorded in the audit log). Share this copy only with "
            "people entitled to know about them."
        )
    if chronology.other_pupils:
        return (
            "Shown as “another pupil (A)”, “(B)”…: their names and UPNs are masked wherever "
            "they occur in the text."
        )
    return "None on these records."


def _summary(items: tuple[ChronologyItem, ...], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    header = ["#", "When", "What", "Ref", "By", "Summary"]
    rows: list[list[object]] = [[Paragraph(h, st["label"]) for h in header]]
    for number, item in enumerate(items, start=1):
        # Plain strings where nothing wraps: a Paragraph per cell is the costly part.
        when = item.when
        if item.recorded_later:
            when += f"\nrecorded\n{_when(item.recorded_at)}"
        rows.append(
            [
                str(number),
                when,
                Paragraph(text(item.title), st["cell"]),
                item.ref,
                Paragraph(text(item.author), st["cell"]),
                Paragraph(text(item.summary), st["cell"]),
            ]
        )
    table = LongTable(
        rows,
        colWidths=[8 * mm, 27 * mm, 27 * mm, 22 * mm, 25 * mm, None],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 1), (-1, -1), FONT),
                ("FONTSIZE", (0, 1), (-1, -1), 8),
                ("LEADING", (0, 1), (-1, -1), 10),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde5ef")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f5f7fa")]),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#1f3a5f")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return [Paragraph("Summary", st["h2"]), table]


_LABEL_COLUMN = 58 * mm
_LABEL_SIZE = 8.5


def _field_style(st: dict[str, ParagraphStyle]) -> ParagraphStyle:
    if "field" not in st:
        st["field"] = ParagraphStyle(
            "field",
            parent=st["body"],
            leftIndent=_LABEL_COLUMN,
            bulletIndent=0,
            bulletFontName=BOLD,
            bulletFontSize=_LABEL_SIZE,
            spaceAfter=2,
        )
    return st["field"]


# A value this short sits beside a label too long for the label column (which then wraps in
# it); a longer one, which may run over pages, goes under its label.
_BESIDE_LONG_LABEL = 600


def _detail(number: int, item: ChronologyItem, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    heading, fields = _item_parts(number, item, st)
    return [CondPageBreak(30 * mm), KeepTogether(heading), *fields]


def _item_parts(
    number: int, item: ChronologyItem, st: dict[str, ParagraphStyle]
) -> tuple[list[Flowable], list[Flowable]]:
    """An item's heading (title and byline), and its fields."""
    times = f"{'On' if item.all_day else 'Happened'} {item.when}"
    if item.recorded_later:
        times += f"; recorded {_when(item.recorded_at)}"
    ref = f" · {text(item.ref)}" if item.ref else ""
    heading = Paragraph(f"{number}. {text(item.title)}{ref}", st["h3"])
    byline = Paragraph(f"{times}. By {text(item.author)}.", st["small"])
    parts: list[Flowable] = []
    for label, value in item.detail:
        if label == BODY_MAP.label and item.marks:
            # Drawn, with a numbered key in place of the marks' lines.
            parts.append(Paragraph(text(label), st["label"]))
            parts += body_map_flowables(item.marks, st)
            continue
        # The label hangs in a left column as the paragraph's bullet: one plain paragraph per
        # field is several times cheaper than bold markup, and long accounts still split.
        if stringWidth(label, BOLD, _LABEL_SIZE) < _LABEL_COLUMN - 2 * mm:
            parts.append(Paragraph(text(value), _field_style(st), bulletText=label))
        elif len(value) <= _BESIDE_LONG_LABEL:
            parts.append(_beside(label, value, st))
        else:
            parts.append(Paragraph(text(label), st["label"]))
            parts.append(Paragraph(text(value), _field_style(st)))
    return [heading, byline], parts


def _beside(label: str, value: str, st: dict[str, ParagraphStyle]) -> Flowable:
    """A long label wrapped in the label column, its (short) value beside it."""
    field = _field_style(st)
    table = Table(
        [[Paragraph(text(label), st["label"]), Paragraph(text(value), st["body"])]],
        colWidths=[_LABEL_COLUMN, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 2 * mm),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), field.spaceAfter),
            ]
        )
    )
    return table


def _evidence(chronology: Chronology, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """What this document lets a school check, and how; and what it does not."""
    heads = chronology.signed_heads
    if not heads:
        return [
            Paragraph(
                "No signed log entry was recorded for this export, so it cannot be checked "
                "against the school's store.",
                st["small"],
            )
        ]
    parts: list[Flowable] = [Paragraph("How to check this document", st["h3"])]
    for head in heads:
        signed = local_time.to_local(datetime.fromisoformat(head.at))
        when = f"{date_text(signed.date())} at {time_text(signed)}"
        parts.append(Spacer(1, 1.5 * mm))
        parts.append(
            Paragraph(
                f"When it was exported, the {text(head.file)} file's tamper-evident log stood at "
                f"entry <font name='{BOLD}'>#{head.seq}</font>, hash "
                f"<font name='{BOLD}'>{head.hash[:16]}</font>{head.hash[16:]}, signed by "
                f"{text(chronology.opened_by)} ({text(head.signer)}) on {when}.",
                st["small"],
            )
        )
    first = heads[0].hash[:16]
    parts.append(Spacer(1, 1.5 * mm))
    parts.append(
        Paragraph(
            "To check it, the headteacher or a Designated Safeguarding Lead (who can open these "
            "records) runs "
            f"<font name='{BOLD}'>safedesk-admin verify --user NAME --head {first}</font> "
            "(the first 16 characters of a hash above). It says whether the log still holds "
            "that entry and who signed it, and checks that every record in the log is as it "
            "was written. It does not check this printed copy: to compare its words, export "
            "the chronology again.",
            st["small"],
        )
    )
    return parts


# The last item goes whole onto the page with the closing statement when it is no longer
# than this (in characters); a longer one keeps at least its last fields there.
_WHOLE_LAST_ITEM = 2500


def _closing(
    items: tuple[ChronologyItem, ...], evidence: list[Flowable], st: dict[str, ParagraphStyle]
) -> list[Flowable]:
    """The last item, and the closing statement kept on its page (never a page holding only
    how to check the document)."""
    tail = [Spacer(1, 8 * mm), *evidence]
    if not items:
        return tail
    heading, fields = _item_parts(len(items), items[-1], st)
    if sum(len(label) + len(value) for label, value in items[-1].detail) <= _WHOLE_LAST_ITEM:
        return [KeepTogether([*heading, *fields, *tail])]
    kept = fields[-2:]
    rest = fields[: len(fields) - len(kept)]
    return [CondPageBreak(30 * mm), KeepTogether(heading), *rest, KeepTogether([*kept, *tail])]


def render_chronology(
    chronology: Chronology,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    transfer: TransferDetails | None = None,
) -> bytes:
    """The whole PDF in memory (nothing touches the disk here); with ``transfer``, the
    case-file transfer: the same file plus a receipt page for the receiving DSL to sign."""
    st = styles()
    story: list[Flowable] = _cover(chronology, st)
    story += _summary(chronology.items, st)
    story.append(PageBreak())
    story.append(Paragraph("Each item in full", st["h2"]))
    for number, item in enumerate(chronology.items[:-1], start=1):
        story += _detail(number, item, st)
    story += _closing(chronology.items, _evidence(chronology, st), st)
    if transfer is not None:
        d = chronology.pupil.details
        pupil_line = f"{d.display_name}, born {date_text(d.date_of_birth)}, UPN {d.upn}"
        story += receipt_page(
            transfer, pupil_line, chronology.school_name, len(chronology.items), st
        )
    total = len(story)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=PDF_TITLE,  # never a child's name: metadata is shown without opening the file
        author=chronology.school_name,
        subject="OFFICIAL-SENSITIVE",
        creator="safedesk",
    )
    done = 0

    def after_flowable(_flowable: Flowable) -> None:
        # Split paragraphs count more than once, so the count is held just short of the end.
        nonlocal done
        done += 1
        if cancelled is not None and cancelled():
            raise ExportCancelled
        if progress is not None and done % 25 == 0:
            progress(min(done, total - 1), total)

    doc.afterFlowable = after_flowable
    pupil = chronology.pupil
    footer = f"{chronology.school_name} · {pupil.details.display_name} · {pupil.upn}"
    if chronology.other_pupils_named:
        footer += " · names other pupils"
    doc.build(story, canvasmaker=numbered_canvas(footer))
    if progress is not None:
        progress(total, total)
    return buffer.getvalue()


def append_attachments(
    pdf: bytes, attached: Sequence[tuple[str, AttachmentContent]], footer: str
) -> bytes:
    """``pdf`` followed by each attachment under its heading: an image scaled to fit its own
    page; a PDF's pages after a page saying what they are. One that cannot be shown (changed
    since it was added, damaged, not really a picture, or locked with a password) is named
    on its page with the reason, and not appended: one bad file never stops the export."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.platypus import Image

    st = styles()
    story: list[Flowable] = []
    inserted: dict[int, PdfReader] = {}  # page of the section (0-based) -> pages after it
    frame_width = PAGE[0] - 2 * MARGIN
    frame_height = PAGE[1] - 2 * MARGIN - 30 * mm
    for number, (heading, item) in enumerate(attached):
        if number:
            story.append(PageBreak())
        story.append(Paragraph(text(heading), st["h3"]))
        info = item.info
        story.append(
            Paragraph(
                text(
                    f"File “{info.file_name}” ({info.media_type.label}); SHA-256 as it was "
                    f"added: {info.sha256}"
                ),
                st["small"],
            )
        )
        story.append(Spacer(1, 3 * mm))
        problem = item.problem
        shown: Flowable | None = None
        reader: PdfReader | None = None
        if problem is None:
            try:
                if info.media_type.is_image:
                    shown = Image(
                        io.BytesIO(item.data), frame_width, frame_height, kind="proportional"
                    )
                else:
                    reader = PdfReader(io.BytesIO(item.data))
                    if reader.is_encrypted:
                        reader.decrypt("")
                    pages = len(reader.pages)
            except Exception:  # a reader's error on a file checked when it was added
                problem = "could not be read"
        if problem is not None:
            story.append(
                Paragraph(
                    text(
                        f"This attachment could not be shown here: it {problem}. "
                        f"Its file name is “{info.file_name}”."
                    ),
                    st["body"],
                )
            )
            continue
        if shown is not None:
            story.append(shown)
            continue
        story.append(Paragraph(f"The PDF follows ({counted(pages, 'page')}).", st["body"]))
        story.append(_Marker(inserted, reader))

    def decorate(canvas: Any, _doc: Any) -> None:
        width, height = PAGE
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#8b0000"))
        canvas.setFont(BOLD, 9)
        canvas.drawCentredString(width / 2, height - 11 * mm, MARKING)
        canvas.drawCentredString(width / 2, 8 * mm, MARKING)
        canvas.setFillColor(colors.black)
        canvas.setFont(FONT, 7.5)
        canvas.drawString(MARGIN, 12 * mm, f"{footer} · attachments")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    chronology_pages = len(writer.pages)
    appended: set[int] = set()  # the pages of PDF attachments, as they were added
    for index, page in enumerate(PdfReader(io.BytesIO(buffer.getvalue())).pages):
        writer.add_page(page)
        if index in inserted:
            for extra in inserted[index].pages:
                added = writer.add_page(extra)
                appended.add(len(writer.pages) - 1)
                box = added.mediabox
                added.merge_page(_marking(float(box.width), float(box.height), footer))
    _number_pages(writer, chronology_pages, appended)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _marking(width: float, height: float, footer: str) -> Any:
    """A page the size of an appended one bearing the marking and the footer, to lay on it."""
    from pypdf import PdfReader
    from reportlab.pdfgen import canvas as pdf_canvas

    register_fonts()
    buffer = io.BytesIO()
    overlay = pdf_canvas.Canvas(buffer, pagesize=(width, height))
    overlay.setFillColor(colors.HexColor("#8b0000"))
    overlay.setFont(BOLD, 9)
    overlay.drawCentredString(width / 2, height - 11 * mm, MARKING)
    overlay.drawCentredString(width / 2, 4 * mm, MARKING)
    overlay.setFillColor(colors.black)
    overlay.setFont(FONT, 7)
    overlay.drawString(8 * mm, 8 * mm, f"{footer} · attachment")
    overlay.showPage()
    overlay.save()
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0]


_PAGE_NUMBER = re.compile(r"Page \d+ of \d+")


def _number_pages(writer: Any, chronology_pages: int, appended: set[int]) -> None:
    """Every page "Page n of N" over the whole file, attachments included: the chronology's
    own pages lose the "of" they were drawn with (counting only themselves) for the whole
    count; the attachments' pages gain theirs, where the chronology has it (a PDF
    attachment's own page: in its corner, beside the footer laid on it)."""
    from pypdf.generic import ContentStream

    total = len(writer.pages)
    for index, page in enumerate(writer.pages):
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        if index < chronology_pages:
            content = ContentStream(page.get_contents(), writer)
            content.operations = _without_page_number(content.operations)
            page.replace_contents(content)
        at = (width - 8 * mm, 8 * mm) if index in appended else (width - MARGIN, 12 * mm)
        page.merge_page(_page_number(width, height, at, f"Page {index + 1} of {total}"))


def _without_page_number(operations: list[Any]) -> list[Any]:
    """The text object that drew "Page x of y" taken out (the last one: the canvas draws the
    page number last)."""
    for end in range(len(operations) - 1, -1, -1):
        operands, operator = operations[end]
        if operator == b"Tj" and operands and _PAGE_NUMBER.fullmatch(str(operands[0])):
            start = max(i for i in range(end) if operations[i][1] == b"BT")
            stop = min(i for i in range(end, len(operations)) if operations[i][1] == b"ET")
            return operations[:start] + operations[stop + 1 :]
    return operations


def _page_number(width: float, height: float, at: tuple[float, float], words: str) -> Any:
    from pypdf import PdfReader
    from reportlab.pdfgen import canvas as pdf_canvas

    register_fonts()
    buffer = io.BytesIO()
    overlay = pdf_canvas.Canvas(buffer, pagesize=(width, height))
    overlay.setFillColor(colors.black)
    overlay.setFont(FONT, 7.5)
    overlay.drawRightString(at[0], at[1], words)
    overlay.showPage()
    overlay.save()
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0]


class _Marker(Flowable):  # type: ignore[misc]
    """Takes no room; notes the page it lands on, after which a PDF's pages go."""

    def __init__(self, inserted: dict[int, Any], reader: Any) -> None:
        super().__init__()
        self.inserted = inserted
        self.reader = reader

    def wrap(self, _width: float, _height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.inserted[self.canv.getPageNumber() - 1] = self.reader
