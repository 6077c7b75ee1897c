"""Owns SQLCipher connections and turns their errors into ones a user can act on."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3

from safedesk.domain.errors import SafedeskError

KEY_BYTES = 32
# Large enough to hold a school's whole store, so warm encrypted reads skip decryption.
CACHE_KIB = 128 * 1024
BUSY_TIMEOUT_MS = 10_000

Connection = Any  # sqlcipher3 ships no type stubs


class StoreError(SafedeskError):
    """The store cannot be used; the message says why in plain English."""


class StoreDamaged(StoreError):
    pass


class StoreBusy(StoreError):
    pass


class StoreTooNew(StoreError):
    pass


class StoreLocked(StoreError):
    """Another safedesk is already using this data folder."""


class StoreFull(StoreError):
    pass


class StoreReadOnly(StoreError):
    pass


def damaged_message(path: Path) -> str:
    return (
        f"The safedesk database at {path} is damaged or is not a safedesk file. "
        "Nothing has been changed. Restore it from a backup (Admin → Backups, or "
        "'safedesk-admin restore')."
    )


def translate(exc: BaseException, path: Path) -> StoreError | None:
    """The user-facing error for a sqlite/sqlcipher failure, or None if it is a bug."""
    text = str(exc).lower()
    if "file is not a database" in text or "malformed" in text or "not an error" in text:
        return StoreDamaged(damaged_message(path))
    if "database is locked" in text or "database table is locked" in text:
        return StoreBusy(
            "The safedesk database is busy with other work. Please try again in a moment."
        )
    if "disk is full" in text or "disk i/o error" in text:
        return StoreFull(
            f"The disk holding {path.parent} is full or failing, so nothing was saved. "
            "Free some space and try again; what was saved before is safe."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StoreReadOnly(
            f"safedesk cannot write to {path.parent}. Check the folder is not read-only "
            "and that this Windows account may write to it."
        )
    return None


@contextlib.contextmanager
def sql_errors(path: Path) -> Iterator[None]:
    """Re-raise store failures as StoreError; let programming errors through."""
    try:
        yield
    except sqlcipher3.DatabaseError as exc:
        translated = translate(exc, path)
        if translated is None:
            raise
        raise translated from None


def connect(path: Path, key: bytes | bytearray) -> Connection:
    """Open and key one connection; checks the key works and sets every pragma."""
    if len(key) != KEY_BYTES:
        raise ValueError("the data key must be 32 bytes")
    with sql_errors(path):
        conn = sqlcipher3.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")
            # The first read decrypts page 1: a wrong key or foreign file fails here.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            # Without this, INSERT OR REPLACE deletes rows without firing DELETE triggers.
            conn.execute("PRAGMA recursive_triggers = ON")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA temp_store = MEMORY")
        except BaseException:
            conn.close()
            raise
    conn.row_factory = sqlcipher3.Row
    return conn


class Store:
    """A keyed store: one connection per thread, one writer at a time.

    The data key is held in a bytearray so that :meth:`close` can wipe it.
    """

    def __init__(self, path: Path, key: bytes | bytearray) -> None:
        self.path = path
        self._key = bytearray(key)
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._registry_lock = threading.Lock()
        self._writer = threading.RLock()
        self._closed = False
        self.connection()  # fail now, not on first use, if the key or file is bad

    @property
    def key(self) -> bytes:
        self._check_open()
        return bytes(self._key)

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("safedesk is locked. Please sign in again.")

    def connection(self) -> Connection:
        """This thread's connection, opened on first use."""
        self._check_open()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path, self._key)
            self._local.conn = conn
            with self._registry_lock:
                self._connections.append(conn)
        return conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with sql_errors(self.path):
            yield self.connection()

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction: committed whole on success, rolled back on any error."""
        with self._writer, sql_errors(self.path):
            conn = self.connection()
            if conn.in_transaction:  # nested write: join the outer transaction
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (before copying it)."""
        with self.read() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()

    def close(self) -> None:
        if self._closed:
            return
        with self._registry_lock:
            for conn in self._connections:
                with contextlib.suppress(sqlcipher3.Error):
                    conn.close()
            self._connections.clear()
        self._local = threading.local()
        for i in range(len(self._key)):
            self._key[i] = 0
        self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
