"""Exporting a chronology to PDF: permitted like opening it, audited, optionally encrypted.

The document is built in memory and written once, to the file the person chose; a failure or a
cancellation leaves no file behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from safedesk.domain.chronology import ItemGroup
from safedesk.domain.errors import SafedeskError, ValidationError
from safedesk.reports.pdf_base import Cancelled, ExportCancelled, Progress, encrypt, page_count
from safedesk.services.chronology import open_chronology
from safedesk.services.session import Session

MIN_PDF_PASSWORD = 8


class ExportFailed(SafedeskError):
    pass


@dataclass(frozen=True)
class ExportResult:
    path: Path
    items: int
    pages: int
    encrypted: bool


def export_chronology_pdf(
    session: Session,
    upn: str,
    target: Path,
    *,
    password: str | None = None,
    groups: Iterable[ItemGroup] | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportResult:
    from safedesk.reports.chronology_pdf import render_chronology  # reportlab: loaded on use

    if password is not None and len(password) < MIN_PDF_PASSWORD:
        raise ValidationError(
            {"password": f"must be at least {MIN_PDF_PASSWORD} characters to be worth having"}
        )
    if not target.parent.is_dir():
        raise ValidationError({"file": f"the folder {target.parent} does not exist"})
    chronology = open_chronology(
        session, upn, groups=groups, first_day=first_day, last_day=last_day, purpose="exported"
    )
    pdf = render_chronology(chronology, progress=progress, cancelled=cancelled)
    if cancelled is not None and cancelled():
        raise ExportCancelled
    pages = page_count(pdf)
    if password:
        pdf = encrypt(pdf, password)
    write_once(target, pdf)
    return ExportResult(target, len(chronology.items), pages, bool(password))


def write_once(target: Path, data: bytes) -> None:
    try:
        with open(target, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise ExportFailed(
            f"Could not write {target.name}: {exc.strerror}. Nothing was saved; "
            "try another folder or free some space."
        ) from None
