"""Start-up: paths or the demo school (a store left in this Windows account's own folder offered
a move to the machine's), the one-instance lock, the log and the excepthooks, an interrupted
restore finished or undone and leftovers removed, then the first window."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from safedesk import app_log
from safedesk.paths import DataPaths

log = logging.getLogger(__name__)

EXIT_FAILED = 1
EXIT_LOCKED = 4


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="safedesk", description="safedesk desktop app")
    parser.add_argument("--data-dir", help="the school's data folder")
    parser.add_argument(
        "--demo", action="store_true", help="open a throwaway demo school in a temporary folder"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    from safedesk.private_files import restrict_new_files

    restrict_new_files()
    args = parse_args(argv)
    # Qt is imported here, not at module level, so `--help` and the CLI stay light.
    from PySide6.QtWidgets import QApplication

    from safedesk.domain.errors import SafedeskError
    from safedesk.services import start_up
    from safedesk.store.db import StoreLocked, StoreReadOnly
    from safedesk.store.instance_lock import InstanceLock
    from safedesk.ui import errors, msgbox, text_size
    from safedesk.ui.controller import AppController

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("safedesk")
    app.setApplicationDisplayName("safedesk")
    text_size.install(app)  # the system's text size, the person's own setting, Ctrl++/-/0
    from safedesk.ui.collector import UiThreadCollector

    # Cycles are collected on this thread only, and never while a worker thread runs.
    collector = UiThreadCollector(app)

    demo = None
    if args.demo:
        from safedesk.demo.school import build_demo_school
        from safedesk.store import crypto

        # A throwaway school in a new temporary folder: cheap key slots, in this process only.
        crypto.allow_weak_kdf("the demo school")

        folder = Path(tempfile.mkdtemp(prefix="safedesk-demo-"))
        demo_paths = DataPaths(folder / "data")
        logs = app_log.setup(demo_paths, "demo", faults=True)
        print(f"Building the demo school in {folder} (log: {logs or 'none'}) …", flush=True)
        demo = build_demo_school(demo_paths)
        paths = demo.paths
    else:
        paths = _folder_to_use(args.data_dir)

    lock = InstanceLock(paths.lock)
    try:
        lock.acquire()
    except StoreLocked as exc:
        msgbox.error(None, "safedesk is already open", str(exc))
        return EXIT_LOCKED
    except StoreReadOnly as exc:
        msgbox.error(None, "safedesk cannot open its data folder", str(exc))
        return EXIT_FAILED
    try:
        if demo is None:
            app_log.setup(paths, "app", faults=True)
        errors.install_excepthooks()
        # Before anything opens the store: a restore a crash interrupted is finished or
        # undone (and the person told which); what a killed process left is removed.
        try:
            notice = start_up.on_start(paths, instance_lock_held=True)
        except SafedeskError as exc:
            log.info("the data folder could not be opened (%s)", type(exc).__name__)
            msgbox.error(None, "safedesk cannot open its data folder", str(exc))
            return EXIT_FAILED
        if notice:
            msgbox.information(None, "An interrupted restore", notice)
        controller = AppController(app, paths, demo=demo)
        controller.start()
        code = int(app.exec())
        log.info("safedesk closed")
        return code
    finally:
        collector.stop()
        lock.release()
        app_log.stop()


def _folder_to_use(data_dir: str | None) -> DataPaths:
    """The folder asked for, or the default; when the school's records are still in this
    Windows account's own folder, the person is offered to move them to the machine's (and
    if not now, safedesk opens them where they are, so no second school is set up)."""
    from safedesk.domain.errors import SafedeskError
    from safedesk.services import data_folder
    from safedesk.ui import msgbox

    paths = DataPaths.at(data_dir)
    move = data_folder.move_to_offer(data_dir)
    if move is None:
        return paths
    if not ask_to_move(move.old.root, move.new.root):
        return move.old
    app_log.setup(move.new, "app, moving the store here")
    try:
        moved = data_folder.move_store(move)
    except SafedeskError as exc:
        msgbox.error(
            None, "The records were not moved", f"{exc}\n\nsafedesk opens them where they are."
        )
        return move.old
    msgbox.information(
        None,
        "The records were moved",
        f"The school's records ({moved} files) are now in {move.new.root}. Every member of "
        "staff on this PC now uses them there, whichever Windows account they sign in to.",
    )
    return move.new


def ask_to_move(old: Path, new: Path) -> bool:
    """Move / Not now (replaced in tests: no modal dialog runs there)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Move the school's records?",
        f"safedesk found your school's records in {old}, which only this Windows account can "
        f"use. Move them to {new} so every member of staff on this PC uses the same records?",
    )
    move = box.addButton("Move", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(move)
    box.exec()
    return box.clickedButton() is move


if __name__ == "__main__":
    sys.exit(main())
