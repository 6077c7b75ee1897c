"""safedesk-admin commands for the headteacher: retention rules, records past their date,
holds, and disposal."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from safedesk.cli.common import EXIT_OK, out, signed_in
from safedesk.domain.retention import DueRecord
from safedesk.paths import DataPaths
from safedesk.services import retention


def _due_json(item: DueRecord) -> dict[str, object]:
    return {
        "ref": item.ref,
        "kind": item.kind.value,
        "occurred_on": item.occurred_on.isoformat(),
        "due_on": item.due_on.isoformat(),
        "pupil_ids": list(item.pupil_ids),
        "held": item.held,
    }


def cmd_retention_list(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        found = retention.due(session)
    if args.json:
        out(json.dumps([_due_json(d) for d in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found:
        out("No record is past its retention date.")
    for item in found:
        held = "  ON HOLD" if item.held else ""
        out(f"{item.ref:<14} {item.kind.label:<22} due {item.due_on.isoformat()}{held}")
    return EXIT_OK


def cmd_retention_rules(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        if args.kind is not None:
            retention.set_rule(session, args.kind, args.basis, args.years)
        found = retention.rules(session)
    if args.json:
        rows = [{"kind": r.kind.value, "basis": r.basis.value, "years": r.years} for r in found]
        out(json.dumps(rows, indent=2))
        return EXIT_OK
    for rule in found:
        out(rule.describe())
    return EXIT_OK


def cmd_dispose(args: argparse.Namespace, paths: DataPaths) -> int:
    # Exclusive: the file is rebuilt afterwards, which needs every other connection closed.
    with signed_in(args, paths, exclusive=True) as session:
        done = retention.dispose(session, args.ref, args.reason)
    out(f"{done.ref} was disposed of. Its disposal record stays; its content is destroyed.")
    return EXIT_OK


def cmd_hold_add(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        made = retention.add_hold(session, reason=args.reason, upn=args.pupil, ref=args.ref)
    for hold in made:
        out(f"hold {hold.compartment}:{hold.id} on {hold.on}")
    return EXIT_OK


def cmd_hold_remove(args: argparse.Namespace, paths: DataPaths) -> int:
    compartment, _, number = args.hold.partition(":")
    if not number.isdigit():
        raise ValueError("name the hold as shown by 'hold list', e.g. safeguarding:3")
    with signed_in(args, paths, exclusive=False) as session:
        lifted = retention.lift_hold(session, compartment, int(number), args.reason)
    out(f"hold {args.hold} lifted")
    for hold in lifted:  # a hold on a pupil is in every file: lifted in each
        if f"{hold.compartment}:{hold.id}" != args.hold:
            out(f"hold {hold.compartment}:{hold.id} lifted with it (the same hold on {hold.on})")
    return EXIT_OK


def cmd_hold_list(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        found = retention.holds(session)
    if args.json:
        rows = [
            {"hold": f"{h.compartment}:{h.id}", "on": h.on, "reason": h.reason, "by": h.author}
            for h in found
        ]
        out(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for hold in found:
        out(f"{hold.compartment}:{hold.id:<4} {hold.on:<20} {hold.reason}")
    return EXIT_OK


def add_commands(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    command: Callable[..., argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    acting: argparse.ArgumentParser,
    parser_class: type[argparse.ArgumentParser],
) -> None:
    """``retention list|rules``, ``dispose REF``, ``hold add|remove|list``."""
    make = command  # the parser's own helper: (name, handler, help, *parents, under=...)
    group = commands.add_parser("retention", help="how long records are kept", parents=[common])
    under = group.add_subparsers(dest="retention", required=True, parser_class=parser_class)
    listing = make(
        "list", cmd_retention_list, "records past their retention date", acting, under=under
    )
    listing.add_argument("--json", action="store_true")
    rules = make(
        "rules", cmd_retention_rules, "the rules in force (or change one)", acting, under=under
    )
    rules.add_argument("--kind", choices=["concern", "behaviour", "intervention"])
    rules.add_argument("--basis", choices=["date_of_birth", "occurred"], default="date_of_birth")
    rules.add_argument("--years", help="whole years (with --kind)")
    rules.add_argument("--json", action="store_true")
    dispose = make(
        "dispose", cmd_dispose, "destroy a record past its date (headteacher only)", acting
    )
    dispose.add_argument("ref", help="the record's reference, e.g. C-2001-0042")
    dispose.add_argument("--reason", required=True, help="why it is disposed of (kept)")
    hold = commands.add_parser("hold", help="holds that stop disposal", parents=[common])
    holds = hold.add_subparsers(dest="hold_command", required=True, parser_class=parser_class)
    add = make("add", cmd_hold_add, "hold a pupil's records or one record", acting, under=holds)
    which = add.add_mutually_exclusive_group(required=True)
    which.add_argument("--pupil", help="the pupil's UPN: every record of theirs is held")
    which.add_argument("--ref", help="one record's reference")
    add.add_argument("--reason", required=True, help="e.g. the inquiry that asked for it")
    remove = make("remove", cmd_hold_remove, "lift a hold", acting, under=holds)
    remove.add_argument("hold", help="the hold as listed, e.g. safeguarding:3")
    remove.add_argument("--reason", required=True)
    shown = make("list", cmd_hold_list, "holds in force", acting, under=holds)
    shown.add_argument("--json", action="store_true")
