"""Parsing MIS exports: header spellings, encodings, dates, and every bad line named."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safedesk.domain import upn
from safedesk.domain.people import PupilDetails
from safedesk.domain.pupil_csv import (
    MAX_FILE_BYTES,
    SPELLINGS,
    ImportRejected,
    parse_pupil_csv,
)

A, B, C = upn.make("801200005001"), upn.make("801200005002"), upn.make("801200005003")
TODAY = date(2026, 11, 24)
FIXTURES = Path(__file__).parents[2] / "fixtures"
HEADER = "UPN,Surname,Forename,DOB"


def parse(text: str, encoding: str = "utf-8") -> list[PupilDetails]:
    return parse_pupil_csv(text.encode(encoding), today=TODAY)


def problems(text: str | bytes) -> dict[str, str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(ImportRejected) as caught:
        parse_pupil_csv(data, today=TODAY)
    return caught.value.problems


# Headings


# One value per column, each different, so a heading read as the wrong field shows.
ROW = {
    "upn": A,
    "legal_surname": "O'Brien",
    "legal_forename": "Siobhán",
    "preferred_forename": "Shiv",
    "date_of_birth": "04/03/2018",
    "gender": "F",
    "year_group": "2",
    "class_name": "Oak",
    "sen": "K",
    "fsm": "Y",
    "cla": "yes",
    "eal": "1",
}
EXPECTED = PupilDetails(
    A, "O'Brien", "Siobhán", date(2018, 3, 4), "Shiv", "F", "2", "Oak", "K", True, True, True
)
SPELLING_CASES = [
    (field, variant)
    for field, spellings in SPELLINGS.items()
    for spelling in spellings
    for variant in (spelling, spelling.upper(), spelling.lower().replace(" ", "_"))
]


def file_with(heading_for: dict[str, str]) -> str:
    headings = [heading_for.get(field, spellings[0]) for field, spellings in SPELLINGS.items()]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings)
    writer.writerow(ROW.values())
    return buffer.getvalue()


@pytest.mark.parametrize(("field", "heading"), SPELLING_CASES)
def test_every_heading_spelling_is_read(field: str, heading: str) -> None:
    assert parse(file_with({field: heading})) == [EXPECTED]


@pytest.mark.parametrize(
    "header",
    [
        "UPN,Surname,Forename,DOB,Gender,Year,Class,SEN,FSM,CLA,EAL",
        "upn,Legal Surname,Legal Forename,Date of Birth,Sex,Year Group,Reg Group,SEN Status,"
        "Pupil Premium,In Care,EAL",
        " Upn ,LEGAL_SURNAME,First Name,date-of-birth,gender,NC Year,Form,sen,fsm,Looked After,eal",
    ],
)
def test_whole_headers_as_mis_exports_spell_them(header: str) -> None:
    [pupil] = parse(f"{header}\n{A},O'Brien,Siobhán,04/03/2018,F,2,Oak,K,Y,N,yes\n")
    assert (pupil.upn, pupil.legal_surname, pupil.legal_forename) == (A, "O'Brien", "Siobhán")
    assert (pupil.date_of_birth, pupil.gender) == (date(2018, 3, 4), "F")
    assert (pupil.year_group, pupil.class_name, pupil.sen) == ("2", "Oak", "K")
    assert (pupil.fsm, pupil.cla, pupil.eal) == (True, False, True)


def test_legal_names_win_over_plain_ones_and_unknown_columns_are_ignored() -> None:
    text = (
        "Admission No,UPN,Surname,Legal Surname,Forename,Legal Forename,DOB,Ethnicity\n"
        f"001234,{A},Smith,Smith-Jones,Jo,Joanna,01/02/2018,WBRI\n"
    )
    [pupil] = parse(text)
    assert (pupil.legal_surname, pupil.legal_forename) == ("Smith-Jones", "Joanna")


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("Surname,Forename,DOB", "UPN"),
        ("UPN,Forename,DOB", "Surname"),
        ("UPN,Surname,DOB", "Forename"),
        ("UPN,Surname,Forename", "Date of birth"),
    ],
)
def test_missing_required_heading_is_one_clear_error(header: str, missing: str) -> None:
    found = problems(f"{header}\n{A},Smith,Jo,01/02/2018\n")
    assert list(found) == ["header"]
    assert found["header"].startswith(f"line 1 has no {missing} column (headed ")
    assert all(heading in found["header"] for heading in header.split(","))


def test_a_file_with_no_headings_at_all_names_every_missing_column() -> None:
    found = problems(f"{A},Smith,Jo,01/02/2018\n")
    assert all(f"no {n} column" in found["header"] for n in ("UPN", "Surname", "Forename"))


# Encodings and delimiters


def test_fixture_files_from_two_mis_read_the_same() -> None:
    sims = parse_pupil_csv((FIXTURES / "pupils_sims_utf8_bom.csv").read_bytes(), today=TODAY)
    other = parse_pupil_csv((FIXTURES / "pupils_cp1252_semicolon.csv").read_bytes(), today=TODAY)
    assert sims == other
    assert [(p.legal_surname, p.legal_forename) for p in sims] == [
        ("O'Brien", "Siobhán"),
        ("De la Cruz", "Mateo"),
        ("Smith-Jones", "Anne-Marie"),
        ("Müller", "Zoë"),
        ("D'Souza", "Renée"),
    ]
    assert [p.sen for p in sims] == ["K", None, "EHCP", "SEN Support", None]
    assert sims[0].preferred_forename == "Shiv"
    assert sims[3].date_of_birth == date(2020, 2, 29)
    assert [(p.fsm, p.cla, p.eal) for p in sims][2:] == [
        (True, True, False),
        (False, False, True),
        (False, False, True),
    ]


NAMES = [("Zoë", "O'Brien"), ("Anne-Marie", "De la Cruz"), ("Renée", "Ó Súilleabháin")]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.encode("cp1252"),
        lambda text: text.encode("utf-16"),  # Excel's "Unicode text", with its BOM
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252", "utf-16"],
)
def test_encodings_keep_names_exactly(encode: Callable[[str], bytes]) -> None:
    rows = [
        f"{code},{surname},{forename},01/02/2018"
        for code, (forename, surname) in zip((A, B, C), NAMES, strict=True)
    ]
    data = encode("\r\n".join([HEADER, *rows]) + "\r\n")
    parsed = parse_pupil_csv(data, today=TODAY)
    assert [(p.legal_forename, p.legal_surname) for p in parsed] == NAMES


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused() -> None:
    # 0x81 is unassigned in Windows-1252 and cannot start a UTF-8 character.
    found = problems(f"{HEADER}\n{A},Sm".encode() + b"\x81" + b"th,Jo,01/02/2018\n")
    assert "not readable text" in found["file"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(delimiter: str) -> None:
    rows = [["UPN", "Surname", "Forename", "DOB"], [A, "Smith, Jr", "Jo", "01/02/2018"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    assert parse(buffer.getvalue())[0].legal_surname == "Smith, Jr"


def test_excel_sep_line_names_the_delimiter_and_counts_as_a_line() -> None:
    text = f"sep=;\n{HEADER.replace(',', ';')}\n{A};Smith;Jo;01/02/2018\n{B};Ng;Minh;soon\n"
    assert list(problems(text)) == ["line 4"]


def test_apostrophes_are_not_taken_for_quote_marks() -> None:
    # csv.Sniffer alone would read 'x,y' as one quoted value.
    [pupil, _] = parse(f"{HEADER}\n{A},'x,y',01/02/2018\n{B},O'Brien,D'Arcy,01/02/2018\n")
    assert (pupil.legal_surname, pupil.legal_forename) == ("'x", "y'")


# Dates


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("04/03/2018", date(2018, 3, 4)),
        ("4/3/2018", date(2018, 3, 4)),
        ("2018-03-04", date(2018, 3, 4)),
        ("04-03-2018", date(2018, 3, 4)),
        ("04.03.2018", date(2018, 3, 4)),
        ("04/03/2018 00:00", date(2018, 3, 4)),
        ("2018-03-04T00:00:00", date(2018, 3, 4)),
        ("29/02/2020", date(2020, 2, 29)),
        ("24/11/2026", TODAY),
    ],
)
def test_dates_day_first_or_iso(written: str, meant: date) -> None:
    assert parse(f"{HEADER}\n{A},Smith,Jo,{written}\n")[0].date_of_birth == meant


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("31/02/2018", "is not a real date"),
        ("29/02/2019", "is not a real date"),
        ("2018-02-30", "is not a real date"),
        ("03/25/2018", "dates are read as DD/MM/YYYY"),  # an American month-first date
        ("04/03/18", "is not a date"),
        ("4th March 2018", "is not a date"),
        ("25/11/2026", "is in the future"),
        ("01/01/1800", "too long ago"),
    ],
)
def test_bad_dates_are_named_with_their_line(written: str, reason: str) -> None:
    found = problems(f"{HEADER}\n{A},Good,Row,01/02/2018\n{B},Smith,Jo,{written}\n")
    assert list(found) == ["line 3"]
    assert found["line 3"].startswith("DOB ") and reason in found["line 3"]


# Rows


def test_every_bad_line_is_named_and_nothing_returned() -> None:
    text = (
        f"{HEADER}\n"
        f"{A},Good,One,01/02/2018\n"
        f"C801200005002,Bad,Check,01/02/2018\n"
        f"{C},,NoSurname,31/02/2018\n"
        f"X123,Short,Upn,01/02/2018\n"
        f"{B},Future,Born,01/01/2030\n"
        f"{upn.make('801200005009')},Fine,Too,01/02/2018\n"
    )
    found = problems(text)
    assert list(found) == ["line 3", "line 4", "line 5", "line 6"]
    assert found["line 3"] == "UPN 'C801200005002' has the wrong check letter (expected Q)"
    assert found["line 4"] == (
        "Surname is blank; DOB '31/02/2018' is not a real date (dates are read as DD/MM/YYYY)"
    )
    assert found["line 5"].startswith("UPN 'X123' is not a UPN")
    assert found["line 6"] == "DOB 01/01/2030 is in the future"


def test_duplicate_upns_name_both_lines() -> None:
    text = (
        f"{HEADER}\n{A},One,Jo,01/02/2018\n{B},Two,Jo,01/02/2018\n"
        f"{A.lower()},Three,Jo,01/02/2018\n{B},Four,Jo,bad\n{B},Five,Jo,01/02/2018\n"
    )
    found = problems(text)
    assert found["line 2"] == f"UPN {A} is also on line 4"
    assert found["line 4"] == f"UPN {A} is also on line 2"
    assert found["line 3"] == f"UPN {B} is also on lines 5 and 6"
    assert found["line 5"].endswith(f"UPN {B} is also on lines 3 and 6")


def test_blank_lines_are_skipped_but_counted() -> None:
    text = f"\n{HEADER}\n\n{A},Smith,Jo,01/02/2018\n,,,\n\n{B},Ng,Minh,bad\n"
    assert list(problems(text)) == ["line 7"]
    assert len(parse(f"\n{HEADER}\n\n{A},Smith,Jo,01/02/2018\n,,,\n")) == 1


def test_line_numbers_count_lines_inside_quoted_values() -> None:
    # Line 2 holds a value over two lines; the next record starts on line 4.
    text = f'{HEADER}\r\n{A},"Multi\r\nLine",Jo,01/02/2018\r\n{B},X,Y,bad\r\n'
    found = problems(text)
    assert list(found) == ["line 2", "line 4"]
    assert "line break" in found["line 2"]


def test_an_unclosed_quote_is_named_where_it_starts_and_earlier_lines_still_reported() -> None:
    text = f'{HEADER}\n{B},X,Y,bad\n{A},"Smith,Jo,01/02/2018\n{C},Ng,Minh,01/02/2018\n'
    found = problems(text)
    assert list(found) == ["line 2", "line 3"]
    assert "quote mark" in found["line 3"]


def test_more_values_than_headings() -> None:
    found = problems(f"{HEADER}\n{A},Smith,Jr,Jo,01/02/2018\n")
    assert "has 5 values but there are only 4 column headings" in found["line 2"]


def test_short_rows_are_blank_at_the_end() -> None:
    found = problems(f"{HEADER},FSM\n{A},Smith,Jo\n")
    assert found["line 2"] == "DOB is blank"


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("Bell\x07", "control character (U+0007)"),
        ("Nul\x00l", "control character (U+0000)"),
        ("Esc\x1b", "control character (U+001B)"),
        ("Line\u2028Separator", "line break"),
        ("x" * 201, "201 characters long; the limit is 200"),
    ],
)
def test_bad_characters_and_long_values_are_named(cell: str, reason: str) -> None:
    found = problems(f'{HEADER}\n{A},"{cell}",Jo,01/02/2018\n')
    assert found["line 2"].startswith("Surname ") and reason in found["line 2"]


def test_names_survive_exactly_apart_from_surrounding_spaces() -> None:
    text = f"{HEADER}\n {A} ,  De la Cruz\t,\u00a0Anne-Marie Zoë ,01/02/2018\n"
    [pupil] = parse(text)
    assert (pupil.upn, pupil.legal_surname, pupil.legal_forename) == (
        A,
        "De la Cruz",
        "Anne-Marie Zoë",
    )


@pytest.mark.parametrize(
    ("written", "flag"),
    [(w, True) for w in ("Y", "yes", "TRUE", "1", "t")]
    + [(w, False) for w in ("N", "No", "false", "0", "")],
)
def test_yes_no_columns(written: str, flag: bool) -> None:
    text = f"{HEADER},FSM,Looked After,EAL\n{A},Smith,Jo,01/02/2018,{written},{written},{written}\n"
    [pupil] = parse(text)
    assert (pupil.fsm, pupil.cla, pupil.eal) == (flag, flag, flag)


def test_a_yes_no_column_names_itself_as_the_file_does() -> None:
    found = problems(f"{HEADER},Pupil Premium\n{A},Smith,Jo,01/02/2018,maybe\n")
    assert found["line 2"] == "Pupil Premium should be Y or N, not 'maybe'"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("K", "K"),
        ("E", "E"),
        ("SEN Support", "SEN Support"),
        ("EHCP", "EHCP"),
        ("", None),
        ("N", None),  # the MIS code for "no special educational need"
        ("None", None),
    ],
)
def test_sen_is_free_text(written: str, stored: str | None) -> None:
    [pupil] = parse(f"{HEADER},SEN Status\n{A},Smith,Jo,01/02/2018,{written}\n")
    assert pupil.sen == stored


# Files


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b"\r\n\r\n", "is empty"),
        (f"{HEADER}\r\n\r\n".encode(), "column headings but no pupils"),
        (b"\x00\x01\x02binary", "binary data"),
        (f"{HEADER}\n".encode("utf-16-le"), "binary data"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel workbook"),
    ],
)
def test_unusable_files_say_why(data: bytes, reason: str) -> None:
    found = problems(data)
    assert list(found) == ["file"] and reason in found["file"]


def test_files_over_the_size_limit_are_refused_unread() -> None:
    data = f"{HEADER}\n".encode() + b"x" * MAX_FILE_BYTES
    assert problems(data) == {"file": "is larger than 20 MB; is this the right file?"}


def test_the_message_lists_every_problem_for_a_person() -> None:
    with pytest.raises(ImportRejected) as caught:
        parse(f"{HEADER}\n{A},,Jo,01/02/2018\n")
    assert str(caught.value) == "Please correct the following:\nline 2: Surname is blank"


# Round trip


# Any text a person could type as a name: no control characters or line separators.
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s != "")


@settings(max_examples=150, deadline=None)
@given(
    people=st.lists(st.tuples(names, names, names), min_size=1, max_size=4),
    delimiter=st.sampled_from([",", ";", "\t"]),
    bom=st.booleans(),
)
def test_names_round_trip_exactly(
    people: list[tuple[str, str, str]], delimiter: str, bom: bool
) -> None:
    upns = [upn.make(f"8012000050{n:02d}") for n in range(len(people))]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["UPN", "Legal Surname", "Legal Forename", "Preferred Name", "DOB"])
    for code, (surname, forename, preferred) in zip(upns, people, strict=True):
        writer.writerow([code, surname, forename, preferred, "01/02/2018"])
    data = (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode()
    parsed = parse_pupil_csv(data, today=TODAY)
    assert [(p.upn, p.legal_surname, p.legal_forename, p.preferred_forename) for p in parsed] == [
        (code, *person) for code, person in zip(upns, people, strict=True)
    ]


def test_a_file_mixing_utf8_and_windows_1252_names_the_lines() -> None:
    head = b"UPN,Surname,Forename,DOB\r\n"
    utf8 = "B801200005001,Nguyễn,Siobhán,04/03/2018\r\n".encode()
    cp1252 = "U330201900123,Zoë,Renée,30/09/2017\r\n".encode("cp1252")
    with pytest.raises(ImportRejected) as caught:
        parse_pupil_csv(head + utf8 + cp1252, today=date(2026, 11, 1))
    message = caught.value.problems["file"]
    assert "mixes two text encodings" in message and "line 3 are not UTF-8" in message


def test_a_windows_1252_file_alone_is_still_read() -> None:
    data = "UPN,Surname,Forename,DOB\r\nU330201900123,Zoë,Renée,30/09/2017\r\n".encode("cp1252")
    found = parse_pupil_csv(data, today=date(2026, 11, 1))
    assert (found[0].legal_surname, found[0].legal_forename) == ("Zoë", "Renée")


def test_a_ten_megabyte_field_says_so_not_unclosed_quote() -> None:
    data = b"UPN,Surname,Forename,DOB\r\nB801200005001," + b"x" * 10_000_000 + b",A,04/03/2018\r\n"
    with pytest.raises(ImportRejected) as caught:
        parse_pupil_csv(data, today=date(2026, 11, 1))
    message = caught.value.problems["line 2"]
    assert "far longer than any name or date" in message
    assert "quote" not in message


# The exact words people read, and edges of each rule


def test_the_columns_a_file_lacks_and_the_ones_it_has_are_listed_in_full() -> None:
    found = problems(f"UPN,Forename,Notes\n{A},Jo,x\n")
    assert found == {
        "header": "line 1 has no Surname column (headed Legal Surname, Surname, Last Name or "
        "Family Name) and no Date of birth column (headed Date of Birth, DOB or Birth Date). "
        "Its columns are: UPN, Forename and Notes"
    }


def test_a_semicolon_file_is_read_even_when_the_sniffer_guesses_commas() -> None:
    # Commas inside values, consistently on every line, make csv.Sniffer answer ",": the
    # required headings decide.
    text = (
        "UPN;Surname;Forename;DOB\n"
        f"{A};Smith;Jo,'Ann',Lee;01/02/2018\n"
        f"{B};Ng;Mi,'Lan',Anh;01/02/2018\n"
    )
    assert [p.legal_forename for p in parse(text)] == ["Jo,'Ann',Lee", "Mi,'Lan',Anh"]
    extra = (
        "UPN;Surname;Forename;DOB;Notes, kept, as, is\n"
        f"{A};Smith;Jo;01/02/2018;x, y, z, w\n"
        f"{B};Ng;Minh;02/03/2018;p, q, r, s\n"
    )
    assert [p.legal_surname for p in parse(extra)] == ["Smith", "Ng"]


def test_empty_values_after_the_last_heading_are_not_extra_values() -> None:
    # Spreadsheets often save trailing separators.
    [pupil] = parse(f"{HEADER}\n{A},Smith,Jo,01/02/2018,,\n")
    assert pupil.legal_surname == "Smith"


def test_more_values_than_headings_says_what_may_have_happened() -> None:
    assert problems(f"{HEADER}\n{A},Smith,Jr,Jo,01/02/2018\n") == {
        "line 2": "has 5 values but there are only 4 column headings (does a name contain the "
        "separator without quote marks?); DOB 'Jo' is not a date (please use DD/MM/YYYY)"
    }


def test_a_blank_or_unreadable_upn_is_named_once() -> None:
    assert problems(f"{HEADER}\n ,Smith,Jo,01/02/2018\n") == {"line 2": "UPN is blank"}
    assert problems(f'{HEADER}\n"{A}\x07",Smith,Jo,01/02/2018\n') == {
        "line 2": "UPN contains a control character (U+0007) that cannot be stored; please "
        "remove it"
    }


def test_a_tab_inside_a_value_is_named_as_a_line_break_or_tab() -> None:
    assert problems(f'{HEADER}\n{A},"Smith\tJones",Jo,01/02/2018\n') == {
        "line 2": "Surname contains a line break or tab (each value must be on one line)"
    }


def test_a_value_of_exactly_two_hundred_characters_is_kept() -> None:
    [pupil] = parse(f"{HEADER}\n{A},{'x' * 200},Jo,01/02/2018\n")
    assert len(pupil.legal_surname) == 200


def test_births_from_1900_are_accepted_earlier_ones_refused() -> None:
    [pupil] = parse(f"{HEADER}\n{A},Old,Record,01/01/1900\n")
    assert pupil.date_of_birth == date(1900, 1, 1)
    assert problems(f"{HEADER}\n{A},Older,Record,31/12/1899\n") == {
        "line 2": "DOB 31/12/1899 is too long ago to be a pupil's"
    }


def test_a_pupil_born_today_is_accepted() -> None:
    [pupil] = parse(f"{HEADER}\n{A},New,Born,24/11/2026\n")
    assert pupil.date_of_birth == TODAY


def test_a_upn_alone_on_one_line_is_not_a_duplicate_of_later_ones() -> None:
    text = (
        f"{HEADER}\n{C},Only,Once,01/02/2018\n{A},One,Jo,01/02/2018\n"
        f"{B},Two,Jo,01/02/2018\n{A},Three,Jo,01/02/2018\n"
    )
    assert problems(text) == {
        "line 3": f"UPN {A} is also on line 5",
        "line 5": f"UPN {A} is also on line 3",
    }


def test_an_unreadable_first_line_is_named() -> None:
    assert problems(f'"UPN,Surname,Forename,DOB\n{A},Smith,Jo,01/02/2018\n') == {
        "line 1": 'cannot be read from here on: is there a quote mark (") that is not closed?'
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\r\n", "is empty"),
        (f"{HEADER}\r\n".encode(), "has column headings but no pupils"),
        (b"PK\x03\x04", "is an Excel workbook, not a CSV file; in Excel choose Save As → CSV"),
        (b"UPN\x00,Surname", "is not a CSV text file (it contains binary data)"),
        (
            f"{HEADER}\n{A},Sm".encode() + b"\x81" + b"th,Jo,01/02/2018\n",
            "is not readable text; please save it from your MIS or Excel as CSV (UTF-8)",
        ),
        (
            # A UTF-16 byte-order mark, then a lone surrogate: not UTF-16 after all.
            b"\xff\xfe" + "UPN,".encode("utf-16-le") + b"\x00\xd8",
            "is not readable text; please save it from your MIS or Excel as CSV (UTF-8)",
        ),
    ],
)
def test_what_a_refused_file_says(data: bytes, message: str) -> None:
    assert problems(data) == {"file": message}


def test_binary_data_is_judged_from_the_first_1024_characters_of_the_first_line() -> None:
    # A NUL further along is one bad heading, not a binary file.
    heading = "Notes" + "x" * (1024 - len(HEADER) - len(",Notes"))
    assert len(f"{HEADER},{heading}") == 1024  # the NUL after it is the 1025th character
    [pupil] = parse(f"{HEADER},{heading}\x00\n{A},Smith,Jo,01/02/2018,\n")
    assert pupil.upn == A
    assert (
        "binary data"
        in problems(f"{HEADER},{heading[:-1]}\x00\n{A},Smith,Jo,01/02/2018,\n")["file"]
    )


def test_a_file_of_exactly_the_size_limit_is_read() -> None:
    head = f"{HEADER}\n{A},Smith,Jo,01/02/2018\n".encode()
    data = head + b"x" * (MAX_FILE_BYTES - len(head))
    assert len(data) == MAX_FILE_BYTES
    found = problems(data)
    assert "file" not in found  # refused for its long last value, not for its size
    assert found["line 3"].startswith("has a value far longer than any name or date")


def mixed_file(bad_lines: int) -> bytes:
    """A UTF-8 file with a non-ASCII name, then ``bad_lines`` lines in Windows-1252."""
    lines = [b"UPN,Surname,Forename,DOB", f"{A},Nguyễn Thi,Siobhán,04/03/2018".encode()]
    lines += [f"{B},Zoë Ann,Renée,30/09/2017".encode("cp1252")] * bad_lines
    return b"\r\n".join(lines) + b"\r\n"


@pytest.mark.parametrize(
    ("bad_lines", "named"),
    [
        (1, "line 3 are"),
        (2, "lines 3 and 4 are"),
        (10, "lines 3, 4, 5, 6, 7, 8, 9, 10, 11 and 12 are"),
        (11, "lines 3, 4, 5, 6, 7, 8, 9, 10, 11 and 12 and more are"),
    ],
)
def test_a_mixed_file_names_up_to_ten_lines(bad_lines: int, named: str) -> None:
    assert problems(mixed_file(bad_lines)) == {
        "file": f"mixes two text encodings: {named} not UTF-8 while other lines are. Save the "
        "whole file again from your MIS as CSV (UTF-8)."
    }


def test_every_windows_1252_line_of_a_mixed_file_is_named() -> None:
    good = f"{C},Ng,Minh,01/02/2018".encode()
    bad = f"{B},Zoë,Renée,30/09/2017".encode("cp1252")
    data = b"\r\n".join([b"UPN,Surname,Forename,DOB", bad, good, bad, "Nguyễn".encode()])
    assert "lines 2 and 4 are not UTF-8" in problems(data)["file"]


def test_a_byte_order_mark_alone_does_not_make_a_windows_1252_file_mixed() -> None:
    # The mark is not text: the file's only non-ASCII line is Windows-1252, read as such.
    data = b"\xef\xbb\xbf" + f"{HEADER}\r\n{A},Smith,Jo,01/02/2018\r\n".encode()
    data += f"{B},Zoë,Renée,30/09/2017\r\n".encode("cp1252")
    assert [p.legal_surname for p in parse_pupil_csv(data, today=TODAY)] == ["Smith", "Zoë"]


def test_a_utf8_export_pasted_after_a_windows_1252_one_is_mixed() -> None:
    # Two exports pasted together: the second starts with its byte-order mark.
    first = f"{HEADER}\r\n{B},Zoë,Renée,30/09/2017\r\n".encode("cp1252")
    second = b"\xef\xbb\xbf" + f"{A},Smith,Jo,01/02/2018\r\n".encode()
    assert problems(first + second) == {
        "file": "mixes two text encodings: line 2 are not UTF-8 while other lines are. Save "
        "the whole file again from your MIS as CSV (UTF-8)."
    }


def test_a_file_with_old_mac_line_endings_is_read_line_by_line() -> None:
    # A bare carriage return ends each line (classic Mac OS, some old MIS exports).
    pupils = parse(f"{HEADER}\r{A},Smith,Jo,01/02/2018\r{B},Ng,Mi,02/03/2018\r")
    assert [p.legal_surname for p in pupils] == ["Smith", "Ng"]
    assert problems(f"{HEADER}\r{A},Smith,Jo,01/02/2018\r{B},Ng,Mi,31/02/2018\r") == {
        "line 3": "DOB '31/02/2018' is not a real date (dates are read as DD/MM/YYYY)"
    }


@pytest.mark.parametrize("separator", ["|", "X", " "])
def test_only_commas_semicolons_and_tabs_separate_columns(separator: str) -> None:
    header = separator.join(["UPN", "Surname", "Forename", "DOB"])
    row = separator.join([A, "Smith", "Jo", "01/02/2018"])
    found = problems(f"{header}\n{row}\n")
    assert list(found) == ["header"]
    assert found["header"].startswith(
        "line 1 has no UPN column (headed UPN or Unique Pupil Number)"
    )


@pytest.mark.parametrize(
    ("text", "headings"),
    [
        (f"UPN;Forename;Notes\n{A};Jo;x\n{B};Mi;y\n", "UPN, Forename and Notes"),
        # A comma in a heading: the separator is judged on the rows too, not the header alone.
        (
            f"UPN;Forename;Notes, comments\n{A};Jo;x\n{B};Mi;y\n",
            "UPN, Forename and Notes, comments",
        ),
        # Every row ends in an empty value.
        (f"UPN;Forename;Notes\n{A};Jo;\n{B};Mi;\n", "UPN, Forename and Notes"),
        (f"UPN\tForename\tNotes\n{A}\tJo\t\n", "UPN, Forename and Notes"),
        # No line break after the last row.
        (f"UPN;Forename;Notes\n{A};Jo;x\n{B};Mi;y", "UPN, Forename and Notes"),
    ],
)
def test_a_file_lacking_a_column_lists_its_headings_one_by_one(text: str, headings: str) -> None:
    found = problems(text)
    assert list(found) == ["header"]
    assert found["header"].endswith(f"Its columns are: {headings}")


# Files far bigger than a school's: refused early, and problems listed up to a limit


def test_a_file_with_more_pupils_than_any_school_is_refused_unread() -> None:
    from safedesk.domain.pupil_csv import MAX_PUPILS

    found = problems(f"{HEADER}\n" + "x,,,\n" * (MAX_PUPILS + 1))
    assert found == {
        "file": f"has more than {MAX_PUPILS:,} pupils in it (pupil 5,001 is on line 5,002), "
        "more than any one school has, so it was not read any further. Check it is this "
        "school's pupil list exported from your MIS."
    }


def test_a_file_of_the_most_pupils_is_read() -> None:
    from safedesk.domain.pupil_csv import MAX_PUPILS

    rows = [f"{upn.make(f'8012{n:08d}')},Smith,Jo,01/02/2018" for n in range(MAX_PUPILS)]
    assert len(parse("\n".join([HEADER, *rows]))) == MAX_PUPILS


def test_only_the_first_hundred_problems_are_listed_with_how_many_more() -> None:
    from safedesk.domain.pupil_csv import MAX_PROBLEMS, MORE_PROBLEMS

    found = problems(f"{HEADER}\n" + f"{A},,Jo,01/02/2018\n" * 101)
    assert len(found) == MAX_PROBLEMS + 1
    assert list(found)[:MAX_PROBLEMS] == [f"line {n}" for n in range(2, MAX_PROBLEMS + 2)]
    assert found[MORE_PROBLEMS].startswith("… and 1 more problem not listed here")
    assert len(problems(f"{HEADER}\n" + f"{B},,Jo,01/02/2018\n" * 100)) == MAX_PROBLEMS


def test_empty_lines_and_cells_at_the_end_are_not_read_one_by_one() -> None:
    """A spreadsheet's "used range" can run to a million empty rows."""
    data = f"{HEADER}\n{A},Smith,Jo,01/02/2018\n".encode()
    padding = b",,,\r\n" * ((MAX_FILE_BYTES - len(data)) // 5)
    assert [p.upn for p in parse_pupil_csv(data + padding, today=TODAY)] == [A]


def test_a_file_of_far_more_lines_than_a_pupil_list_is_refused_unread() -> None:
    from safedesk.domain.pupil_csv import MAX_LINES

    text = f"{HEADER}\n" + "\n" * MAX_LINES + f"{A},Smith,Jo,01/02/2018\n"
    found = problems(text)
    assert list(found) == ["file"] and f"more than {MAX_LINES:,} lines" in found["file"]
    assert len(parse(f"{HEADER}\n" + "\n" * (MAX_LINES - 2) + f"{A},Smith,Jo,01/02/2018\n")) == 1
