"""safedesk-admin policy: publish a version, confirm one's own reading of it, list them."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from safedesk.cli.common import EXIT_OK, out, signed_in
from safedesk.cli.record_commands import local_iso
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.policies import StoredPolicy
from safedesk.paths import DataPaths
from safedesk.services import policies

# Read at most this much of a --pdf file (the school's own limit, at most 100 MB, is checked
# by the service with its words).
_READ_LIMIT = 101 * 1024 * 1024


def add_parsers(
    command: Any, commands: argparse._SubParsersAction[Any], common: Any, acting: Any
) -> None:
    """``command(name, handler, help, *parents, under=...)`` as cli.main defines it."""
    group = commands.add_parser("policy", help="policies staff read and confirm", parents=[common])
    under = group.add_subparsers(dest="policy_command", required=True, parser_class=type(group))
    publish = command(
        "publish",
        cmd_policy_publish,
        "publish a version of a policy (DSLs and the headteacher); prints its number",
        acting,
        under=under,
    )
    publish.add_argument("--title", required=True, help='e.g. "Behaviour policy"')
    publish.add_argument("--version", required=True, help='the version label, e.g. "2026-27"')
    publish.add_argument("--on", required=True, help="published on (2026-09-01 or 01/09/2026)")
    publish.add_argument("--pdf", help="the policy itself, a PDF file (kept in the school file)")
    publish.add_argument(
        "--note", help="what changed and where to read it (needed when there is no --pdf)"
    )
    confirm = command(
        "confirm",
        cmd_policy_confirm,
        "confirm, as --user, that you have read and understood this version",
        acting,
        under=under,
    )
    confirm.add_argument("id", type=int, help="the version's number (policy list)")
    listing = command(
        "list",
        cmd_policy_list,
        "the current policies (DSLs and the head: every version, and who has not confirmed)",
        acting,
        under=under,
    )
    listing.add_argument("--json", action="store_true", help="print them as JSON")


def _read_pdf(name: str) -> bytes:
    path = Path(name).expanduser()
    try:
        with path.open("rb") as handle:
            return handle.read(_READ_LIMIT)
    except OSError as exc:
        raise ValidationError(
            {"--pdf": f"{path} could not be read ({exc.strerror or type(exc).__name__})"}
        ) from None


def cmd_policy_publish(args: argparse.Namespace, paths: DataPaths) -> int:
    pdf = _read_pdf(args.pdf) if args.pdf else None
    payload = {
        "title": args.title,
        "version": args.version,
        "published_on": args.on,
        "note": args.note,
    }
    with signed_in(args, paths, exclusive=False) as session:
        policy_id = policies.publish(session, payload, pdf)
    out(str(policy_id))
    return EXIT_OK


def cmd_policy_confirm(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        at = policies.confirm(session, args.id)
    out(f"Policy {args.id} confirmed at {local_iso(at)}")
    return EXIT_OK


def _policy_json(policy: StoredPolicy, current: bool) -> dict[str, Any]:
    return {
        "id": policy.id,
        "title": policy.title,
        "version": policy.version,
        "published_on": policy.published_on.isoformat(),
        "note": policy.note,
        "has_pdf": policy.has_pdf,
        "published_by": policy.author,
        "published_at": local_iso(policy.published_at),
        "current": current,
    }


def cmd_policy_list(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        own = {m.policy.id: m.confirmed_at for m in policies.mine(session)}
        managing = policies.may_manage(session.user)
        every = policies.standings(session, include_old=True) if managing else []
        username = session.user.username
        mine_only = [] if managing else policies.mine(session)
    rows: list[dict[str, Any]] = []
    for standing in every:
        at = next((c.at for c in standing.confirmed if c.username == username), None)
        rows.append(
            _policy_json(standing.policy, standing.policy.id in own)
            | {
                "confirmed_at": local_iso(at) if at else None,
                "confirmed_by": [
                    {
                        "username": c.username,
                        "name": c.name,
                        "confirmed_at": local_iso(c.at),
                        "confirmed_after_reset": c.reset_by is not None,
                        "reset_by": c.reset_by,
                    }
                    for c in standing.confirmed
                ],
                "not_confirmed": [
                    {"username": u, "name": name} for u, name in standing.not_confirmed
                ],
            }
        )
    for m in mine_only:
        at = m.confirmed_at
        rows.append(_policy_json(m.policy, True) | {"confirmed_at": local_iso(at) if at else None})
    if args.json:
        out(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        when = date_text(date.fromisoformat(row["published_on"]))
        if row["confirmed_at"]:
            state = f"you confirmed it {row['confirmed_at'][:16].replace('T', ' ')}"
        else:
            state = "not yet confirmed by you"
        if managing:
            staff = len(row["confirmed_by"]) + len(row["not_confirmed"])
            state += f"; confirmed by {len(row['confirmed_by'])} of {staff} staff"
        old = "" if row["current"] else " (replaced)"
        out(f"{row['id']:>5}  {row['title']}, version {row['version']}, {when}{old}: {state}")
    if not rows:
        out("No policies have been published.")
    return EXIT_OK
