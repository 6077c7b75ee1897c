"""The app's start after a restore was killed mid-swap: finished, said, and a store to sign in
to (before the journal, the next start offered to set up a new school)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from safedesk import app as safedesk_app
from safedesk.paths import DataPaths
from safedesk.ui import controller as controller_module
from tests.conftest import SchoolStore
from tests.faults.admin_process import concern_refs, restore_args, run_admin, school_with_backup


class StartedController:
    """Stands for the real controller: notes what it would show, then ends the event loop."""

    seen: ClassVar[list[bool]] = []

    def __init__(self, app: QApplication, paths: DataPaths, **_kwargs: object) -> None:
        self.app = app
        self.paths = paths

    def start(self) -> None:
        StartedController.seen.append(self.paths.store_exists())
        QTimer.singleShot(0, self.app.quit)


@pytest.mark.parametrize("point", ["restore.set_aside:school.db", "restore.moved_in#1"])
def test_the_app_finishes_an_interrupted_restore_and_says_so(
    school: SchoolStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_modal_dialogs: list[tuple[str, str]],
    point: str,
) -> None:
    restorable = school_with_backup(school, tmp_path / "usb")
    root = school.paths.root
    if point.endswith(":school.db"):
        # Killed just after school.db is set aside: the files go in name order, so its number
        # depends on which files the school has (allegations.db sorts first).
        names = sorted(p.name for p in root.glob("*.db"))
        point = f"restore.set_aside#{names.index('school.db') + 1}"
    code, _out, err = run_admin(root, *restore_args(restorable.backup), kill_at=point)
    assert code == -9, err
    assert not school.paths.store_exists()  # what the start would have offered to set up
    StartedController.seen = []
    monkeypatch.setattr(controller_module, "AppController", StartedController)
    assert safedesk_app.main(["--data-dir", str(root)]) == 0
    [(title, text)] = no_modal_dialogs
    assert title == "An interrupted restore"
    assert "It has now been completed" in text and str(school.paths.replaced) in text
    assert StartedController.seen == [True]  # the sign-in, not the set-up wizard
    assert not school.paths.restore_journal.exists()
    assert concern_refs(school.paths) == {restorable.in_backup}
