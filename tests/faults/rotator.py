"""A safedesk process for the rotation fault tests: it signs in and changes keys.

    python tests/faults/rotator.py DATA_DIR USER PASSWORD ACTION [ARG] [--upkeep-first]

ACTION is ``disable NAME`` (the one signed in disables NAME: every file NAME could open gets
new keys), ``password NEW`` (the one signed in changes their own password: every file they
open gets new keys) or ``upkeep`` (only what a member owes after signing in, which finishes a
rotation left pending). With ``--upkeep-first`` the upkeep runs before ACTION, as the app
does after its first screen. Run with ``SAFEDESK_KILL_AT=<point>[#N]`` to be killed inside
the rotation (``safedesk.store.kill_points``), or with ``--die-in MODULE:FUNCTION`` to be
killed as that function is first called (a step outside the rotation's named points).

It does what the app does (the one-instance lock, then sign-in) and says on stdout, one line
each, what has *finished*:

    STARTED          imports done
    READY            the lock is held and the user signed in
    UPKEEP <n>       upkeep done, ``n`` rotations finished by it
    ROTATING         the action starts now
    ROTATED          the action returned
    DONE             signed out cleanly
    ERROR <json>     a SafedeskError: {"type": class name, "message": str(error)}

The repository root must be on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from safedesk.domain.errors import SafedeskError
from safedesk.paths import DataPaths
from safedesk.services import upkeep, users, vault
from safedesk.store.crypto import FAST_KDF
from safedesk.store.instance_lock import InstanceLock


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def die_in(target: str) -> None:
    """SIGKILL this process when ``MODULE:FUNCTION`` is first called."""
    module_name, _, name = target.partition(":")
    module = importlib.import_module(module_name)

    def killed(*_args: Any, **_kwargs: Any) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    setattr(module, name, killed)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("user")
    parser.add_argument("password")
    parser.add_argument("action", choices=["disable", "password", "upkeep"])
    parser.add_argument("arg", nargs="?", default="")
    parser.add_argument("--upkeep-first", action="store_true")
    parser.add_argument("--die-in", default=None, metavar="MODULE:FUNCTION")
    args = parser.parse_args()
    say("STARTED")
    paths = DataPaths(args.data_dir)
    try:
        with InstanceLock(paths.lock):
            session = vault.sign_in(paths, args.user, args.password)
            say("READY")
            if args.upkeep_first or args.action == "upkeep":
                report = upkeep.after_sign_in(session)
                say(f"UPKEEP {len(report.rotated)}")
            say("ROTATING")
            if args.die_in:
                die_in(args.die_in)
            if args.action == "disable":
                users.disable_user(session, args.arg)
            elif args.action == "password":
                users.change_own_password(session, args.password, args.arg, FAST_KDF)
            say("ROTATED")
            session.lock()
    except SafedeskError as exc:
        say("ERROR " + json.dumps({"type": type(exc).__name__, "message": str(exc)}))
        return 3
    say("DONE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
