"""The letter to a parent after a physical intervention: one page saying when, where, how long,
the kind and holds, why, injuries and marks, the support afterwards and whom to contact, in
words (no list codes); for whoever reads behaviour records with the key; audited."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import amendments, records
from safedesk.services.parent_letter import write_parent_letter
from safedesk.services.session import Session
from tests import factories
from tests.conftest import SCHOOL_NAME


def payload() -> dict[str, Any]:
    return factories.intervention() | {
        "more_holds": [{"hold": "seated_hold", "minutes": 2}],
        "body_map": [
            {"side": "front", "x": 0.4, "y": 0.5, "kind": "bruise", "size_mm": 20, "note": "shin"}
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
        "Seated hold, 2 minutes",
        "Risk of injury to another pupil.",
        "Injuries to Shiv none",
        "Bruise (front, 20 mm): shin",
        "Quiet time in the library",
        "I was angry because I could not go out to play.",
        "Ms Ada Ngozi",  # who wrote it: whom to contact
        ref,
    ):
        assert words in found, words
    for code in (
        "double_elbow",
        "seated_hold",
        "restraint_contact",
        "corridor ",
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
