"""The backup banner at the top of the main window, and "Last backup: …" in its status bar.

The banner shows when the last good backup is more than two days old (or there is none), when
the backup folder cannot be reached, or when a backup made in this session failed; it offers
"Back up now" to those who may make backups, and the Admin page to those who have it. Anyone
else is told to let the administrator know. ``BackupWatch`` keeps both up to date: looking at
the folder (perhaps a network drive) happens off the UI thread, every minute: a look is cheap
(the folder's state and a tiny probe file), and a USB disk taken away is said within a minute.

"No backup yet" is never said while a backup is being written: the first look waits for the
work in hand after sign-in (the controller's automatic backup at sign-in is among it), and
while "Back up now" runs, the banner keeps saying "Backing up…".
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from safedesk.domain.roles import Permission
from safedesk.services import backup, backup_status
from safedesk.services.backup_status import BackupStatus
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message

log = logging.getLogger(__name__)

REFRESH_MS = 60_000  # a USB disk taken away; "older than two days" comes with time too

_STYLE = """
QFrame#BackupBanner { background: #fff4e5; border-bottom: 2px solid #e8a33d; }
QLabel#BackupBannerText { color: #5b3a06; }
"""


class BackupBanner(QFrame):
    back_up_requested = Signal()
    admin_requested = Signal()

    def __init__(self, session: Session, *, has_admin_page: bool) -> None:
        super().__init__()
        self.setObjectName("BackupBanner")
        self.setStyleSheet(_STYLE)
        self.setAccessibleName("Backup warning")
        self.can_back_up = session.user.can(Permission.BACKUP)
        self.text = QLabel()
        self.text.setObjectName("BackupBannerText")
        self.text.setWordWrap(True)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.back_up_button = QPushButton("Back &up now")
        self.back_up_button.clicked.connect(self.back_up_requested)
        self.back_up_button.setVisible(self.can_back_up)
        self.admin_button = QPushButton("Open the Admin page")
        self.admin_button.clicked.connect(self.admin_requested)
        self.admin_button.setVisible(has_admin_page)
        self.has_admin_page = has_admin_page
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 8, 20, 8)
        row.addWidget(self.text, 1)
        row.addWidget(self.back_up_button)
        row.addWidget(self.admin_button)
        self.hide()

    def show_status(self, status: BackupStatus, failure: str = "") -> None:
        said = [failure] if failure else []
        if status.needs_attention and status.warning:
            said.append(status.warning)
        if not said:
            self.hide()
            return
        if status.unreachable and self.has_admin_page:
            said.append("Plug the backup disk back in, or choose another folder on the Admin page.")
        elif status.unreachable:
            said.append("Plug the backup disk back in, or tell your administrator.")
        elif self.can_back_up:
            said.append("Back up now, and keep the backup disk plugged in.")
        else:
            said.append("Please tell your administrator.")
        self.text.setText(" ".join(said))
        # A backup to a folder out of reach would only fail: the way out is another folder.
        self.back_up_button.setVisible(self.can_back_up and not status.unreachable)
        self.back_up_button.setEnabled(True)
        self.show()

    def busy(self) -> None:
        self.back_up_button.setEnabled(False)
        self.text.setText("Backing up…")


class BackupWatch(QObject):
    """Keeps the banner and the status-bar label true: once the work in hand after sign-in is
    done, after each backup, and every minute."""

    def __init__(self, session: Session, parent: QWidget, *, has_admin_page: bool) -> None:
        super().__init__(parent)
        self.session = session
        self.banner = BackupBanner(session, has_admin_page=has_admin_page)
        self.status_label = QLabel()
        self.status_label.setObjectName("Subtitle")
        self.status_label.setAccessibleName("Last backup")
        self.status: BackupStatus | None = None
        self.failure = ""
        self.backing_up = False  # "Back up now" is running
        self.stopped = False
        self._reading = False  # a look at the folder is under way
        self._again = False  # look again when it ends: something changed meanwhile
        self.banner.back_up_requested.connect(self.back_up_now)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        # After the work in hand: at sign-in that is the automatic backup (started just after
        # the window is made), and a school's first backup is not "no backup yet".
        tasks.when_idle(self._first_look)

    def _first_look(self) -> None:
        if not self.stopped and not self.session.locked:
            self.refresh()

    def refresh(self) -> None:
        if self.stopped:
            return
        if self.session.locked:
            self.stop()
            return
        if self._reading:  # one look at a time (a slow network drive); then one more
            self._again = True
            return
        self._reading, self._again = True, False
        tasks.run(backup_status.status, self.session).on_success(self._show).on_error(
            lambda exc: log.info("backup status not read (%s)", type(exc).__name__)
        ).on_finished(self._read)

    def _read(self) -> None:
        self._reading = False
        if self._again:
            self.refresh()

    def _show(self, status: BackupStatus) -> None:
        if self.stopped:
            return
        self.status = status
        self.status_label.setText(status.short_words)
        self.status_label.setToolTip(status.last_words)
        if self.backing_up:
            return  # the banner says "Backing up…" until it ends
        self.banner.show_status(status, self.failure)

    def backed_up(self) -> None:
        """A backup was made and checked: whatever failed before is over."""
        self.failure = ""
        self.backing_up = False
        self.refresh()

    def backup_failed(self, message: str) -> None:
        self.failure = message
        self.backing_up = False
        self.refresh()

    def back_up_now(self) -> None:
        self.backing_up = True
        self.banner.busy()
        tasks.run(backup.create_backup, self.session).on_success(
            lambda _path: self.backed_up()
        ).on_error(lambda exc: self.backup_failed(user_message(exc)))

    def stop(self) -> None:
        self.stopped = True
        self.timer.stop()
