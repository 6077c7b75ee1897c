"""safedesk-admin report governors / inspection: the leaders' PDFs (a contract: scripts use
it). Each prints the file written and its page count; an existing file is never replaced
(exit 2: choose another name)."""

from __future__ import annotations

import argparse
from pathlib import Path

from safedesk.cli.common import EXIT_OK, out, signed_in
from safedesk.cli.queue_commands import _day
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted
from safedesk.paths import DataPaths
from safedesk.services import leader_reports


def cmd_report_governors(args: argparse.Namespace, paths: DataPaths) -> int:
    return _report(args, paths, leader_reports.GOVERNORS)


def cmd_report_inspection(args: argparse.Namespace, paths: DataPaths) -> int:
    return _report(args, paths, leader_reports.INSPECTION)


def _report(args: argparse.Namespace, paths: DataPaths, report: str) -> int:
    first = _day(args.first, "--from")
    last = _day(args.last, "--to")
    if last < first:
        raise ValidationError({"--to": "must be on or after the --from date"})
    target = Path(args.pdf).expanduser().resolve()
    write = (
        leader_reports.write_governors_report
        if report == leader_reports.GOVERNORS
        else leader_reports.write_inspection_pack
    )
    with signed_in(args, paths, exclusive=False) as session:
        result = write(session, first, last, target)
    out(f"{result.path}: {counted(result.pages, 'page')}")
    return EXIT_OK
