"""Demo attachments: a "scanned" handwritten note (a small PNG written by hand with zlib, no
drawing library) on a concern, and a parent's letter (a one-page PDF) on an intervention."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.paths import DataPaths
from safedesk.services import attachments, records, vault

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
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)  # the same bytes each time
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


def add_attachments(
    paths: DataPaths, password: str, roll: Sequence[PupilDetails], now: datetime
) -> None:
    """The headteacher attaches the scanned note to the story pupil's latest concern and the
    parent's letter to their latest physical intervention, a little after each was recorded."""
    from safedesk.demo.casework import rich_pupil

    head = vault.sign_in(paths, "head", password)
    try:
        found = records.pupil_records(head, rich_pupil(roll).upn)
        files = {
            Kind.CONCERN: (
                scanned_note(),
                "scanned note.png",
                "Class teacher's handwritten note, scanned",
            ),
            Kind.INTERVENTION: (
                letter_pdf(),
                "Letter from parent.pdf",
                "Parent's letter after the intervention",
            ),
        }
        for kind, (data, name, description) in files.items():
            entry = next((e for e in reversed(found) if e.kind is kind), None)  # this term's
            if entry is None:
                continue
            head.clock = FixedClock(min(now, entry.recorded_at + timedelta(hours=3)))
            attachments.attach(head, entry.ref, data=data, file_name=name, description=description)
    finally:
        head.lock()
