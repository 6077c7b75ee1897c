"""Proof: a restore killed at any step of its file swap leaves a store, and the next start
rolls the swap forward or back and says which.

Found by test: a SIGKILL in restore's file swap left no store at all, and the next start
offered to set up a new school. Now the swap is journalled (store/restore_journal.py). Here a
real ``safedesk-admin restore`` is SIGKILLed at each named point (``SAFEDESK_KILL_AT``; the
live store has four files, so each per-file point is tried at every file), then the next
``safedesk-admin`` command:

- says on stderr that the restore was completed (every staged file whole) or undone (one is
  not), or nothing when there was no swap to finish;
- leaves the store the backup's (forward) or the one before (back), whole and verified, with
  the other kept in ``replaced/`` (forward) and no journal, staging folder or empty
  set-aside folder left;
- after a forward roll, the key rotation that follows every restore is done at that command's
  sign-in of a member, so the backup's key file opens nothing.

A kill during the roll itself is finished by the start after; a damaged journal is refused
with a plain message and nothing moved.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from safedesk.domain.errors import SafedeskError
from safedesk.paths import DataPaths
from safedesk.services import backup, vault
from safedesk.store import access, restore_journal
from safedesk.store.db import StoreError
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore
from tests.faults.admin_process import (
    Restorable,
    concern_refs,
    restore_args,
    run_admin,
    school_with_backup,
)
from tests.faults.conftest import assert_old_copy_opens_nothing, check_store, file_state

KILLED = -9
LIVE_FILES = 4  # school, safeguarding, behaviour and the key file
COMPLETED = "It has now been completed"
UNDONE = "It has been undone"

# Killed after the journal was written: every staged file is whole, so the swap is finished.
ROLLED_FORWARD = [
    "restore.journal_written",
    *(f"restore.set_aside#{n}" for n in range(1, LIVE_FILES + 1)),
    "restore.aside_done",
    *(f"restore.moved_in#{n}" for n in range(1, LIVE_FILES + 1)),
    "restore.swapped",
]


@pytest.fixture
def restorable(school: SchoolStore, tmp_path: Path) -> Restorable:
    return school_with_backup(school, tmp_path / "usb")


def _killed_restore(restorable: Restorable, point: str) -> None:
    code, _out, err = run_admin(
        restorable.paths.root, *restore_args(restorable.backup), kill_at=point
    )
    assert code == KILLED, err


def _next_start(restorable: Restorable, kill_at: str | None = None) -> tuple[int, str]:
    """Any safedesk-admin command: here the head's ``verify``."""
    code, _out, err = run_admin(
        restorable.paths.root, "verify", "--user", HEAD_USER, kill_at=kill_at
    )
    return code, err


def _set_aside_stores(paths: DataPaths) -> list[Path]:
    if not paths.replaced.exists():
        return []
    return [p for p in paths.replaced.iterdir() if p.is_dir()]


def _nothing_left_over(paths: DataPaths) -> None:
    assert not paths.restore_journal.exists()
    assert not list(paths.root.glob(".restore-*"))
    assert not list(paths.root.glob("*.tmp"))
    assert all(any(p.iterdir()) for p in _set_aside_stores(paths))  # no empty folder


def _refs_set_aside(paths: DataPaths, tmp_path: Path) -> set[str]:
    [aside] = _set_aside_stores(paths)
    look = tmp_path / "looking-at-replaced"
    shutil.copytree(aside, look)
    return concern_refs(DataPaths(look))


def _backup_keys(restorable: Restorable) -> bytes:
    with zipfile.ZipFile(restorable.backup) as archive:
        return archive.read("keys.json")


def _is_the_backup(restorable: Restorable, tmp_path: Path) -> None:
    paths = restorable.paths
    assert concern_refs(paths) == {restorable.in_backup}
    assert _refs_set_aside(paths, tmp_path) == {restorable.in_backup, restorable.after_backup}
    check_store(paths)
    session = vault.sign_in(paths, HEAD_USER, HEAD_PASSWORD)
    try:
        with session.store.read() as conn:
            assert access.pending_rotations(conn) == []  # the rotation after a restore: done
    finally:
        session.close()
    assert_old_copy_opens_nothing(paths, _backup_keys(restorable), HEAD_USER, HEAD_PASSWORD)


def _is_as_before(restorable: Restorable) -> None:
    paths = restorable.paths
    assert concern_refs(paths) == {restorable.in_backup, restorable.after_backup}
    assert _set_aside_stores(paths) == []
    check_store(paths)


@pytest.mark.parametrize("point", ROLLED_FORWARD)
def test_killed_in_the_swap_is_rolled_forward_at_the_next_start(
    restorable: Restorable, tmp_path: Path, point: str
) -> None:
    _killed_restore(restorable, point)
    assert restorable.paths.restore_journal.exists()
    code, err = _next_start(restorable)
    assert code == 0, err
    assert "A restore from a backup was interrupted" in err and COMPLETED in err
    assert str(restorable.paths.replaced) in err  # says where the replaced store is kept
    assert "Traceback" not in err
    _nothing_left_over(restorable.paths)
    _is_the_backup(restorable, tmp_path)


def test_killed_before_the_swap_changes_nothing(restorable: Restorable) -> None:
    """Killed after the check, before the journal: the staging folder is removed, no word."""
    _killed_restore(restorable, "restore.checked")
    assert list(restorable.paths.root.glob(".restore-*"))  # what the kill left
    code, err = _next_start(restorable)
    assert code == 0, err
    assert "interrupted" not in err
    _nothing_left_over(restorable.paths)
    _is_as_before(restorable)


def test_killed_after_the_swap_gets_its_new_keys_at_the_next_sign_in(
    restorable: Restorable, tmp_path: Path
) -> None:
    """Killed with the files in place, before the rotation that follows a restore: the
    restored store asked for it before the swap, and the next member's sign-in does it."""
    _killed_restore(restorable, "restore.swap_done")
    assert not restorable.paths.restore_journal.exists()
    code, err = _next_start(restorable)
    assert code == 0, err
    assert "interrupted" not in err
    _nothing_left_over(restorable.paths)
    _is_the_backup(restorable, tmp_path)


def _damage_a_staged_file(restorable: Restorable, name: str) -> None:
    [staging] = restorable.paths.root.glob(".restore-*")
    staged = staging / name
    assert staged.exists()
    staged.write_bytes(staged.read_bytes()[:100])


@pytest.mark.parametrize(
    ("point", "damaged"),
    [
        ("restore.journal_written", "school.db"),
        ("restore.set_aside#2", "safeguarding.db"),
        ("restore.aside_done", "keys.json"),
        ("restore.moved_in#2", "keys.json"),  # school and safeguarding already moved in
    ],
)
def test_a_staged_file_not_whole_is_rolled_back_at_the_next_start(
    restorable: Restorable, point: str, damaged: str
) -> None:
    _killed_restore(restorable, point)
    _damage_a_staged_file(restorable, damaged)
    code, err = _next_start(restorable)
    assert code == 0, err
    assert "A restore from a backup was interrupted" in err and UNDONE in err
    _nothing_left_over(restorable.paths)
    _is_as_before(restorable)


def test_a_kill_while_rolling_forward_is_finished_by_the_start_after(
    restorable: Restorable, tmp_path: Path
) -> None:
    _killed_restore(restorable, "restore.set_aside#2")
    code, _err = _next_start(restorable, kill_at="restore.moved_in#2")
    assert code == KILLED
    assert restorable.paths.restore_journal.exists()
    code, err = _next_start(restorable)
    assert code == 0, err
    assert COMPLETED in err
    _nothing_left_over(restorable.paths)
    _is_the_backup(restorable, tmp_path)


def test_a_kill_while_rolling_back_is_finished_by_the_start_after(
    restorable: Restorable,
) -> None:
    _killed_restore(restorable, "restore.moved_in#3")
    _damage_a_staged_file(restorable, "keys.json")
    code, _err = _next_start(restorable, kill_at="restore.rolled_back#2")
    assert code == KILLED
    code, err = _next_start(restorable)
    assert code == 0, err
    assert UNDONE in err
    _nothing_left_over(restorable.paths)
    _is_as_before(restorable)


def test_a_damaged_journal_is_refused_and_nothing_is_moved(restorable: Restorable) -> None:
    _killed_restore(restorable, "restore.set_aside#2")
    restorable.paths.restore_journal.write_text("{not json", "utf-8")
    before = file_state(restorable.paths.root)
    code, err = _next_start(restorable)
    assert code == 1
    assert "journal" in err and "damaged" in err and "Nothing has been changed" in err
    assert "Traceback" not in err
    after = file_state(restorable.paths.root)

    def records(state: dict[str, tuple[bytes, int]]) -> dict[str, tuple[bytes, int]]:
        # The locks and safedesk's own log (it says what was refused) are not the records.
        return {
            k: v for k, v in state.items() if not (k.endswith(".lock") or k.startswith("logs/"))
        }

    assert records(after) == records(before)
    assert any(k.startswith("logs/") for k in after)  # the refusal was logged


def test_a_restore_is_refused_while_an_interrupted_one_waits(
    restorable: Restorable, tmp_path: Path
) -> None:
    """In the program (not through safedesk-admin, which finishes it first)."""
    _killed_restore(restorable, "restore.aside_done")
    before = file_state(restorable.paths.root)
    with pytest.raises(SafedeskError, match="interrupted"):
        backup.restore_backup(restorable.paths, restorable.backup, HEAD_USER, HEAD_PASSWORD)
    assert file_state(restorable.paths.root) == before
    assert restore_journal.recover(restorable.paths.root) is not None
    _is_the_backup(restorable, tmp_path)


def test_a_file_that_cannot_be_moved_undoes_the_swap_at_once(
    restorable: Restorable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows a file another program holds open cannot be renamed: the restore puts back
    what it moved and says so, rather than leave the swap to the next start."""
    import os

    real_replace = os.replace
    moved_in: list[str] = []

    def held_open(source: object, target: object) -> None:
        if Path(str(source)).parent.name.startswith(".restore-"):  # a staged file moving in
            moved_in.append(Path(str(source)).name)
            if len(moved_in) == 3:  # two of the backup's files are in place already
                raise PermissionError(13, "The process cannot access the file", str(target))
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(restore_journal.os, "replace", held_open)
    with pytest.raises(StoreError, match="Nothing has been changed"):
        backup.restore_backup(restorable.paths, restorable.backup, HEAD_USER, HEAD_PASSWORD)
    monkeypatch.undo()
    assert len(moved_in) == 3
    _nothing_left_over(restorable.paths)
    _is_as_before(restorable)
