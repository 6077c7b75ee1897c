"""Named points where the fault tests kill this process (``SAFEDESK_KILL_AT=name``).

Without that variable each call is one dictionary lookup and nothing happens. The tests use
it to prove that a SIGKILL between any two steps of a key rotation loses nothing."""

from __future__ import annotations

import os
import signal

KILL_AT_ENV = "SAFEDESK_KILL_AT"


def reached(name: str) -> None:
    if os.environ.get(KILL_AT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
