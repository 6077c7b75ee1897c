"""Moves between the set-up wizard, sign-in, the main window and the idle lock.

After sign-in, the main window shows at once; then what a member owes before working (key
rotations, taking in sealed records) runs off the UI thread with its progress in the status
bar, and other work on the records waits for it. A headteacher's new recovery code is shown
once. A lock hides the records at once and closes the store when the work in hand is done.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from safedesk.domain.compartments import is_reading_role
from safedesk.paths import DataPaths
from safedesk.ui import msgbox, tasks
from safedesk.ui.clipboard_guard import ClipboardGuard
from safedesk.ui.errors import user_message
from safedesk.ui.idle import IdleWatcher
from safedesk.ui.session_watch import SessionWatch
from safedesk.ui.signin import SignInWindow

# The sign-in window must appear fast: what only a signed-in user needs loads later.
if TYPE_CHECKING:
    from safedesk.services.key_costs import KdfParams
    from safedesk.services.session import Session
    from safedesk.services.upkeep import UpkeepReport
    from safedesk.ui.main_window import MainWindow
    from safedesk.ui.recovery_dialog import RecoveryCodeDialog

log = logging.getLogger(__name__)


class DemoAccount(Protocol):
    @property
    def username(self) -> str: ...
    @property
    def roles_label(self) -> str: ...


class DemoAccounts(Protocol):
    """The demo school's accounts and their shared password, offered on the sign-in window."""

    @property
    def accounts(self) -> Sequence[DemoAccount]: ...
    @property
    def password(self) -> str: ...


EXIT_WHEN_SHOWN = "SAFEDESK_EXIT_WHEN_SHOWN"  # benchmarks time start-up with this
PRELOAD_AFTER_MS = 300  # after the sign-in window has painted


class AppController(QObject):
    def __init__(
        self,
        app: QApplication,
        paths: DataPaths,
        *,
        kdf: KdfParams | None = None,
        demo: DemoAccounts | None = None,
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
        self.recovery_dialog: RecoveryCodeDialog | None = None
        self.upkeep_running = False
        self._closing: list[Session] = []  # locked sessions waiting for their work to end
        self._pending_backup_dir: str | None = None
        self._notice = ""
        self._preloaded = False
        self.idle = IdleWatcher(app, idle_ms or 5 * 60_000)
        self.idle.idle.connect(self.lock)
        # Record text copied while signed in: out of clipboard history, gone after 30 s.
        self.clipboard_guard = ClipboardGuard(app)
        self.session_watch: SessionWatch | None = None  # locks when Windows locks
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
            if check_file := os.environ.get("SAFEDESK_PDF_SELF_TEST"):  # the frozen build's
                from safedesk.ui.pdf_page_view import self_test

                with open(check_file, "w", encoding="utf-8") as out:
                    out.write(self_test())
            QTimer.singleShot(0, self.app.quit)

    def _setup_finished(self, username: str, backup_dir: str) -> None:
        self._pending_backup_dir = backup_dir
        self.show_sign_in(username)

    def show_sign_in(self, username: str = "") -> None:
        accounts = [(a.username, a.roles_label) for a in self.demo.accounts] if self.demo else []
        window = SignInWindow(
            self.paths,
            kdf=self.kdf,
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
        school_name = settings.school_name(session)
        # Held from now, and started before the window's own loads, so those wait for it.
        session.hold_work()
        self._start_upkeep(session)
        self.main_window = MainWindow(session, school_name, kdf=self.kdf)
        self.main_window.lock_requested.connect(lambda: self.lock(asked=True))
        # A restore from the Admin page closes the session (the keys change): sign in again.
        self.main_window.restore_starting.connect(self.idle.stop)
        self.main_window.restored.connect(self._after_restore)
        self.main_window.restore_failed.connect(self._after_restore)
        self._show(self.main_window)
        self.clipboard_guard.start()
        # The screen hidden (a child walked in): copied record text goes off the clipboard too.
        self.main_window.privacy.hidden_changed.connect(
            lambda hidden: self.clipboard_guard.expire() if hidden else None
        )
        self.session_watch = SessionWatch(self._windows_locked)
        self.session_watch.start(self.main_window)
        self.main_window.begin_work("Getting the records ready…")
        self.idle.start()
        self.main_window.password_changed.connect(
            lambda: self._show_new_recovery_code(session, school_name)
        )
        self._show_new_recovery_code(session, school_name)
        from safedesk.ui.policy_prompt import ask_after_sign_in

        ask_after_sign_in(session, self.main_window)  # the policies still to read and confirm
        if session.password_from_administrator:
            # Until they choose their own, an administrator knows it: no reading key (and,
            # for a new headteacher, none of the first keys) is made under it.
            reading = any(is_reading_role(r) for r in session.user.roles)
            self.main_window.change_password(
                "Your password was set by an administrator. Choose one of your own now, that "
                "nobody else knows"
                + (
                    ": until you do, safedesk cannot give you the keys to pupils' records."
                    if reading
                    else "."
                )
            )
        tasks.run(backup.backup_if_due, session).on_success(
            lambda made: self._backed_up(session, made)
        ).on_error(lambda exc: self._backup_failed(exc, session))

    # --- what a member owes before working ------------------------------------------------

    def _start_upkeep(self, session: Session) -> None:
        from safedesk.services import upkeep

        def progress(text: str) -> None:  # on the worker thread
            tasks.call_on_ui_thread(lambda: self._upkeep_step(session, text))

        def work() -> UpkeepReport:
            try:
                return upkeep.after_sign_in(session, progress)
            finally:
                session.release_work()  # held since sign-in; never left held by a failure

        self.upkeep_running = True
        tasks.run(work).on_success(lambda report: self._upkeep_done(session, report)).on_error(
            lambda exc: self._upkeep_failed(session, exc)
        ).on_finished(self._upkeep_finished)

    def _upkeep_step(self, session: Session, text: str) -> None:
        if self.session is session and self.main_window is not None:
            self.main_window.begin_work(f"Changing keys: {text.lower()}…")

    def _upkeep_finished(self) -> None:
        self.upkeep_running = False

    def _upkeep_done(self, session: Session, report: UpkeepReport) -> None:
        said = []
        if report.rotated:
            files = " and ".join(c.label for c in report.rotated)
            said.append(f"New keys are in place for the {files}.")
        if report.taken_in:
            said.append(f"{report.taken_in} new record{'s' if report.taken_in != 1 else ''} in.")
        if report.quarantined:
            said.append(f"{report.quarantined} could not be taken in: see the queue's alarms.")
        window = self.main_window if self.session is session else None
        if window is not None:
            window.end_work(" ".join(said))
            if (report.taken_in or report.quarantined) and window.queue_page is not None:
                window.queue_page.refresh()
        if report.problems:
            log.error("files failed their check before a key change: %s", report.problems)
            msgbox.warning(
                window or self.window,
                "A file needs checking",
                "safedesk found a problem in a file and did not change its keys:\n\n"
                + "\n".join(f"• {p}" for p in report.problems)
                + "\n\nYou can carry on working. Ask your administrator to run "
                "“Verify the records” on the Admin page, and to restore a backup if needed.",
            )

    def _upkeep_failed(self, session: Session, exc: BaseException) -> None:
        # The task runner logged it (with its stack if unexpected); this says what it was.
        log.error("work after sign-in did not finish (%s)", type(exc).__name__)
        window = self.main_window if self.session is session else None
        if window is not None:
            window.end_work("Getting the records ready did not finish: see the message.")
        msgbox.warning(
            window or self.window,
            "safedesk could not finish getting ready",
            f"{user_message(exc)}\n\nRecords waiting to be taken in, or a change of keys, "
            "were not completed. safedesk tries again at the next sign-in; if this keeps "
            "happening, tell your administrator.",
        )

    # --- the recovery code made at a headteacher's first sign-in --------------------------

    def _show_new_recovery_code(self, session: Session, school_name: str) -> None:
        warning, session.warning = session.warning, None
        if warning and self.main_window is not None:
            msgbox.warning(self.main_window, "Please read this", warning)
        code, session.new_recovery_code = session.new_recovery_code, None  # shown once only
        if not code or self.main_window is None:
            return
        from safedesk.ui.recovery_dialog import RecoveryCodeDialog

        dialog = RecoveryCodeDialog(code, school_name, session.clock.now(), self.main_window)
        self.recovery_dialog = dialog
        # It exists only on this screen: no idle lock may close it before it is stored.
        self.idle.stop()
        dialog.finished.connect(lambda _result: self._recovery_code_stored(dialog))
        dialog.open()

    def _recovery_code_stored(self, dialog: RecoveryCodeDialog) -> None:
        if self.recovery_dialog is dialog:
            self.recovery_dialog = None
        dialog.deleteLater()
        if self.session is not None:
            self.idle.start()

    def _backed_up(self, session: Session, made: object) -> None:
        if made is not None and self.session is session and self.main_window is not None:
            self.main_window.backup_watch.backed_up()

    def _backup_failed(self, exc: BaseException, session: Session | None = None) -> None:
        # Never in the way of recording, but never silent either: the banner says it while
        # the window is open (the task runner logged it, by its type only).
        print(f"safedesk: the automatic backup did not complete: {exc}", file=sys.stderr)
        if session is not None and self.session is session and self.main_window is not None:
            self.main_window.backup_watch.backup_failed(user_message(exc))

    def _back_up_at_sign_out(self, session: Session) -> None:
        """Every sign-out (the Lock button, the idle lock) leaves a backup behind, made off the
        UI thread before the store closes (the close waits for the work in hand)."""
        from safedesk.services import backup

        tasks.run(backup.create_backup, session, automatic=True).on_error(
            lambda exc: self._sign_out_backup_failed(exc)
        )

    def _sign_out_backup_failed(self, exc: BaseException) -> None:
        self._backup_failed(exc)
        from safedesk.ui.signin import SignInWindow

        if isinstance(self.window, SignInWindow):
            self.window.notice.setText(
                f"{self.window.notice.text()}\n\nThe backup at sign-out did not complete: "
                f"{user_message(exc)}"
            )

    def _after_restore(self, notice: str) -> None:
        """A restore from the Admin page has closed the session and given the files new keys:
        back to sign-in, saying what happened. No backup: the session is closed already."""
        if self.session is None:
            return
        self._close_when_idle(self._back_to_sign_in(self.session, notice))

    def _back_to_sign_in(self, session: Session, notice: str) -> Session:
        """The records out of sight at once: the sign-in window, saying ``notice``."""
        self.idle.stop()
        self._stop_watching()
        if self.main_window is not None:
            self.main_window.stop()
        self.session = None
        self.main_window = None
        self._notice = notice
        self.show_sign_in(session.user.username)
        return session

    def _close_when_idle(self, session: Session) -> None:
        # The store closes once the work in hand is done.
        self._closing.append(session)
        tasks.when_idle(lambda: self._close(session))

    def _stop_watching(self) -> None:
        """Signed out: copied record text off the clipboard; no more Windows lock messages."""
        self.clipboard_guard.stop()
        if self.session_watch is not None:
            self.session_watch.stop()
            self.session_watch = None

    def _windows_locked(self) -> None:
        self.lock(why="safedesk locked when Windows was locked. Sign in again to carry on.")

    def lock(self, asked: bool = False, why: str = "") -> None:
        if self.session is None:
            return
        if self.recovery_dialog is not None:
            self.recovery_dialog.remind()  # the code would be lost: store it first
            return
        session = self._back_to_sign_in(
            self.session,
            why
            or (
                "Locked. Sign in again to carry on."
                if asked
                else "safedesk locked itself after a time unused. Sign in again to carry on."
            ),
        )
        self._back_up_at_sign_out(session)
        self._close_when_idle(session)

    def _close(self, session: Session) -> None:
        self._closing = [s for s in self._closing if s is not session]
        try:
            session.lock()  # closes the store and wipes the keys even when signing out fails
        except Exception as exc:
            log.warning("signing out at a lock failed (%s)", type(exc).__name__, exc_info=exc)

    def shutdown(self) -> None:
        """On exit: wait for the work in hand, one last automatic backup, close the store."""
        self.idle.close()
        self._stop_watching()
        self.clipboard_guard.close()
        if self.main_window is not None:
            self.main_window.stop()
        tasks.wait_for_all()
        for closing in list(self._closing):
            self._close(closing)
        if self.session is None:
            return
        from safedesk.services import backup

        session, self.session = self.session, None
        try:
            backup.create_backup(session, automatic=True)
        except Exception as exc:
            self._backup_failed(exc)
        finally:
            session.lock()
