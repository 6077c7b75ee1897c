"""Shared pieces of safedesk-admin: exit codes, secrets from the environment, signing in."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress

from safedesk.domain.errors import SafedeskError
from safedesk.paths import DataPaths
from safedesk.services import vault
from safedesk.services.session import Session
from safedesk.store import crypto, writer_lock
from safedesk.store.crypto import FAST_KDF, KdfParams
from safedesk.store.db import StoreLocked
from safedesk.store.instance_lock import InstanceLock

EXIT_OK = 0
EXIT_FAILED_CHECK = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_ALLOWED = 3
EXIT_LOCKED = 4

# Names of environment variables, not secrets.
PASSWORD_ENV = "SAFEDESK_PASSWORD"  # noqa: S105
NEW_PASSWORD_ENV = "SAFEDESK_NEW_PASSWORD"  # noqa: S105
RECOVERY_ENV = "SAFEDESK_RECOVERY_KEY"
GRANTEE_PASSWORD_ENV = "SAFEDESK_GRANTEE_PASSWORD"  # noqa: S105
GRANTEE_NEW_PASSWORD_ENV = "SAFEDESK_GRANTEE_NEW_PASSWORD"  # noqa: S105
BACKUP_PASSWORD_ENV = "SAFEDESK_BACKUP_PASSWORD"  # noqa: S105
HEAD_PASSWORD_ENV = "SAFEDESK_HEAD_PASSWORD"  # noqa: S105
# Once made cheap key slots from the command line; no longer honoured (the test suite and
# the demo lower the cost in code: store.crypto.allow_weak_kdf). Kept so scripts that set
# it still run.
FAST_KDF_ENV = "SAFEDESK_TEST_FAST_KDF"


class UsageError(SafedeskError):
    pass


def kdf_params() -> KdfParams:
    """The production cost; cheap only where code allowed it (the test suite)."""
    return FAST_KDF if crypto.weak_kdf_allowed() else KdfParams()


def secret_from(env: str, prompt: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise UsageError(f"No password given: set {env} or run this from a terminal.")


def out(text: str = "") -> None:
    print(text)


@contextmanager
def signed_in(args: argparse.Namespace, paths: DataPaths, *, exclusive: bool) -> Iterator[Session]:
    """Sign in as --user; ``exclusive`` commands also take the one-instance lock.

    A member's session first does what it owes (services.upkeep): key rotations asked for
    (only when no app has the folder open, since a rotation closes every connection) and
    taking in what staff have recorded."""
    password = secret_from(PASSWORD_ENV, f"Password for {args.user}: ")
    lock = InstanceLock(paths.lock).acquire() if exclusive else None
    try:
        # Not while a restore swaps the files (or a change of keys runs): wait a little,
        # then stop with a plain message (exit 4) rather than open half of either.
        writers = writer_lock.for_folder(paths.root).shared() if paths.root.is_dir() else None
        with writers or nullcontext():
            session = vault.sign_in(paths, args.user, password)
        if session.warning:
            warning, session.warning = session.warning, None
            print(f"WARNING: {warning}", file=sys.stderr)
        try:
            _upkeep(session, paths, have_lock=lock is not None)
            yield session
        finally:
            # The sign-out event is not worth a failure: what was done is done (or was not,
            # and said so). A restore replacing the store, or new keys, may hold it off.
            with suppress(writer_lock.WritingHeldOff):
                session.lock()
    finally:
        if lock:
            lock.release()


def _upkeep(session: Session, paths: DataPaths, *, have_lock: bool) -> None:
    from safedesk.services import upkeep

    if not session.rotation_due and not session.compartments:
        return
    if session.rotation_due and not have_lock:
        try:
            with InstanceLock(paths.lock):
                upkeep.after_sign_in(session)
            return
        except StoreLocked:
            session.rotation_due.clear()  # the open app's member does it
    upkeep.after_sign_in(session)
