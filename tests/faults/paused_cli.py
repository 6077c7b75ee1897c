"""safedesk-admin, paused at one point until told to carry on (the restore fault tests).

    SAFEDESK_PAUSE_AT=POINT python tests/faults/paused_cli.py SAFEDESK-ADMIN ARGUMENTS…

POINT is a kill point's name (``safedesk.store.kill_points``, e.g. ``restore.aside_done``) or
``MODULE:FUNCTION`` (paused as that function is first called, e.g.
``safedesk.services.records:record``: after sign-in, before the record is made). There (the
first time only) the process prints ``PAUSED POINT`` on stdout and waits for a line on
stdin, then carries on as safedesk-admin would: its exit code and output are the real
command's. Without the variable it is plain safedesk-admin. ``SAFEDESK_KILL_AT`` works as in
the product.

The repository root must be on PYTHONPATH.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

from safedesk.cli.main import main
from safedesk.store import kill_points

PAUSE_ENV = "SAFEDESK_PAUSE_AT"


_paused: set[str] = set()


def pause(point: str) -> None:
    """Only the first time the point is reached."""
    if point in _paused:
        return
    _paused.add(point)
    sys.stdout.write(f"PAUSED {point}\n")
    sys.stdout.flush()
    sys.stdin.readline()


def pause_at(point: str) -> None:
    if ":" in point:
        module_name, _, name = point.partition(":")
        module = importlib.import_module(module_name)
        original: Callable[..., Any] = getattr(module, name)

        @functools.wraps(original)
        def paused(*args: Any, **kwargs: Any) -> Any:
            pause(point)
            return original(*args, **kwargs)

        setattr(module, name, paused)
        return
    reached = kill_points.reached

    def reached_or_paused(name: str) -> None:
        if name == point:
            pause(point)
        reached(name)

    kill_points.reached = reached_or_paused  # type: ignore[assignment]


if __name__ == "__main__":
    wanted = os.environ.get(PAUSE_ENV)
    if wanted:
        pause_at(wanted)
    sys.exit(main(sys.argv[1:]))
