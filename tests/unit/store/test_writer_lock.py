"""The writers' lock: shared by writers, taken alone by a restore or a change of keys.

Threads here stand in for processes where that is enough (each exclusive hold has a lock
instance of its own, so it waits for this process's writers as for another's); the fault
tests (tests/faults/test_restore_race.py) use real processes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.services import rotation
from safedesk.services.session import Session
from safedesk.store import writer_lock
from safedesk.store.db import Store, StoreBusy, connect
from safedesk.store.writer_lock import StoreReplaced, WritingHeldOff

KEY = bytes(range(32))


@contextmanager
def held_in_another_thread(hold: str, root: Path) -> Iterator[None]:
    """``root``'s writers' lock held (``shared`` or ``exclusive``) by another thread."""
    taken, done = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        lock = writer_lock.for_folder(root)
        try:
            with lock.shared() if hold == "shared" else lock.exclusive("test"):
                taken.set()
                done.wait(30)
        except BaseException as exc:
            failed.append(exc)
            taken.set()

    thread = threading.Thread(target=run)
    thread.start()
    assert taken.wait(30)
    try:
        assert not failed, failed
        yield
    finally:
        done.set()
        thread.join(30)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    made = Store(tmp_path / "school.db", KEY)
    with made.write() as conn:
        conn.execute("CREATE TABLE t (x)")
    yield made
    made.close()


def test_writers_share_it(store: Store, tmp_path: Path) -> None:
    with held_in_another_thread("shared", tmp_path), store.write() as conn:
        conn.execute("INSERT INTO t VALUES (1)")


def test_a_writer_meeting_it_held_alone_waits_then_saves_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_lock, "WAIT_SECONDS", 0.5)
    with (
        held_in_another_thread("exclusive", tmp_path),
        pytest.raises(WritingHeldOff, match="restore from a backup") as caught,
        store.write() as conn,
    ):
        conn.execute("INSERT INTO t VALUES (1)")
    assert "not saved" in str(caught.value) and str(tmp_path) in str(caught.value)
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_it_waits_for_the_writes_in_hand(store: Store, tmp_path: Path) -> None:
    lock = writer_lock.for_folder(tmp_path)
    with (
        held_in_another_thread("shared", tmp_path),
        pytest.raises(StoreBusy, match="in time"),
        lock.exclusive("restore the backup", timeout=0.3),
    ):
        pass
    with lock.exclusive("restore the backup", timeout=0.3):
        pass  # once they are done


def test_the_thread_holding_it_alone_writes_and_a_writer_cannot_take_it_alone(
    store: Store, tmp_path: Path
) -> None:
    lock = writer_lock.for_folder(tmp_path)
    with lock.exclusive("restore the backup"), store.write() as conn:
        conn.execute("INSERT INTO t VALUES (1)")  # a restore signs in and writes
        with lock.exclusive("nested"):
            pass
    with store.write(), pytest.raises(RuntimeError), lock.exclusive("restore the backup"):
        pass


def test_a_store_replaced_under_a_session_is_never_written(store: Store, tmp_path: Path) -> None:
    """A restore moves the file away and puts another in its place: the old connection would
    write into the file set aside. It refuses instead."""
    aside = tmp_path / "replaced"
    aside.mkdir()
    store.checkpoint()
    for name in ("school.db", "school.db-wal", "school.db-shm"):
        if (tmp_path / name).exists():
            os.replace(tmp_path / name, aside / name)
    other = connect(store.path, KEY)
    other.execute("CREATE TABLE t (x)")
    other.close()
    with pytest.raises(StoreReplaced, match="replaced by a restore"), store.write() as conn:
        conn.execute("INSERT INTO t VALUES (1)")
    moved = connect(aside / "school.db", KEY)
    try:
        assert moved.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    finally:
        moved.close()


def test_a_key_rotation_takes_it_alone_around_the_rekey(
    head_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another process's write is in hand, the rekey waits for it; here it never ends,
    so the rotation stops with a plain message and the file keeps its keys (a later rotation
    reuses the keys it prepared)."""
    monkeypatch.setattr(writer_lock, "EXCLUSIVE_WAIT_SECONDS", 0.5)
    epoch = head_session.keys[Compartment.SAFEGUARDING].epoch
    with (
        held_in_another_thread("shared", head_session.paths.root),
        pytest.raises(StoreBusy, match="change the safeguarding records keys"),
    ):
        rotation.rotate(head_session, Compartment.SAFEGUARDING, reason="test")
    assert head_session.keys[Compartment.SAFEGUARDING].epoch == epoch
    assert rotation.rotate(head_session, Compartment.SAFEGUARDING, reason="test") == epoch + 1
