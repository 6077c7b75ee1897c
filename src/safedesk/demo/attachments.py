"""Demo attachments: a "scanned" handwritten note (a small PNG written by hand with zlib, no
drawing library) on a concern, and a parent's letter (a one-page PDF) on an intervention."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence

from safedesk.services import attachments
from safedesk.services.session import Session

# A few lines of "handwriting": strokes on lined paper, drawn as rows of grey levels.
_NOTE_SIZE = (480, 320)


def png_bytes(width: int, height: int, rows: Sequence[bytes]) -> bytes:
    """A greyscale PNG of ``rows`` (each ``width`` bytes, 0 black to 255 white)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + bytes(row[:width]).ljust(width, b"\xff") for row in rows[:height])
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def scanned_note() -> bytes:
    """Lined paper with wavy "written" lines, like a phone photo of a note."""
    width, height = _NOTE_SIZE
    rows = []
    for y in range(height):
        row = bytearray(b"\xf4" * width)
        if y % 40 == 38:
            row[:] = b"\xc8" * width  # the paper's ruled lines
        line = y // 40
        if 1 <= line <= 6 and 22 <= y % 40 <= 30:
            length = width - 60 - (line * 37) % 140
            for x in range(32, length):
                # Letters: short strokes of varying height, a gap between words.
                if (x // 6 + line) % 9 and (x * 7 + line * 3 + y) % 13 < 4 + (x // 5) % 4:
                    row[x] = 40
        rows.append(bytes(row))
    return png_bytes(width, height, rows)


def letter_pdf(lines: Sequence[str] = ()) -> bytes:
    """A one-page letter, as a parent's scanned or e-mailed letter would be."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle("Letter")
    y = A4[1] - 90
    for line in lines or (
        "Dear Headteacher,",
        "",
        "Thank you for phoning me on Tuesday about what happened in the corridor.",
        "We have talked about it at home and he understands why staff held him.",
        "Please let us know if we can help with the plan for the afternoons.",
        "",
        "Yours sincerely,",
        "A parent",
    ):
        page.drawString(72, y, line)
        y -= 18
    page.showPage()
    page.save()
    return buffer.getvalue()


def add_demo_attachments(session: Session, concern_ref: str, intervention_ref: str) -> None:
    """Attach the scanned note to ``concern_ref`` and the letter to ``intervention_ref``."""
    attachments.attach(
        session,
        concern_ref,
        data=scanned_note(),
        file_name="scanned note.png",
        description="Handwritten note from the class teacher, scanned",
    )
    attachments.attach(
        session,
        intervention_ref,
        data=letter_pdf(),
        file_name="Letter from parent.pdf",
        description="Parent's letter after the intervention",
    )
