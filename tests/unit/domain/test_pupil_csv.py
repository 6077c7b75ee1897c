"""Parsing MIS exports: header spellings, encodings, dates, and every bad line named."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safedesk.domain import upn
from safedesk.domain.pupil_csv import ImportRejected, parse_pupil_csv

A, B, C = upn.make("801200005001"), upn.make("801200005002"), upn.make("801200005003")
TODAY = date(2026, 11, 24)


def parse(text: str, encoding: str = "utf-8") -> list:
    return parse_pupil_csv(text.encode(encoding), today=TODAY)


@pytest.mark.parametrize(
    "header",
    [
        "UPN,Surname,Forename,DOB,Gender,Year,Class,SEN,FSM,CLA,EAL",
        "upn,Legal Surname,Legal Forename,Date of Birth,Sex,Year Group,Reg Group,SEN Status,"
        "Pupil Premium,In Care,EAL",
        "UPN,LEGAL_SURNAME,FIRST NAME,date of birth,gender,NC Year,Form,sen,fsm,Looked After,eal",
    ],
)
def test_header_spellings(header: str) -> None:
    [pupil] = parse(f"{header}\n{A},O'Brien,Siobhán,04/03/2018,F,2,Oak,K,Y,N,yes\n")
    assert (pupil.upn, pupil.legal_surname, pupil.legal_forename) == (A, "O'Brien", "Siobhán")
    assert pupil.date_of_birth == date(2018, 3, 4)
    assert (pupil.year_group, pupil.class_name, pupil.sen) == ("2", "Oak", "K")
    assert (pupil.fsm, pupil.cla, pupil.eal) == (True, False, True)


def test_bom_and_windows_1252() -> None:
    text = f"UPN,Surname,Forename,DOB\n{A},Zoë-Anne De la Cruz,Renée,2018-03-04\n"
    with_bom = parse_pupil_csv(b"\xef\xbb\xbf" + text.encode(), today=TODAY)
    cp1252 = parse_pupil_csv(text.encode("cp1252"), today=TODAY)
    assert with_bom == cp1252
    assert with_bom[0].legal_surname == "Zoë-Anne De la Cruz"


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters(delimiter: str) -> None:
    rows = ["UPN", "Surname", "Forename", "DOB"], [A, "Smith", "Jo", "01/02/2018"]
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    assert parse(text)[0].legal_surname == "Smith"


def test_every_bad_line_is_named_and_nothing_returned() -> None:
    text = (
        "UPN,Surname,Forename,DOB\n"
        f"{A},Good,One,01/02/2018\n"
        f"C801200005002,Bad,Check,01/02/2018\n"
        f"{C},,NoSurname,31/02/2018\n"
        f"{A},Dup,Licate,01/02/2018\n"
        f"{B},Future,Born,01/01/2030\n"
    )
    with pytest.raises(ImportRejected) as caught:
        parse(text)
    problems = caught.value.problems
    assert set(problems) == {"line 3", "line 4", "line 5", "line 6"}
    assert "wrong check letter" in problems["line 3"]
    assert "Surname is missing" in problems["line 4"] and "not a date" in problems["line 4"]
    assert "also on line 2" in problems["line 5"]
    assert "in the future" in problems["line 6"]


def test_quoted_newlines_keep_physical_line_numbers() -> None:
    text = f'UPN,Surname,Forename,DOB\n{A},"Multi\nLine",Jo,01/02/2018\n{B},X,Y,bad\n'
    with pytest.raises(ImportRejected) as caught:
        parse(text)
    assert list(caught.value.problems) == ["line 4"]


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"", "file"),
        (b"Name,Age\nJo,7\n", "header"),
        (b"UPN,Surname,Forename,DOB\n", "file"),
        (b"\x00\x01\x02binary", "file"),
        (f"UPN,Surname,Forename,DOB\n{A},Bell\x07,Jo,01/02/2018\n".encode(), "line 2"),
    ],
)
def test_unusable_files_say_why(data: bytes, where: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        parse_pupil_csv(data, today=TODAY)
    assert where in caught.value.problems


def test_missing_header_names_the_column() -> None:
    with pytest.raises(ImportRejected) as caught:
        parse("UPN,Surname,DOB\n")
    assert "no Forename column" in caught.value.problems["header"]


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s.strip())


@settings(max_examples=60, deadline=None)
@given(surname=names, forename=names)
def test_names_round_trip_exactly(surname: str, forename: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["UPN", "Surname", "Forename", "DOB"])
    writer.writerow([A, surname, forename, "01/02/2018"])
    [pupil] = parse_pupil_csv(buffer.getvalue().encode(), today=TODAY)
    assert (pupil.legal_surname, pupil.legal_forename) == (surname, forename)
