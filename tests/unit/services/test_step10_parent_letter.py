"""The letter to a parent after a physical intervention: one page saying when, where, how long,
what happened before and what staff tried first, the kind and holds, why, injuries and where
the marks are, the support afterwards, when the parent was told and whom to contact, in words
(no list codes), with no other pupil in it; for whoever reads behaviour records with the key;
audited."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from safedesk.domain import upn
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.people import PupilDetails
from safedesk.domain.roles import Role
from safedesk.services import amendments, records
from safedesk.services.parent_letter import write_letter, write_parent_letter
from safedesk.services.session import Session
from safedesk.store import pupils
from tests import factories
from tests.conftest import SCHOOL_NAME


def payload() -> dict[str, Any]:
    return factories.intervention() | {
        "more_holds": [{"hold": "seated_hold", "minutes": 2}],
        "body_map": [
            {
                "side": "front",
                "x": 0.4,
                "y": 0.5,
                "kind": "bruise",
                "size_mm": 20,
                "note": "seen by Mr Okafor at lunch",
            }
        ],
        "pupil_account": "I was angry because I could not go out to play.",
    }


def text_of(path: Path) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages), len(reader.pages)


@pytest.fixture
def head(head_session: Session) -> Session:
    factories.add_pupils(head_session)
    return head_session


def test_the_letter_says_what_the_guidance_asks_in_words(head: Session, tmp_path: Path) -> None:
    ref = records.record(head, Kind.INTERVENTION, payload())
    written = write_parent_letter(head, ref, tmp_path / "letter.pdf")
    assert written == (tmp_path / "letter.pdf").resolve()
    found, pages = text_of(written)
    assert pages == 1
    for words in (
        SCHOOL_NAME,
        "Shiv O'Connor-Nguyễn",  # the name the school uses
        "Corridor",
        "Restraint with physical contact",
        "Double elbow",
        "Double elbow (58 minutes), then Seated hold (2 minutes)",
        "Risk of injury to another pupil.",
        "Injuries to Shiv none",
        "Bruise: ",
        "(front), 20 mm",
        "Refused to leave the corridor",  # what happened before
        "Calm voice, offered choices",  # what staff tried first
        "We spoke to you by phone on",
        "(Ms Byrne)",
        "Private and confidential",
        "Quiet time in the library",
        "I was angry because I could not go out to play.",
        "Ms Ada Ngozi",  # who wrote it: whom to contact
        ref,
    ):
        assert words in found, words
    for hidden in ("OFFICIAL-SENSITIVE", "seen by Mr Okafor"):  # no banner; no staff note
        assert hidden not in found, hidden
    for code in (
        "double_elbow",
        "seated_hold",
        "restraint_contact",
        "Where corridor",
        "adult_direction",
    ):
        assert code not in found
    with head.compartments[Compartment.BEHAVIOUR].read() as conn:
        events = conn.execute(
            "SELECT object_id FROM audit_log WHERE action = 'record.letter_written'"
        ).fetchall()
    assert [tuple(e) for e in events] == [(ref,)]


def test_the_letter_follows_an_amendment(head: Session, tmp_path: Path) -> None:
    ref = records.record(head, Kind.INTERVENTION, payload())
    amendments.amend(head, ref, "injuries_pupil", "A graze on the left knee.", "Seen later.")
    found, _pages = text_of(write_parent_letter(head, ref, tmp_path / "letter.pdf"))
    assert "A graze on the left knee." in found


def test_only_for_an_intervention_and_never_inside_the_data_folder(
    head: Session, tmp_path: Path
) -> None:
    incident = records.record(head, Kind.BEHAVIOUR, factories.behaviour())
    with pytest.raises(ValidationError, match="about a physical intervention"):
        write_parent_letter(head, incident, tmp_path / "letter.pdf")
    ref = records.record(head, Kind.INTERVENTION, payload())
    with pytest.raises(ValidationError, match="data folder"):
        write_parent_letter(head, ref, head.paths.root / "letter.pdf")
    assert not (head.paths.root / "letter.pdf").exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.DSL])
def test_refused_without_reading_behaviour_and_its_key(
    head: Session, session_as: Callable[[Role], Session], tmp_path: Path, role: Role
) -> None:
    ref = records.record(head, Kind.INTERVENTION, payload())
    other = session_as(role)
    if role is Role.DSL:
        # A DSL reads behaviour records: the letter is theirs to write.
        assert write_parent_letter(other, ref, tmp_path / "letter.pdf").exists()
        return
    with pytest.raises(PermissionDenied):
        write_parent_letter(other, ref, tmp_path / "letter.pdf")
    assert not (tmp_path / "letter.pdf").exists()


OTHERS = [
    PupilDetails(upn.make("801200005004"), "Smith", "Keeley", date(2017, 3, 3)),
    PupilDetails(upn.make("801200005005"), "Ångström", "Øyvind", date(2016, 6, 6)),
    PupilDetails(upn.make("801200005006"), "Brown", "Tyler", date(2017, 1, 9)),
    PupilDetails(upn.make("801200005007"), "Okonkwo", "Chidi", date(2014, 9, 15)),
]


def test_other_pupils_upns_and_their_birthdays_never_reach_the_parent(
    head: Session, tmp_path: Path
) -> None:
    """Every other pupil on the roll is masked, not only those on the record; any UPN and a
    date written as another pupil's date of birth go too; the body map's note is not printed,
    where the mark is is."""
    with head.store.write() as conn:
        for details in OTHERS:
            pupils.insert(conn, details, head.clock.now())
    other_upn = OTHERS[1].upn
    ref = records.record(
        head,
        Kind.INTERVENTION,
        payload()
        | {
            "reason_for_force": "Risk of injury to Keeley.",
            "cause": "Tyler Brown took his ball.",
            "body_map": [
                {
                    "side": "front",
                    "x": 0.4,
                    "y": 0.5,
                    "kind": "bruise",
                    "size_mm": 30,
                    "note": f"bruise where Tyler Brown kicked Øyvind Ångström UPN {other_upn}",
                }
            ],
            "pupil_account": (
                "Shiv said Chidi Okonkwo started it; DOB 15/09/2014. "
                f"Shiv's own number is {factories.PUPIL_A}."
            ),
        },
    )
    written = write_letter(head, ref, tmp_path / "letter.pdf")
    found, _pages = text_of(written.path)
    for secret in (
        "Keeley",
        "Tyler",
        "Brown",
        "Øyvind",
        "Ångström",
        other_upn,
        factories.PUPIL_A,  # a UPN is not for a letter, even the child's own
        "Chidi",
        "Okonkwo",
        "15/09/2014",
        "kicked",  # the body map's note is staff's, never printed
    ):
        assert secret not in found, secret
    for words in (
        "Risk of injury to another pupil.",
        "Another pupil took his ball.",
        "Shiv said another pupil started it; DOB (date removed).",
        "(pupil number removed)",
        "Bruise: ",
        "(front), 30 mm",
    ):
        assert words in found, words
    assert "another pupil (" not in found  # no letters: the roll's order says nothing
    # Keeley, Tyler Brown, Chidi Okonkwo, the date, the UPN (the note is not printed).
    assert written.masked == 5


def test_the_holds_in_order_with_their_minutes(head: Session, tmp_path: Path) -> None:
    """The main hold's minutes are the length less the further holds'; when those fill it,
    the main hold is only named."""
    base = payload() | {
        "started_at": "2026-11-20T10:00:00",
        "ended_at": "2026-11-20T10:05:00",
        "restraint_type": "single_elbow",
    }
    ref = records.record(head, Kind.INTERVENTION, base)
    found, _pages = text_of(write_parent_letter(head, ref, tmp_path / "one.pdf"))
    assert "Single elbow (3 minutes), then Seated hold (2 minutes)" in found
    assert "5 minutes / " not in found
    full = base | {"more_holds": [{"hold": "seated_hold", "minutes": 5}]}
    ref = records.record(head, Kind.INTERVENTION, full)
    found, _pages = text_of(write_parent_letter(head, ref, tmp_path / "two.pdf"))
    assert "Single elbow, then Seated hold (5 minutes)" in found
    assert "(0 minutes)" not in found


def test_twenty_thousand_characters_flow_across_pages(head: Session, tmp_path: Path) -> None:
    long = ("She told us what happened, in her own words, at length. " * 400)[:20_000]
    ref = records.record(
        head,
        Kind.INTERVENTION,
        payload() | {"pupil_account": long, "reason_for_force": long, "cause": long},
    )
    found, pages = text_of(write_parent_letter(head, ref, tmp_path / "long.pdf"))
    assert pages > 3
    assert found.count("in her own words") >= 3 * 350
    assert "Yours sincerely" in found


@pytest.mark.parametrize(
    "written",
    [
        "15-Sep-2014",
        "15/Sep/2014",
        "15 Sep 14",
        "15 Sept. 14",
        "15 September '14",
        "Sept 15, 14",
    ],
)
def test_a_birthday_written_the_ways_an_mis_or_a_person_writes_it_is_taken_out(
    head: Session, tmp_path: Path, written: str
) -> None:
    """Found by a re-tester: the spreadsheet form 14-Mar-2017 and two-digit years got through."""
    with head.store.write() as conn:
        for details in OTHERS:
            pupils.insert(conn, details, head.clock.now())
    ref = records.record(
        head, Kind.INTERVENTION, payload() | {"cause": f"Said his friend was born {written}."}
    )
    found, _pages = text_of(write_letter(head, ref, tmp_path / "letter.pdf").path)
    assert written not in found
    assert "born (date removed)." in found


def test_a_upn_in_groups_and_a_name_split_by_an_invisible_character_are_taken_out(
    head: Session, tmp_path: Path
) -> None:
    with head.store.write() as conn:
        for details in OTHERS:
            pupils.insert(conn, details, head.clock.now())
    number = OTHERS[1].upn
    grouped = f"{number[0]} {number[1:5]} {number[5:9]} {number[9:]}"
    dashed = f"{number[:4]}-{number[4:8]}-{number[8:]}"
    ref = records.record(
        head,
        Kind.INTERVENTION,
        payload()
        | {"cause": f"Chi\u00addi Okon\u200bkwo ({grouped}, also {dashed}) took his ball."},
    )
    found, _pages = text_of(write_letter(head, ref, tmp_path / "letter.pdf").path)
    for secret in ("Chidi", "Okonkwo", "Okon", number[1:5]):
        assert secret not in found, secret
    assert "(pupil number removed), also (pupil number removed)" in found
