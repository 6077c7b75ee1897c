"""The receipt page at the end of a case-file transfer, for the receiving DSL to sign."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from safedesk.domain.formatting import counted, moment_text
from safedesk.domain.transfer import TransferDetails
from safedesk.reports.pdf_base import text


def receipt_page(
    transfer: TransferDetails,
    pupil_line: str,
    school_name: str,
    items: int,
    st: dict[str, ParagraphStyle],
) -> list[Flowable]:
    sent = moment_text(transfer.sent_at)
    facts = [
        ("Transfer reference", transfer.ref),
        ("Pupil", pupil_line),
        ("From", f"{school_name} — {transfer.sent_by}"),
        ("To", f"{transfer.to_school} — {transfer.to_person}"),
        ("Sent", f"{sent}, {transfer.method_label}"),
        ("Contents", f"this child protection file: {counted(items, 'item')} and this page"),
    ]
    table = Table(
        [[Paragraph(text(a), st["label"]), Paragraph(text(b), st["body"])] for a, b in facts],
        colWidths=[45 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    lines = [
        ["Received by (name)", ""],
        ["Role", ""],
        ["Signature", ""],
        ["Date received", ""],
    ]
    sign = Table(
        [[Paragraph(a, st["label"]), b] for a, b in lines],
        colWidths=[45 * mm, 110 * mm],
        rowHeights=[12 * mm] * len(lines),
        hAlign="LEFT",
    )
    sign.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, -1), 0.6, "#333333"),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    return [
        PageBreak(),
        Paragraph("Receipt of a child protection file", st["title"]),
        Spacer(1, 4 * mm),
        Paragraph(
            "To the receiving Designated Safeguarding Lead: please check the file is complete, "
            "sign below, and return this page (a scan or photograph is enough) to the sending "
            "school. Keep the file securely and separately from the pupil's main record.",
            st["body"],
        ),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 10 * mm),
        sign,
    ]
