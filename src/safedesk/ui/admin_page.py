"""Admin: back up now, verify the store, the idle-lock setting and the school's lists."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.roles import Permission
from safedesk.services import backup, integrity, settings
from safedesk.services.integrity import VerifyReport
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.calendar_editor import CalendarEditor
from safedesk.ui.errors import user_message
from safedesk.ui.lists_editor import ListsEditor


class AdminPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        title = QLabel("Admin")
        title.setObjectName("Title")
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(title)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()

        safety = QGroupBox("Backups and integrity")
        self.backup_button = QPushButton("&Back up now")
        self.backup_button.clicked.connect(self.back_up)
        self.backup_button.setEnabled(session.user.can(Permission.BACKUP))
        self.verify_button = QPushButton("&Verify the store")
        self.verify_button.clicked.connect(self.verify)
        self.verify_button.setEnabled(session.user.can(Permission.AUDIT_VERIFY))
        folder = QLabel(f"Backups go to: {settings.backup_folder(session)}")
        folder.setWordWrap(True)
        folder.setObjectName("Subtitle")
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.verify_button)
        buttons.addStretch(1)
        box = QVBoxLayout(safety)
        box.addWidget(folder)
        box.addLayout(buttons)
        box.addWidget(self.progress)
        box.addWidget(self.status)
        layout.addWidget(safety)

        if session.user.can(Permission.SETTINGS_MANAGE):
            prefs = QGroupBox("Settings")
            self.idle_minutes = QSpinBox()
            self.idle_minutes.setRange(1, 120)
            self.idle_minutes.setSuffix(" minutes")
            self.idle_minutes.setValue(settings.get_settings(session).idle_lock_minutes)
            save = QPushButton("&Save settings")
            save.clicked.connect(self.save_settings)
            form = QFormLayout(prefs)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
            save.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            form.addRow("Lock after no use for", self.idle_minutes)
            form.addRow(save)
            layout.addWidget(prefs)
            self.calendar_editor = CalendarEditor(session)
            layout.addWidget(self.calendar_editor)

        self.lists_editor: ListsEditor | None = None
        if session.user.can(Permission.LISTS_MANAGE):
            self.lists_editor = ListsEditor(session)
            layout.addWidget(self.lists_editor)
        layout.addStretch(1)

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        self.progress.show()
        self.backup_button.setEnabled(False)
        self.verify_button.setEnabled(False)

    def _done(self, text: str) -> None:
        self.status.setText(text)
        self.progress.hide()
        self.backup_button.setEnabled(self.session.user.can(Permission.BACKUP))
        self.verify_button.setEnabled(self.session.user.can(Permission.AUDIT_VERIFY))

    def back_up(self) -> None:
        self._busy("Backing up…")
        tasks.run(backup.create_backup, self.session).on_success(
            lambda path: self._done(f"Backed up to {path}")
        ).on_error(lambda exc: self._done(user_message(exc)))

    def verify(self) -> None:
        self._busy("Checking every page and the audit chain…")
        tasks.run(integrity.verify, self.session).on_success(self._verified).on_error(
            lambda exc: self._done(user_message(exc))
        )

    def _verified(self, report: VerifyReport) -> None:
        signed = []
        for compartment, newest in report.newest.items():
            if newest is None:
                continue
            when = datetime.fromisoformat(newest.at).astimezone().strftime("%d/%m/%Y %H:%M")
            signed.append(
                f"{compartment.value} #{newest.seq} {newest.hash[:16]}… signed by "
                f"{newest.signer} at {when}"
            )
        heads = "Newest signed heads: " + "; ".join(signed) + "." if signed else ""
        waiting = (
            " Not checked (your account cannot open them): "
            + ", ".join(c.label for c in report.waiting)
            + " — checked at a member's next sign-in."
            if report.waiting
            else ""
        )
        if report.ok:
            opened = ", ".join(c.label for c in report.heads)
            verdict = "Sound, in the files your account opens" if report.waiting else "All sound"
            self._done(
                f"{verdict} ({opened}): {report.audit_rows} audit rows, every record row and "
                f"signed head, {report.backups_checked} backups checked. {heads}{waiting}"
            )
        else:
            self._done("PROBLEM FOUND: " + "; ".join(report.problems) + f". {heads}{waiting}")

    def save_settings(self) -> None:
        try:
            settings.update_settings(self.session, idle_lock_minutes=self.idle_minutes.value())
        except Exception as exc:
            self.status.setText(user_message(exc))
            return
        self.status.setText("Settings saved. The new lock time applies from the next sign-in.")
