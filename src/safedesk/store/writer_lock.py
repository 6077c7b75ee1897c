"""One lock per data folder that every writer shares and a restore or a change of keys takes alone.

Every write transaction of every session, in any process, holds it shared (``Store.write``
takes it through the store's ``write_guard``), and so does a command-line sign-in. A restore
holds it exclusively for its whole check and file swap, a key rotation around its rekey. A
writer that meets either waits ``WAIT_SECONDS`` and then fails with a plain message: nothing
is written, so nothing is said to be saved. A writer whose files a restore replaced while it
was signed in fails the same way (``StoreReplaced``) instead of writing into the files set
aside.

Across processes the lock is ``filelock.ReadWriteLock`` (a SQLite file of its own; the
kernel drops a killed process's hold). In one process the threads share one instance for
their shared holds (each releases only its own), and each exclusive hold uses an instance of
its own, so it waits for this process's writers as for any other's. The thread holding it
exclusively writes freely (a restore signs in and writes, under its own hold).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path

from filelock import ReadWriteLock, Timeout

from safedesk.paths import DataPaths
from safedesk.store.db import StoreBusy, StoreError, StoreReadOnly

WAIT_SECONDS = 5.0  # how long a writer waits for a restore or a change of keys
EXCLUSIVE_WAIT_SECONDS = 60.0  # how long those wait for the writes in hand to finish

HELD_OFF = (
    "A restore from a backup (or a change of keys) is running on the safedesk data folder "
    "{folder}, so this was not saved. Wait until it has finished, then try again."
)
REPLACED = (
    "The safedesk store in {folder} was replaced by a restore from a backup while you were "
    "signed in, so this was not saved. Sign in again, and do it again if it is still needed."
)


class WritingHeldOff(StoreError):
    """A restore or a change of keys holds the data folder: this write was not made."""


class StoreReplaced(WritingHeldOff):
    """A restore replaced the file this session opened: nothing was written to it."""


class FolderLock:
    """The writers' lock of one data folder, in this process (see ``for_folder``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.folder = path.parent
        self._readers: ReadWriteLock | None = None
        self._cond = threading.Condition()
        self._owner: int | None = None  # the thread holding it exclusively
        self._depth = 0
        self._local = threading.local()

    def _shared_instance(self) -> ReadWriteLock:
        with self._cond:
            if self._readers is None:
                with _cannot_write(self.folder):
                    _create_private(self.path)
                    self._readers = ReadWriteLock(self.path, is_singleton=False)
            return self._readers

    @property
    def _held_here(self) -> int:
        return int(getattr(self._local, "depth", 0))

    def held_by_this_thread(self) -> bool:
        return self._owner == threading.get_ident() or self._held_here > 0

    @contextlib.contextmanager
    def shared(self, timeout: float | None = None) -> Iterator[None]:
        """Held by a writer: waits ``timeout`` (``WAIT_SECONDS``) for a restore or a change
        of keys, then ``WritingHeldOff``."""
        if self._owner == threading.get_ident():
            yield  # this thread holds it alone: its own writes go ahead
            return
        readers = self._shared_instance()
        try:
            with _cannot_write(self.folder):
                readers.acquire_read(timeout=WAIT_SECONDS if timeout is None else timeout)
        except Timeout:
            raise WritingHeldOff(HELD_OFF.format(folder=self.folder)) from None
        self._local.depth = self._held_here + 1
        try:
            yield
        finally:
            self._local.depth = self._held_here - 1
            readers.release()

    @contextlib.contextmanager
    def exclusive(self, doing: str, timeout: float | None = None) -> Iterator[None]:
        """Held by a restore or a rekey: waits for the writes in hand (in every process) to
        finish, then keeps new ones out until it is released. ``doing`` names the work in
        the message given if the writes in hand do not finish within ``timeout``
        (``EXCLUSIVE_WAIT_SECONDS``)."""
        wait = EXCLUSIVE_WAIT_SECONDS if timeout is None else timeout
        lock = self._acquire_alone(doing, wait, blocking=True)
        try:
            yield
        finally:
            self._release_alone(lock)

    @contextlib.contextmanager
    def try_exclusive(self) -> Iterator[bool]:
        """Exclusive at once or not at all; yields whether it is held (for clean-up, which
        touches only what no running safedesk can be writing)."""
        if self.held_by_this_thread():
            yield False
            return
        try:
            lock = self._acquire_alone("tidy up", 0, blocking=False)
        except StoreBusy:
            yield False
            return
        try:
            yield True
        finally:
            self._release_alone(lock)

    def _acquire_alone(self, doing: str, timeout: float, *, blocking: bool) -> ReadWriteLock | None:
        """None when this thread already holds it alone (a nested hold)."""
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:
                self._depth += 1
                return None
            if self._held_here:
                raise RuntimeError("a thread holding the writers' lock cannot take it alone")
            if not self._cond.wait_for(lambda: self._owner is None, timeout):
                raise _busy(self.folder, doing)
            self._owner, self._depth = me, 1
        try:
            with _cannot_write(self.folder):
                _create_private(self.path)
                lock = ReadWriteLock(self.path, is_singleton=False)
            try:
                with _cannot_write(self.folder):
                    lock.acquire_write(timeout=timeout, blocking=blocking)
            except Timeout:
                lock.close()
                raise _busy(self.folder, doing) from None
        except BaseException:
            self._release_alone(None)
            raise
        return lock

    def _release_alone(self, lock: ReadWriteLock | None) -> None:
        if lock is not None:
            lock.close()
        with self._cond:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
            self._cond.notify_all()


@contextlib.contextmanager
def _cannot_write(folder: Path) -> Iterator[None]:
    """A folder this account may not write to cannot hold the lock: a plain message."""
    try:
        yield
    except Timeout:
        raise
    except (OSError, sqlite3.Error):
        raise StoreReadOnly(
            f"safedesk cannot write to {folder}. Check the folder is not read-only and that "
            "this Windows account may write to it."
        ) from None


def _busy(folder: Path, doing: str) -> StoreBusy:
    return StoreBusy(
        f"Other safedesk work on the data folder {folder} did not finish in time, so safedesk "
        f"could not {doing}. Nothing has been changed by it; try again in a moment."
    )


_folders: weakref.WeakValueDictionary[Path, FolderLock] = weakref.WeakValueDictionary()
_folders_lock = threading.Lock()


def for_folder(root: Path) -> FolderLock:
    """The writers' lock of the data folder ``root`` (one object per folder in a process)."""
    path = DataPaths(Path(os.path.abspath(root))).writers_lock
    with _folders_lock:
        found = _folders.get(path)
        if found is None:
            found = FolderLock(path)
            _folders[path] = found
        return found


class WriteGuard:
    """What a Store holds around each write: its folder's lock, shared, and a check that its
    file is still the one it opened (not set aside by a restore meanwhile)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = for_folder(path.parent)
        self._identity = _identity(path)

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        with self.lock.shared():
            if _identity(self.path) != self._identity:
                raise StoreReplaced(REPLACED.format(folder=self.path.parent))
            yield


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def guard_for(path: Path) -> WriteGuard:
    return WriteGuard(path)


__all__ = [
    "EXCLUSIVE_WAIT_SECONDS",
    "WAIT_SECONDS",
    "FolderLock",
    "StoreReplaced",
    "WriteGuard",
    "WritingHeldOff",
    "for_folder",
    "guard_for",
]


def _create_private(path: Path) -> None:
    """The lock file (a small SQLite file) readable by its owner only, whatever the umask."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
