"""Backups on the Admin page: where they go, the last good one, how many are kept, Back up
now, Test a restore and Restore from a backup."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.roles import Permission
from safedesk.services import backup, backup_status, settings
from safedesk.services.backup_status import BackupStatus
from safedesk.services.session import Session
from safedesk.ui import pickers, tasks
from safedesk.ui.errors import user_message
from safedesk.ui.restore_dialog import RestoreDialog


def _number(low: int, high: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSuffix(suffix)
    return box


class BackupPanel(QGroupBox):
    backed_up = Signal()  # a backup was made and checked
    backup_failed = Signal(str)
    restore_starting = Signal()  # the session closes for a restore
    restored = Signal(str)  # words for the sign-in window
    restore_failed = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Backups", parent)
        self.session = session
        can = session.user.can
        self.dialog: RestoreDialog | None = None

        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("C&hoose folder…")
        self.choose_button.clicked.connect(self.choose_folder)
        self.choose_button.setVisible(can(Permission.SETTINGS_MANAGE))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.choose_button)

        self.last_label = QLabel()
        self.last_label.setWordWrap(True)
        self.last_label.setObjectName("Section")
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setObjectName("Error")
        self.warning_label.hide()

        self.daily = _number(1, 366, " days")
        self.weekly = _number(0, 520, " weeks")
        self.monthly = _number(0, 240, " months")
        policy = settings.backup_policy(session)
        self.daily.setValue(policy.daily)
        self.weekly.setValue(policy.weekly)
        self.monthly.setValue(policy.monthly)
        # The words above the boxes, not beside them: in one row they asked 822 px, more
        # than a laptop at 125 % leaves the Admin page.
        keep_words = QLabel("Keep the newest backup of each of the last:")
        keep_words.setWordWrap(True)
        keep_row = QHBoxLayout()
        for box, name in ((self.daily, "days"), (self.weekly, "weeks"), (self.monthly, "months")):
            box.setAccessibleName(f"Backups kept: {name}")
            keep_row.addWidget(box)
        self.save_policy_button = QPushButton("&Save")
        self.save_policy_button.clicked.connect(self.save_policy)
        keep_row.addWidget(self.save_policy_button)
        keep_row.addStretch(1)
        if not can(Permission.SETTINGS_MANAGE):
            for widget in (self.daily, self.weekly, self.monthly):
                widget.setEnabled(False)
            self.save_policy_button.hide()
        keep_note = QLabel(
            "Backups are made at the first sign-in of each day and at every sign-out, and each "
            "is checked after it is written. Only safedesk's own backups are ever removed."
        )
        keep_note.setWordWrap(True)
        keep_note.setObjectName("Subtitle")

        self.back_up_button = QPushButton("&Back up now")
        self.back_up_button.setObjectName("Primary")
        self.back_up_button.clicked.connect(self.back_up)
        self.back_up_button.setEnabled(can(Permission.BACKUP))
        self.trial_button = QPushButton("&Test a restore…")
        self.trial_button.clicked.connect(lambda: self.open_restore(trial=True))
        self.restore_button = QPushButton("&Restore from a backup…")
        self.restore_button.clicked.connect(lambda: self.open_restore(trial=False))
        for button in (self.trial_button, self.restore_button):
            button.setEnabled(can(Permission.RESTORE))
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_up_button)
        buttons.addWidget(self.trial_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addLayout(folder_row)
        layout.addWidget(self.last_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(keep_words)
        layout.addLayout(keep_row)
        layout.addWidget(keep_note)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.refresh()

    # --- what the panel shows ----------------------------------------------------------------

    def refresh(self) -> None:
        folder = settings.backup_folder(self.session)
        on_this_pc = folder.is_relative_to(self.session.paths.root)
        self.folder_label.setText(
            f"Backups go to: {folder}"
            + (
                "\nThat is inside safedesk's own folder on this PC: if the PC fails or is "
                "stolen, the backups go with it. Choose a USB disk or a network share."
                if on_this_pc
                else ""
            )
        )
        tasks.run(backup_status.status, self.session).on_success(self._show_status).on_error(
            lambda exc: self.warning_label.setText(user_message(exc))
        )

    def _show_status(self, status: BackupStatus) -> None:
        self.last_label.setText(status.last_words + ".")
        self.warning_label.setText(status.warning)
        # "No backup has been made yet" is the line above already: said once is enough.
        repeats = status.last is None and not status.unreachable
        self.warning_label.setVisible(status.needs_attention and not repeats)

    # --- changing where and how many ---------------------------------------------------------

    def choose_folder(self) -> None:
        current = settings.backup_folder(self.session)
        chosen = pickers.choose_folder(self, "Choose where backups go", current)
        if chosen is None:
            return
        try:
            settings.choose_backup_folder(self.session, chosen)
        except Exception as exc:
            self.status.setText(user_message(exc))
            return
        self.status.setText(
            f"Backups now go to {chosen}. Make one now to check it works: click Back up now."
        )
        self.refresh()

    def save_policy(self) -> None:
        try:
            settings.set_backup_policy(
                self.session, self.daily.value(), self.weekly.value(), self.monthly.value()
            )
        except Exception as exc:
            self.status.setText(user_message(exc))
            return
        self.status.setText("Saved. Old backups are let go by these numbers at the next backup.")

    # --- backing up --------------------------------------------------------------------------

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        self.progress.show()
        self.back_up_button.setEnabled(False)

    def _done(self, text: str) -> None:
        self.status.setText(text)
        self.progress.hide()
        self.back_up_button.setEnabled(self.session.user.can(Permission.BACKUP))
        self.refresh()

    def back_up(self) -> None:
        self._busy("Backing up, then reading the backup back to check it…")
        tasks.run(backup.create_backup, self.session).on_success(self._backed_up).on_error(
            self._failed
        )

    def _backed_up(self, path: object) -> None:
        self._done(f"Backed up and checked: {path}")
        self.backed_up.emit()

    def _failed(self, exc: BaseException) -> None:
        message = user_message(exc)
        self._done(message)
        self.backup_failed.emit(message)

    # --- trial and restore -------------------------------------------------------------------

    def open_restore(self, *, trial: bool) -> RestoreDialog:
        dialog = RestoreDialog(self.session, self, trial=trial)
        dialog.restore_starting.connect(self.restore_starting)
        dialog.restored.connect(self.restored)
        dialog.restore_failed.connect(self.restore_failed)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: RestoreDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
