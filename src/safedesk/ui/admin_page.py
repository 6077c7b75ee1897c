"""Admin: backups and checks, staff accounts, pupils, settings and the school's lists, each on
its own tab; what a tab offers follows what the signed-in account may do (the services check)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import moment_text
from safedesk.domain.roles import Permission
from safedesk.services import integrity, settings
from safedesk.services.integrity import VerifyReport
from safedesk.services.key_costs import KdfParams
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.backup_panel import BackupPanel
from safedesk.ui.calendar_editor import CalendarEditor
from safedesk.ui.errors import user_message
from safedesk.ui.lists_editor import ListsEditor


def _tab_page(tabs: QTabWidget, title: str) -> QVBoxLayout:
    content = QWidget()
    layout = QVBoxLayout(content)
    layout.setContentsMargins(16, 16, 16, 16)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    tabs.addTab(scroll, title)
    return layout


class AdminPage(QWidget):
    pupils_imported = Signal()  # the roll changed: the Pupils page reads it again

    def __init__(self, session: Session, *, kdf: KdfParams | None = None) -> None:
        super().__init__()
        self.session = session
        self.kdf = kdf
        can = session.user.can
        title = QLabel("Admin")
        # No mnemonics on the tabs (their letters would clash with the buttons'):
        # Ctrl+Tab and Ctrl+Shift+Tab move between them, as in every tabbed window.
        title.setObjectName("Title")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 12)
        outer.addWidget(title)
        outer.addWidget(self.tabs, 1)
        layout = _tab_page(self.tabs, "Backups and checks")

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()

        self.backup_panel = BackupPanel(session)
        layout.addWidget(self.backup_panel)

        checks = QGroupBox("Check the records")
        explain = QLabel(
            "Reads every page of the files your account opens and checks that no record, "
            "account or setting was changed outside safedesk."
        )
        explain.setWordWrap(True)
        self.verify_button = QPushButton("&Verify the records")
        self.verify_button.clicked.connect(self.verify)
        self.verify_button.setEnabled(session.user.can(Permission.AUDIT_VERIFY))
        self.verify_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        box = QVBoxLayout(checks)
        box.addWidget(explain)
        box.addWidget(self.verify_button)
        box.addWidget(self.progress)
        box.addWidget(self.status)
        layout.addWidget(checks)

        self.log_folder = session.paths.root / "logs"
        logs = QGroupBox("If something goes wrong")
        where = QLabel(
            "safedesk keeps a log of what it did and of any error, without names, record "
            f"text or passwords, in {self.log_folder}. Your supplier may ask for it."
        )
        where.setWordWrap(True)
        open_logs = QPushButton("Open the l&og folder")
        open_logs.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        open_logs.clicked.connect(self.open_log_folder)
        logs_box = QVBoxLayout(logs)
        logs_box.addWidget(where)
        logs_box.addWidget(open_logs)
        layout.addWidget(logs)
        layout.addStretch(1)

        self.accounts_panel = None
        if can(Permission.USER_LIST):
            from safedesk.ui.accounts_panel import AccountsPanel

            self.accounts_panel = AccountsPanel(session, kdf=kdf)
            accounts = _tab_page(self.tabs, "Staff accounts")
            accounts.addWidget(self.accounts_panel)
            self.tabs.currentChanged.connect(lambda _index: self._refresh_accounts_if_shown())
            accounts.addStretch(1)

        if can(Permission.PUPIL_IMPORT):
            pupils = _tab_page(self.tabs, "Pupils")
            roll = QGroupBox("Pupils on roll")
            explain = QLabel(
                "Bring pupils in from your MIS: a CSV export, or a Common Transfer File (CTF). "
                "You see what would be added and changed before anything is imported. Pupils "
                "are never deleted: a pupil who has left keeps their records."
            )
            explain.setWordWrap(True)
            self.import_button = QPushButton("&Import pupils…")
            self.import_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.import_button.clicked.connect(self.import_pupils)
            inner = QVBoxLayout(roll)
            inner.addWidget(explain)
            inner.addWidget(self.import_button)
            pupils.addWidget(roll)
            pupils.addStretch(1)

        if can(Permission.SETTINGS_MANAGE):
            prefs_page = _tab_page(self.tabs, "Settings")
            prefs = QGroupBox("Settings")
            self.idle_minutes = QSpinBox()
            self.idle_minutes.setRange(1, 120)
            self.idle_minutes.setSuffix(" minutes")
            self.idle_minutes.setValue(settings.get_settings(session).idle_lock_minutes)
            save = QPushButton("&Save settings")
            save.clicked.connect(self.save_settings)
            self.settings_status = QLabel()
            self.settings_status.setWordWrap(True)
            form = QFormLayout(prefs)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
            save.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            form.addRow("Lock after no use for", self.idle_minutes)
            form.addRow(save)
            form.addRow(self.settings_status)
            prefs_page.addWidget(prefs)
            self.calendar_editor = CalendarEditor(session)
            prefs_page.addWidget(self.calendar_editor)
            prefs_page.addStretch(1)

        self.lists_editor: ListsEditor | None = None
        if can(Permission.LISTS_MANAGE):
            self.lists_editor = ListsEditor(session)
            lists_page = _tab_page(self.tabs, "Lists")
            lists_page.addWidget(self.lists_editor)
            lists_page.addStretch(1)

    def show_tab(self, title: str) -> None:
        """Bring a tab forward by its title without the mnemonic ("Staff accounts")."""
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index).replace("&", "") == title:
                self.tabs.setCurrentIndex(index)
                return
        raise KeyError(title)

    def showEvent(self, event: QShowEvent) -> None:
        self._refresh_accounts_if_shown()
        super().showEvent(event)

    def _refresh_accounts_if_shown(self) -> None:
        # Someone may have granted a role from the queue since the table was read; read it
        # again only when it is the tab in view (the Admin page is opened for backups too).
        panel = self.accounts_panel
        if panel is None or panel.working:
            return
        current = self.tabs.currentWidget()
        if current is not None and current.isAncestorOf(panel):
            panel.refresh()

    def open_log_folder(self) -> None:
        self.log_folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_folder)))

    def import_pupils(self) -> None:
        from safedesk.ui.pupil_import_dialog import PupilImportDialog

        self.import_dialog = PupilImportDialog(self.session, self)
        self.import_dialog.imported.connect(lambda _result: self.pupils_imported.emit())
        self.import_dialog.open()

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        self.progress.show()
        self.verify_button.setEnabled(False)

    def _done(self, text: str) -> None:
        self.status.setText(text)
        self.progress.hide()
        self.verify_button.setEnabled(self.session.user.can(Permission.AUDIT_VERIFY))

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
            when = moment_text(datetime.fromisoformat(newest.at))
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
        waiting += "".join(f" {note}" for note in report.notes)
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
            self.settings_status.setText(user_message(exc))
            return
        self.settings_status.setText(
            "Settings saved. The new lock time applies from the next sign-in."
        )
