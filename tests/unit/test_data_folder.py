"""The default data folder (the machine's on Windows, shared by every account) and moving a
school's records there from the per-user folder used before: every file copied and checked
before any original is removed; a move cut short leaves the old folder as it was."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import platformdirs
import pytest

from safedesk import paths as paths_module
from safedesk.cli.main import CLI_LOG_NAME
from safedesk.cli.main import main as safedesk_admin
from safedesk.paths import DataPaths
from safedesk.services import backup, data_folder, pupils
from safedesk.services.data_folder import FolderMove
from safedesk.store.db import StoreLocked
from safedesk.store.instance_lock import InstanceLock
from tests import factories
from tests.conftest import HEAD_PASSWORD, SchoolStore, new_school


def test_on_windows_the_default_is_the_machines_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths_module, "_is_windows", lambda: True)
    machine = Path(platformdirs.site_data_dir("safedesk", appauthor=False))
    assert paths_module.default_data_dir() == machine
    assert DataPaths.at(None).root == machine
    assert machine != paths_module.per_user_data_dir()


def test_elsewhere_the_default_is_this_users_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths_module, "_is_windows", lambda: False)
    own = Path(platformdirs.user_data_dir("safedesk", appauthor=False, roaming=False))
    assert paths_module.default_data_dir() == own == paths_module.per_user_data_dir()
    assert data_folder.move_to_offer(None) is None  # one folder: nothing to move


def test_the_windows_check_is_the_platforms() -> None:
    assert paths_module._is_windows() == (sys.platform == "win32")


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[SchoolStore, DataPaths]:
    """A school in the old per-user folder; the machine's folder has none (both in tmp)."""
    old = new_school(tmp_path / "per-user" / "safedesk")
    new = DataPaths(tmp_path / "ProgramData" / "safedesk")
    monkeypatch.setattr(paths_module, "default_data_dir", lambda: new.root)
    monkeypatch.setattr(paths_module, "per_user_data_dir", lambda: old.paths.root)
    session = old.sign_in()
    factories.add_pupils(session)
    backup.create_backup(session)  # into the folder's own backups/
    session.lock()
    return old, new


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def test_the_move_is_offered_only_without_a_folder_asked_for_and_a_store_in_the_new(
    folders: tuple[SchoolStore, DataPaths],
) -> None:
    old, new = folders
    assert data_folder.move_to_offer(None) == FolderMove(old.paths, new)
    assert data_folder.move_to_offer(str(old.paths.root)) is None  # --data-dir: as asked
    (new.root / "logs").mkdir(parents=True)  # this run's log does not count as a store
    assert data_folder.move_to_offer(None) is not None
    new.keys.write_text("{}")
    assert data_folder.move_to_offer(None) is None  # never over a store


def test_every_file_moves_and_the_school_opens_there(
    folders: tuple[SchoolStore, DataPaths],
) -> None:
    old, new = folders
    before = digests(old.paths.root)
    assert "keys.json" in before and "school.db" in before
    assert any(name.startswith("backups/") for name in before)

    moved = data_folder.move_store(FolderMove(old.paths, new))

    assert moved == len(before)
    assert digests(new.root) == before
    assert digests(old.paths.root) == {}  # originals removed once all were in place
    assert not (new.root / data_folder.STAGING).exists()
    session = SchoolStore(new, old.recovery_key).sign_in("head", HEAD_PASSWORD)
    assert len(pupils.list_pupils(session)) == 3  # the school opens there, as it was
    session.close()
    assert data_folder.move_to_offer(None) is None


def test_a_copy_cut_short_leaves_the_old_folder_as_it_was(
    folders: tuple[SchoolStore, DataPaths],
) -> None:
    old, new = folders
    before = digests(old.paths.root)
    copied: list[Path] = []

    def copy_then_fail(source: Path, target: Path) -> None:
        if len(copied) == 2:
            raise OSError(28, "No space left on device")
        target.write_bytes(source.read_bytes())
        copied.append(target)

    with pytest.raises(data_folder.MoveFailed, match="left them where they are"):
        data_folder.move_store(FolderMove(old.paths, new), copy=copy_then_fail)
    assert digests(old.paths.root) == before
    assert not new.keys.exists() and not new.store_exists()
    assert not (new.root / data_folder.STAGING).exists()
    assert data_folder.move_to_offer(None) is not None  # offered again; and it then works
    data_folder.move_store(FolderMove(old.paths, new))
    assert digests(new.root) == before


def test_a_copy_that_differs_is_caught_before_anything_is_removed(
    folders: tuple[SchoolStore, DataPaths],
) -> None:
    old, new = folders
    before = digests(old.paths.root)

    def careless_copy(source: Path, target: Path) -> None:
        data = source.read_bytes()
        target.write_bytes(
            data[:-1] + bytes([data[-1] ^ 1]) if source.name == "keys.json" else data
        )

    with pytest.raises(data_folder.MoveFailed):
        data_folder.move_store(FolderMove(old.paths, new), copy=careless_copy)
    assert digests(old.paths.root) == before and not new.keys.exists()


def test_no_move_while_another_safedesk_has_the_old_folder_open(
    folders: tuple[SchoolStore, DataPaths],
) -> None:
    old, new = folders
    before = digests(old.paths.root)
    with InstanceLock(old.paths.lock), pytest.raises(StoreLocked):
        data_folder.move_store(FolderMove(old.paths, new))
    assert digests(old.paths.root) == before and not new.keys.exists()


def test_no_move_while_another_safedesk_has_the_new_folder_open(
    folders: tuple[SchoolStore, DataPaths],
) -> None:
    old, new = folders
    with InstanceLock(new.lock), pytest.raises(StoreLocked):
        data_folder.move_store(FolderMove(old.paths, new))
    assert old.paths.store_exists() and not new.keys.exists()


def test_safedesk_admin_uses_the_old_folder_and_says_how_to_move_it(
    folders: tuple[SchoolStore, DataPaths],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old, new = folders
    monkeypatch.setenv("SAFEDESK_PASSWORD", HEAD_PASSWORD)
    assert safedesk_admin(["user", "list", "--user", "head"]) == 0
    captured = capsys.readouterr()
    assert "head" in captured.out
    assert f"still in {old.paths.root}" in captured.err and "choose Move" in captured.err
    assert old.paths.store_exists() and not new.keys.exists()  # the CLI moves nothing
    assert (old.paths.logs / CLI_LOG_NAME).exists()  # its log is with the records


# --- links in the old folder, files already in the new one ----------------------------------


def _opens(store: SchoolStore) -> None:
    session = store.sign_in()
    assert len(pupils.list_pupils(session)) == 3
    session.lock()


@pytest.mark.parametrize("name", ["safeguarding.db", "behaviour.db", "school.db", "keys.json"])
def test_a_records_file_that_is_a_link_stops_the_move_and_nothing_changes(
    folders: tuple[SchoolStore, DataPaths], tmp_path: Path, name: str
) -> None:
    old, new = folders
    elsewhere = tmp_path / "other-disk" / name
    elsewhere.parent.mkdir()
    (old.paths.root / name).rename(elsewhere)
    (old.paths.root / name).symlink_to(elsewhere)
    before = digests(old.paths.root)

    with pytest.raises(data_folder.MoveFailed, match="link") as refused:
        data_folder.move_store(FolderMove(old.paths, new))

    assert name in str(refused.value) and "Nothing has been changed" in str(refused.value)
    assert (old.paths.root / name).is_symlink() and digests(old.paths.root) == before
    assert not new.keys.exists() and data_folder.store_files_in(new.root) == []
    assert not (new.root / data_folder.STAGING).exists()
    _opens(old)  # the school still opens where it was


def test_a_folder_that_is_a_link_stops_the_move(
    folders: tuple[SchoolStore, DataPaths], tmp_path: Path
) -> None:
    old, new = folders
    elsewhere = tmp_path / "other-disk" / "backups"
    elsewhere.parent.mkdir()
    old.paths.backups.rename(elsewhere)
    old.paths.backups.symlink_to(elsewhere, target_is_directory=True)
    before = digests(old.paths.root)

    with pytest.raises(data_folder.MoveFailed, match="backups is a link"):
        data_folder.move_store(FolderMove(old.paths, new))
    assert digests(old.paths.root) == before and not new.keys.exists()
    assert not (new.root / "backups").exists()
    _opens(old)


def test_links_are_found_but_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "folder"
    (root / "logs").mkdir(parents=True)
    (root / "school.db").write_bytes(b"x")
    (root / "logs" / "safedesk.log").write_text("ran")
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "secret.db").write_bytes(b"y")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "dangling.db").symlink_to(tmp_path / "nowhere")
    (root / "safedesk.lock").symlink_to(tmp_path / "nowhere")  # lock files are not moved

    assert data_folder.links_in(root) == [Path("dangling.db"), Path("linked")]
    assert data_folder.files_to_move(root) == [Path("logs/safedesk.log"), Path("school.db")]


def test_the_new_folder_is_checked_to_hold_every_records_file_before_originals_go(
    folders: tuple[SchoolStore, DataPaths], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a records file go missing from the copy all the same (here the listing of
    files to move leaves one out), nothing is removed from the old folder and the copies are
    taken out of the new one."""
    old, new = folders
    before = digests(old.paths.root)
    listed = data_folder.files_to_move
    monkeypatch.setattr(
        data_folder,
        "files_to_move",
        lambda root: [p for p in listed(root) if p.name != "safeguarding.db"],
    )
    with pytest.raises(data_folder.MoveFailed, match="Nothing has been changed"):
        data_folder.move_store(FolderMove(old.paths, new))
    assert digests(old.paths.root) == before and not new.keys.exists()
    _opens(old)


def test_a_copy_changed_after_its_check_is_caught_and_taken_out(
    folders: tuple[SchoolStore, DataPaths], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last check compares the files in their new places with the originals: one that
    differs there stops the move, the copies are taken out (the key file first) and the old
    folder is as it was."""
    old, new = folders
    before = digests(old.paths.root)
    put_in_place = data_folder._put_in_place

    def then_spoil(*args: object, **kwargs: object) -> None:
        put_in_place(*args, **kwargs)  # type: ignore[arg-type]
        spoilt = new.database("safeguarding")
        spoilt.write_bytes(spoilt.read_bytes()[:-1] + b"\x00")

    monkeypatch.setattr(data_folder, "_put_in_place", then_spoil)
    with pytest.raises(data_folder.MoveFailed, match="left them where they are"):
        data_folder.move_store(FolderMove(old.paths, new))
    assert digests(old.paths.root) == before
    assert not new.keys.exists() and data_folder.store_files_in(new.root) == []
    assert data_folder.move_to_offer(None) is not None  # offered again
    _opens(old)


@pytest.mark.parametrize(
    "name", ["school.db", "behaviour.db", "other.db", "school.db-wal", "safeguarding.db-shm"]
)
def test_a_new_folder_already_holding_records_files_is_not_overwritten(
    folders: tuple[SchoolStore, DataPaths], name: str
) -> None:
    old, new = folders
    new.root.mkdir(parents=True)
    (new.root / name).write_bytes(b"someone else's")
    before_old, before_new = digests(old.paths.root), digests(new.root)

    with pytest.raises(data_folder.MoveFailed) as refused:
        data_folder.move_store(FolderMove(old.paths, new))

    message = str(refused.value)
    assert str(new.root) in message and name in message and "Nothing has been changed" in message
    assert digests(old.paths.root) == before_old and digests(new.root) == before_new
    _opens(old)


def test_a_new_folder_already_holding_a_backup_of_the_same_name_is_not_overwritten(
    folders: tuple[SchoolStore, DataPaths],
) -> None:
    old, new = folders
    backup_file = next(p for p in digests(old.paths.root) if p.startswith("backups/"))
    (new.root / backup_file).parent.mkdir(parents=True)
    (new.root / backup_file).write_bytes(b"another backup")
    with pytest.raises(data_folder.MoveFailed, match="already holds files of its own"):
        data_folder.move_store(FolderMove(old.paths, new))
    assert (new.root / backup_file).read_bytes() == b"another backup"
    assert old.paths.store_exists() and not new.keys.exists()


def test_the_new_folders_own_log_is_merged_not_refused(
    folders: tuple[SchoolStore, DataPaths],
) -> None:
    old, new = folders
    (old.paths.logs).mkdir(exist_ok=True)
    (old.paths.logs / "safedesk.log").write_text("the old folder's log")
    new.logs.mkdir(parents=True)
    (new.logs / "safedesk.log").write_text("this run's log")

    data_folder.move_store(FolderMove(old.paths, new))

    assert (new.logs / "safedesk.log").read_text() == "this run's log"
    assert (new.logs / "before-the-move-safedesk.log").read_text() == "the old folder's log"
    _opens(SchoolStore(new, old.recovery_key))
