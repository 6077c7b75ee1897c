"""Named points where the fault tests kill this process (``SAFEDESK_KILL_AT=name``).

Without that variable each call is one dictionary lookup and nothing happens. The tests use
it to prove that a SIGKILL between any two steps of a key rotation loses nothing.
``name#N`` kills the N-th time the point is reached (a rotation passes each point once per
file: ``rotation.rekeyed#2`` is the second file's rekey). A case-file transfer has
``transfer.pdf_written`` (its PDF complete in a ``.partial`` file, the transfer not yet
committed) and ``transfer.recorded`` (committed, the PDF not yet renamed into place).
A restore has ``restore.checked`` (the backup checked in its staging folder, no journal
yet), ``restore.journal_written``, ``restore.set_aside`` (after each live file is moved
aside), ``restore.aside_done``, ``restore.moved_in`` (after each staged file is moved in),
``restore.swapped`` (the journal not yet removed), ``restore.swap_done`` (before the key
rotation) and ``restore.rolled_back`` (after each file an undo puts back); a backup has
``backup.copied`` and ``backup.written`` (its ``.partial`` file complete, not yet renamed)."""

from __future__ import annotations

import os
import signal

KILL_AT_ENV = "SAFEDESK_KILL_AT"

_passed: dict[str, int] = {}


def reached(name: str) -> None:
    wanted = os.environ.get(KILL_AT_ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition("#")
    if point != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
