"""Reads a pupil CSV exported from a school's MIS: every row valid, or every bad line named."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from safedesk.domain import upn as upn_rules
from safedesk.domain.errors import ValidationError
from safedesk.domain.people import PupilDetails
from safedesk.domain.text import text_problem

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FIELD = 200

# Header spellings MIS exports use, folded (lower case, letters and digits only).
HEADERS: dict[str, tuple[str, ...]] = {
    "upn": ("upn", "uniquepupilnumber"),
    "legal_surname": ("surname", "legalsurname", "lastname", "familyname"),
    "legal_forename": ("forename", "legalforename", "firstname", "givenname"),
    "preferred_forename": ("preferredforename", "preferredname", "knownas"),
    "date_of_birth": ("dob", "dateofbirth", "birthdate"),
    "gender": ("gender", "sex"),
    "year_group": ("year", "yeargroup", "ncyear", "nationalcurriculumyear"),
    "class_name": ("class", "reggroup", "registrationgroup", "form", "classname"),
    "sen": ("sen", "senstatus", "senprovision"),
    "fsm": ("fsm", "pupilpremium", "fsmeligible", "pp"),
    "cla": ("cla", "incare", "lookedafter", "lookedafterchild", "lac"),
    "eal": ("eal", "englishasanadditionallanguage"),
}
REQUIRED = ("upn", "legal_surname", "legal_forename", "date_of_birth")
LABELS = {
    "upn": "UPN",
    "legal_surname": "Surname",
    "legal_forename": "Forename",
    "date_of_birth": "Date of birth",
}
_TRUE = {"y", "yes", "true", "1", "t"}
_FALSE = {"", "n", "no", "false", "0", "f"}


class ImportRejected(ValidationError):
    """The file was refused whole; ``problems`` names each bad line."""


def fold(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252, as MIS exports come."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[: 64 * 1024]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def parse_date(text: str) -> date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_pupil_csv(data: bytes, *, today: date | None = None) -> list[PupilDetails]:
    """All the pupils in the file, or ImportRejected naming every problem by line."""
    today = today or date.today()
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected(
            {
                "file": f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                "is this the right file?"
            }
        )
    text = decode(data)
    if "\x00" in text:
        raise ImportRejected({"file": "is not a CSV text file (it contains binary data)"})
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRejected({"file": "is empty"}) from None
    except csv.Error as exc:
        raise ImportRejected({"line 1": f"cannot be read as CSV ({exc})"}) from None
    columns = _columns(header)
    pupils: list[PupilDetails] = []
    problems: dict[str, str] = {}
    first_line: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            pupil, row_problems = _pupil(row, columns, today)
            if pupil and pupil.upn in first_line:
                row_problems.append(f"UPN {pupil.upn} is also on line {first_line[pupil.upn]}")
            if row_problems:
                problems[f"line {line}"] = "; ".join(row_problems)
            elif pupil:
                first_line[pupil.upn] = line
                pupils.append(pupil)
    except csv.Error as exc:
        problems[f"line {reader.line_num}"] = f"cannot be read as CSV ({exc})"
    if problems:
        raise ImportRejected(problems)
    if not pupils:
        raise ImportRejected({"file": "has a header but no pupils"})
    return pupils


def _columns(header: list[str]) -> dict[str, int]:
    folded = [fold(h.lstrip("\ufeff")) for h in header]
    columns: dict[str, int] = {}
    for field, spellings in HEADERS.items():
        for index, name in enumerate(folded):
            if name in spellings:
                columns[field] = index
                break
    missing = [LABELS[f] for f in REQUIRED if f not in columns]
    if missing:
        found = ", ".join(h for h in header if h.strip()) or "nothing"
        raise ImportRejected(
            {"header": f"line 1 has no {' or '.join(missing)} column (found: {found})"}
        )
    return columns


def _pupil(
    row: list[str], columns: dict[str, int], today: date
) -> tuple[PupilDetails | None, list[str]]:
    problems: list[str] = []
    cells: dict[str, str] = {}
    for field, index in columns.items():
        value = row[index].strip() if index < len(row) else ""
        if reason := text_problem(value, limit=MAX_FIELD):
            problems.append(f"{LABELS.get(field, field)} {reason}")
            value = ""
        cells[field] = value
    for field in REQUIRED:
        if not cells.get(field):
            problems.append(f"{LABELS[field]} is missing")
    upn = upn_rules.normalise(cells.get("upn", ""))
    if upn and (reason := upn_rules.problem(upn)):
        problems.append(reason)
    dob = None
    if cells.get("date_of_birth"):
        dob = parse_date(cells["date_of_birth"])
        if dob is None:
            problems.append(
                f"date of birth {cells['date_of_birth']!r} is not a date (use DD/MM/YYYY)"
            )
        elif dob > today:
            problems.append(f"date of birth {dob:%d/%m/%Y} is in the future")
    flags: dict[str, bool] = {}
    for field in ("fsm", "cla", "eal"):
        raw = cells.get(field, "").lower()
        if raw in _TRUE:
            flags[field] = True
        elif raw in _FALSE:
            flags[field] = False
        else:
            problems.append(f"{field.upper()} should be Y or N, not {cells[field]!r}")
    if problems or dob is None:
        return None, problems
    sen = cells.get("sen") or None
    return (
        PupilDetails(
            upn=upn,
            legal_surname=cells["legal_surname"],
            legal_forename=cells["legal_forename"],
            date_of_birth=dob,
            preferred_forename=cells.get("preferred_forename") or None,
            gender=cells.get("gender") or None,
            year_group=cells.get("year_group") or None,
            class_name=cells.get("class_name") or None,
            sen=None if sen and sen.upper() in ("N", "NONE", "NO") else sen,
            **flags,
        ),
        [],
    )
