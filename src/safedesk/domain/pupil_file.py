"""Which kind of pupil file this is (an MIS CSV export or a Common Transfer File), decided by
what is in it rather than by its name, and its pupils in one form for the import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from safedesk.domain.people import PupilDetails
from safedesk.domain.pupil_csv import ImportRejected, parse_pupil_csv
from safedesk.domain.pupil_ctf import looks_like_ctf, parse_pupil_ctf


class FileKind(StrEnum):
    CSV = "csv"
    CTF = "ctf"


@dataclass(frozen=True)
class PupilFile:
    kind: FileKind
    pupils: tuple[PupilDetails, ...]
    # By UPN: fields the file says nothing about, which the import leaves as they are.
    not_given: Mapping[str, frozenset[str]] = field(default_factory=dict)
    description: str = ""  # "a CSV file", "a Common Transfer File (CTF 25.0) from …"
    made_for: str = ""  # a CTF's destination school: "LA 801, establishment 2002"


# Starts of files people pick by mistake, named so the message can say what the file is.
_NOT_PUPIL_FILES = (
    (b"%PDF", "a PDF document"),
    (b"{\\rtf", "a Word (RTF) document"),
    (b"\x89PNG", "a picture"),
    (b"\xff\xd8\xff", "a picture"),
)
_WEB_PAGE = ("<!doctype html", "<html")


def detect(data: bytes) -> FileKind:
    """CTF when the content is XML, CSV otherwise (the CSV reader names what else it is)."""
    for start, what in _NOT_PUPIL_FILES:
        if data.startswith(start):
            raise ImportRejected({"file": _not_pupils(what)})
    if looks_like_ctf(data):
        lowered = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if lowered.startswith(tuple(s.encode() for s in _WEB_PAGE)):
            raise ImportRejected({"file": _not_pupils("a web page (HTML)")})
        return FileKind.CTF
    return FileKind.CSV


def read_pupil_file(data: bytes, *, today: date) -> PupilFile:
    """Every pupil in a CSV or CTF file, or ImportRejected naming every problem."""
    if not data.strip():
        raise ImportRejected({"file": "is empty"})
    if detect(data) is FileKind.CSV:
        pupils = parse_pupil_csv(data, today=today)
        return PupilFile(FileKind.CSV, tuple(pupils), {}, "a CSV file")
    ctf = parse_pupil_ctf(data, today=today)
    version = f" (CTF {ctf.version})" if ctf.version else ""
    # The sending school's name with its numbers, as its header gives them.
    source = f" from {ctf.source}" if ctf.source else ""
    return PupilFile(
        FileKind.CTF,
        tuple(p.details for p in ctf.pupils),
        {p.details.upn: p.not_given for p in ctf.pupils if p.not_given},
        f"a Common Transfer File{version}{source}",
        str(ctf.destination or ""),
    )


def _not_pupils(what: str) -> str:
    return (
        f"is {what}, not a pupil list. Choose the CSV export or the Common Transfer File "
        "(CTF, .xml) from your MIS."
    )
