"""safedesk-admin analysis: the leaders' figures as JSON (a contract: scripts use it)."""

from __future__ import annotations

import argparse
import json

from safedesk.cli.common import EXIT_OK, out, signed_in
from safedesk.domain.analysis import Analysis, Filters, PupilGroup, RepeatPupil
from safedesk.domain.entry_validation import parse_day
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text, minutes_text
from safedesk.paths import DataPaths
from safedesk.services import analysis

_SHOWN = 5  # the most common values named in the summary


def filters_from(args: argparse.Namespace) -> Filters:
    """The command's filters, or ValidationError naming the flag (exit 2)."""
    problems: dict[str, str] = {}
    days = []
    for flag, text in (("--from", args.first), ("--to", args.last)):
        found = parse_day(text)
        if isinstance(found, str):
            problems[flag] = found
        else:
            days.append(found)
    if problems:
        raise ValidationError(problems)
    first, last = days
    if last < first:
        raise ValidationError({"--to": "is before --from"})
    year_group = (getattr(args, "year_group", None) or "").strip() or None
    class_name = (getattr(args, "class_name", None) or "").strip() or None
    group = getattr(args, "group", None)
    return Filters(first, last, year_group, class_name, PupilGroup(group) if group else None)


def cmd_analysis(args: argparse.Namespace, paths: DataPaths) -> int:
    filters = filters_from(args)
    with signed_in(args, paths, exclusive=False) as session:
        found = analysis.analyse(session, filters)
    if args.json:
        out(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    for line in summary(found):
        out(line)
    return EXIT_OK


def _top(counts: dict[str, int], labels: dict[str, str]) -> str:
    named = [
        f"{labels.get(k, k)} {n}"
        for k, n in sorted(counts.items(), key=lambda kn: -kn[1])[:_SHOWN]
        if n
    ]
    return "; ".join(named) or "none"


def _terms(counts: dict[str, int]) -> str:
    return "; ".join(f"{name} {n}" for name, n in counts.items())


def _pupils(pupils: list[RepeatPupil]) -> str:
    return "; ".join(
        f"{p.name} ({'Year ' + p.year_group if p.year_group else 'no year group'}) {p.count}"
        for p in pupils
    )


def summary(found: Analysis) -> list[str]:
    """A few readable lines: totals against the period before, and the most common values."""
    f = found.filters
    labels = found.labels
    lines = [f"From {date_text(f.first_day)} to {date_text(f.last_day)} ({counted(f.days, 'day')})"]
    shown = [
        f"year group {f.year_group}" if f.year_group else "",
        f"class {f.class_name}" if f.class_name else "",
        f.group.label[:1].lower() + f.group.label[1:] if f.group else "",
    ]
    if any(shown):
        lines.append("Only records naming a pupil who matches: " + "; ".join(filter(None, shown)))
    before = f.previous_words
    if (b := found.behaviour) is not None:
        lines += [
            "",
            f"Behaviour incidents: {b.total} ({before}: {b.previous_total})",
            f"  Types: {_top(b.by_type, labels.get('behaviour_types', {}))}",
            f"  Triggers: {_top(b.by_trigger, labels.get('triggers', {}))}",
            f"  Locations: {_top(b.by_location, labels.get('locations', {}))}",
            f"  Severity: {_top(b.by_severity, labels.get('severities', {}))}",
        ]
        if b.by_term:
            lines.append(f"  By term: {_terms(b.by_term)}")
        if b.repeat_pupils:
            lines.append(f"  Pupils instigating 3 or more: {_pupils(b.repeat_pupils)}")
    if (y := found.bullying) is not None:
        kinds = f": {_top(y.by_type, labels.get('bullying_types', {}))}" if y.total else ""
        lines.append(f"Bullying: {counted(y.total, 'incident')}{kinds}")
        if y.by_prejudice:
            lines.append(f"  Prejudice: {_top(y.by_prejudice, labels.get('prejudice_types', {}))}")
    if (i := found.interventions) is not None:
        median = "-" if i.minutes_median is None else minutes_text(round(i.minutes_median))
        lines += [
            "",
            f"Physical interventions: {i.total} ({before}: {i.previous_total}), "
            f"{counted(i.pupils, 'pupil')}, {counted(i.pupils_with_sen, 'pupil')} with SEN",
            f"  Time: {minutes_text(i.minutes_total)} in all, median {median}",
            f"  Holds: {_top(i.by_hold, labels.get('restraint_types', {}))}",
            f"  Injured: the pupil in {counted(i.with_injury_pupil, 'intervention')}, "
            f"staff in {counted(i.with_injury_staff, 'intervention')}",
            f"  Parents informed the same day: {i.parent_informed_same_day} of {i.total}",
        ]
    if (c := found.concerns) is not None:
        lines += [
            "",
            f"Safeguarding concerns: {c.total} ({before}: {c.previous_total})",
            f"  Categories: {_top(c.by_category, labels.get('categories', {}))}",
            f"  Urgency: {_top(c.by_urgency, labels.get('urgencies', {}))}",
        ]
        if c.by_term:
            lines.append(f"  By term: {_terms(c.by_term)}")
    return lines
