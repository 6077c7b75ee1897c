"""safedesk-admin analysis: the leaders' figures as JSON (a contract: scripts use it)."""

from __future__ import annotations

import argparse

from safedesk.cli.common import UsageError
from safedesk.paths import DataPaths


def cmd_analysis(args: argparse.Namespace, paths: DataPaths) -> int:
    raise UsageError("analysis is not built yet")
