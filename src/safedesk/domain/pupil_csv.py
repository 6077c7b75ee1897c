"""Reads a pupil CSV exported from a school's MIS: every row valid, or every bad line named."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from safedesk.domain import upn as upn_rules
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text
from safedesk.domain.people import PupilDetails
from safedesk.domain.text import text_problem

MAX_FILE_BYTES = 20 * 1024 * 1024
# A large secondary school has about 2,000 pupils: a file with more than this is not one
# school's pupil list, and is refused without reading further (time and memory).
MAX_PUPILS = 5_000
# Problems listed for one file; the rest are counted ("… and 650 more problems").
MAX_PROBLEMS = 100
# Lines read at most (blank ones included; blank lines at the end are not counted): more is
# not a pupil list, and reading them all takes minutes.
MAX_LINES = 10 * MAX_PUPILS
MORE_PROBLEMS = "more problems"
MAX_FIELD = 200
OLDEST_BIRTH_YEAR = 1900

# Spellings MIS exports use, most specific first: when a file has both "Legal Surname"
# and "Surname", the legal one is what the pupil record holds.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "upn": ("UPN", "Unique Pupil Number"),
    "legal_surname": ("Legal Surname", "Surname", "Last Name", "Family Name"),
    "legal_forename": ("Legal Forename", "Forename", "First Name", "Given Name"),
    "preferred_forename": ("Preferred Forename", "Preferred Name", "Known As"),
    "date_of_birth": ("Date of Birth", "DOB", "Birth Date"),
    "gender": ("Gender", "Sex"),
    "year_group": ("NC Year", "Year Group", "Year", "National Curriculum Year"),
    "class_name": ("Reg Group", "Registration Group", "Class", "Form", "Class Name"),
    "sen": ("SEN Status", "SEN", "SEN Provision"),
    "fsm": ("FSM", "FSM Eligible", "Pupil Premium", "PP"),
    "cla": ("CLA", "In Care", "Looked After", "Looked After Child", "LAC"),
    "eal": ("EAL", "English as an Additional Language"),
}
REQUIRED = ("upn", "legal_surname", "legal_forename", "date_of_birth")
NAMES = {
    "upn": "UPN",
    "legal_surname": "Surname",
    "legal_forename": "Forename",
    "date_of_birth": "Date of birth",
}
_TRUE = {"y", "yes", "true", "t", "1"}
_FALSE = {"", "n", "no", "false", "f", "0"}
_BOOLEAN = _TRUE | _FALSE
# The MIS code N is "no special educational need"; stored as None so no SEN flag shows.
_NO_SEN = {"n", "no", "none"}
_DATE = re.compile(
    r"^(?:(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
    r"|(?P<iso_y>\d{4})-(?P<iso_m>\d{2})-(?P<iso_d>\d{2}))"
    # Spreadsheets sometimes append a midnight time to a date.
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
DELIMITERS = ",;\t"
SNIFF_CHARS = 8192
UNREADABLE = 'cannot be read from here on: is there a quote mark (") that is not closed?'
TOO_LONG = (
    "has a value far longer than any name or date (over {limit:,} characters): is this the "
    "right file?"
)
TOO_MANY_LINES = (
    "has more than {limit:,} lines, far more than any school's pupil list, so it was not "
    "read any further. Check it is this school's pupil list exported from your MIS (if it "
    "has many empty lines, delete them in a spreadsheet and save it as CSV again)."
)
# Empty cells and lines at the end of a file (a spreadsheet's "used range"): not read.
_TRAILING_EMPTY = " \t\r\n,;"
_BREAKS = re.compile("[\r\n\t\u2028\u2029]")
_EXCEL_SEP = re.compile(r"^sep=(.)\s*$", re.IGNORECASE)


class ImportRejected(ValidationError):
    """The file was refused whole; ``problems`` names each bad line."""


@dataclass(frozen=True)
class Column:
    index: int
    label: str  # the heading as the file spells it, so messages match what people see


def fold(heading: str) -> str:
    """A heading reduced to lower-case letters and digits ("Date_of Birth" → "dateofbirth")."""
    return re.sub(r"[^a-z0-9]", "", heading.lower())


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252; UTF-16 only when its BOM says so.

    A file whose lines are partly UTF-8 and partly Windows-1252 (two exports pasted
    together) is refused naming its lines: decoding it either way would store mojibake."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportRejected(
                {
                    "file": "is not readable text; please save it from your MIS or Excel as CSV "
                    "(UTF-8)"
                }
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    mixed = _lines_not_utf8(data)
    if mixed:
        lines = join_words([str(n) for n in mixed[:10]], "and") + (
            " and more" if len(mixed) > 10 else ""
        )
        raise ImportRejected(
            {
                "file": f"mixes two text encodings: line{'s' if len(mixed) > 1 else ''} {lines} "
                "are not UTF-8 while other lines are. Save the whole file again from your MIS "
                "as CSV (UTF-8)."
            }
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRejected(
            {"file": "is not readable text; please save it from your MIS or Excel as CSV (UTF-8)"}
        ) from None


def _lines_not_utf8(data: bytes) -> list[int]:
    """Line numbers that are not UTF-8, when other lines hold real UTF-8 (non-ASCII) text."""
    bad: list[int] = []
    some_utf8 = False
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            bad.append(number)
            continue
        some_utf8 = some_utf8 or not text.isascii()
    return bad if some_utf8 else []


def parse_date(text: str) -> date | None:
    """DD/MM/YYYY (or with - or .) or ISO YYYY-MM-DD; None when it is not a real date."""
    found = _DATE.match(text)
    if not found:
        return None
    parts = found.group("y", "m", "d") if found["y"] else found.group("iso_y", "iso_m", "iso_d")
    try:
        return date(*map(int, parts))
    except ValueError:
        return None


def parse_pupil_csv(data: bytes, *, today: date | None = None) -> list[PupilDetails]:
    """All the pupils in the file, or ImportRejected naming every problem by line."""
    today = today or date.today()
    rows = _rows(_text(data))
    for header_line, header in rows:
        if isinstance(header, str):
            raise ImportRejected({f"line {header_line}": header})
        if any(cell.strip() for cell in header):
            break
    else:
        raise ImportRejected({"file": "is empty"})
    columns = _columns(header, header_line)
    problems: dict[int, list[str]] = {}
    pupils: list[PupilDetails] = []
    lines_of: dict[str, list[int]] = {}
    read = 0
    for line, row in rows:
        if isinstance(row, str):
            problems[line] = [row]
            break
        if line > MAX_LINES:
            raise ImportRejected({"file": TOO_MANY_LINES.format(limit=MAX_LINES)})
        if not any(cell.strip() for cell in row):
            continue
        read += 1
        if read > MAX_PUPILS:
            raise ImportRejected({"file": too_many_pupils(line)})
        pupil, upn, row_problems = _pupil(row, columns, len(header), today)
        if upn:
            lines_of.setdefault(upn, []).append(line)
        if row_problems:
            problems[line] = row_problems
        elif pupil:
            pupils.append(pupil)
    for line, duplicate in _duplicates(lines_of).items():
        problems.setdefault(line, []).append(duplicate)
    if problems:
        raise ImportRejected(
            listed({f"line {n}": "; ".join(problems[n]) for n in sorted(problems)})
        )
    if not pupils:
        raise ImportRejected({"file": "has column headings but no pupils"})
    return pupils


def too_many_pupils(line: int | None = None) -> str:
    where = f" (pupil {MAX_PUPILS + 1:,} is on line {line:,})" if line else ""
    return (
        f"has more than {MAX_PUPILS:,} pupils in it{where}, more than any one school has, so "
        "it was not read any further. Check it is this school's pupil list exported from "
        "your MIS."
    )


def listed(problems: dict[str, str]) -> dict[str, str]:
    """The first ``MAX_PROBLEMS`` problems, in order, and how many more there are."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    kept = dict(list(problems.items())[:MAX_PROBLEMS])
    more = len(problems) - MAX_PROBLEMS
    kept[MORE_PROBLEMS] = (
        f"… and {counted(more, 'more problem')} not listed here. "
        "Correct the ones above (or export the file again from your MIS), then choose the "
        "file again to see what is still wrong."
    )
    return kept


def _duplicates(lines_of: dict[str, list[int]]) -> dict[int, str]:
    """Each line whose UPN is on another line too, with the other line numbers."""
    found: dict[int, str] = {}
    for upn, lines in lines_of.items():
        if len(lines) < 2:
            continue
        for line in lines:
            others = [str(n) for n in lines if n != line]
            where = "line" if len(others) == 1 else "lines"
            found[line] = f"UPN {upn} is also on {where} {join_words(others, 'and')}"
    return found


def _text(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        size = MAX_FILE_BYTES // (1024 * 1024)
        raise ImportRejected({"file": f"is larger than {size} MB; is this the right file?"})
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportRejected(
            {"file": "is an Excel workbook, not a CSV file; in Excel choose Save As → CSV"}
        )
    text = decode(data)
    # NULs on the first line mean binary data (or UTF-16 without its BOM); a NUL further
    # down is more likely one bad value, named with its line like any control character.
    if "\x00" in text[:1024].partition("\n")[0]:
        raise ImportRejected({"file": "is not a CSV text file (it contains binary data)"})
    return text.rstrip(_TRAILING_EMPTY)


def _rows(text: str) -> Iterator[tuple[int, list[str] | str]]:
    """Each record with the line it starts on (a quoted value may span lines).

    A record the csv module cannot read comes as the reason why, and nothing after it.
    """
    lines = io.StringIO(text, newline="")
    excel_sep = _EXCEL_SEP.match(lines.readline())
    if excel_sep:
        # Excel writes "sep=;" as a first line to name the delimiter.
        delimiter, skipped = excel_sep.group(1), 1
    else:
        delimiter, skipped = _delimiter(text), 0
        lines.seek(0)
    reader = csv.reader(lines, dialect=csv.excel, delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1 + skipped
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            too_long = "field limit" in str(exc)
            yield start, TOO_LONG.format(limit=csv.field_size_limit()) if too_long else UNREADABLE
            return
        yield start, row


def _delimiter(text: str) -> str:
    """The delimiter csv.Sniffer finds, checked against the header line."""
    # Not too much: the sniffer's regular expressions slow down badly on big samples.
    sample = text[:SNIFF_CHARS]
    if (end := sample.rfind("\n")) > 0:
        sample = sample[: end + 1]
    try:
        # Only the delimiter is trusted: the sniffer takes apostrophes (O'Brien) for quotes.
        sniffed: str = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    # Odd names (a;'b) can mislead the sniffer; the right delimiter finds the required headings.
    first = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    candidates: list[str] = [sniffed, *DELIMITERS.replace(sniffed, "")]
    for candidate in candidates:
        header = next(csv.reader([first], delimiter=candidate), [])
        if set(REQUIRED) <= _find_columns(header).keys():
            return candidate
    return sniffed


def _find_columns(header: list[str]) -> dict[str, Column]:
    folded = [fold(h) for h in header]
    columns: dict[str, Column] = {}
    for field, spellings in SPELLINGS.items():
        found = [folded.index(fold(s)) for s in spellings if fold(s) in folded]
        if found:
            columns[field] = Column(found[0], header[found[0]].strip())
    return columns


def _columns(header: list[str], line: int) -> dict[str, Column]:
    columns = _find_columns(header)
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        headings = [h.strip() for h in header if h.strip()]
        needed = join_words(
            [f"no {NAMES[f]} column (headed {join_words(SPELLINGS[f], 'or')})" for f in missing],
            "and",
        )
        raise ImportRejected(
            {"header": f"line {line} has {needed}. Its columns are: {join_words(headings, 'and')}"}
        )
    return columns


def _pupil(
    row: list[str], columns: dict[str, Column], width: int, today: date
) -> tuple[PupilDetails | None, str | None, list[str]]:
    """The pupil on one row, its valid UPN (for duplicate checks), and what is wrong."""
    problems: list[str] = []
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        problems.append(
            f"has {len(row)} values but there are only {width} column headings "
            "(does a name contain the separator without quote marks?)"
        )
    cells: dict[str, str] = {}
    for field, column in columns.items():
        value = row[column.index].strip() if column.index < len(row) else ""
        if reason := field_problem(value):
            problems.append(f"{column.label} {reason}")
        elif not value and field in REQUIRED:
            problems.append(f"{column.label} is blank")
        else:
            cells[field] = value
    upn = upn_rules.normalise(cells.get("upn", ""))
    if upn and (reason := upn_rules.problem(upn)):
        problems.append(f"UPN {reason}")
        upn = ""
    dob = _date_of_birth(cells.get("date_of_birth", ""), columns["date_of_birth"], today)
    if isinstance(dob, str):
        problems.append(dob)
    flags: dict[str, bool] = {}
    for field in ("fsm", "cla", "eal"):
        raw = cells.get(field, "")
        if raw.lower() in _BOOLEAN:
            flags[field] = raw.lower() in _TRUE
        elif field in cells:
            problems.append(f"{columns[field].label} should be Y or N, not {raw!r}")
    if problems or not isinstance(dob, date):
        return None, upn or None, problems
    sen = cells.get("sen") or None
    pupil = PupilDetails(
        upn=upn,
        legal_surname=cells["legal_surname"],
        legal_forename=cells["legal_forename"],
        date_of_birth=dob,
        preferred_forename=cells.get("preferred_forename") or None,
        gender=cells.get("gender") or None,
        year_group=cells.get("year_group") or None,
        class_name=cells.get("class_name") or None,
        sen=None if sen and sen.lower() in _NO_SEN else sen,
        **flags,
    )
    return pupil, upn, []


def field_problem(value: str) -> str | None:
    # Most values are short and printable (no control characters or line separators).
    if value.isprintable() and len(value) <= MAX_FIELD:
        return None
    if reason := text_problem(value, limit=MAX_FIELD):
        return reason
    if _BREAKS.search(value):
        return "contains a line break or tab (each value must be on one line)"
    return None


def _date_of_birth(raw: str, column: Column, today: date) -> date | str | None:
    """The date, or what is wrong with it; None when it is blank (reported already)."""
    if not raw:
        return None
    dob = parse_date(raw)
    if dob is None:
        if _DATE.match(raw):
            return f"{column.label} {raw!r} is not a real date (dates are read as DD/MM/YYYY)"
        return f"{column.label} {raw!r} is not a date (please use DD/MM/YYYY)"
    if dob > today:
        return f"{column.label} {date_text(dob)} is in the future"
    if dob.year < OLDEST_BIRTH_YEAR:
        return f"{column.label} {date_text(dob)} is too long ago to be a pupil's"
    return dob


def join_words(items: Sequence[str], word: str) -> str:
    """The items as a person would list them: "a, b and c" or "a, b or c"."""
    if len(items) < 2:
        return "".join(items) or "none"
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
