"""Reading Common Transfer Files: versions' layouts, FSM/SEN/in care as of the file's date,
every bad pupil named, and XML that could attack the reader refused whole."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from safedesk.domain import upn
from safedesk.domain.people import PupilDetails
from safedesk.domain.pupil_csv import ImportRejected
from safedesk.domain.pupil_ctf import REFUSED, SchoolRef, parse_pupil_ctf
from safedesk.domain.pupil_file import FileKind, detect, read_pupil_file

A, B, C = upn.make("801200005001"), upn.make("801200005002"), upn.make("801200005003")
TODAY = date(2026, 9, 10)
SAMPLE = Path(__file__).parents[3] / "docs" / "samples" / "pupils.ctf.xml"


def ctf(*pupils: str, qualifier: str = "full", made: str = "2026-09-07T10:15:00") -> bytes:
    body = "\n".join(f"<Pupil>{p}</Pupil>" for p in pupils)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<CTfile>\n<Header><DocumentName>Common Transfer File</DocumentName>"
        f"<CTFversion>25.0</CTFversion><DateTime>{made}</DateTime>"
        f"<DocumentQualifier>{qualifier}</DocumentQualifier></Header>\n"
        f"<CTFpupilData>\n{body}\n</CTFpupilData>\n</CTfile>\n"
    ).encode()


def basic(upn_: str = A, surname: str = "Okafor", forename: str = "Chidi", extra: str = "") -> str:
    return (
        f"<UPN>{upn_}</UPN><Surname>{surname}</Surname><Forename>{forename}</Forename>"
        f"<DOB>2019-03-04</DOB><Gender>M</Gender>{extra}"
    )


def one(data: bytes) -> PupilDetails:
    [pupil] = parse_pupil_ctf(data, today=TODAY).pupils
    return pupil.details


def problems(data: bytes) -> dict[str, str]:
    with pytest.raises(ImportRejected) as caught:
        parse_pupil_ctf(data, today=TODAY)
    return caught.value.problems


# The sample shipped in docs/ (CTF 25 layout)


def test_the_sample_file_reads_every_item() -> None:
    found = parse_pupil_ctf(SAMPLE.read_bytes(), today=TODAY)
    assert (found.version, found.source_school, found.made_on) == (
        "25.0",
        "Brookside Primary School",
        date(2026, 9, 7),
    )
    # Who made the file, and for whom (the header's SourceSchool and DestSchool).
    assert found.source == SchoolRef("Brookside Primary School", "801", "2001")
    assert found.destination == SchoolRef(None, "801", "2002")
    assert str(found.destination) == "LA 801, establishment 2002"
    first, second, third = (p.details for p in found.pupils)
    assert first == PupilDetails(
        A, "O'Connor-Nguyễn", "Siobhán", date(2019, 3, 4), "Shiv", "F", "2", None,
        sen="E", fsm=True, cla=True, eal=True,
    )  # fmt: skip
    # FSM ended before the file was made; English first language; not in care.
    assert (second.fsm, second.eal, second.cla, second.sen) == (False, False, False, None)
    assert (third.fsm, third.eal, third.sen, third.year_group) == (False, True, "K", "1")
    # A CTF has no registration group: the school's own is kept.
    assert all(p.not_given == {"class_name"} for p in found.pupils)


def test_contacts_and_school_history_are_not_read_as_the_pupil() -> None:
    contact = (
        "<Contacts><Contact><Surname>Byrne</Surname><Forename>Aoife</Forename></Contact>"
        "</Contacts><SchoolHistory><School><SchoolName>Elsewhere</SchoolName>"
        "<NCyearActual>9</NCyearActual></School></SchoolHistory>"
    )
    pupil = f"<UPN>{A}</UPN>{contact}<Surname>Okafor</Surname><Forename>Chidi</Forename>"
    pupil += "<DOB>2019-03-04</DOB>"
    details = one(ctf(pupil))
    assert (details.legal_surname, details.legal_forename, details.year_group) == (
        "Okafor",
        "Chidi",
        None,
    )


# Layouts of different versions


def test_items_wrapped_in_basic_details_or_on_the_pupil_read_the_same() -> None:
    wrapped = basic(
        extra="<BasicDetails><PreferredForename>Chi</PreferredForename>"
        "<NCyearActual>R</NCyearActual><InCare>true</InCare></BasicDetails>"
    )
    flat = basic(
        extra="<PreferredForename>Chi</PreferredForename><NCyearActual>R</NCyearActual>"
        "<InCare>true</InCare>"
    )
    assert one(ctf(wrapped)) == one(ctf(flat))
    assert one(ctf(flat)).preferred_forename == "Chi"
    assert one(ctf(flat)).cla is True


def test_newer_sex_element_and_older_namespaced_file() -> None:
    pupil = f"<UPN>{A}</UPN><Surname>Okafor</Surname><Forename>Chidi</Forename>"
    pupil += "<DOB>2019-03-04</DOB><Sex>F</Sex>"
    assert one(ctf(pupil)).gender == "F"
    namespaced = ctf(basic()).replace(
        b"<CTfile>", b'<CTfile xmlns="http://www.dcsf.gov.uk/schemas/cbds">'
    )
    assert one(namespaced).upn == A


def test_legal_names_in_basic_details_as_some_exports_write_them() -> None:
    pupil = (
        f"<UPN>{A}</UPN><BasicDetails><LegalSurname>Okafor</LegalSurname>"
        "<LegalForename>Chidi</LegalForename><DOB>2019-03-04</DOB></BasicDetails>"
    )
    assert (one(ctf(pupil)).legal_surname, one(ctf(pupil)).legal_forename) == ("Okafor", "Chidi")


# FSM, SEN, in care and EAL as of the file's date


@pytest.mark.parametrize(
    ("instances", "eligible"),
    [
        ("<FSMinstance><FSMstartDate>2025-01-06</FSMstartDate></FSMinstance>", True),
        (
            "<FSMinstance><FSMstartDate>2025-01-06</FSMstartDate>"
            "<FSMendDate>2026-12-31</FSMendDate></FSMinstance>",
            True,
        ),
        (
            "<FSMinstance><FSMstartDate>2025-01-06</FSMstartDate>"
            "<FSMendDate>2026-09-06</FSMendDate></FSMinstance>",
            False,
        ),
        # Starts after the file was made: not eligible yet.
        ("<FSMinstance><FSMstartDate>2026-10-01</FSMstartDate></FSMinstance>", False),
        (
            "<FSMinstance><FSMstartDate>2020-01-06</FSMstartDate>"
            "<FSMendDate>2021-01-01</FSMendDate></FSMinstance>"
            "<FSMinstance><FSMstartDate>2026-01-05</FSMstartDate></FSMinstance>",
            True,
        ),
    ],
)
def test_free_school_meals_now_from_the_history(instances: str, eligible: bool) -> None:
    assert one(ctf(basic(extra=f"<FSMhistory>{instances}</FSMhistory>"))).fsm is eligible


def test_the_current_sen_provision_is_the_latest_open_one() -> None:
    history = (
        "<SENhistory><SEN><StartDate>2023-09-04</StartDate><EndDate>2025-07-18</EndDate>"
        "<SENprovision>K</SENprovision></SEN><SEN><StartDate>2025-07-19</StartDate>"
        "<SENprovision>E</SENprovision></SEN></SENhistory>"
    )
    assert one(ctf(basic(extra=history))).sen == "E"
    ended = "<SENhistory><SEN><StartDate>2023-09-04</StartDate><EndDate>2025-07-18</EndDate>"
    ended += "<SENprovision>K</SENprovision></SEN></SENhistory>"
    assert one(ctf(basic(extra=ended))).sen is None
    none = "<SENhistory><SEN><StartDate>2023-09-04</StartDate><SENprovision>N</SENprovision>"
    none += "</SEN></SENhistory>"
    assert one(ctf(basic(extra=none))).sen is None
    single = "<SEN><SENprovision>k</SENprovision></SEN>"
    assert one(ctf(basic(extra=single))).sen == "K"


@pytest.mark.parametrize(
    ("language", "eal"),
    [("ENG", False), ("ENB", False), ("POL", True), ("OTB", True), ("REF", False)],
)
def test_eal_from_the_first_language(language: str, eal: bool) -> None:
    languages = (
        "<BasicDetails><Languages><Type><LanguageType>HOME</LanguageType><Language>FRE"
        f"</Language></Type><Type><LanguageType>FIRST</LanguageType><Language>{language}"
        "</Language></Type></Languages></BasicDetails>"
    )
    assert one(ctf(basic(extra=languages))).eal is eal


def test_a_partial_file_keeps_what_it_leaves_out_and_a_full_one_means_none() -> None:
    [partial] = parse_pupil_ctf(ctf(basic(), qualifier="partial"), today=TODAY).pupils
    assert partial.not_given == {
        "class_name", "preferred_forename", "year_group", "sen", "fsm", "cla", "eal",
    }  # fmt: skip
    [full] = parse_pupil_ctf(ctf(basic()), today=TODAY).pupils
    assert full.not_given == {"class_name", "year_group", "eal"}
    assert (full.details.fsm, full.details.cla, full.details.sen) == (False, False, None)


# Problems, each named by the pupil's place


def test_every_bad_pupil_is_named_with_its_number_line_and_upn() -> None:
    wrong_check = "C" + A[1:]
    data = ctf(
        basic(),
        basic(wrong_check),
        "<Surname>Nobody</Surname><Forename>Jo</Forename><DOB>2019-01-01</DOB>",
        basic(C, extra="").replace("2019-03-04", "04/03/2019"),
        basic(B, surname=""),
    )
    found = problems(data)
    assert list(found) == [
        f"pupil 2 (line 6, UPN {wrong_check})",
        "pupil 3 (line 7)",
        f"pupil 4 (line 8, UPN {C})",
        f"pupil 5 (line 9, UPN {B})",
    ]
    assert "wrong check letter" in found[f"pupil 2 (line 6, UPN {wrong_check})"]
    assert found["pupil 3 (line 7)"] == "has no UPN"
    assert (
        "'04/03/2019' is not a real date in the form YYYY-MM-DD"
        in found[f"pupil 4 (line 8, UPN {C})"]
    )
    assert found[f"pupil 5 (line 9, UPN {B})"] == "has no surname"


def test_a_upn_twice_names_both_pupils() -> None:
    found = problems(ctf(basic(), basic(B), basic()))
    assert found == {
        f"pupil 1 (line 5, UPN {A})": f"UPN {A} is also pupil 3 in this file",
        f"pupil 3 (line 7, UPN {A})": f"UPN {A} is also pupil 1 in this file",
    }


def test_bad_dates_and_flags_are_named() -> None:
    future = basic().replace("2019-03-04", "2027-01-01")
    fsm = "<FSMhistory><FSMinstance><FSMstartDate>2025-02-30</FSMstartDate></FSMinstance>"
    fsm += "</FSMhistory>"
    care = "<LookedAfter><InCare>maybe</InCare></LookedAfter>"
    found = problems(ctf(future, basic(B, extra=fsm), basic(C, extra=care)))
    assert list(found.values()) == [
        "date of birth 01/01/2027 is in the future",
        "Free school meals date '2025-02-30' is not a real date (YYYY-MM-DD)",
        "In care (looked after) should be true or false, not 'maybe'",
    ]


def test_files_that_are_not_ctfs_say_so() -> None:
    assert problems(b"<?xml version='1.0'?><Invoice><Pupil/></Invoice>") == {
        "file": "is an XML file but not a Common Transfer File (it begins with <Invoice>, "
        "not <CTfile>). Choose the CTF or CSV exported from your MIS."
    }
    assert problems(ctf()) == {"file": "is a Common Transfer File with no pupils in it"}
    assert "cannot be read from line 5 on" in problems(ctf(basic())[:-60])["file"]
    utf32 = b'<?xml version="1.0" encoding="utf-32"?><CTfile/>'
    assert problems(utf32)["file"].startswith("is in a text encoding that cannot be read here")


# XML that attacks the reader


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CTfile><Header/><CTFpupilData><Pupil><Surname>&lol3;</Surname></Pupil></CTFpupilData></CTfile>
"""


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    assert problems(BILLION_LAUGHS) == {"file": REFUSED}


def test_external_entities_and_doctypes_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    external = (
        f'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<CTfile><Header/><CTFpupilData><Pupil><Surname>&x;</Surname></Pupil>"
        "</CTFpupilData></CTfile>"
    ).encode()
    assert problems(external) == {"file": REFUSED}
    dtd_only = b'<?xml version="1.0"?><!DOCTYPE CTfile SYSTEM "http://example.invalid/c.dtd">'
    assert problems(dtd_only + ctf(basic()).split(b"?>", 1)[1]) == {"file": REFUSED}


# Telling the two formats apart by content


def test_the_format_is_decided_by_content() -> None:
    assert detect(SAMPLE.read_bytes()) is FileKind.CTF
    assert detect(b"\xef\xbb\xbf  \r\n<CTfile/>") is FileKind.CTF
    assert detect("<CTfile/>".encode("utf-16")) is FileKind.CTF
    assert detect(b"UPN,Surname,Forename,DOB\n") is FileKind.CSV
    read = read_pupil_file(SAMPLE.read_bytes(), today=TODAY)
    assert read.kind is FileKind.CTF
    assert read.description == (
        "a Common Transfer File (CTF 25.0) from Brookside Primary School (LA 801, "
        "establishment 2001)"
    )
    assert read.made_for == "LA 801, establishment 2002"
    csv = read_pupil_file(
        f"UPN,Surname,Forename,DOB\n{A},Ng,Minh,01/09/2017\n".encode(), today=TODAY
    )
    assert (csv.kind, [p.upn for p in csv.pupils]) == (FileKind.CSV, [A])


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n...", "is a PDF document, not a pupil list"),
        (b"<!DOCTYPE html><html><body>UPN</body></html>", "is a web page (HTML), not a pupil"),
        (b"", "is empty"),
    ],
)
def test_other_files_get_a_plain_message(data: bytes, what: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        read_pupil_file(data, today=TODAY)
    assert caught.value.problems["file"].startswith(what)


# Files far bigger than a school's: refused early, and problems listed up to a limit


def test_a_file_with_more_pupils_than_any_school_is_refused_unread() -> None:
    from safedesk.domain.pupil_csv import MAX_PUPILS

    found = problems(ctf(*["<UPN>x</UPN>"] * (MAX_PUPILS + 1)))
    assert list(found) == ["file"]  # not one problem per pupil
    assert f"more than {MAX_PUPILS:,} pupils" in found["file"]
    assert "not read any further" in found["file"]


def test_a_file_of_the_most_pupils_is_read() -> None:
    from safedesk.domain.pupil_csv import MAX_PUPILS

    numbers = [f"8012{n:08d}" for n in range(MAX_PUPILS)]
    pupils = [basic(upn.make(number)) for number in numbers]
    assert len(parse_pupil_ctf(ctf(*pupils), today=TODAY).pupils) == MAX_PUPILS


def test_a_file_of_millions_of_elements_is_refused_unread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from safedesk.domain import pupil_ctf

    assert pupil_ctf.MAX_ELEMENTS == 1_000_000
    monkeypatch.setattr(pupil_ctf, "MAX_ELEMENTS", 2_000)  # the same check, quicker
    within = 2_000 - 14  # and the root, the header's six, the pupil's seven
    assert one(ctf(basic(extra="<Notes>" + "<a/>" * within + "</Notes>"))).upn == A
    found = problems(ctf(basic(extra="<Notes>" + "<a/>" * (within + 1) + "</Notes>")))
    assert list(found) == ["file"] and "more than 2,000 items" in found["file"]
    assert "not read any further" in found["file"]


def test_only_the_first_hundred_problems_are_listed_with_how_many_more() -> None:
    from safedesk.domain.pupil_csv import MAX_PROBLEMS, MORE_PROBLEMS

    found = problems(ctf(*["<UPN>x</UPN>"] * 250))
    assert len(found) == MAX_PROBLEMS + 1
    assert list(found)[:2] == ["pupil 1 (line 5, UPN X)", "pupil 2 (line 6, UPN X)"]
    assert list(found)[MAX_PROBLEMS - 1].startswith("pupil 100 ")
    assert found[MORE_PROBLEMS].startswith("… and 150 more problems not listed")


def sen_history(*lengths: int) -> str:
    entries = "".join(
        f"<SEN><StartDate>2020-01-01</StartDate><SENprovision>{'K' * n}</SENprovision></SEN>"
        for n in lengths
    )
    return f"<SENhistory>{entries}</SENhistory>"


def test_one_pupils_many_problems_are_named_once_each_and_counted() -> None:
    [reason] = problems(ctf(basic(extra=sen_history(300, 300, 300)))).values()
    assert reason == "SEN provision is 300 characters long; the limit is 200"  # once
    [reason] = problems(ctf(basic(extra=sen_history(*range(300, 315))))).values()
    assert reason.count("SEN provision") == 10 and reason.endswith("; and 5 more")
