"""Attachments on a record (a scanned note, a letter, a photograph of a body map): what they
may be, told by their first bytes and not their name, and the rules for adding one."""

from __future__ import annotations

import hashlib
import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import PureWindowsPath

from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import moment_text
from safedesk.domain.text import SHORT_TEXT_LIMIT, is_blank, text_problem

FILE_LABEL = "File"
DESCRIPTION_LABEL = "Description"
DESCRIPTION_LIMIT = SHORT_TEXT_LIMIT
FILE_NAME_LIMIT = 255
MEGABYTE = 1024 * 1024
# The largest picture decoded (width x height): an A4 page scanned at 600 dpi is 35 million;
# a small file that unpacks to more (a "decompression bomb") is refused before it is decoded.
PICTURE_PIXEL_LIMIT = 80_000_000
NOT_A_PICTURE = "is not a picture safedesk can read (it may be damaged, or only named like one)"
CHANGED = "has been changed since it was added: run Verify, and tell the headteacher"


class MediaType(StrEnum):
    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"

    @property
    def label(self) -> str:
        return {MediaType.PDF: "PDF", MediaType.PNG: "PNG image", MediaType.JPEG: "JPEG image"}[
            self
        ]

    @property
    def is_image(self) -> bool:
        return self is not MediaType.PDF

    @property
    def suffix(self) -> str:
        return {MediaType.PDF: ".pdf", MediaType.PNG: ".png", MediaType.JPEG: ".jpg"}[self]


# The first bytes of each kind of file (its "magic number").
_MAGIC = (
    (b"%PDF-", MediaType.PDF),
    (b"\x89PNG\r\n\x1a\n", MediaType.PNG),
    (b"\xff\xd8\xff", MediaType.JPEG),
)
ACCEPTED = "a PDF, a PNG image or a JPEG photograph"


def sniff(data: bytes) -> MediaType | None:
    """What ``data`` is, from its first bytes (None: none of the kinds accepted)."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def size_text(size: int) -> str:
    """ "820 bytes", "34 KB", "1.4 MB": a file's size as people read it."""
    if size < 1024:
        return f"{size} bytes"
    if size < MEGABYTE:
        return f"{round(size / 1024)} KB"
    return f"{size / MEGABYTE:.1f} MB"


def too_big(size: int, limit_mb: int) -> str | None:
    """Why a file of ``size`` bytes is refused under a limit of ``limit_mb`` MB, or None."""
    if size > limit_mb * MEGABYTE:
        return (
            f"is {size_text(size)}; the largest file that can be attached is {limit_mb} MB. "
            "Scan it at a lower resolution or in black and white, or split it"
        )
    return None


def shown(text: str) -> str:
    """``text`` without Unicode format characters (category Cf: right-to-left overrides,
    zero-width and other invisible characters), as it is shown: "\u202egnp.exe" must not
    read as "exe.png"."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def plain_file_name(name: object) -> str:
    """The name the file had, without its folders (a Windows or a POSIX path) and without
    invisible formatting characters."""
    text = shown(str(name or "")).strip()
    return PureWindowsPath(text).name.strip() if text else ""


def picture_problem(data: bytes, kind: MediaType) -> str | None:
    """Why ``data`` is not a PNG or JPEG picture (of ``kind``) that decodes whole, or None."""
    from PIL import Image

    wanted = {MediaType.PNG: "PNG", MediaType.JPEG: "JPEG"}[kind]
    too_large = "is a picture larger than safedesk can show: save it at a lower resolution"
    try:
        with Image.open(io.BytesIO(data), formats=[wanted]) as image:
            width, height = image.size
            if width * height > PICTURE_PIXEL_LIMIT:
                return f"{too_large} ({width} x {height} pixels)"
            image.verify()
        with Image.open(io.BytesIO(data), formats=[wanted]) as image:
            image.load()
    except Image.DecompressionBombError:  # Pillow's own limit, met before the size is known
        return too_large
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError, ...)
        return NOT_A_PICTURE
    return None


def pdf_problem(data: bytes) -> str | None:
    """Why ``data`` is not a PDF that opens and has at least one page, or None."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return "is a PDF locked with a password: save or print a copy without one"
        pages = reader.pages
        if len(pages) < 1:
            return "is a PDF with no pages"
        for page in pages:
            _ = page.mediabox
    except Exception:  # pypdf raises many kinds on a damaged file
        return "is not a PDF safedesk can read (it may be damaged, or only named like one)"
    return None


def content_problem(data: bytes, kind: MediaType) -> str | None:
    """Why ``data`` cannot be shown as the ``kind`` its first bytes say, or None."""
    return pdf_problem(data) if kind is MediaType.PDF else picture_problem(data, kind)


@dataclass(frozen=True)
class NewAttachment:
    data: bytes
    media_type: MediaType
    file_name: str
    description: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def validate_new(
    data: bytes, file_name: object, description: object, *, limit_mb: int
) -> NewAttachment:
    """An attachment to add, or ValidationError naming the field by its label."""
    problems: dict[str, str] = {}
    name = plain_file_name(file_name)
    kind = sniff(data)
    if not data:
        problems[FILE_LABEL] = "is empty: choose the scanned or photographed file"
    elif problem := too_big(len(data), limit_mb):
        problems[FILE_LABEL] = problem
    elif kind is None:
        problems[FILE_LABEL] = (
            f"is not {ACCEPTED} (whatever its name says); save or scan it as one of those"
        )
    elif not name:
        problems[FILE_LABEL] = "has no name"
    elif problem := text_problem(name, limit=FILE_NAME_LIMIT):
        problems[FILE_LABEL] = f"name {problem}"
    elif problem := content_problem(data, kind):
        problems[FILE_LABEL] = problem
    if is_blank(description) or (isinstance(description, str) and is_blank(shown(description))):
        problems[DESCRIPTION_LABEL] = "is required: say what the file is"
    elif problem := text_problem(description, limit=DESCRIPTION_LIMIT):
        problems[DESCRIPTION_LABEL] = problem
    if problems:
        raise ValidationError(problems)
    assert kind is not None
    assert isinstance(description, str)
    return NewAttachment(data, kind, name, description.strip())


@dataclass(frozen=True)
class AttachmentInfo:
    """An attachment as listed (its bytes are read only when it is opened). ``sha256`` is the
    one recorded in the audit chain when it was added; ``changed``: the row no longer agrees
    with it (or no such record exists), so it is not the file that was added."""

    id: int
    entry_ref: str
    file_name: str
    media_type: MediaType
    size: int
    sha256: str
    description: str
    added_by: str  # username
    added_by_name: str  # display name
    added_at: datetime
    changed: bool = False

    @property
    def line(self) -> str:
        """ "Scanned note (PNG image, 34 KB), added by Ms Ngozi on 03/11/2026 10:04"."""
        line = (
            f"{self.description} ({self.media_type.label}, {size_text(self.size)}), added by "
            f"{self.added_by_name or self.added_by} on {moment_text(self.added_at)}"
        )
        return f"{line}; it {CHANGED}" if self.changed else line


@dataclass(frozen=True)
class AttachmentContent:
    info: AttachmentInfo
    data: bytes

    @property
    def intact(self) -> bool:
        """The bytes are those whose SHA-256 the audit chain recorded when it was added."""
        return not self.info.changed and hashlib.sha256(self.data).hexdigest() == self.info.sha256

    @property
    def problem(self) -> str | None:
        """Why it cannot be shown ("has been changed since…", "is not a picture…"), or None."""
        if not self.intact:
            return CHANGED
        return content_problem(self.data, self.info.media_type)
