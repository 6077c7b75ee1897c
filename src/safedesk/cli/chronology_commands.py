"""safedesk-admin chronology: a pupil's chronology as a PDF (a contract: scripts use it)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from safedesk.cli.common import EXIT_OK, UsageError, out, signed_in
from safedesk.cli.queue_commands import _day
from safedesk.paths import DataPaths
from safedesk.services import export

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
