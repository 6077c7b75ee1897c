"""At start-up the app offers to move a store left in this Windows account's own folder to
the machine's: Move moves it and says so; Not now opens it where it is (no second school)."""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk import app, app_log
from safedesk import paths as paths_module
from safedesk.paths import DataPaths
from tests.conftest import new_school


@pytest.fixture
def old_and_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[DataPaths, DataPaths]:
    old = new_school(tmp_path / "per-user" / "safedesk").paths
    new = DataPaths(tmp_path / "ProgramData" / "safedesk")
    monkeypatch.setattr(paths_module, "default_data_dir", lambda: new.root)
    monkeypatch.setattr(paths_module, "per_user_data_dir", lambda: old.root)
    yield old, new
    app_log.stop()


def test_move_moves_the_records_and_says_where(
    old_and_new: tuple[DataPaths, DataPaths],
    monkeypatch: pytest.MonkeyPatch,
    no_modal_dialogs: list[tuple[str, str]],
) -> None:
    old, new = old_and_new
    asked: list[tuple[Path, Path]] = []
    monkeypatch.setattr(app, "ask_to_move", lambda o, n: asked.append((o, n)) or True)
    assert app._folder_to_use(None) == new
    assert asked == [(old.root, new.root)]
    assert new.store_exists() and not old.store_exists()
    [(title, text)] = no_modal_dialogs
    assert title == "The records were moved" and str(new.root) in text
    assert "moving the store here" in (new.logs / "safedesk.log").read_text("utf-8")


def test_not_now_opens_them_where_they_are(
    old_and_new: tuple[DataPaths, DataPaths],
    monkeypatch: pytest.MonkeyPatch,
    no_modal_dialogs: list[tuple[str, str]],
) -> None:
    old, new = old_and_new
    monkeypatch.setattr(app, "ask_to_move", lambda o, n: False)
    assert app._folder_to_use(None) == old
    assert old.store_exists() and not new.keys.exists() and no_modal_dialogs == []


def test_no_question_when_a_folder_is_named(
    old_and_new: tuple[DataPaths, DataPaths], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(app, "ask_to_move", lambda o, n: pytest.fail("asked"))
    assert app._folder_to_use(str(tmp_path / "elsewhere")).root == tmp_path / "elsewhere"
