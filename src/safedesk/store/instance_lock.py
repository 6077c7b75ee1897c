"""One safedesk per data folder: an OS file lock that dies with its process."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from safedesk.store.db import StoreLocked, StoreReadOnly


class InstanceLock:
    def __init__(self, lock_path: Path) -> None:
        self._path = lock_path
        self._lock = FileLock(str(lock_path), timeout=0, mode=0o600)

    def acquire(self) -> InstanceLock:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except Timeout:
            raise StoreLocked(
                f"safedesk is already open on the data folder {self._path.parent}. "
                "Use the window that is already open, or close it first."
            ) from None
        except OSError:  # after Timeout, which is itself an OSError
            # A read-only folder (or one this account may not write to) cannot hold the lock.
            raise StoreReadOnly(
                f"safedesk cannot write to {self._path.parent}. Check the folder is not "
                "read-only and that this Windows account may write to it."
            ) from None
        return self

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
