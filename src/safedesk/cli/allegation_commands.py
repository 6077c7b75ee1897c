"""safedesk-admin allegation and low-level: allegations about staff and the low-level concerns
log, for the headteacher (and, about the headteacher, the chair of governors).

An allegation's reference is ``ALLEGATION-<number>`` in the head's file (as the queue names
it) and ``ALLEGATION-HEAD-<number>`` in the chair's, so a reference says which file it is in.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from safedesk.cli.common import EXIT_OK, UsageError, out, signed_in
from safedesk.cli.json_input import read_json
from safedesk.cli.record_commands import local_iso
from safedesk.domain.allegations import Allegation, LowLevelConcern, Outcome, Pattern
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text, moment_text
from safedesk.domain.roles import Permission
from safedesk.domain.text import one_line
from safedesk.paths import DataPaths
from safedesk.services import allegations, users
from safedesk.services.school_calendar import get_calendar
from safedesk.services.session import Session

REFERENCE = re.compile(r"(?i)^\s*(?:ALLEGATION-(HEAD-)?)?(\d{1,18})\s*$")

ALLEGATION_FIELDS = ("subject", "subject_role", "alleged", "raised_by", "occurred_at")
LOW_LEVEL_FIELDS = ("subject", "subject_role", "what", "raised_by", "occurred_at")

# The service's field names, as this command's users see them (JSON fields and flags).
SAID_AS = {
    "subject_name": "subject",
    "subject_username": "subject",
    "happened_at": "occurred_at",
    "lado_name": "--officer",
    "contacted_at": "--at",
    "outcome": "--outcome",
    "decided_on": "--on",
    "reason": "--reason",
    "field": "--field",
    "new value": "--value",
}

# ``low-level correct --field``: the names `low-level add --json` uses, as the service's.
LOW_LEVEL_CORRECTABLE = {
    "subject": "subject_name",
    "subject_role": "subject_role",
    "what": "what",
    "raised_by": "raised_by",
    "occurred_at": "happened_at",
}
FIELD_SAID_AS = {service: said for said, service in LOW_LEVEL_CORRECTABLE.items()}


def reference(allegation_id: int, *, about_head: bool) -> str:
    return f"ALLEGATION-{'HEAD-' if about_head else ''}{allegation_id}"


@contextmanager
def said_as_here() -> Iterator[None]:
    """A refusal names each field as this command's user typed it."""
    try:
        yield
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for field, problem in exc.problems.items():
            problems.setdefault(SAID_AS.get(field, field), problem)
        raise ValidationError(problems) from None


def _chair_only(session: Session) -> bool:
    """The chair of governors keeps only the file about the head: it is their default."""
    return session.user.can(Permission.ALLEGATIONS_ABOUT_HEAD) and not session.user.can(
        Permission.ALLEGATIONS
    )


def _files(session: Session) -> list[bool]:
    """The files this person keeps (``about_head`` for each); none: the head's, refused."""
    kept = [
        about_head
        for about_head, permission in (
            (False, Permission.ALLEGATIONS),
            (True, Permission.ALLEGATIONS_ABOUT_HEAD),
        )
        if session.user.can(permission)
    ]
    return kept or [False]


def _payload(source: str, fields: tuple[str, ...]) -> dict[str, Any]:
    """The JSON object, checked for its shape before the password is asked for."""
    payload = read_json(source)
    names = ", ".join(f'"{f}"' for f in fields)
    if not isinstance(payload, dict):
        raise ValidationError({"json": f"must be one JSON object with {names}"})
    problems = {
        str(key): f'is not a field here (the fields are {names} and "about_head")'
        for key in payload
        if key not in (*fields, "about_head")
    }
    if "about_head" in payload and not isinstance(payload["about_head"], bool):
        problems["about_head"] = "must be true or false"
    if problems:
        raise ValidationError(problems)
    return payload


def _subject(session: Session, given: object) -> dict[str, Any]:
    """``subject``: an account's username (its name is recorded with it), else a name."""
    if not isinstance(given, str) or not session.user.can(Permission.USER_LIST):
        return {"subject_name": given}
    wanted = given.strip().casefold()
    account = next((u for u in users.list_users(session) if u.username == wanted), None)
    if account is None:
        return {"subject_name": given}
    return {"subject_username": account.username, "subject_name": account.display_name}


def _service_payload(session: Session, payload: Mapping[str, Any], text: str) -> dict[str, Any]:
    return {
        **_subject(session, payload.get("subject")),
        "subject_role": payload.get("subject_role"),
        text: payload.get(text),
        "raised_by": payload.get("raised_by"),
        "happened_at": payload.get("occurred_at"),
    }


def _about_head(session: Session, payload: Mapping[str, Any]) -> bool:
    about_head = payload.get("about_head")
    return _chair_only(session) if about_head is None else bool(about_head)


def cmd_allegation_add(args: argparse.Namespace, paths: DataPaths) -> int:
    payload = _payload(args.json, ALLEGATION_FIELDS)
    with signed_in(args, paths, exclusive=False) as session, said_as_here():
        about_head = _about_head(session, payload)
        number = allegations.record_allegation(
            session, _service_payload(session, payload, "alleged"), about_head=about_head
        )
    out(reference(number, about_head=about_head))
    return EXIT_OK


def _which(session: Session, given: str) -> tuple[int, bool]:
    """The allegation's number and file from its reference (a bare number: this person's)."""
    match = REFERENCE.match(given)
    if match is None:
        raise UsageError(
            f"{given!r} is not an allegation's reference: give it as 'allegation list' shows it, "
            "e.g. ALLEGATION-3 (or ALLEGATION-HEAD-1 in the chair of governors' file)."
        )
    named_head = match.group(1) is not None
    about_head = named_head or (not given.strip()[:1].isalpha() and _chair_only(session))
    return int(match.group(2)), about_head


def cmd_allegation_lado(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session, said_as_here():
        number, about_head = _which(session, args.id)
        at = args.at if args.at is not None else local_iso(session.clock.now())
        allegations.record_lado_contact(
            session, number, {"contacted_at": at, "lado_name": args.officer}, about_head=about_head
        )
    out(f"{reference(number, about_head=about_head)}: the LADO's contact is recorded.")
    return EXIT_OK


def cmd_allegation_outcome(args: argparse.Namespace, paths: DataPaths) -> int:
    """The outcome; with ``--reason``, a correction of the outcome already recorded."""
    with signed_in(args, paths, exclusive=False) as session, said_as_here():
        number, about_head = _which(session, args.id)
        if args.reason is None:
            allegations.record_outcome(
                session,
                number,
                {"outcome": args.outcome, "decided_on": args.on},
                about_head=about_head,
            )
        else:
            allegations.correct_outcome(
                session, number, args.outcome, args.on, args.reason, about_head=about_head
            )
    done = "recorded" if args.reason is None else "corrected"
    out(f"{reference(number, about_head=about_head)}: the outcome is {done}.")
    return EXIT_OK


def _outcome_corrections_json(found: Allegation) -> list[dict[str, Any]]:
    return [
        {
            "outcome": c.outcome.value,
            "outcome_on": c.decided_on.isoformat(),
            "was": c.old_outcome.value,
            "was_on": c.old_decided_on.isoformat(),
            "reason": c.reason,
            "recorded_by": c.recorded_by,
            "recorded_at": local_iso(c.recorded_at),
        }
        for c in found.outcome_corrections
    ]


def allegation_json(found: Allegation, *, about_head: bool, due: datetime) -> dict[str, Any]:
    """``outcome`` and ``outcome_on`` are the outcome now (as last corrected); the outcome as
    first recorded and each correction are in ``outcome_corrections``."""
    lado, decision = found.lado_contacted, found.decision
    return {
        "id": found.id,
        "reference": reference(found.id, about_head=about_head),
        "about_head": about_head,
        "subject": found.current("subject_name"),
        "subject_username": found.subject.username,
        "subject_role": found.current("subject_role"),
        "alleged": found.current("alleged"),
        "raised_by": found.current("raised_by"),
        "occurred_at": local_iso(datetime.fromisoformat(found.current("happened_at"))),
        "recorded_by": found.recorded_by,
        "recorded_at": local_iso(found.recorded_at),
        "lado_due": local_iso(due),
        "lado_contacted_at": local_iso(lado.at) if lado else None,
        "lado_officer": lado.lado_name if lado else None,
        "outcome": decision.outcome.value if decision else None,
        "outcome_on": decision.decided_on.isoformat() if decision else None,
        "outcome_corrections": _outcome_corrections_json(found),
    }


def cmd_allegation_list(args: argparse.Namespace, paths: DataPaths) -> int:
    rows: list[tuple[Allegation, bool, datetime]] = []
    with signed_in(args, paths, exclusive=False) as session:
        for about_head in _files(session):
            found = allegations.list_allegations(session, about_head=about_head)
            calendar = get_calendar(session) if found else None
            for one in found:
                assert calendar is not None
                due = calendar.add_working_days(one.recorded_at, allegations.LADO_WORKING_DAYS)
                rows.append((one, about_head, due))
    if args.json:
        listed = [allegation_json(a, about_head=h, due=d) for a, h, d in rows]
        out(json.dumps(listed, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        out("No allegation is recorded.")
    for one, about_head, due in rows:
        lado = one.lado_contacted
        decision = one.decision
        told = (
            f"LADO told {moment_text(lado.at)}"
            if lado
            else f"LADO to be told by {moment_text(due)}"
        )
        decided = (
            f"{decision.outcome.label} ({date_text(decision.decided_on)})"
            + (" (corrected)" if decision.corrected else "")
            if decision
            else "open"
        )
        out(
            f"{reference(one.id, about_head=about_head):<18} "
            f"{one_line(one.current('subject_name'))} ({one_line(one.current('subject_role'))}); "
            f"{moment_text(datetime.fromisoformat(one.current('happened_at')))}; {told}; "
            f"{decided}"
        )
    return EXIT_OK


def _said_value(field: str, value: str) -> str:
    return local_iso(datetime.fromisoformat(value)) if field == "happened_at" else value


def _low_level_json(found: LowLevelConcern, *, about_head: bool) -> dict[str, Any]:
    """Each field as it is now (as last corrected); each correction in ``corrections``."""
    return {
        "id": found.id,
        "about_head": about_head,
        "subject": found.current("subject_name"),
        "subject_username": found.current_subject.username,
        "subject_role": found.current("subject_role"),
        "what": found.current("what"),
        "raised_by": found.current("raised_by"),
        "occurred_at": local_iso(found.current_happened_at),
        "recorded_by": found.recorded_by,
        "recorded_at": local_iso(found.recorded_at),
        "corrections": [
            {
                "field": FIELD_SAID_AS[a.field],
                "was": _said_value(a.field, a.old_value),
                "now": _said_value(a.field, a.new_value),
                "reason": a.reason,
                "recorded_by": a.recorded_by,
                "recorded_at": local_iso(a.recorded_at),
            }
            for a in found.amendments
        ],
    }


def _pattern_json(found: Pattern, *, about_head: bool) -> dict[str, Any]:
    return {
        "about_head": about_head,
        "subject": found.subject.name,
        "subject_username": found.subject.username,
        "subject_role": found.subject.role,
        "total": found.total,
        "by_month": dict(found.by_month),
        "last": local_iso(found.last),
    }


def cmd_low_level_add(args: argparse.Namespace, paths: DataPaths) -> int:
    payload = _payload(args.json, LOW_LEVEL_FIELDS)
    with signed_in(args, paths, exclusive=False) as session, said_as_here():
        about_head = _about_head(session, payload)
        number = allegations.record_low_level(
            session, _service_payload(session, payload, "what"), about_head=about_head
        )
    out(str(number))
    return EXIT_OK


def cmd_low_level_list(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        if args.patterns:
            patterns = [
                (p, h)
                for h in _files(session)
                for p in allegations.low_level_patterns(session, about_head=h)
            ]
        else:
            concerns = [
                (c, h)
                for h in _files(session)
                for c in allegations.list_low_level(session, about_head=h)
            ]
    if args.patterns:
        if args.json:
            listed = [_pattern_json(p, about_head=h) for p, h in patterns]
            out(json.dumps(listed, ensure_ascii=False, indent=2))
            return EXIT_OK
        if not patterns:
            out("No low-level concern is recorded.")
        for pattern, _about_head_file in patterns:
            months = ", ".join(f"{month}: {n}" for month, n in pattern.by_month)
            out(
                f"{one_line(pattern.subject.name)} ({one_line(pattern.subject.role)}): "
                f"{counted(pattern.total, 'concern')} ({months}); "
                f"latest {moment_text(pattern.last)}"
            )
        return EXIT_OK
    if args.json:
        listed = [_low_level_json(c, about_head=h) for c, h in concerns]
        out(json.dumps(listed, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not concerns:
        out("No low-level concern is recorded.")
    for concern, _about_head_file in concerns:
        what = concern.current("what")
        first_line = what.splitlines()[0] if what else ""
        subject = concern.current_subject
        corrected = f" ({counted(len(concern.amendments), 'correction')})"
        out(
            f"{concern.id:>5}  {moment_text(concern.current_happened_at)}  "
            f"{one_line(subject.name)} ({one_line(subject.role)}): "
            f"{first_line}{corrected if concern.amendments else ''}"
        )
    return EXIT_OK


def cmd_low_level_correct(args: argparse.Namespace, paths: DataPaths) -> int:
    """One field of a low-level concern corrected, with the reason; the concern as recorded
    and every earlier correction are kept."""
    field = LOW_LEVEL_CORRECTABLE.get(args.field.strip().lower())
    if field is None:
        raise ValidationError({"--field": "must be one of " + ", ".join(LOW_LEVEL_CORRECTABLE)})
    if not re.fullmatch(r"[0-9]{1,18}", args.id.strip()):
        raise UsageError(
            f"{args.id!r} is not a low-level concern's number: give it as 'low-level list' "
            "shows it, e.g. 3."
        )
    with signed_in(args, paths, exclusive=False) as session, said_as_here():
        about_head = args.about_head or _chair_only(session)
        allegations.correct_low_level(
            session, int(args.id.strip()), field, args.value, args.reason, about_head=about_head
        )
    out(f"Low-level concern {int(args.id.strip())}: {args.field.strip().lower()} corrected.")
    return EXIT_OK


def add_parsers(
    command: Callable[..., argparse.ArgumentParser],
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: argparse.ArgumentParser,
    acting: argparse.ArgumentParser,
) -> None:
    """``allegation add|lado|outcome|list`` and ``low-level add|list|correct``; ``command`` is
    cli.main's helper (name, handler, help, *parents, under=...)."""
    group = commands.add_parser(
        "allegation", help="allegations about staff (the headteacher; the chair)", parents=[common]
    )
    under = group.add_subparsers(dest="allegation_command", required=True, parser_class=type(group))
    json_help = (
        'a file holding {"subject", "subject_role", "alleged", "raised_by", "occurred_at"}, '
        "optional \"about_head\": true (the chair of governors' file) ('-': stdin)"
    )
    add = command(
        "add", cmd_allegation_add, "record an allegation about staff", acting, under=under
    )
    add.add_argument("--json", required=True, help=json_help)
    lado = command(
        "lado",
        cmd_allegation_lado,
        "record when the LADO was contacted, and the officer's name",
        acting,
        under=under,
    )
    lado.add_argument("id", help="the allegation, e.g. ALLEGATION-3 (or its number)")
    lado.add_argument("--officer", required=True, help="the LADO's name")
    lado.add_argument("--at", help="when they were contacted (default: now), e.g. 2026-11-24T14:30")
    outcome = command(
        "outcome", cmd_allegation_outcome, "record an allegation's outcome", acting, under=under
    )
    outcome.add_argument("id", help="the allegation, e.g. ALLEGATION-3 (or its number)")
    outcome.add_argument(
        "--outcome", required=True, help=", ".join(o.value for o in Outcome) + " (one of)"
    )
    outcome.add_argument("--on", required=True, help="the date it was decided")
    outcome.add_argument(
        "--reason",
        help="why the outcome already recorded is corrected (only to correct it; the outcome "
        "as first recorded is kept)",
    )
    listing = command("list", cmd_allegation_list, "the allegations you keep", acting, under=under)
    listing.add_argument("--json", action="store_true", help="print them as JSON")

    low = commands.add_parser(
        "low-level",
        help="the low-level concerns log (the headteacher; the chair)",
        parents=[common],
    )
    low_under = low.add_subparsers(dest="low_level_command", required=True, parser_class=type(low))
    low_add = command(
        "add", cmd_low_level_add, "record a low-level concern", acting, under=low_under
    )
    low_add.add_argument(
        "--json",
        required=True,
        help='a file holding {"subject", "subject_role", "what", "raised_by", "occurred_at"}, '
        "optional \"about_head\": true ('-': stdin)",
    )
    low_list = command(
        "list", cmd_low_level_list, "the low-level concerns you keep", acting, under=low_under
    )
    low_list.add_argument(
        "--patterns", action="store_true", help="counted per member of staff and month instead"
    )
    low_list.add_argument("--json", action="store_true", help="print them as JSON")
    low_correct = command(
        "correct",
        cmd_low_level_correct,
        "correct one field of a low-level concern, with the reason (the original is kept)",
        acting,
        under=low_under,
    )
    low_correct.add_argument("id", help="the concern's number, as 'low-level list' shows it")
    low_correct.add_argument(
        "--field", required=True, help=", ".join(LOW_LEVEL_CORRECTABLE) + " (one of)"
    )
    low_correct.add_argument(
        "--value", required=True, help="what it should say (occurred_at: e.g. 2026-11-24T14:30)"
    )
    low_correct.add_argument("--reason", required=True, help="why it is corrected")
    low_correct.add_argument(
        "--about-head",
        action="store_true",
        help="in the chair of governors' file (the chair's default)",
    )
