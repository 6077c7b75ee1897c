"""safedesk-admin commands for records: record, lists, records, amend."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from safedesk.cli import risk_commands as risk_cli
from safedesk.cli.common import EXIT_OK, UsageError, out, signed_in
from safedesk.cli.json_input import read_json
from safedesk.domain.entries import StoredEntry, spec
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, moment_text
from safedesk.paths import DataPaths
from safedesk.services import amendments, lists, records, risk_assessments


def cmd_record(args: argparse.Namespace, paths: DataPaths) -> int:
    kind = records.parse_kind(args.kind)
    payload = read_json(args.json)
    if not isinstance(payload, dict):
        raise ValidationError({"json": "must be one JSON object with the record's fields"})
    with signed_in(args, paths, exclusive=False) as session:
        ref = records.record(session, kind, payload)
    out(ref)
    return EXIT_OK


def _list_change(args: argparse.Namespace) -> tuple[str, str, str] | None:
    """(action, list, value) asked for by --add/--retire/--restore, checked before signing in."""
    action = next((a for a in ("add", "retire", "restore") if getattr(args, a) is not None), None)
    if action is None:
        if args.value is not None or args.label is not None:
            raise UsageError("--value and --label go with --add, --retire or --restore.")
        return None
    problems: dict[str, str] = {}
    if args.value is None:
        problems["value"] = f"is required with --{action} (--value V)"
    if action == "add" and args.label is None:
        problems["label"] = 'is required with --add (--label "Label")'
    if action != "add" and args.label is not None:
        problems["label"] = f"is only used with --add, not --{action}"
    if problems:
        raise ValidationError(problems)
    return action, getattr(args, action), args.value


def cmd_lists(args: argparse.Namespace, paths: DataPaths) -> int:
    change = _list_change(args)
    with signed_in(args, paths, exclusive=False) as session:
        if change is not None:
            action, list_name, value = change
            if action == "add":
                lists.add_value(session, list_name, value, args.label)
            elif action == "retire":
                lists.retire_value(session, list_name, value)
            else:
                lists.restore_value(session, list_name, value)
        found = lists.choices(session)
    if change is not None and not args.json:
        action, list_name, value = change
        done = {"add": "Added", "retire": "Retired", "restore": "Restored"}[action]
        out(f"{done} {value} in {list_name}")
        return EXIT_OK
    if args.json:
        out(
            json.dumps(
                {name: [v for v, _ in values] for name, values in found.items()},
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    for name, values in found.items():
        out(f"{name}:")
        for value, label in values:
            out(f"  {value:<24} {label}")
    return EXIT_OK


def _listed(entry: StoredEntry, values: dict[str, str | None]) -> dict[str, object]:
    """Field values as stored, with the list fields (further holds, body map) as JSON lists
    rather than the text they are kept as."""
    shown: dict[str, object] = dict(values)
    for name, value in values.items():
        field = spec(entry.kind, name)
        if field is not None and field.type in ("holds", "body_map") and value:
            shown[name] = json.loads(value)
    return shown


def entry_json(entry: StoredEntry) -> dict[str, object]:
    return {
        "ref": entry.ref,
        "kind": entry.kind.value,
        "author": entry.author,
        "occurred_at": local_iso(entry.occurred_at),
        "recorded_at": local_iso(entry.recorded_at),
        "pupils": [
            {"upn": p.upn, "name": p.name, "role": p.role.value if p.role else None}
            for p in entry.pupils
        ],
        "status": entry.status.value,
        "fields": _listed(entry, entry.current()),
        "original": _listed(entry, entry.original),
        "amendments": [
            {
                "field": a.field,
                "old_value": a.old_value,
                "new_value": a.new_value,
                "reason": a.reason,
                "author": a.author,
                "at": local_iso(a.at),
            }
            for a in entry.amendments
        ],
    }


def local_iso(moment: datetime) -> str:
    return moment.astimezone().isoformat(timespec="seconds")


def cmd_records(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        found = records.pupil_records(session, args.pupil)
        assessments = risk_assessments.records_listing(session, args.pupil)
    if args.json:
        listed = [entry_json(e) for e in found] + [risk_cli.listed_json(a) for a in assessments]
        out(json.dumps(listed, ensure_ascii=False, indent=2))
        return EXIT_OK
    for entry in found:
        when = moment_text(entry.occurred_at)
        note = f"  ({counted(len(entry.amendments), 'amendment')})" if entry.amendments else ""
        out(f"{entry.ref:<14} {when}  {entry.kind.label:<22} {entry.status.label}{note}")
    for assessment in assessments:
        out(risk_cli.listed_line(assessment))
    out(counted(len(found) + len(assessments), "record"))
    return EXIT_OK


def cmd_amend(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        amendments.amend(session, args.ref, args.field, args.value, args.reason)
    out(f"Amended {args.ref.upper()}: {args.field}")
    return EXIT_OK
