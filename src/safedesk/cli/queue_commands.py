"""safedesk-admin commands for the DSL: queue, act, notification, figures, calendar."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime

from safedesk.cli.common import EXIT_OK, out, signed_in
from safedesk.cli.json_input import read_json as _read_json
from safedesk.cli.record_commands import local_iso
from safedesk.domain.entry_validation import parse_day, parse_moment
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.queue import QueueItem
from safedesk.paths import DataPaths
from safedesk.services import casework, queue, school_calendar
from safedesk.services.queue import UrgencyFigures


def _moment(text: str, flag: str) -> datetime:
    found = parse_moment(text)
    if isinstance(found, str):
        raise ValidationError({flag: found})
    return found


def _day(text: str, flag: str) -> date:
    found = parse_day(text)
    if isinstance(found, str):
        raise ValidationError({flag: found})
    return found


def item_json(item: QueueItem, at: datetime) -> dict[str, object]:
    return {
        "ref": item.case_ref,
        "pupils": [upn for upn, _ in item.pupils],
        "kind": item.kind.value,
        "urgency": item.urgency.value,
        "due_at": local_iso(item.due_at),
        "status": item.status(at).value,
        "item_id": item.item_id,
        "what": item.what,
        "started_at": local_iso(item.started_at),
        "time_left": item.time_left(at),
        "escalated": item.escalated(at),
    }


def cmd_queue(args: argparse.Namespace, paths: DataPaths) -> int:
    at = _moment(args.at, "--at") if args.at else None
    with signed_in(args, paths, exclusive=False) as session:
        found = queue.load_queue(session, at)
    if args.json:
        out(json.dumps([item_json(i, found.at) for i in found.items], ensure_ascii=False, indent=2))
        return EXIT_OK
    for item in found.items:
        status = item.status(found.at).value.replace("_", " ")
        out(f"{item.case_ref:<13} {status:<9} {item.time_left(found.at):<26} {item.what}")
    out(f"{len(found.items)} items, {found.count('overdue')} overdue")
    return EXIT_OK


def cmd_act(args: argparse.Namespace, paths: DataPaths) -> int:
    """One act on a case from a JSON object. A closure names what became of each action and
    referral still open in ``open_items`` ([{"action_id" or "referral_id", "outcome": done |
    monitoring | closed, "note"}]); left out, a case with any open is refused (exit 2)."""
    payload = _read_json(args.json)
    if not isinstance(payload, dict):
        raise ValidationError({"json": "must be one JSON object with a 'type' and its fields"})
    with signed_in(args, paths, exclusive=False) as session:
        act_id = casework.act(session, args.ref, payload)
    out(f"{args.ref.upper()}: {payload.get('type')} {act_id}")
    return EXIT_OK


def cmd_notification(args: argparse.Namespace, paths: DataPaths) -> int:
    payload = _read_json(args.json)
    if not isinstance(payload, dict):
        raise ValidationError({"json": "must be one JSON object with the notification's fields"})
    with signed_in(args, paths, exclusive=False) as session:
        ref = casework.record_notification(session, payload)
    out(ref)
    return EXIT_OK


def figures_json(row: UrgencyFigures) -> dict[str, object]:
    def minutes(span: object) -> float | None:
        return None if span is None else round(span.total_seconds() / 60, 1)  # type: ignore[attr-defined]

    return {
        "urgency": row.urgency.value,
        "recorded": row.recorded,
        "acknowledged": row.acknowledged,
        "acknowledged_in_target": row.acknowledged_in_target,
        "waiting_overdue": row.waiting_overdue,
        "share_in_target": row.share_in_target,
        "median_minutes_to_acknowledge": minutes(row.median_to_acknowledge),
        "acted": row.acted,
        "median_minutes_to_first_action": minutes(row.median_to_first_action),
    }


def cmd_figures(args: argparse.Namespace, paths: DataPaths) -> int:
    first, last = _day(args.first, "--from"), _day(args.last, "--to")
    if last < first:
        raise ValidationError({"--to": "is before --from"})
    with signed_in(args, paths, exclusive=False) as session:
        rows = queue.figures(session, first, last)
    if args.json:
        out(json.dumps([figures_json(r) for r in rows], indent=2))
        return EXIT_OK
    for row in rows:
        share = "-" if row.share_in_target is None else f"{row.share_in_target:.0%}"
        out(
            f"{row.urgency.label:<24} {row.recorded:>5} recorded, {share:>4} acknowledged in "
            f"target, median {_span(row.median_to_acknowledge)} to acknowledge, "
            f"{_span(row.median_to_first_action)} to first action"
        )
    return EXIT_OK


def _span(span: object) -> str:
    if span is None:
        return "-"
    minutes = round(span.total_seconds() / 60)  # type: ignore[attr-defined]
    hours, mins = divmod(minutes, 60)
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def cmd_calendar(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        if args.add_term:
            school_calendar.add_term(session, args.add_term[0], args.add_term[1])
        elif args.remove_term:
            school_calendar.remove_term(session, args.remove_term)
        elif args.add_closure:
            school_calendar.add_closure(session, args.add_closure, args.reason or "")
        elif args.remove_closure:
            school_calendar.remove_closure(session, args.remove_closure)
        terms = school_calendar.terms(session)
        closures = school_calendar.closures(session)
    if args.json:
        listing = {
            "terms": [{"first_day": str(a), "last_day": str(b)} for a, b in terms],
            "closures": [{"day": str(d), "reason": r} for d, r in closures],
        }
        out(json.dumps(listing, ensure_ascii=False, indent=2))
        return EXIT_OK
    for a, b in terms:
        out(f"term     {date_text(a)} to {date_text(b)}")
    for day, reason in closures:
        out(f"closed   {date_text(day)}  {reason}")
    if not terms:
        out("No term dates: every weekday except bank holidays counts as a school day.")
    return EXIT_OK
