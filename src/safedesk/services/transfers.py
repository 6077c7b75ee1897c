"""Case-file transfer when a pupil leaves: the whole file as a PDF with a receipt page, the
transfer recorded (when, to whom, how), and the receipt's confirmation followed up in the queue.

The file is about one child, as a chronology is (``services.chronology``): other pupils are
masked unless the DSL includes their names (audited, and printed on the PDF).

A PDF that exists was recorded as sent. The reference (printed on the receipt page) is taken
inside the write transaction that records the transfer, so two transfers at once get two
numbers; the PDF is rendered beforehand with the number that was next, and again inside the
transaction only if another transfer took it meanwhile. The PDF is written beside the
target as a ``.partial`` file (``services.export``) before the transaction commits and
renamed onto the target after: a crash before the commit leaves no PDF (at most the
``.partial`` file) and no record; a crash between the commit and the rename leaves the
transfer recorded and waiting in the queue, with its PDF still in the ``.partial`` file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safedesk.domain.casework import validate_fields
from safedesk.domain.chronology import ItemGroup
from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.roles import Permission
from safedesk.domain.transfer import (
    RECEIPT_FIELDS,
    TRANSFER_FIELDS,
    StoredTransfer,
    TransferDetails,
)
from safedesk.reports.pdf_base import Cancelled, ExportCancelled, Progress, encrypt, page_count
from safedesk.services import export
from safedesk.services.chronology import Chronology, open_chronology
from safedesk.services.session import Session
from safedesk.store import kill_points, pupils, transfers

_DOING = "transfer a pupil's child protection file"
SAFEGUARDING = Compartment.SAFEGUARDING


@dataclass(frozen=True)
class TransferResult:
    ref: str
    path: Path
    items: int
    pages: int
    encrypted: bool
    names_other_pupils: bool = False


def transfer_case_file(
    session: Session,
    upn: str,
    target: Path,
    payload: Mapping[str, Any],
    *,
    password: str | None = None,
    include_other_pupils: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> TransferResult:
    """Writes the whole file (every group) with a receipt page, then records the transfer."""
    session.require(Permission.CASEWORK, _DOING)
    now = session.clock.now()
    values = validate_fields(
        TRANSFER_FIELDS, {"sent_at": now} | dict(payload), now=now, extra=set()
    )
    export.check_password(password)
    target = export.check_target(session, target)
    store = session.compartment(SAFEGUARDING, _DOING)
    with store.read() as conn:
        found = pupils.by_upns(conn, [upn.strip().upper()], schema="school")
        if not found:
            raise NotFound(f"There is no pupil with UPN {upn}.")
        pupil = next(iter(found.values()))
        year = now.astimezone().year
        likely = transfers.next_ref(conn, year)

    def details(ref: str) -> TransferDetails:
        return TransferDetails(
            ref,
            str(values["to_school"]).strip(),
            str(values["to_person"]).strip(),
            str(values["method"]),
            values["sent_at"],  # type: ignore[arg-type]
            session.user.display_name,
        )

    chronology = open_chronology(
        session,
        pupil.upn,
        groups=set(ItemGroup),
        purpose="transferred",
        include_other_pupils=include_other_pupils,
    )
    pdf, pages = _render(chronology, details(likely), password, progress, cancelled)
    partial: Path | None = None
    try:
        with store.write() as conn:
            ref = transfers.next_ref(conn, year)
            if ref != likely:  # another transfer took that number while this one rendered
                pdf, pages = _render(chronology, details(ref), password, progress, cancelled)
            partial = export.write_partial(target, pdf)
            kill_points.reached("transfer.pdf_written")
            transfers.insert(
                conn,
                pupils.upsert_copy(conn, pupil.details),
                details(ref),
                items=len(chronology.items),
                author=session.user.username,
                at=now,
            )
            session.audit(
                conn,
                "pupil.file_transferred",
                object_type="pupil",
                object_id=pupil.upn,
                detail={
                    "ref": ref,
                    "items": len(chronology.items),
                    "method": str(values["method"]),
                    "other_pupils": "named" if chronology.other_pupils_named else "masked",
                },
            )
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)  # never recorded as sent: it must not exist
        raise
    kill_points.reached("transfer.recorded")
    try:
        export.publish(partial, target)
    except export.ExportFailed:
        raise export.ExportFailed(
            f"Transfer {ref} was recorded, but its PDF could not be saved as {target.name}. "
            "Export the chronology again (every kind, no dates) to send instead, and note it "
            "when the receipt is confirmed."
        ) from None
    return TransferResult(
        ref,
        target,
        len(chronology.items),
        pages,
        bool(password),
        chronology.other_pupils_named,
    )


def _render(
    chronology: Chronology,
    transfer: TransferDetails,
    password: str | None,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> tuple[bytes, int]:
    """The transfer's PDF (encrypted if there is a password) and its number of pages."""
    from safedesk.reports.chronology_pdf import render_chronology  # reportlab: loaded on use

    pdf = render_chronology(chronology, progress=progress, cancelled=cancelled, transfer=transfer)
    if cancelled is not None and cancelled():
        raise ExportCancelled
    pages = page_count(pdf)
    return (encrypt(pdf, password) if password else pdf), pages


def confirm_receipt(session: Session, ref: str, payload: Mapping[str, Any]) -> None:
    """The receiving school confirmed it has the file: the follow-up leaves the queue."""
    session.require(Permission.CASEWORK, _DOING)
    now = session.clock.now()
    values = validate_fields(RECEIPT_FIELDS, payload, now=now)
    with session.compartment(SAFEGUARDING, _DOING).write() as conn:
        found = transfers.by_ref(conn, ref.strip().upper())
        if found is None:
            raise NotFound(f"There is no transfer {ref}.")
        if found.confirmed_on is not None:
            when = date_text(found.confirmed_on)
            raise ValidationError({"ref": f"{found.ref}'s receipt was already confirmed on {when}"})
        transfers.add_receipt(
            conn,
            found.id,
            values["confirmed_on"],  # type: ignore[arg-type]
            str(values["confirmed_by"]).strip(),
            values.get("note"),  # type: ignore[arg-type]
            author=session.user.username,
            at=now,
        )
        session.audit(
            conn, "pupil.transfer_received", object_type="pupil", object_id=found.pupil_upn
        )


def pupil_transfers(session: Session, upn: str) -> list[StoredTransfer]:
    session.require(Permission.CASEWORK, _DOING)
    with session.compartment(SAFEGUARDING, _DOING).read() as conn:
        wanted = upn.strip().upper()
        if not pupils.by_upns(conn, [wanted], schema="school"):
            raise NotFound(f"There is no pupil with UPN {upn}.")
        copy = pupils.copy_ids(conn, [wanted])
        return transfers.for_pupil(conn, copy[wanted]) if copy else []
