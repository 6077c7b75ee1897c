"""safedesk-admin chronology and transfer: a pupil's file as a PDF (a contract: scripts use it)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from safedesk.cli.common import EXIT_OK, UsageError, out, signed_in
from safedesk.cli.queue_commands import _day
from safedesk.paths import DataPaths
from safedesk.services import export, transfers

# The name of an environment variable, not a secret.
PDF_PASSWORD_ENV = "SAFEDESK_PDF_PASSWORD"  # noqa: S105


def cmd_chronology(args: argparse.Namespace, paths: DataPaths) -> int:
    first = _day(args.first, "--from") if args.first else None
    last = _day(args.last, "--to") if args.last else None
    password = None
    if args.encrypt:
        password = os.environ.get(PDF_PASSWORD_ENV)
        if not password:
            raise UsageError(f"--encrypt needs the PDF's password in {PDF_PASSWORD_ENV}.")
    target = Path(args.pdf).expanduser().resolve()
    with signed_in(args, paths, exclusive=False) as session:
        result = export.export_chronology_pdf(
            session, args.pupil, target, password=password, first_day=first, last_day=last
        )
    lock = " (encrypted, AES-256)" if result.encrypted else ""
    out(f"{result.path}: {result.items} items on {result.pages} pages{lock}")
    return EXIT_OK


def cmd_transfer(args: argparse.Namespace, paths: DataPaths) -> int:
    password = None
    if args.encrypt:
        password = os.environ.get(PDF_PASSWORD_ENV)
        if not password:
            raise UsageError(f"--encrypt needs the PDF's password in {PDF_PASSWORD_ENV}.")
    target = Path(args.pdf).expanduser().resolve()
    payload = {"to_school": args.to_school, "to_person": args.to_person, "method": args.method}
    with signed_in(args, paths, exclusive=False) as session:
        result = transfers.transfer_case_file(
            session, args.pupil, target, payload, password=password
        )
    out(result.ref)
    out(f"{result.path}: {result.items} items on {result.pages} pages, with a receipt page")
    return EXIT_OK


def cmd_transfer_received(args: argparse.Namespace, paths: DataPaths) -> int:
    payload = {"confirmed_on": args.on, "confirmed_by": args.confirmed_by, "note": args.note}
    with signed_in(args, paths, exclusive=False) as session:
        transfers.confirm_receipt(session, args.ref, payload)
    out(f"{args.ref.upper()}: receipt confirmed")
    return EXIT_OK
