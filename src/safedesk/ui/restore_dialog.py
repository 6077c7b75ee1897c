"""Restore from a backup, or test a restore, from the Admin page.

Both start with the newest backup in the school's folder (another can be chosen) and check it
at once: each file in it against what was written. Then the administrator's password opens it
and it is checked fully, as a restore would, in a temporary folder that is then removed.

A trial stops there and says what the backup holds. A restore first says what it replaces (the
records as they are now, and when they were last changed) and asks once more; then the
session closes (so no file is open while the files are swapped), the restore runs off the UI
thread, and ``restored`` (or ``restore_failed``) carries the words for the sign-in window:
the keys change after a restore, so everyone signs in again.

The password's Enter is the go button's (the dialog's default button): never the file picker.
Closing the dialog while a check runs is allowed; its result, when it comes, is ignored
(``closed``). While the restore itself runs, the dialog cannot be closed: its result is what
takes everyone back to sign-in.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import counted, time_text
from safedesk.domain.local_time import to_local
from safedesk.services import backup, settings
from safedesk.services.backup import BackupInfo, RestoreResult, TrialRestore
from safedesk.services.backup_status import when_words
from safedesk.services.session import Session
from safedesk.ui import msgbox, pickers, tasks
from safedesk.ui.errors import user_message
from safedesk.ui.task_dialog import fit

FILTER = "safedesk backups (*.sdbackup)"
SINCE_LOST = (
    "Anything recorded or changed since the backup was made (records, accounts, pupils and "
    "settings) will be gone from the live records."
)
KEPT_ASIDE = (
    "The records as they are now are kept aside, never deleted, in the \u201creplaced\u201d "
    "folder inside safedesk's data folder. Everyone signs in again afterwards."
)


def made_words(at: datetime, now: datetime) -> str:
    local = to_local(at)
    return (
        f"{local.strftime('%A')} {local.day} {local.strftime('%B %Y')} at "
        + time_text(at)
        + (f" ({when_words(at, now)})" if (to_local(now).date() - local.date()).days < 2 else "")
    )


def trial_words(trial: TrialRestore) -> str:
    held = [counted(trial.pupils, "pupil"), counted(trial.accounts, "account")]
    held += [f"{n} in the {label}" for label, n in trial.records.items()]
    unseen = (
        " The "
        + " and ".join(trial.not_opened)
        + " cannot be opened with your account, so they were not checked: they are there, "
        "and only a DSL or the headteacher can open them (after a restore, at their next "
        "sign-in)."
        if trial.not_opened
        else ""
    )
    verdict = (
        "The files your account can open opened and checked out in full"
        if trial.not_opened
        else "The backup opened and checked out in full"
    )
    return (
        f"{verdict}. It holds {_listed(held)}.{unseen} "
        "Nothing was replaced: the copy it was opened into has been removed."
    )


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class RestoreDialog(QDialog):
    restore_starting = Signal()  # the session is about to close
    restored = Signal(str)  # what the sign-in window should say
    restore_failed = Signal(str)  # the session had closed: sign in again

    def __init__(self, session: Session, parent: QWidget | None = None, *, trial: bool = False):
        super().__init__(parent)
        self.session = session
        self.trial = trial
        self.info: BackupInfo | None = None
        self.path: Path | None = None
        self.closed = False  # late results of checks are then ignored
        self.restoring = False  # the session has closed for the restore: no closing now
        self.setWindowTitle("Test a restore" if trial else "Restore from a backup")
        self.setMinimumWidth(620)

        intro = _wrapped(
            "safedesk opens the backup in a temporary folder, checks it as a restore would, and "
            "tells you what it holds. Nothing is replaced."
            if trial
            else "Restoring puts the school's records back as they were when the backup was "
            "made. safedesk checks the backup first and replaces nothing unless it is sound."
        )
        self.file_label = _wrapped("No backup chosen")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("&Choose another backup…")
        self.choose_button.setAutoDefault(False)  # Enter is the go button's, never the picker
        self.choose_button.clicked.connect(self.choose)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.choose_button)
        self.backup_text = _wrapped()
        self.replaces_text = _wrapped()
        self.replaces_text.setObjectName("Note")
        self.replaces_text.setVisible(False)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Your password")
        self.password.textChanged.connect(self._update_buttons)
        form = QFormLayout()
        form.addRow("Your &password:", self.password)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.result_text = _wrapped()
        self.result_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.go_button = QPushButton("&Test the restore" if trial else "&Restore…")
        self.go_button.setObjectName("Primary")
        self.buttons.addButton(self.go_button, QDialogButtonBox.ButtonRole.ActionRole)
        close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close_button.setAutoDefault(False)
        self.go_button.setAutoDefault(False)
        self.go_button.setDefault(True)  # Enter in the password starts it, once it can
        self.go_button.clicked.connect(self.go)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.backup_text)
        layout.addWidget(self.replaces_text)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.result_text)
        layout.addWidget(self.buttons)

        folder = settings.backup_folder(session)
        newest = backup.newest_recorded_backup(session, folder) if folder.is_dir() else None
        if newest is not None:
            self.use(newest)
        elif not folder.is_dir():
            self.backup_text.setText(
                f"The school's backup folder, {folder}, cannot be found: the disk it is on "
                "may be unplugged. Plug it back in and open this again, or choose a backup "
                "file from somewhere else."
            )
        else:
            self.backup_text.setText(
                f"There is no backup in the school's backup folder, {folder}. Choose a "
                "backup file from somewhere else."
            )
        self._update_buttons()
        self.password.setFocus()

    # --- closing -----------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self.closed = True
        super().done(result)

    def reject(self) -> None:
        if self.restoring:  # Esc or the window's close: its result takes everyone to sign-in
            return
        super().reject()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit(self)

    def _said(self, label: QLabel, text: str) -> None:
        """Set a label's words and give it the height they need at the dialog's width."""
        label.setText(text)
        if self.isVisible():
            fit(self)

    def _open(self, callback: Callable[..., None]) -> Callable[..., None]:
        """``callback``, unless the dialog was closed (perhaps deleted) before it came."""

        def guarded(*args: object) -> None:
            if not self.closed:
                callback(*args)

        return guarded

    # --- choosing and the first check --------------------------------------------------------

    def choose(self) -> None:
        start = self.path.parent if self.path else settings.backup_folder(self.session)
        chosen = pickers.choose_file(self, "Choose a backup", start, FILTER)
        if chosen is not None:
            self.use(chosen)

    def use(self, path: Path) -> None:
        self.path, self.info = path, None
        self.file_label.setText(str(path))
        self.result_text.clear()
        self.replaces_text.hide()
        self._said(self.backup_text, "Checking the backup file…")
        self._update_buttons()
        tasks.run(backup.inspect_backup, self.session, path).on_success(
            self._open(lambda info: self._inspected(path, info))
        ).on_error(self._open(lambda exc: self._not_usable(path, exc)))

    def _inspected(self, path: Path, info: BackupInfo) -> None:
        if path != self.path:
            return
        now = self.session.clock.now()
        if not info.this_school:
            self._said(
                self.backup_text,
                "This file is a backup of a different school's safedesk, not this one. "
                "Choose another backup.",
            )
            return
        self.info = info
        self._said(
            self.backup_text,
            f"This backup was made on {made_words(info.made_at, now)}. Every file in it is "
            "whole. Type your password to open it and check it fully.",
        )
        if not self.trial:
            tasks.run(backup.last_changed, self.session).on_success(self._open(self._show_replaces))
        self._update_buttons()

    def _show_replaces(self, changed: datetime | None) -> None:
        if self.info is None:
            return
        now = self.session.clock.now()
        since = f" (last changed {when_words(changed, now)})" if changed is not None else ""
        self.replaces_text.setText(
            f"A restore replaces the records as they are now{since} with the records as they "
            f"were on {made_words(self.info.made_at, now)}. {SINCE_LOST} {KEPT_ASIDE}"
        )
        self.replaces_text.show()
        if self.isVisible():
            fit(self)

    def _not_usable(self, path: Path, exc: BaseException) -> None:
        if path == self.path:
            self._said(self.backup_text, user_message(exc))
            self._update_buttons()

    def _update_buttons(self) -> None:
        self.go_button.setEnabled(self.info is not None and bool(self.password.text()))

    # --- checking in full, and restoring -----------------------------------------------------

    def _busy(self, text: str) -> None:
        self.progress.show()
        self._said(self.result_text, text)
        for widget in (self.go_button, self.choose_button, self.password):
            widget.setEnabled(False)

    def _idle(self, text: str) -> None:
        self.progress.hide()
        self._said(self.result_text, text)
        self.choose_button.setEnabled(True)
        self.password.setEnabled(True)
        self._update_buttons()

    def go(self) -> None:
        if self.path is None or self.info is None:
            return
        path, password = self.path, self.password.text()
        self._busy("Opening the backup in a temporary folder and checking it…")
        tasks.run(
            backup.trial_restore, self.session, path, password, check_only=not self.trial
        ).on_success(self._open(lambda trial: self._checked(trial, password))).on_error(
            self._open(lambda exc: self._idle(user_message(exc)))
        )

    def _checked(self, trial: TrialRestore, password: str) -> None:
        if self.trial:
            self.password.clear()
            self._idle(trial_words(trial))
            return
        now = self.session.clock.now()
        if not msgbox.confirm(
            self,
            "Restore this backup?",
            f"The backup made on {made_words(trial.made_at, now)} is sound. Restore it now?\n\n"
            f"{SINCE_LOST}\n\n{KEPT_ASIDE}",
        ):
            self._idle("Nothing has been replaced.")
            return
        if self.closed:  # closed behind the question (it cannot be, but never restore then)
            return
        self.restoring = True
        self._busy("Putting the backup in place and giving the files new keys…")
        self.restore_starting.emit()
        # Nothing may hold a file open while they are swapped: the session closes first,
        # once the work in hand is done.
        tasks.when_idle(lambda: self._restore(trial, password))

    def _restore(self, trial: TrialRestore, password: str) -> None:
        session = self.session
        with contextlib.suppress(Exception):
            session.lock()
        tasks.run(
            backup.restore_backup,
            session.paths,
            trial.path,
            session.user.username,
            password,
            clock=session.clock,
        ).on_success(lambda result: self._restored(trial, result)).on_error(self._failed)

    def _restored(self, trial: TrialRestore, result: RestoreResult) -> None:
        now = self.session.clock.now()
        said = [f"The backup made on {made_words(trial.made_at, now)} was restored."]
        if result.not_in_backup:
            said.append(
                "Records numbered since then are not in it: "
                + "; ".join(result.not_in_backup)
                + ". Their numbers will not be used again."
            )
        if result.pending:
            said.append("The other files get new keys at a DSL's or the head's next sign-in.")
        said.append("Sign in again to carry on.")
        self.progress.hide()
        self.accept()
        self.restored.emit(" ".join(said))

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.accept()
        self.restore_failed.emit(f"The restore did not finish: {user_message(exc)} Sign in again.")
