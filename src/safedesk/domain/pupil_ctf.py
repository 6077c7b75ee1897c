"""Reads the pupils in a DfE Common Transfer File (CTF): every pupil valid, or every problem
named by the pupil's place in the file.

A CTF is XML from outside the school (another school's MIS, the local authority), so it is
read only with defusedxml, and a file declaring a document type or entities (the "billion
laughs", external files) is refused whole before anything in it is used.

The layout has moved between versions (17 onwards, 25 today): the legal names, date of birth
and sex/gender sit on <Pupil> itself; preferred names, the national curriculum year, languages
and being in care sit in <BasicDetails> (or <LookedAfter>) in some versions and directly on
<Pupil> in others. Each item is therefore looked up by name on the pupil and inside those
groups, never anywhere else: <Contacts> and <SchoolHistory> hold other people's surnames and
other schools' details. Elements not used here are ignored.

An item the file has no element for is reported in ``not_given``: the import keeps what the
school already has for it rather than blanking it. A CTF carries no registration group, and a
partial one may leave out anything beyond the pupil's identity. A full CTF (its header's
DocumentQualifier is "full") leaves out a preferred forename, an SEN or free-school-meals
history and being in care only when there are none, so there they are read as none. The year,
sex and first language are kept when missing from either kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from safedesk.domain import upn as upn_rules
from safedesk.domain.formatting import date_text
from safedesk.domain.people import PupilDetails
from safedesk.domain.pupil_csv import (
    MAX_FILE_BYTES,
    MAX_PUPILS,
    OLDEST_BIRTH_YEAR,
    ImportRejected,
    field_problem,
    join_words,
    listed,
    too_many_pupils,
)

ROOT = "CTfile"
# Groups that newer versions wrap a pupil's own items in.
_WRAPPERS = ("BasicDetails", "LookedAfter")
_TRUE = {"true", "1", "y", "yes"}
_FALSE = {"false", "0", "n", "no"}
# First-language codes that do not mean English as an additional language: English,
# believed to be English, information not obtained, refused.
_NOT_EAL = {"ENG", "ENB", "NOT", "REF"}
# SEN provision N is "no special educational need"; stored as None like the CSV's N.
_NO_SEN = {"N"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# XML elements read at most: a real CTF of 20 MB (the largest read) holds far fewer, and
# reading millions takes minutes.
MAX_ELEMENTS = 1_000_000
TOO_MANY_ELEMENTS = (
    "has more than {limit:,} items (XML elements) in it, far more than a Common "
    "Transfer File of one school's pupils has, so it was not read any further. Check it is "
    "the right file, exported from your MIS."
)
# What is wrong with one pupil: the first few kinds of problem, then how many more.
MAX_PUPIL_PROBLEMS = 10
REFUSED = (
    "declares a document type or entities, which a Common Transfer File never does, so it "
    "was not read (it could make the computer fetch other files or run out of memory). "
    "Export the Common Transfer File again from your MIS."
)
# Fields a CTF may leave out (kept as the school has them when it does).
OPTIONAL = ("preferred_forename", "gender", "year_group", "sen", "fsm", "cla", "eal")


@dataclass(frozen=True)
class CtfPupil:
    details: PupilDetails
    not_given: frozenset[str]  # fields the file says nothing about, for this pupil


@dataclass(frozen=True)
class SchoolRef:
    """A school as a CTF's header names it: <SourceSchool> or <DestSchool>."""

    name: str | None  # SchoolName
    lea: str | None  # the local authority's number (LEA)
    estab: str | None  # the establishment number (Estab)

    def __str__(self) -> str:
        numbers = [f"LA {self.lea}"] if self.lea else []
        numbers += [f"establishment {self.estab}"] if self.estab else []
        if self.name:
            return self.name + (f" ({', '.join(numbers)})" if numbers else "")
        return ", ".join(numbers)


@dataclass(frozen=True)
class CtfFile:
    pupils: list[CtfPupil]
    version: str | None  # CTFversion from the header, e.g. "25.0"
    source_school: str | None  # the sending school's name, from the header
    made_on: date | None  # the header's DateTime: "in care now", "eligible now" are as of it
    source: SchoolRef | None = None  # who made the file (<SourceSchool>)
    destination: SchoolRef | None = None  # whom it was made for (<DestSchool>)


def parse_pupil_ctf(data: bytes, *, today: date | None = None) -> CtfFile:
    """All the pupils in the file, or ImportRejected naming every problem by pupil."""
    today = today or date.today()
    if len(data) > MAX_FILE_BYTES:
        size = MAX_FILE_BYTES // (1024 * 1024)
        raise ImportRejected({"file": f"is larger than {size} MB; is this the right file?"})
    root, pupil_lines = _parse(data)
    if _local(root.tag) != ROOT:
        raise ImportRejected(
            {
                "file": f"is an XML file but not a Common Transfer File (it begins with "
                f"<{_local(root.tag)}>, not <{ROOT}>). Choose the CTF or CSV exported from "
                "your MIS."
            }
        )
    header = _child(root, "Header")
    made_on = _header_date(header)
    full = _text(_child(header, "DocumentQualifier")).lower() == "full"
    as_of = min(made_on, today) if made_on else today
    pupils_el = _child(root, "CTFpupilData")
    elements = [p for p in pupils_el if _local(p.tag) == "Pupil"] if pupils_el is not None else []
    if not elements:
        raise ImportRejected({"file": "is a Common Transfer File with no pupils in it"})
    problems: dict[str, str] = {}
    pupils: list[CtfPupil] = []
    places: dict[str, list[int]] = {}
    labels: list[str] = []
    for number, element in enumerate(elements, start=1):
        reader = _PupilReader(element, as_of, today, full=full)
        label = _label(number, pupil_lines.get(id(element)), reader.upn)
        labels.append(label)
        if reader.upn and not reader.upn_problem:
            places.setdefault(reader.upn, []).append(number)
        if reader.problems:
            problems[label] = _joined(reader.problems)
        elif reader.pupil is not None:
            pupils.append(reader.pupil)
    for upn, numbers in places.items():
        for number in numbers if len(numbers) > 1 else ():
            others = [str(n) for n in numbers if n != number]
            word = "pupil" if len(others) == 1 else "pupils"
            again = f"UPN {upn} is also {word} {join_words(others, 'and')} in this file"
            label = labels[number - 1]
            problems[label] = f"{problems[label]}; {again}" if label in problems else again
    if problems:
        order = {label: n for n, label in enumerate(labels)}
        raise ImportRejected(
            listed({k: problems[k] for k in sorted(problems, key=order.__getitem__)})
        )
    return CtfFile(
        pupils,
        version=_text(_child(header, "CTFversion")) or None,
        source_school=_source_school(header),
        made_on=made_on,
        source=_school(_child(header, "SourceSchool")),
        destination=_school(_child(header, "DestSchool")),
    )


def looks_like_ctf(data: bytes) -> bool:
    """Whether the file starts like XML (after any byte-order mark and blank space)."""
    return _xml_start(data).startswith("<")


def _xml_start(data: bytes) -> str:
    head = data[:4096]
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore").lstrip()
    return head.removeprefix(b"\xef\xbb\xbf").decode("latin-1").lstrip()


# --- reading the XML ------------------------------------------------------------------------


class _TooManyPupils(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _TooManyElements(Exception):
    pass


class _LineRecorder(TreeBuilder):
    """Builds the tree, noting the line each <Pupil> starts on (for the problem list); stops
    the reading at the pupil after ``MAX_PUPILS`` and the element after ``MAX_ELEMENTS``."""

    def __init__(self) -> None:
        super().__init__()
        self.expat: Any = None
        self.lines: list[int] = []
        self.elements = 0

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise _TooManyElements
        if _local(tag) == "Pupil" and self.expat is not None:
            self.lines.append(int(self.expat.CurrentLineNumber))
            if len(self.lines) > MAX_PUPILS:
                raise _TooManyPupils(self.lines[-1])
        return super().start(tag, attrs)


def _parse(data: bytes) -> tuple[Element, dict[int, int]]:
    """The root element, and each <Pupil> element's line by the element's id."""
    recorder = _LineRecorder()
    parser = DefusedXMLParser(
        target=recorder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    recorder.expat = parser.parser
    try:
        parser.feed(data)
        root: Element = parser.close()
    except _TooManyPupils as too_many:
        raise ImportRejected({"file": too_many_pupils(too_many.line)}) from None
    except _TooManyElements:
        raise ImportRejected({"file": TOO_MANY_ELEMENTS.format(limit=MAX_ELEMENTS)}) from None
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise ImportRejected({"file": REFUSED}) from None
    except (ValueError, LookupError):  # an encoding the XML reader does not know
        raise ImportRejected(
            {
                "file": "is in a text encoding that cannot be read here. Export the Common "
                "Transfer File again from your MIS (CTFs are UTF-8)."
            }
        ) from None
    except ParseError as exc:
        line = exc.position[0] if exc.position else 0
        where = f" from line {line} on" if line else ""
        raise ImportRejected(
            {
                "file": f"is not a complete XML file: it cannot be read{where}. Export the "
                "Common Transfer File again from your MIS (a file cut short, or edited by "
                "hand, cannot be read)."
            }
        ) from None
    every_pupil = [e for e in root.iter() if _local(e.tag) == "Pupil"]
    return root, {id(e): line for e, line in zip(every_pupil, recorder.lines, strict=False)}


def _local(tag: object) -> str:
    """An element's name without its namespace (older CTFs declare one)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child(parent: Element | None, name: str) -> Element | None:
    if parent is None:
        return None
    return next((c for c in parent if _local(c.tag) == name), None)


def _children(parent: Element, name: str) -> Iterator[Element]:
    return (c for c in parent.iter() if c is not parent and _local(c.tag) == name)


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _header_date(header: Element | None) -> date | None:
    stamp = _text(_child(header, "DateTime"))
    return _iso_date(stamp[:10]) if stamp else None


def _source_school(header: Element | None) -> str | None:
    name = _text(_child(_child(header, "SourceSchool"), "SchoolName"))
    return name if name and field_problem(name) is None else None


def _school(element: Element | None) -> SchoolRef | None:
    """The school a header element names; None when it names none (or only oddly)."""

    def item(name: str, longest: int) -> str | None:
        value = _text(_child(element, name))
        ok = value and len(value) <= longest and field_problem(value) is None
        return value if ok else None

    found = SchoolRef(item("SchoolName", 120), item("LEA", 10), item("Estab", 10))
    return found if found.name or found.lea or found.estab else None


def _iso_date(text: str) -> date | None:
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _joined(problems: list[str]) -> str:
    """One pupil's problems, each kind once, the first few named."""
    kinds = list(dict.fromkeys(problems))
    more = len(kinds) - MAX_PUPIL_PROBLEMS
    shown = "; ".join(kinds[:MAX_PUPIL_PROBLEMS])
    return shown + (f"; and {more:,} more" if more > 0 else "")


def _label(number: int, line: int | None, upn: str) -> str:
    where = [f"line {line}"] if line else []
    if upn and upn.isascii() and len(upn) <= 20 and upn.isalnum():
        where.append(f"UPN {upn}")
    return f"pupil {number}" + (f" ({', '.join(where)})" if where else "")


# --- one pupil ------------------------------------------------------------------------------


class _PupilReader:
    """One <Pupil>: its details, or what is wrong with it."""

    def __init__(self, element: Element, as_of: date, today: date, *, full: bool) -> None:
        self.element = element
        self.as_of = as_of
        # What a full file leaves out, it does not have (see the module's docstring).
        self.absent_means_none = {"preferred_forename", "sen", "fsm", "cla"} if full else set()
        self.problems: list[str] = []
        self.not_given: set[str] = {"class_name"}
        self.upn = upn_rules.normalise(self._value("UPN", label="UPN"))
        self.upn_problem = not self.upn or bool(upn_rules.problem(self.upn))
        if not self.upn:
            self.problems.append("has no UPN")
        elif reason := upn_rules.problem(self.upn):
            self.problems.append(f"UPN {reason}")
        surname = self._value("Surname", "LegalSurname", label="Surname")
        forename = self._value("Forename", "LegalForename", label="Forename")
        if not surname:
            self.problems.append("has no surname")
        if not forename:
            self.problems.append("has no forename")
        dob = self._date_of_birth(today)
        values = {
            "preferred_forename": self._optional("PreferredForename", label="Preferred forename"),
            "gender": self._optional("Gender", "Sex", label="Sex"),
            "year_group": self._optional("NCyearActual", label="National curriculum year"),
            "sen": self._sen(),
            "fsm": self._fsm(),
            "cla": self._in_care(),
            "eal": self._eal(),
        }
        for name in ("preferred_forename", "gender", "year_group"):
            if values[name] is None:
                self.not_given.add(name)
        self.not_given -= self.absent_means_none
        self.pupil: CtfPupil | None = None
        if self.problems or dob is None:
            return
        gender = values["gender"]
        details = PupilDetails(
            upn=self.upn,
            legal_surname=surname,
            legal_forename=forename,
            date_of_birth=dob,
            preferred_forename=_str(values["preferred_forename"]),
            gender=gender.upper() if isinstance(gender, str) else None,
            year_group=_str(values["year_group"]),
            sen=_str(values["sen"]),
            fsm=bool(values["fsm"]),
            cla=bool(values["cla"]),
            eal=bool(values["eal"]),
        )
        self.pupil = CtfPupil(details, frozenset(self.not_given))

    # Looking things up on the pupil and in its groups, never in contacts or history.

    def _find(self, *names: str) -> Element | None:
        scopes = [self.element, *(c for c in self.element if _local(c.tag) in _WRAPPERS)]
        for name in names:
            for scope in scopes:
                if (found := _child(scope, name)) is not None:
                    return found
        return None

    def _value(self, *names: str, label: str) -> str:
        value = _text(self._find(*names))
        if value and (reason := field_problem(value)):
            self.problems.append(f"{label} {reason}")
            return ""
        return value

    def _optional(self, *names: str, label: str) -> str | None:
        """The value, "" when the element is there but empty, None when it is not there."""
        element = self._find(*names)
        if element is None:
            return None
        return self._value(*names, label=label)

    def _date_of_birth(self, today: date) -> date | None:
        raw = self._value("DOB", "DateOfBirth", label="Date of birth")
        if not raw:
            self.problems.append("has no date of birth")
            return None
        dob = _iso_date(raw)
        if dob is None:
            self.problems.append(f"date of birth {raw!r} is not a real date in the form YYYY-MM-DD")
            return None
        if dob > today:
            self.problems.append(f"date of birth {date_text(dob)} is in the future")
            return None
        if dob.year < OLDEST_BIRTH_YEAR:
            self.problems.append(f"date of birth {date_text(dob)} is too long ago to be a pupil's")
            return None
        return dob

    def _dates(self, entry: Element, start: str, end: str, what: str) -> tuple[bool, bool]:
        """Whether the period started by ``as_of``, and has not ended before it."""
        found: list[date | None] = []
        for name in (start, end):
            raw = _text(_child(entry, name))
            day = _iso_date(raw) if raw else None
            if raw and day is None:
                self.problems.append(f"{what} date {raw!r} is not a real date (YYYY-MM-DD)")
            found.append(day)
        began, ended = found
        return (began is None or began <= self.as_of), (ended is None or ended >= self.as_of)

    def _fsm(self) -> bool | None:
        """Eligible for free school meals on the file's date: an <FSMinstance> with no end
        date, or one ending on or after it. None when the file says nothing."""
        history = self._find("FSMhistory")
        if history is not None:
            eligible = False
            for instance in _children(history, "FSMinstance"):
                began, not_ended = self._dates(
                    instance, "FSMstartDate", "FSMendDate", "Free school meals"
                )
                eligible = eligible or (began and not_ended)
            return eligible
        return self._flag("FSMeligible", "FSM", label="Free school meals")

    def _sen(self) -> str | None:
        """The SEN provision current on the file's date (N: none). None: not in the file
        (the caller records that), "" when the file says there is none."""
        history = self._find("SENhistory")
        entries = list(_children(history, "SEN")) if history is not None else []
        if history is None and (single := self._find("SEN")) is not None:
            entries = [single] if len(single) else []
        if history is None and not entries:
            raw = self._optional("SENprovision", "SENstatus", "SEN", label="SEN provision")
            if raw is None:
                self.not_given.add("sen")
                return None
            return "" if raw.upper() in _NO_SEN else raw.upper()
        current: tuple[date, str] | None = None
        for entry in entries:
            began, not_ended = self._dates(entry, "StartDate", "EndDate", "SEN")
            provision = _text(_child(entry, "SENprovision")).upper()
            if (reason := field_problem(provision)) is not None:
                self.problems.append(f"SEN provision {reason}")
                continue
            if began and not_ended and provision:
                start = _iso_date(_text(_child(entry, "StartDate"))) or date.min
                if current is None or start >= current[0]:
                    current = (start, provision)
        if current is None or current[1] in _NO_SEN:
            return ""
        return current[1]

    def _in_care(self) -> bool | None:
        """Looked after: <InCare> (in <LookedAfter> or <BasicDetails>), or a plain
        <LookedAfter>true</LookedAfter>."""
        if self._find("InCare") is not None:
            return self._flag("InCare", label="In care (looked after)")
        plain = self._find("LookedAfter")
        if plain is not None and not len(plain):
            return self._flag("LookedAfter", label="Looked after")
        self.not_given.add("cla")
        return None

    def _eal(self) -> bool | None:
        """English as an additional language, from the first language: <Languages><Type>
        with <LanguageType>FIRST</LanguageType>, or a plain <FirstLanguage>."""
        first: str | None = None
        languages = self._find("Languages")
        if languages is not None:
            for kind in _children(languages, "Type"):
                if _text(_child(kind, "LanguageType")).upper() in ("FIRST", "F"):
                    first = _text(_child(kind, "Language")).upper()
        if first is None and (plain := self._find("FirstLanguage")) is not None:
            first = _text(plain).upper()
        if first:
            return first not in _NOT_EAL
        return self._flag("EAL", label="EAL")

    def _flag(self, *names: str, label: str) -> bool | None:
        element = self._find(*names)
        if element is None:
            self.not_given.add(_FLAG_FIELDS.get(names[0], names[0]))
            return None
        raw = _text(element).lower()
        if raw in _TRUE:
            return True
        if raw in _FALSE or not raw:
            return False
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        self.problems.append(f"{label} should be true or false, not {shown!r}")
        return None


_FLAG_FIELDS = {
    "FSMeligible": "fsm",
    "InCare": "cla",
    "LookedAfter": "cla",
    "EAL": "eal",
}


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
