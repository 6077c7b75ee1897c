"""The demo school's retention example: the head holds every record of the story pupil for an
inquiry; and, where the demo has earlier years, a concern about a former pupil transcribed
from the school's old paper book (dated as the book has it), closed by the DSL, and long past
its date (the pupil's date of birth + 25 years), waiting in the head's review list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from safedesk.demo.casework import rich_pupil
from safedesk.demo.pupils import to_mis_csv
from safedesk.domain import upn
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.paths import DataPaths
from safedesk.services import casework, intake, records, retention, vault
from safedesk.services.pupil_import import import_pupils
from safedesk.services.session import Session

# Allocated in 1995 (the UPN's year digits): no demo pupil's UPN is from before 2005.
FORMER_PUPIL = PupilDetails(
    upn=upn.make("938200195900"),
    legal_surname="Whitlock",
    legal_forename="Kieran",
    date_of_birth=date(1991, 3, 14),
    gender="M",
)
HOLD_REASON = (
    "Local child safeguarding practice review: keep every record of this pupil until it "
    "has reported"
)


def add_retention(
    paths: DataPaths,
    password: str,
    roll: Sequence[PupilDetails],
    now: datetime,
    *,
    with_paper_book: bool,
) -> None:
    """The head's hold on the story pupil; with ``with_paper_book``, the transcribed record."""
    head = vault.sign_in(paths, "head", password)
    clock = head.clock
    try:
        if with_paper_book:
            head.clock = FixedClock(now)  # nothing recorded after the demo's "now"
            _transcribe_from_the_paper_book(head)
            head.clock = clock
        # On the real clock: after the school was set up with its headteacher, as verify
        # requires of a hold (only the headteacher then places one).
        retention.add_hold(head, upn=rich_pupil(roll).upn, reason=HOLD_REASON)
    finally:
        head.lock()


def _transcribe_from_the_paper_book(head: Session) -> str:
    """The office put the leaver back from the MIS's leavers' export; the head copies the
    paper book's entry in, as it was written in 2001, and closes it as the book did."""
    import_pupils(head, to_mis_csv([FORMER_PUPIL]))
    ref = records.record(
        head,
        Kind.CONCERN,
        {
            "pupils": [FORMER_PUPIL.upn],
            "occurred_at": "2001-06-12T10:15:00",
            "category": "neglect",
            "urgency": "routine",
            "description": (
                "Transcribed from the safeguarding book (1999-2004), page 41: came to school "
                "in the same clothes all week; told the class teacher he had made his own tea."
            ),
            "child_words": "“I can do the beans myself.”",
        },
    )
    for compartment in list(head.compartments):
        intake.take_in(head, compartment)
    casework.act(
        head,
        ref,
        {
            "type": "triage",
            "decision": "no_further_action",
            "rationale": "As the book records: the family were seen and support was in place.",
        },
    )
    casework.act(
        head,
        ref,
        {
            "type": "closure",
            "outcome": "Closed in 2001, as the book records.",
            "rationale": "Transcribed from the paper book; nothing further was recorded there.",
        },
    )
    return ref
