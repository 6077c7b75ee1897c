"""Case-file transfer when a pupil leaves: the whole file as a PDF with a receipt page, the
transfer recorded (when, to whom, how), and the receipt's confirmation followed up in the queue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safedesk.domain.casework import validate_fields
from safedesk.domain.chronology import ItemGroup
from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.roles import Permission
from safedesk.domain.transfer import (
    RECEIPT_FIELDS,
    TRANSFER_FIELDS,
    StoredTransfer,
    TransferDetails,
)
from safedesk.reports.pdf_base import Cancelled, ExportCancelled, Progress, encrypt, page_count
from safedesk.services.chronology import open_chronology
from safedesk.services.export import MIN_PDF_PASSWORD, write_once
from safedesk.services.session import Session
from safedesk.store import pupils, transfers

_DOING = "transfer a pupil's child protection file"
SAFEGUARDING = Compartment.SAFEGUARDING


@dataclass(frozen=True)
class TransferResult:
    ref: str
    path: Path
    items: int
    pages: int
    encrypted: bool


def transfer_case_file(
    session: Session,
    upn: str,
    target: Path,
    payload: Mapping[str, Any],
    *,
    password: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> TransferResult:
    """Writes the whole file (every group) with a receipt page, then records the transfer."""
    from safedesk.reports.chronology_pdf import render_chronology

    session.require(Permission.CASEWORK, _DOING)
    now = session.clock.now()
    values = validate_fields(
        TRANSFER_FIELDS, {"sent_at": now} | dict(payload), now=now, extra=set()
    )
    if password is not None and len(password) < MIN_PDF_PASSWORD:
        raise ValidationError({"password": f"must be at least {MIN_PDF_PASSWORD} characters"})
    if not target.parent.is_dir():
        raise ValidationError({"file": f"the folder {target.parent} does not exist"})
    store = session.compartment(SAFEGUARDING, _DOING)
    with store.read() as conn:
        found = pupils.by_upns(conn, [upn.strip().upper()], schema="school")
        if not found:
            raise NotFound(f"There is no pupil with UPN {upn}.")
        pupil = next(iter(found.values()))
        ref = transfers.next_ref(conn, now.astimezone().year)
    details = TransferDetails(
        ref,
        str(values["to_school"]).strip(),
        str(values["to_person"]).strip(),
        str(values["method"]),
        values["sent_at"],  # type: ignore[arg-type]
        session.user.display_name,
    )
    chronology = open_chronology(session, pupil.upn, groups=set(ItemGroup), purpose="transferred")
    pdf = render_chronology(chronology, progress=progress, cancelled=cancelled, transfer=details)
    if cancelled is not None and cancelled():
        raise ExportCancelled
    pages = page_count(pdf)
    if password:
        pdf = encrypt(pdf, password)
    write_once(target, pdf)
    try:
        with store.write() as conn:
            transfers.insert(
                conn,
                pupils.upsert_copy(conn, pupil.details),
                details,
                items=len(chronology.items),
                author=session.user.username,
                at=now,
            )
            session.audit(
                conn,
                "pupil.file_transferred",
                object_type="pupil",
                object_id=pupil.upn,
                detail={"ref": ref, "items": len(chronology.items), "method": details.method},
            )
    except BaseException:
        target.unlink(missing_ok=True)  # a file that was never recorded as sent must not exist
        raise
    return TransferResult(ref, target, len(chronology.items), pages, bool(password))


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
            when = f"{found.confirmed_on:%d/%m/%Y}"
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
