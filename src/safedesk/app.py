"""Start-up: paths or the demo school, the one-instance lock, an interrupted restore finished or
undone and leftovers removed, then the first window."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

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
    from safedesk.paths import DataPaths
    from safedesk.services import start_up
    from safedesk.store.db import StoreLocked
    from safedesk.store.instance_lock import InstanceLock
    from safedesk.ui import msgbox, theme
    from safedesk.ui.controller import AppController

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("safedesk")
    app.setApplicationDisplayName("safedesk")
    theme.apply(app)

    demo = None
    if args.demo:
        from safedesk.demo.school import build_demo_school
        from safedesk.store import crypto

        # A throwaway school in a new temporary folder: cheap key slots, in this process only.
        crypto.allow_weak_kdf("the demo school")

        folder = Path(tempfile.mkdtemp(prefix="safedesk-demo-"))
        print(f"Building the demo school in {folder} …", flush=True)
        demo = build_demo_school(DataPaths(folder / "data"))
        paths = demo.paths
    else:
        paths = DataPaths.at(args.data_dir)

    lock = InstanceLock(paths.lock)
    try:
        lock.acquire()
    except StoreLocked as exc:
        msgbox.error(None, "safedesk is already open", str(exc))
        return EXIT_LOCKED
    try:
        # Before anything opens the store: a restore a crash interrupted is finished or
        # undone (and the person told which); what a killed process left is removed.
        try:
            notice = start_up.on_start(paths, instance_lock_held=True)
        except SafedeskError as exc:
            msgbox.error(None, "safedesk cannot open its data folder", str(exc))
            return EXIT_FAILED
        if notice:
            msgbox.information(None, "An interrupted restore", notice)
        controller = AppController(app, paths, demo=demo)
        controller.start()
        return int(app.exec())
    finally:
        lock.release()


if __name__ == "__main__":
    sys.exit(main())
