"""What the app and safedesk-admin do with a data folder before anything opens the store.

A restore a crash interrupted is finished or undone (``store/restore_journal``), with a
sentence saying which for the person starting safedesk; then what a killed process left
behind is removed (``services/cleanup``). Both need the folder to themselves: the
one-instance lock, and the writers' lock held exclusively.
"""

from __future__ import annotations

from safedesk.paths import DataPaths
from safedesk.services import cleanup
from safedesk.store.db import StoreLocked, StoreReadOnly
from safedesk.store.instance_lock import InstanceLock

# The app runs this before its first window: the journal and the writers' lock (SQLite,
# cryptography) are imported only when there is something to do.

RESTORE_RUNNING = (
    "A restore from a backup is running on the safedesk data folder {folder}, so nothing "
    "was done. Wait until it has finished, then try again."
)


def on_start(paths: DataPaths, *, instance_lock_held: bool = False) -> str | None:
    """Deal with an interrupted restore and leftovers; returns what to tell the person, if
    anything.

    The app calls this holding the one-instance lock. safedesk-admin does not hold it: it is
    taken here for a moment; if another safedesk has the folder, that one did this when it
    started, unless a restore is running now, which is refused (``WritingHeldOff``)."""
    journal = paths.restore_journal.exists() if paths.root.is_dir() else False
    if not journal and not cleanup.found(paths):
        return None
    from safedesk.store import restore_journal, writer_lock

    lock: InstanceLock | None = None
    if not instance_lock_held:
        lock = InstanceLock(paths.lock)
        try:
            lock.acquire()
        except (StoreLocked, StoreReadOnly):
            if journal:
                raise writer_lock.WritingHeldOff(
                    RESTORE_RUNNING.format(folder=paths.root)
                ) from None
            return None
    try:
        writers = writer_lock.for_folder(paths.root)
        notice = None
        if restore_journal.exists(paths.root):
            with writers.exclusive("finish the interrupted restore"):
                notice = restore_journal.recover(paths.root)
        with writers.try_exclusive() as alone:
            if alone:
                cleanup.remove_leftovers(paths)
        return notice
    finally:
        if lock is not None:
            lock.release()


__all__ = ["RESTORE_RUNNING", "on_start"]
