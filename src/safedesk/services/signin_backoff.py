"""Failed sign-ins: exponential back-off per account that survives a restart, audited on the
next sign-in.

The store cannot be written without a key, so failures wait in a small file that holds only
slot digests, times and which door was tried (no names) until someone signs in. Each account
(and the recovery key, and each unknown name) backs off on its own: one person's success
does not reset another's count, so a colleague's sign-in cannot be used to keep guessing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from safedesk.domain.clock import from_stored, to_stored

log = logging.getLogger(__name__)

FREE_ATTEMPTS = 3
MAX_WAIT_SECONDS = 300
RECOVERY = "recovery-key"  # the recovery key's own count (its digest has no slot)
KEPT_PENDING = 1000
TRYING = "trying"


@dataclass
class Count:
    consecutive: int = 0
    last_at: str | None = None


@dataclass
class FailureLog:
    counts: dict[str, Count] = field(default_factory=dict)
    pending: list[dict[str, str]] = field(default_factory=list)
    # A damaged file must not unlock the back-off: every count starts at the free limit.
    damaged: bool = False

    def count(self, key: str) -> Count:
        found = self.counts.get(key)
        if found is None:
            return Count(FREE_ATTEMPTS if self.damaged else 0)
        return found

    def wait_seconds(self, key: str, now: datetime) -> float:
        """How long before ``key`` (a slot digest) may try again (0 when it may go ahead)."""
        count = self.count(key)
        if count.consecutive < FREE_ATTEMPTS:
            return 0.0
        if count.last_at is None:
            return 0.0
        delay = min(2 ** (count.consecutive - FREE_ATTEMPTS), MAX_WAIT_SECONDS)
        allowed_at = from_stored(count.last_at) + timedelta(seconds=delay)
        # A clock moved backwards must not lock people out for ever.
        return max(0.0, min((allowed_at - now).total_seconds(), float(delay)))

    def record_failure(self, key: str, now: datetime, door: str = "signin") -> None:
        count = self.count(key)
        self.counts[key] = Count(count.consecutive + 1, to_stored(now))
        self.pending.append({"slot": key, "at": to_stored(now), "door": door})
        del self.pending[:-KEPT_PENDING]  # bounded, even under a long guessing attack

    def succeeded(self, key: str) -> None:
        self.counts.pop(key, None)


def load(path: Path) -> FailureLog:
    try:
        raw: Any = json.loads(path.read_text("utf-8"))
        counts = {
            str(key): Count(int(value[0]), None if value[1] is None else str(value[1]))
            for key, value in raw["counts"].items()
        }
        pending = [{str(k): str(v) for k, v in item.items()} for item in raw["pending"]]
        return FailureLog(counts, pending[-KEPT_PENDING:])
    except FileNotFoundError:
        return FailureLog()
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return FailureLog(damaged=True)


def save(failures: FailureLog, path: Path) -> bool:
    """Write the counts; False when they could not be (a full disk, a read-only folder): the
    attempt is still refused, with the same message."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        text = json.dumps(
            {
                "counts": {k: [c.consecutive, c.last_at] for k, c in failures.counts.items()},
                "pending": failures.pending,
            }
        )
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as error:
        log.warning("the failed sign-in count could not be saved (%s)", type(error).__name__)
        return False
    return True


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Read-modify-write of the counts, one process at a time. Where the lock cannot be had
    (a read-only folder), the counts are used unlocked: the attempt is not refused for it."""
    lock = FileLock(str(path.with_name(path.name + ".lock")), timeout=10, mode=0o600)
    try:
        lock.acquire()
    except (Timeout, OSError) as error:
        log.warning("the failed sign-in count could not be locked (%s)", type(error).__name__)
        yield
        return
    try:
        yield
    finally:
        lock.release()


def begin_attempt(
    path: Path, key: str, now: datetime, door: str = "signin"
) -> tuple[float, dict[str, str] | None]:
    """Check ``key``'s back-off and count this attempt, in one step under the lock and before
    the slow key derivation: attempts started together cannot all pass the check while none
    has been counted yet. Returns (seconds to wait, or 0; the attempt's entry). The attempt
    counts as failed until :func:`succeeded` is given its entry."""
    with _locked(path):
        failures = load(path)
        wait = failures.wait_seconds(key, now)
        if wait > 0:
            return wait, None
        failures.record_failure(key, now, door)
        attempt = failures.pending[-1]
        attempt[TRYING] = "yes"  # not a failure yet: neither audited nor reported as one
        save(failures, path)
        return 0.0, attempt


def failed(path: Path, attempt: dict[str, str] | None) -> None:
    """The attempt begun with :func:`begin_attempt` failed: it is a failure like any other."""
    if attempt is None:
        return
    with _locked(path):
        failures = load(path)
        if attempt in failures.pending:
            failures.pending[failures.pending.index(attempt)] = {
                k: v for k, v in attempt.items() if k != TRYING
            }
            save(failures, path)


def trying(failures: FailureLog, key: str) -> int:
    """Attempts for ``key`` under way now (counted for the back-off, not yet failures)."""
    return sum(1 for p in failures.pending if p.get("slot") == key and TRYING in p)


def record(path: Path, key: str, now: datetime, door: str = "signin") -> None:
    """Count one failed attempt through ``door`` for ``key``."""
    with _locked(path):
        failures = load(path)
        failures.record_failure(key, now, door)
        save(failures, path)


def wait_for(path: Path, key: str, now: datetime) -> float:
    return load(path).wait_seconds(key, now)


def succeeded(path: Path, key: str, attempt: dict[str, str] | None = None) -> None:
    """``key`` got in: its own count starts again (the others' are kept), and ``attempt``,
    counted in advance by :func:`begin_attempt`, is not a failure after all."""
    with _locked(path):
        failures = load(path)
        changed = False
        if key in failures.counts or failures.damaged:
            failures.succeeded(key)
            failures.damaged = False
            changed = True
        if attempt is not None and attempt in failures.pending:
            failures.pending.remove(attempt)
            changed = True
        if changed and not failures.counts and not failures.pending:
            clear(path)  # nothing left to count: the usual state, no file
        elif changed:
            save(failures, path)


def flushed(path: Path, failures: FailureLog) -> None:
    """The pending failures are now in the audit log: forget them, keep the counts."""
    if not failures.pending:
        return
    with _locked(path):
        current = load(path)
        seen = {json.dumps(item, sort_keys=True) for item in failures.pending}
        kept = [p for p in current.pending if json.dumps(p, sort_keys=True) not in seen]
        if kept != current.pending:
            current.pending = kept
            save(current, path)


def clear(path: Path) -> None:
    """Forget every count (only when the store itself is replaced)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        log.warning("the failed sign-in count could not be cleared (%s)", type(error).__name__)
