"""safedesk-admin adult-concern: any member of staff passes on a concern about an adult working
in the school, sealed to the headteacher (or, about the headteacher, the chair of governors),
as the app's "Concern about an adult…" does. Nothing of the concern is printed or logged; the
author keeps no copy.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from safedesk.cli.allegation_commands import SAID_AS, said_as_here
from safedesk.cli.common import EXIT_NOT_ALLOWED, EXIT_OK, out, signed_in
from safedesk.cli.json_input import read_json
from safedesk.domain.allegations import adult_concern_from
from safedesk.domain.errors import ValidationError
from safedesk.paths import DataPaths
from safedesk.services import adult_concerns, inbox
from safedesk.services.session import Session

FIELDS = ("subject", "subject_role", "what", "occurred_at")
SWITCHES = ("low_level", "about_head")


def _payload(source: str) -> dict[str, Any]:
    """The JSON object, checked for its shape before the password is asked for."""
    payload = read_json(source)
    names = ", ".join(f'"{f}"' for f in FIELDS)
    if not isinstance(payload, dict):
        raise ValidationError({"json": f"must be one JSON object with {names}"})
    problems = {
        str(key): f'is not a field here (the fields are {names}, "low_level" and "about_head")'
        for key in payload
        if key not in (*FIELDS, *SWITCHES)
    }
    for switch in SWITCHES:
        if switch in payload and not isinstance(payload[switch], bool):
            problems[switch] = "must be true or false"
    if problems:
        # Every problem at once: the fields' own too, as the service would name them.
        try:
            adult_concern_from(
                "low_level_concern" if payload.get("low_level") is True else "allegation",
                {
                    "subject_name": payload.get("subject"),
                    "subject_role": payload.get("subject_role"),
                    "what": payload.get("what"),
                    "happened_at": payload.get("occurred_at"),
                },
                raised_by="you",
                now=datetime.now().astimezone(),
            )
        except ValidationError as exc:
            for field, problem in exc.problems.items():
                problems.setdefault(SAID_AS.get(field, field), problem)
        raise ValidationError(problems)
    return payload


def _subject(session: Session, given: object) -> dict[str, Any]:
    """``subject``: a colleague's username (their account is named with it), else a name."""
    if isinstance(given, str):
        wanted = given.strip().casefold()
        if any(c.username == wanted for c in adult_concerns.colleagues(session)):
            return {"subject_username": wanted, "subject_name": ""}
    return {"subject_username": None, "subject_name": given}


def cmd_adult_concern(args: argparse.Namespace, paths: DataPaths) -> int:
    payload = _payload(args.json)
    with signed_in(args, paths, exclusive=False) as session, said_as_here():
        try:
            raised = adult_concerns.raise_concern(
                session,
                {
                    **_subject(session, payload.get("subject")),
                    "subject_role": payload.get("subject_role"),
                    "what": payload.get("what"),
                    "happened_at": payload.get("occurred_at"),
                    "low_level": payload.get("low_level", False),
                    "about_head": payload.get("about_head", False),
                },
            )
        except (adult_concerns.NobodyToReceive, inbox.NotConfirmed) as refused:
            # Not a mistake in the input: this account cannot pass it on here yet.
            print(str(refused), file=sys.stderr)
            return EXIT_NOT_ALLOWED
    out(raised.message)
    return EXIT_OK


def add_parser(
    command: Callable[..., argparse.ArgumentParser], acting: argparse.ArgumentParser
) -> None:
    """``adult-concern``; ``command`` is cli.main's helper (name, handler, help, *parents)."""
    concern = command(
        "adult-concern",
        cmd_adult_concern,
        "pass on a concern about an adult working in the school, sealed to the headteacher "
        "(or, about the headteacher, the chair of governors)",
        acting,
    )
    concern.add_argument(
        "--json",
        required=True,
        help='a file holding {"subject", "subject_role", "what", "occurred_at"}, optional '
        '"low_level": true (a low-level concern) and "about_head": true (to the chair of '
        "governors) ('-': stdin)",
    )
