"""Which backups to keep: grandfather-father-son, from the times in their names alone.

A backup file is named ``safedesk-backup-YYYYMMDD-HHMMSS-mmm[NNN].sdbackup`` in the local time
it was made. The policy keeps the newest backup of each of the ``daily`` most recent days that
have one, of each of the ``weekly`` most recent ISO weeks, and of each of the ``monthly`` most
recent months; and always the newest of all. Days without a backup (holidays, weekends) are
not counted, so a school back after the summer still has its last week of term.

Everything here is pure: no clock, no files. The caller passes only names it recognises as its
own; a name this module cannot read is never chosen for removal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime

PREFIX = "safedesk-backup-"
SUFFIX = ".sdbackup"
_NAME = re.compile(
    rf"^{re.escape(PREFIX)}(\d{{8}})-(\d{{6}})-(\d{{3}})(\d{{3}})?{re.escape(SUFFIX)}$"
)

DEFAULT_DAILY = 7
DEFAULT_WEEKLY = 4
DEFAULT_MONTHLY = 12


@dataclass(frozen=True)
class Policy:
    daily: int = DEFAULT_DAILY
    weekly: int = DEFAULT_WEEKLY
    monthly: int = DEFAULT_MONTHLY


def made_at(name: str) -> datetime | None:
    """The local wall time in a backup's name, or None if the name is not one of ours."""
    found = _NAME.match(name)
    if found is None:
        return None
    day, clock, millis, _counter = found.groups()
    try:
        stamp = datetime.strptime(f"{day}{clock}", "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return stamp.replace(microsecond=int(millis) * 1000)


def _order(name: str, at: datetime) -> tuple[datetime, int, str]:
    """Newest last: by time, then by the counter of two made in the same millisecond."""
    found = _NAME.match(name)
    counter = int(found.group(4)) if found and found.group(4) else 0
    return (at, counter, name)


def _newest_per(
    ordered: list[tuple[str, datetime]], bucket: Callable[[datetime], Hashable], count: int
) -> set[str]:
    """The newest name in each of the ``count`` most recent buckets (newest first input)."""
    kept: set[str] = set()
    seen: set[Hashable] = set()
    for name, at in ordered:
        if len(seen) >= count:
            break
        key = bucket(at)
        if key in seen:
            continue
        seen.add(key)
        kept.add(name)
    return kept


def to_keep(names: Iterable[str], policy: Policy) -> set[str]:
    """The names to keep out of ``names`` (every unreadable name among them is kept)."""
    names = list(names)
    dated = [(n, at) for n in names if (at := made_at(n)) is not None]
    unreadable = {n for n in names if made_at(n) is None}
    if not dated:
        return unreadable
    ordered = sorted(dated, key=lambda item: _order(*item), reverse=True)
    kept = {ordered[0][0]}  # the newest, whatever the numbers say
    kept |= _newest_per(ordered, lambda at: at.date(), policy.daily)
    kept |= _newest_per(ordered, lambda at: at.isocalendar()[:2], policy.weekly)
    kept |= _newest_per(ordered, lambda at: (at.year, at.month), policy.monthly)
    return kept | unreadable


def to_remove(names: Iterable[str], policy: Policy) -> list[str]:
    """The names the policy lets go, oldest first (only names that are ours)."""
    names = list(names)
    keep = to_keep(names, policy)
    going = [(n, at) for n in names if n not in keep and (at := made_at(n)) is not None]
    return [n for n, _at in sorted(going, key=lambda item: _order(*item))]
