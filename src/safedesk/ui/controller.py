"""Moves between the set-up wizard, sign-in, the main window and the idle lock."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from safedesk.paths import DataPaths
from safedesk.ui import tasks
from safedesk.ui.idle import IdleWatcher
from safedesk.ui.signin import SignInWindow

# The sign-in window must appear fast: what only a signed-in user needs loads later.
if TYPE_CHECKING:
    from safedesk.demo.school import DemoSchool
    from safedesk.services.session import Session
    from safedesk.store.crypto import KdfParams
    from safedesk.ui.main_window import MainWindow

EXIT_WHEN_SHOWN = "SAFEDESK_EXIT_WHEN_SHOWN"  # benchmarks time start-up with this
PRELOAD_AFTER_MS = 300  # after the sign-in window has painted


class AppController(QObject):
    def __init__(
        self,
        app: QApplication,
        paths: DataPaths,
        *,
        kdf: KdfParams | None = None,
        demo: DemoSchool | None = None,
        idle_ms: int | None = None,
    ) -> None:
        super().__init__()
        self.app = app
        self.paths = paths
        self.kdf = kdf
        self.demo = demo
        self.idle_ms = idle_ms
        self.session: Session | None = None
        self.window: QWidget | None = None
        self.main_window: MainWindow | None = None
        self._pending_backup_dir: str | None = None
        self._notice = ""
        self._preloaded = False
        self.idle = IdleWatcher(app, idle_ms or 5 * 60_000)
        self.idle.idle.connect(self.lock)
        app.aboutToQuit.connect(self.shutdown)

    def start(self) -> None:
        if self.paths.store_exists():
            self.show_sign_in()
        else:
            from safedesk.ui.setup_wizard import SetupWizard

            wizard = SetupWizard(self.paths, self.kdf)
            wizard.finished_setup.connect(self._setup_finished)
            self._show(wizard)

    def _show(self, window: QWidget) -> None:
        old, self.window = self.window, window
        window.show()
        if old is not None and old is not window:
            old.close()
            old.deleteLater()
        if os.environ.get(EXIT_WHEN_SHOWN) == "1":
            print("shown", flush=True)
            QTimer.singleShot(0, self.app.quit)

    def _setup_finished(self, username: str, backup_dir: str) -> None:
        self._pending_backup_dir = backup_dir
        self.show_sign_in(username)

    def show_sign_in(self, username: str = "") -> None:
        accounts = [(a.username, a.roles_label) for a in self.demo.accounts] if self.demo else []
        window = SignInWindow(
            self.paths,
            demo_accounts=accounts,
            demo_password=self.demo.password if self.demo else None,
            notice=self._notice,
        )
        self._notice = ""
        window.username.setText(username)
        if username:
            window.password.setFocus()
        window.signed_in.connect(self._signed_in)
        self._show(window)
        if not self._preloaded:
            # While the password is typed: so the first queue after sign-in comes at once.
            self._preloaded = True
            QTimer.singleShot(PRELOAD_AFTER_MS, self._preload)

    def _preload(self) -> None:
        from safedesk.services.school_calendar import preload_bank_holidays

        tasks.run(preload_bank_holidays).on_error(lambda _exc: None)  # the queue loads it anyway

    def _signed_in(self, session: Session) -> None:
        from safedesk.services import backup, settings
        from safedesk.ui.main_window import MainWindow

        self.session = session
        if self._pending_backup_dir:
            settings.update_settings(session, backup_dir=self._pending_backup_dir)
            self._pending_backup_dir = None
        minutes = settings.get_settings(session).idle_lock_minutes
        self.idle.set_timeout(self.idle_ms or minutes * 60_000)
        self.main_window = MainWindow(session, settings.school_name(session))
        self.main_window.lock_requested.connect(self.lock)
        self._show(self.main_window)
        self.idle.start()
        tasks.run(backup.backup_if_due, session).on_error(self._backup_failed)

    def _backup_failed(self, exc: BaseException) -> None:
        # Never in the way of recording, but never silent either.
        print(f"safedesk: the daily backup did not complete: {exc}", file=sys.stderr)

    def lock(self) -> None:
        if self.session is None:
            return
        self.idle.stop()
        if self.main_window is not None:
            self.main_window.stop()
        session, self.session = self.session, None
        self.main_window = None
        with contextlib.suppress(Exception):
            session.lock()
        self._notice = "safedesk locked itself. Sign in again to carry on."
        self.show_sign_in(session.user.username)

    def shutdown(self) -> None:
        """On exit: one last automatic backup, then close the store."""
        self.idle.close()
        if self.session is None:
            return
        from safedesk.services import backup

        if self.main_window is not None:
            self.main_window.stop()
        session, self.session = self.session, None
        try:
            backup.create_backup(session, automatic=True)
        except Exception as exc:
            self._backup_failed(exc)
        finally:
            session.lock()
