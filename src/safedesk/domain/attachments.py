"""Attachments on a record (a scanned note, a letter, a photograph of a body map): what they
may be, told by their first bytes and not their name, and the rules for adding one."""

from __future__ import annotations

import hashlib
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


def plain_file_name(name: object) -> str:
    """The name the file had, without its folders (a Windows or a POSIX path)."""
    text = str(name or "").strip()
    return PureWindowsPath(text).name.strip() if text else ""


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
    if is_blank(description):
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
    """An attachment as listed (its bytes are read only when it is opened)."""

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

    @property
    def line(self) -> str:
        """ "Scanned note (PNG image, 34 KB), added by Ms Ngozi on 03/11/2026 10:04"."""
        return (
            f"{self.description} ({self.media_type.label}, {size_text(self.size)}), added by "
            f"{self.added_by_name or self.added_by} on {moment_text(self.added_at)}"
        )


@dataclass(frozen=True)
class AttachmentContent:
    info: AttachmentInfo
    data: bytes
