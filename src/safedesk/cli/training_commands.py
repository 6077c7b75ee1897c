"""safedesk-admin training: add an entry, confirm one's own, list them."""

from __future__ import annotations

import argparse
import json
from typing import Any

from safedesk.cli.common import EXIT_OK, out, signed_in
from safedesk.cli.record_commands import local_iso
from safedesk.domain.formatting import date_text
from safedesk.domain.training import Course
from safedesk.paths import DataPaths
from safedesk.services import training
from safedesk.services.training import EntryView


def add_parsers(
    command: Any, commands: argparse._SubParsersAction[Any], common: Any, acting: Any
) -> None:
    """``command(name, handler, help, *parents, under=...)`` as cli.main defines it."""
    group = commands.add_parser("training", help="the staff training log", parents=[common])
    under = group.add_subparsers(dest="training_command", required=True, parser_class=type(group))
    add = command(
        "add", cmd_training_add, "record training a member of staff took", acting, under=under
    )
    add.add_argument("--who", required=True, help="the member of staff's username")
    add.add_argument(
        "--course",
        required=True,
        help="DSL training, whole-staff safeguarding update, Prevent, positive handling / "
        "restraint, or the name of another course",
    )
    add.add_argument("--on", required=True, help="the date taken (2026-11-24 or 24/11/2026)")
    add.add_argument(
        "--expires",
        help="when it runs out (default: DSL training and the whole-staff update after the "
        "months in the settings; other courses never)",
    )
    add.add_argument("--provider", help="who gave the training")
    confirm = command(
        "confirm",
        cmd_training_confirm,
        "confirm, as the member of staff named, that you took this training",
        acting,
        under=under,
    )
    confirm.add_argument("id", type=int, help="the training entry's number")
    listing = command(
        "list",
        cmd_training_list,
        "the training log (a member of staff: their own)",
        acting,
        under=under,
    )
    listing.add_argument("--who", help="only this member of staff's entries (managers)")
    listing.add_argument("--json", action="store_true", help="print the entries as JSON")


def cmd_training_add(args: argparse.Namespace, paths: DataPaths) -> int:
    payload = {
        "who": args.who,
        "course": args.course,
        "on": args.on,
        "expires": args.expires,
        "provider": args.provider,
    }
    with signed_in(args, paths, exclusive=False) as session:
        entry_id = training.add_entry(session, payload)
    out(str(entry_id))
    return EXIT_OK


def cmd_training_confirm(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        at = training.confirm(session, args.id)
    out(f"Training entry {args.id} confirmed at {local_iso(at)}")
    return EXIT_OK


def entry_json(view: EntryView) -> dict[str, Any]:
    entry = view.entry
    return {
        "id": entry.id,
        "who": entry.who,
        "who_name": view.display_name,
        "course": entry.course_name,
        "kind": entry.course.value,
        "provider": entry.provider,
        "on": entry.taken_on.isoformat(),
        "expires": entry.expires_on.isoformat() if entry.expires_on else None,
        "added_by": entry.added_by,
        "added_at": local_iso(entry.added_at),
        "confirmed_at": local_iso(view.confirmed_at) if view.confirmed_at else None,
        "confirmation_fails": view.confirmation_fails,
        # an administrator who resets a password can act as that person until they choose
        # their own: a confirmation made under a key descending from a reset says so
        "confirmed_after_reset": view.confirmed_after_reset,
        "reset_by": view.reset.by if view.reset else None,
        "reset_on": local_iso(view.reset.on) if view.reset else None,
        "replaces": entry.replaces,
        "replaced_by": view.replaced_by,
    }


def cmd_training_list(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        found = training.list_entries(session, args.who)
    if args.json:
        out(json.dumps([entry_json(v) for v in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    for view in found:
        entry = view.entry
        if view.confirmed_at:
            state = "confirmed"
            if view.reset is not None:
                state += f" (after a password reset by {view.reset.by})"
        elif view.confirmation_fails:
            state = "a confirmation that does not check out"
        else:
            state = "not yet confirmed"
        expires = date_text(entry.expires_on, "does not run out")
        course = entry.course_name if entry.course is Course.OTHER else entry.course.label
        out(
            f"{entry.id:>5}  {view.display_name:<24} {course:<34} "
            f"{date_text(entry.taken_on)}  {expires:<16} {state}"
        )
    if not found:
        out("No training recorded.")
    return EXIT_OK
