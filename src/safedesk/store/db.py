"""Owns SQLCipher connections and turns their errors into ones a user can act on."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import sqlcipher3

from safedesk.domain.errors import SafedeskError

KEY_BYTES = 32
# Large enough to hold a school's whole store, so warm encrypted reads skip decryption.
CACHE_KIB = 128 * 1024
BUSY_TIMEOUT_MS = 10_000

Connection = Any  # sqlcipher3 ships no type stubs

# FULL: a commit survives a power cut. Only a throwaway demo school, built in a temporary
# folder, turns this off (``without_durability``) to build in a fraction of the time.
_SYNCHRONOUS = {"mode": "FULL"}


@contextlib.contextmanager
def without_durability() -> Iterator[None]:
    """Connections opened inside skip fsync on commit (demo data only: never a school's)."""
    _SYNCHRONOUS["mode"] = "OFF"
    try:
        yield
    finally:
        _SYNCHRONOUS["mode"] = "FULL"


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
    if any(sign in text for sign in _DAMAGE_SIGNS):
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
        if _writable(path):
            # SQLite says "read-only" after a page failed its check; the folder is fine.
            return StoreDamaged(damaged_message(path))
        return StoreReadOnly(
            f"safedesk cannot write to {path.parent}. Check the folder is not read-only "
            "and that this Windows account may write to it."
        )
    return None


# What SQLite and SQLCipher say when a page is damaged (or the file is not one of ours).
_DAMAGE_SIGNS = (
    "file is not a database",
    "malformed",
    "not an error",
    "corrupt",
    "vtable constructor failed",
)


def _writable(path: Path) -> bool:
    """Whether this login may write the file and its folder (where the WAL goes)."""
    folder_ok = os.access(path.parent, os.W_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


@contextlib.contextmanager
def sql_errors(path: Path) -> Iterator[None]:
    """Re-raise store failures as StoreError; let programming errors through."""
    try:
        yield
    except MemoryError:
        # SQLCipher reports some pages that fail their check as "out of memory"; a school's
        # files are far too small for a real one.
        raise StoreDamaged(damaged_message(path)) from None
    except sqlcipher3.DatabaseError as exc:
        translated = translate(exc, path)
        if translated is None:
            raise
        raise translated from None


@dataclass(frozen=True)
class Attachment:
    """Another file read (never written) through the same connection: ``ATTACH … KEY``."""

    name: str
    path: Path
    key: Callable[[], bytes]


def _key_literal(key: bytes | bytearray) -> str:
    return f"\"x'{bytes(key).hex()}'\""


def connect(
    path: Path, key: bytes | bytearray, attachments: tuple[Attachment, ...] = ()
) -> Connection:
    """Open and key one connection; checks the key works and sets every pragma."""
    if len(key) != KEY_BYTES:
        raise ValueError("the data key must be 32 bytes")
    with sql_errors(path):
        if not path.exists():
            # Made owner-only before SQLite writes a page; its WAL and shared-memory files
            # take the same permissions.
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        conn = sqlcipher3.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = {_key_literal(key)}")
            # The first read decrypts page 1: a wrong key or foreign file fails here.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute(f"PRAGMA synchronous = {_SYNCHRONOUS['mode']}")
            conn.execute("PRAGMA foreign_keys = ON")
            # Without this, INSERT OR REPLACE deletes rows without firing DELETE triggers.
            conn.execute("PRAGMA recursive_triggers = ON")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA temp_store = MEMORY")
        except BaseException:
            conn.close()
            raise
    for attachment in attachments:
        _attach(conn, attachment)
    conn.row_factory = sqlcipher3.Row
    return conn


def memory_connection() -> Connection:
    """A database that lives only in this process's memory, temporary tables included:
    for working on decrypted text that must never reach a disk (a search of one's copies)."""
    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def _attach(conn: Connection, attachment: Attachment) -> None:
    # Read-only: a transaction on this file never locks or writes the attached one.
    uri = f"file:{quote(attachment.path.as_posix())}?mode=ro"
    try:
        with sql_errors(attachment.path):
            conn.execute(
                f"ATTACH DATABASE ? AS {attachment.name} KEY {_key_literal(attachment.key())}",
                (uri,),
            )
            conn.execute(f"SELECT count(*) FROM {attachment.name}.sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise


def rekey_file(path: Path, key: bytes | bytearray, new_key: bytes | bytearray) -> None:
    """Re-encrypt a file under ``new_key`` (one transaction: all of it, or none).

    In WAL mode the re-encrypted pages go to the WAL: the main file stays under the old key
    until a checkpoint completes (see ``checkpoint_fully``), so the old key must not be
    retired before that."""
    conn = connect(path, key)
    try:
        with sql_errors(path):
            conn.execute(f"PRAGMA rekey = {_key_literal(new_key)}")
    finally:
        conn.close()


def checkpoint_fully(conn: Connection, path: Path, attempts: int = 50) -> None:
    """Fold the whole WAL into the main file, or raise StoreBusy (a reader blocks it)."""
    import time

    for _ in range(attempts):
        busy, log, done = conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)").fetchone()
        if busy == 0 and log in (done, -1, 0):
            return
        time.sleep(0.1)
    raise StoreBusy(
        f"safedesk could not finish writing {path.name}: another program is reading it. "
        "Close other safedesk windows and try again; nothing has been lost."
    )


class Gate:
    """Shared for ordinary work, exclusive for a key rotation that closes every connection.

    Re-entrant: the thread holding it exclusively may also take it shared, and shared
    holds nest (a write inside a read)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._shared = 0
        self._owner: int | None = None
        self._depth = 0

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            while self._owner is not None and self._owner != me:
                self._cond.wait()
            self._shared += 1
        try:
            yield
        finally:
            with self._cond:
                self._shared -= 1
                self._cond.notify_all()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:
                self._depth += 1
            else:
                while self._owner is not None or self._shared > 0:
                    self._cond.wait()
                self._owner, self._depth = me, 1
        try:
            yield
        finally:
            with self._cond:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                self._cond.notify_all()


class WriteGuard(Protocol):
    """Held around each write transaction (``store/writer_lock.WriteGuard``)."""

    def hold(self) -> contextlib.AbstractContextManager[None]: ...


def _write_guard(path: Path) -> WriteGuard:
    from safedesk.store import writer_lock  # it imports this module's errors

    return writer_lock.guard_for(path)


class Store:
    """A keyed store: one connection per thread, one writer at a time.

    The data key is held in a bytearray so that :meth:`close` can wipe it.
    """

    def __init__(
        self,
        path: Path,
        key: bytes | bytearray,
        *,
        attachments: tuple[Attachment, ...] = (),
        gate: Gate | None = None,
    ) -> None:
        self.path = path
        self._key = bytearray(key)
        self.attachments = attachments
        self.gate = gate or Gate()
        # Another session may rotate this file's key: this returns the key as it is now
        # (from the key file), or raises when this account's access has ended.
        self.refresh_key: Callable[[], bytes] | None = None
        # Evidence for each commit (store.evidence.CommitHooks): set by whoever opened it.
        self.before_commit: Callable[[Connection], None] | None = None
        self.after_commit: Callable[[Connection], None] | None = None
        self.on_rollback: Callable[[Connection], None] | None = None
        self.schema_changed = False  # set when this program migrated it (services.keys)
        # Rows sound before an upgrade, to be hashed again at the new schema version.
        self.rows_to_rehash: list[tuple[str, list[object]]] = []
        # Rows an upgrade's migrations wrote themselves (new list values, …): new evidence.
        self.rows_migrated: list[tuple[str, list[object]]] = []
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._registry_lock = threading.Lock()
        self._writer = threading.RLock()
        self._closed = False
        self.connection()  # fail now, not on first use, if the key or file is bad
        # Held around every write: shared with every writer to this data folder, in any
        # process; a restore or a change of keys takes it alone (store/writer_lock.py).
        self.write_guard: WriteGuard | None = _write_guard(path)

    @property
    def key(self) -> bytes:
        self._check_open()
        return bytes(self._key)

    def fresh_key(self) -> bytes:
        """The key after checking it still opens the file (following a rotation made by
        another session): what a connection attaching this file must use."""
        with self.read():
            return self.key

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
        generation = getattr(self._local, "generation", None)
        if conn is not None and generation != self._generation:
            conn = None  # closed by reset_connections() from another thread
        if conn is None:
            conn = connect(self.path, self._key, self.attachments)
            self._local.conn = conn
            self._local.generation = self._generation
            with self._registry_lock:
                self._connections.append(conn)
        return conn

    _generation = 0

    def _current_connection(self) -> Connection:
        """This thread's connection, checked to still open its file(s): after a key rotation
        made elsewhere the key is fetched again (``refresh_key``) and the connection reopened."""
        conn = self.connection()
        if conn.in_transaction:
            return conn
        try:
            self._probe(conn)
        except sqlcipher3.DatabaseError as exc:
            if self.refresh_key is None or "not a database" not in str(exc).lower():
                raise
            fresh = self.refresh_key()
            if fresh != bytes(self._key):
                self.replace_key(fresh)
            else:
                self.reset_connections()
            conn = self.connection()
            self._probe(conn)
        return conn

    def _probe(self, conn: Connection) -> None:
        conn.execute("SELECT count(*) FROM main.sqlite_master").fetchone()
        for attachment in self.attachments:
            conn.execute(f"SELECT count(*) FROM {attachment.name}.sqlite_master").fetchone()

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.gate.shared(), sql_errors(self.path):
            yield self._current_connection()

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction: committed whole on success, rolled back on any error.

        ``before_commit`` runs inside it (the ledger's rows and the signed head go in the same
        transaction as the change); ``after_commit`` after it, outside this file's writer lock
        (it may write another file)."""
        committed: Connection | None = None
        guard = self.write_guard.hold() if self.write_guard else contextlib.nullcontext()
        with self.gate.shared(), guard, self._writer, sql_errors(self.path):
            conn = self._current_connection()
            if conn.in_transaction:  # nested write: join the outer transaction
                yield conn
                return
            if self.on_rollback is not None:
                # Nothing a finished transaction noted may linger (connections are told apart
                # by id, which a closed one's successor can reuse).
                self.on_rollback(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if self.before_commit is not None:
                    self.before_commit(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                if self.on_rollback is not None:
                    self.on_rollback(conn)
                raise
            conn.execute("COMMIT")
            committed = conn
        if committed is not None and self.after_commit is not None:
            self.after_commit(committed)

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (before copying it)."""
        with self.read() as conn:
            conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)").fetchone()

    def checkpoint_fully(self) -> None:
        """A checkpoint that must complete (after a rekey), or StoreBusy."""
        with self.read() as conn:
            checkpoint_fully(conn, self.path)

    def reset_connections(self) -> None:
        """Close every thread's connection (call under ``gate.exclusive()``); they reopen
        on next use, with the key and attachments as they are then."""
        with self._registry_lock:
            for conn in self._connections:
                with contextlib.suppress(sqlcipher3.Error):
                    conn.close()
            self._connections.clear()
            self._generation += 1
        self._local = threading.local()

    def put_back(self, copy: Path) -> None:
        """Put a copy of this file set aside earlier (before an upgrade) in its place, alone in
        the folder; from then on the copy is the file this store writes to."""
        from safedesk.store import migrate, writer_lock

        folder = writer_lock.for_folder(self.path.parent)
        # A command holding the writers' lock (shared) while it signs in already keeps
        # restores and key changes out; a writer elsewhere finds the file replaced and stops.
        alone = (
            contextlib.nullcontext()
            if folder.held_by_this_thread()
            else folder.exclusive("finish an interrupted upgrade")
        )
        with alone:
            self.reset_connections()
            migrate.put_back(copy, self.path)
        self.write_guard = _write_guard(self.path)

    def replace_key(self, key: bytes | bytearray) -> None:
        """After a rekey: use ``key`` from now on (the old one is wiped)."""
        self.reset_connections()
        for i in range(len(self._key)):
            self._key[i] = 0
        self._key = bytearray(key)

    def close(self) -> None:
        if self._closed:
            return
        self.reset_connections()
        for i in range(len(self._key)):
            self._key[i] = 0
        self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
