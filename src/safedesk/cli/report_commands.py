"""safedesk-admin report governors / inspection: the leaders' PDFs (a contract: scripts use
it)."""

from __future__ import annotations

import argparse

from safedesk.cli.common import UsageError
from safedesk.paths import DataPaths


def cmd_report_governors(args: argparse.Namespace, paths: DataPaths) -> int:
    raise UsageError("the governors' report is not built yet")


def cmd_report_inspection(args: argparse.Namespace, paths: DataPaths) -> int:
    raise UsageError("the inspection pack is not built yet")
