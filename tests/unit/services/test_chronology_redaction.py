"""Exports are about one child: in a pupil's chronology and transfer, other pupils on the
same records are "another pupil (A)", "(B)"…, and their names and UPNs appear nowhere in the
PDF (text or metadata), unless the DSL includes them (audited, and the PDF says so).

The records are real ones made through the services: a concern about Mateo that names Zoë
too, worked as a case (a social-care decision, a strategy call); a fight Mateo started on
Ali that Zoë witnessed; a police notification naming Zoë and Shiv.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from safedesk.domain import upn
from safedesk.domain.chronology import ItemGroup
from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.domain.redaction import fold
from safedesk.domain.roles import Role
from safedesk.services import amendments, casework, chronology, export, records, transfers
from safedesk.services.session import Session
from safedesk.store import audit, pupils
from tests import factories
from tests.factories import PUPIL_A as SHIV
from tests.factories import PUPIL_B as ZOE
from tests.factories import PUPIL_C as MATEO

ALI = upn.make("801200005004")
TO = {"to_school": "Hillside Academy", "to_person": "Mr Ade Bello (DSL)", "method": "in_person"}
# Every spelling of the other children that must not reach Zoë's PDF (compared folded:
# lower case, no accents), and her own, which must.
MATEO_WORDS = ["mateo", "de la cruz", "cruz", fold(MATEO)]
ALI_WORDS = ["ali", "khan", fold(ALI)]
SHIV_WORDS = ["siobhan", "shiv", "o'connor-nguyen", "connor", "nguyen", fold(SHIV)]
OTHERS = MATEO_WORDS + ALI_WORDS + SHIV_WORDS


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


def whole_words(text: str, words: list[str]) -> list[str]:
    """Which of ``words`` occur in ``text`` as whole words, in any case or accents."""
    folded = fold(text)
    return [w for w in words if re.search(rf"(?<![^\W_]){re.escape(w)}(?![^\W_])", folded)]


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    with head_session.store.write() as conn:
        pupils.insert(
            conn, PupilDetails(ALI, "Khan", "Ali", date(2017, 3, 3)), head_session.clock.now()
        )
    session = session_as(Role.DSL)
    session.clock = FixedClock(at("2026-11-02T10:00"))
    case = records.record(
        session,
        Kind.CONCERN,
        factories.concern()
        | {
            "pupils": [MATEO, ZOE],
            "occurred_at": "2026-11-02T09:00",
            "category": "physical_abuse",
            "description": (
                "At break ZOË told Mrs Byrne that mateo had shown her a bruise. Mateo De la "
                f"Cruz ({MATEO}) said his dad did it; De la Cruz was crying."
            ),
            "child_words": "“Dad hit me with the belt,” Mateo told Zoë.",
        },
    )
    casework.act(session, case, {"type": "acknowledge"})
    session.clock = FixedClock(at("2026-11-02T11:00"))
    casework.act(
        session,
        case,
        {
            "type": "triage",
            "decision": "social_care",
            "rationale": "Mateo's disclosure of being hit with a belt: referral to social care.",
        },
    )
    session.clock = FixedClock(at("2026-11-02T15:00"))
    casework.act(
        session,
        case,
        {
            "type": "contact",
            "with_whom": "Ms Rivers, social worker (strategy call)",
            "contact_at": "2026-11-02T14:00",
            "method": "phone",
            "what_was_said": "Strategy discussion about MATEO DE LA CRUZ: to be seen today.",
            "next_step": "Mateo's mother to be told by social care, not school.",
        },
    )
    session.clock = FixedClock(at("2026-11-05T13:00"))
    records.record(
        session,
        Kind.BEHAVIOUR,
        factories.behaviour()
        | {
            "pupils": [
                {"upn": MATEO, "role": "instigator"},
                {"upn": ALI, "role": "target"},
                {"upn": ZOE, "role": "witness"},
            ],
            "occurred_at": "2026-11-05T12:30",
            "description": "Mateo pushed Ali Khan off the bench; Alison (midday) saw it too.",
            "escalation": "ali shouted back at mateo.",
            "antecedent": "Zoë and Ali were playing tag.",
        },
    )
    session.clock = FixedClock(at("2026-11-09T09:00"))
    casework.record_notification(
        session,
        {
            "pupils": [ZOE, SHIV],
            "received_at": "2026-11-09T07:30",
            "received_from": "Operation Encompass",
            "summary": "Police attended; Zoë and Shiv O’Connor-Nguyen were at the address.",
        },
    )
    session.clock = FixedClock(at("2026-11-10T09:00"))
    amendments.amend(session, case, "action_taken", "Told Mateo's teacher, Mr Hale.", "Added")
    return session


def pdf_text_and_metadata(data: bytes) -> tuple[str, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    return text, meta


def test_a_witness_chronology_masks_every_other_child(dsl: Session) -> None:
    found = chronology.open_chronology(dsl, ZOE)
    # Everything that names her stays on her file, whatever her part.
    assert [i.title for i in found.items] == [
        "Safeguarding concern",
        "Acknowledged",
        "Decision",
        "Contact",
        "Behaviour incident",
        "Police notification (Operation Encompass)",
        "Amendment",
    ]
    words = [value for item in found.items for _, value in item.detail]
    words += [item.summary for item in found.items]
    assert whole_words(" ".join(words), OTHERS) == []
    concern, _, decision, call, fight, note, amended = found.items
    pupils_on = dict(concern.detail)["Pupils"]
    assert pupils_on == f"Zoë Wiśniewska ({ZOE}); another pupil (A)"
    assert dict(fight.detail)["Pupils"] == (
        f"Zoë Wiśniewska ({ZOE}), witness; another pupil (A), instigator; another pupil (B), target"
    )
    assert dict(note.detail)["Pupils"] == f"Zoë Wiśniewska ({ZOE}); another pupil (C)"
    assert (
        "At break ZOË told Mrs Byrne that another pupil (A) had shown her"
        in (dict(concern.detail)["What you saw or heard"])
    )
    assert "Alison (midday)" in dict(fight.detail)["What happened"]  # not Ali
    # Casework on the case stays, saying it names another pupil.
    assert dict(decision.detail)["Case also names"] == "another pupil (A)"
    assert dict(call.detail)["What was said"] == (
        "Strategy discussion about another pupil (A): to be seen today."
    )
    assert dict(amended.detail)["Now"] == "Told another pupil (A)'s teacher, Mr Hale."
    assert (found.other_pupils, found.other_pupils_named) == (3, False)


def test_letters_are_the_same_whatever_the_filter(dsl: Session) -> None:
    only = chronology.open_chronology(dsl, ZOE, groups={ItemGroup.BEHAVIOUR})
    (fight,) = only.items
    assert (
        "another pupil (A), instigator; another pupil (B), target" in dict(fight.detail)["Pupils"]
    )
    late = chronology.open_chronology(dsl, ZOE, first_day=date(2026, 11, 9))
    assert "another pupil (C)" in dict(late.items[0].detail)["Pupils"]


def test_the_subject_chronology_masks_the_witness(dsl: Session) -> None:
    found = chronology.open_chronology(dsl, MATEO)
    text = " ".join(v for item in found.items for _, v in item.detail)
    assert whole_words(text, ["zoe", "wisniewska", fold(ZOE), *ALI_WORDS]) == []
    assert "Mateo De la Cruz" in text  # his own name, as written
    assert "Decision" in [i.title for i in found.items]  # his own casework


def test_the_pdf_names_no_other_child_in_text_or_metadata(dsl: Session, tmp_path: Path) -> None:
    target = tmp_path / "zoe.pdf"
    result = export.export_chronology_pdf(dsl, ZOE, target)
    text, meta = pdf_text_and_metadata(target.read_bytes())
    assert whole_words(text, OTHERS) == []
    assert whole_words(meta, [*OTHERS, "zoe", "wisniewska", fold(ZOE)]) == []
    assert PdfReader(target).metadata.title == "Chronology"
    assert "another pupil (A)" in text
    assert "their names and UPNs are masked" in text
    assert "Zoë Wiśniewska" in text
    assert not result.names_other_pupils
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        events = list(audit.events(conn))
    assert events[-1].detail["other_pupils"] == "masked"
    assert "chronology.other_pupils_named" not in [e.action for e in events]


def test_the_transfer_to_her_new_school_names_no_other_child(dsl: Session, tmp_path: Path) -> None:
    target = tmp_path / "transfer.pdf"
    transfers.transfer_case_file(dsl, ZOE, target, TO, password="pale brown owl at noon")
    reader = PdfReader(target)
    assert reader.decrypt("pale brown owl at noon")
    text = "\n".join(p.extract_text() for p in reader.pages)
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    assert whole_words(text, OTHERS) == []
    assert whole_words(meta, [*OTHERS, "zoe", "wisniewska"]) == []
    assert "Receipt of a child protection file" in text
    assert "Strategy discussion about another pupil (A)" in text


def test_included_names_are_audited_and_the_pdf_says_so(dsl: Session, tmp_path: Path) -> None:
    target = tmp_path / "named.pdf"
    result = export.export_chronology_pdf(dsl, ZOE, target, include_other_pupils=True)
    text, meta = pdf_text_and_metadata(target.read_bytes())
    assert result.names_other_pupils
    assert set(whole_words(text, OTHERS)) >= {"mateo", "de la cruz", "ali", "khan", "shiv"}
    assert "Mateo De la Cruz" in text
    assert "chose to include the names of the other pupils" in text  # the cover says so
    assert text.count("names other pupils") == len(PdfReader(target).pages)  # every page
    assert whole_words(meta, OTHERS) == []  # the metadata still names nobody
    for compartment in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR):
        with dsl.compartment(compartment).read() as conn:
            events = list(audit.events(conn))
        named = [e for e in events if e.action == "chronology.other_pupils_named"]
        assert [(e.actor, e.object_id, e.detail["purpose"]) for e in named] == [
            (dsl.user.username, ZOE, "exported")
        ]
        assert events[-1].action == "chronology.exported"
        assert events[-1].detail["other_pupils"] == "named"


def test_included_names_in_a_transfer_are_audited(dsl: Session, tmp_path: Path) -> None:
    target = tmp_path / "named-transfer.pdf"
    result = transfers.transfer_case_file(dsl, ZOE, target, TO, include_other_pupils=True)
    assert result.names_other_pupils
    text, _ = pdf_text_and_metadata(target.read_bytes())
    assert "Mateo De la Cruz" in text
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        events = list(audit.events(conn))
    assert "chronology.other_pupils_named" in [e.action for e in events]
    sent = [e for e in events if e.action == "pupil.file_transferred"]
    assert sent[-1].detail["other_pupils"] == "named"


def test_a_pupil_alone_on_her_records_has_nothing_to_mask_or_name(
    dsl: Session, tmp_path: Path
) -> None:
    lone = upn.make("801200005009")
    with dsl.store.write() as conn:
        pupils.insert(conn, PupilDetails(lone, "Bell", "Ada", date(2017, 1, 1)), dsl.clock.now())
    records.record(
        dsl,
        Kind.CONCERN,
        factories.concern() | {"pupils": [lone], "occurred_at": "2026-11-10T08:00"},
    )
    target = tmp_path / "ada.pdf"
    result = export.export_chronology_pdf(dsl, lone, target, include_other_pupils=True)
    assert not result.names_other_pupils  # there was nobody to name
    text, _ = pdf_text_and_metadata(target.read_bytes())
    assert "None on these records" in text
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        actions = [e.action for e in audit.events(conn)]
    assert "chronology.other_pupils_named" not in actions
