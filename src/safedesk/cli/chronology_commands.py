"""safedesk-admin chronology and transfer: a pupil's file as a PDF (a contract: scripts use it)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from safedesk.cli.common import EXIT_OK, UsageError, out, signed_in
from safedesk.cli.queue_commands import _day
from safedesk.domain.errors import ValidationError
from safedesk.paths import DataPaths
from safedesk.services import export, transfers

# The name of an environment variable, not a secret.
PDF_PASSWORD_ENV = "SAFEDESK_PDF_PASSWORD"  # noqa: S105


_NAMED = "; it names other pupils (audited)"


def _pdf_password() -> str | None:
    """The password for --encrypt, refused here if it is too weak (before signing in)."""
    password = os.environ.get(PDF_PASSWORD_ENV)
    if not password:
        raise UsageError(f"--encrypt needs the PDF's password in {PDF_PASSWORD_ENV}.")
    if problem := export.pdf_password_problem(password):
        raise ValidationError({"password": f"{problem} ({PDF_PASSWORD_ENV})"})
    return password


def cmd_chronology(args: argparse.Namespace, paths: DataPaths) -> int:
    first = _day(args.first, "--from") if args.first else None
    last = _day(args.last, "--to") if args.last else None
    password = _pdf_password() if args.encrypt else None
    target = Path(args.pdf).expanduser().resolve()
    with signed_in(args, paths, exclusive=False) as session:
        result = export.export_chronology_pdf(
            session,
            args.pupil,
            target,
            password=password,
            first_day=first,
            last_day=last,
            include_other_pupils=args.include_other_pupils,
        )
    lock = " (encrypted, AES-256)" if result.encrypted else ""
    named = _NAMED if result.names_other_pupils else ""
    out(f"{result.path}: {result.items} items on {result.pages} pages{lock}{named}")
    return EXIT_OK


def cmd_transfer(args: argparse.Namespace, paths: DataPaths) -> int:
    password = _pdf_password() if args.encrypt else None
    target = Path(args.pdf).expanduser().resolve()
    payload = {"to_school": args.to_school, "to_person": args.to_person, "method": args.method}
    with signed_in(args, paths, exclusive=False) as session:
        result = transfers.transfer_case_file(
            session,
            args.pupil,
            target,
            payload,
            password=password,
            include_other_pupils=args.include_other_pupils,
        )
    named = _NAMED if result.names_other_pupils else ""
    out(result.ref)
    out(f"{result.path}: {result.items} items on {result.pages} pages, with a receipt page{named}")
    return EXIT_OK


def cmd_transfer_received(args: argparse.Namespace, paths: DataPaths) -> int:
    payload = {"confirmed_on": args.on, "confirmed_by": args.confirmed_by, "note": args.note}
    with signed_in(args, paths, exclusive=False) as session:
        transfers.confirm_receipt(session, args.ref, payload)
    out(f"{args.ref.upper()}: receipt confirmed")
    return EXIT_OK
