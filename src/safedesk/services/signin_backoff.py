"""Failed sign-ins: exponential back-off that survives a restart, audited on next sign-in.

The store cannot be written without a key, so failures wait in a small file that
holds only slot digests and times (no names) until someone signs in.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from safedesk.domain.clock import from_stored, to_stored

FREE_ATTEMPTS = 3
MAX_WAIT_SECONDS = 300


@dataclass
class FailureLog:
    consecutive: int = 0
    last_at: str | None = None
    pending: list[dict[str, str]] = field(default_factory=list)

    def wait_seconds(self, now: datetime) -> float:
        """How long before another attempt is allowed (0 when it may go ahead)."""
        if self.consecutive < FREE_ATTEMPTS or self.last_at is None:
            return 0.0
        delay = min(2 ** (self.consecutive - FREE_ATTEMPTS), MAX_WAIT_SECONDS)
        allowed_at = from_stored(self.last_at) + timedelta(seconds=delay)
        # A clock moved backwards must not lock people out for ever.
        return max(0.0, min((allowed_at - now).total_seconds(), float(delay)))

    def record_failure(self, slot_digest: str, now: datetime) -> None:
        self.consecutive += 1
        self.last_at = to_stored(now)
        self.pending.append({"slot": slot_digest, "at": self.last_at})
        del self.pending[:-1000]  # bounded, even under a long guessing attack


def load(path: Path) -> FailureLog:
    try:
        raw = json.loads(path.read_text("utf-8"))
        return FailureLog(int(raw["consecutive"]), raw.get("last_at"), list(raw["pending"]))
    except FileNotFoundError:
        return FailureLog()
    except (ValueError, KeyError, TypeError):
        # A damaged counter must not unlock the back-off: assume the worst seen so far.
        return FailureLog(consecutive=FREE_ATTEMPTS)


def save(log: FailureLog, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(
        json.dumps(
            {"consecutive": log.consecutive, "last_at": log.last_at, "pending": log.pending}
        ),
        "utf-8",
    )
    os.replace(tmp, path)


def clear(path: Path) -> None:
    path.unlink(missing_ok=True)
