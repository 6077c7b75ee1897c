"""First run: school name, first user, the recovery key (shown once), and a backup folder.

The recovery key page is skipped when the store made none (it is then made, and shown, at
the headteacher's own first sign-in).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from safedesk.paths import DataPaths
from safedesk.services import vault
from safedesk.services.vault import NewSchool
from safedesk.store.crypto import KdfParams
from safedesk.ui import pickers, printing, tasks
from safedesk.ui.clipboard import copy_secret, forget_secret
from safedesk.ui.errors import user_message
from safedesk.ui.recovery_dialog import recovery_sheet


def _label(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class SchoolPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Welcome to safedesk")
        self.setSubTitle(
            "safedesk keeps your school's safeguarding, behaviour and restraint "
            "records in one encrypted file on this computer."
        )
        self.school = QLineEdit()
        self.school.setAccessibleName("School name")
        self.school.setPlaceholderText("for example St Mary's C of E Primary School")
        self.registerField("school*", self.school)
        form = QFormLayout(self)
        form.addRow("School &name *", self.school)


class FirstUserPage(QWizardPage):
    """Creates the store when Next is pressed: the key derivation runs off the UI thread."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("The first user")
        self.setSubTitle(
            "This person becomes headteacher and administrator, and can add "
            "everyone else. Choose a password of at least 10 characters."
        )
        self.username = QLineEdit()
        self.username.setPlaceholderText("for example a.ngozi")
        self.display = QLineEdit()
        self.display.setPlaceholderText("for example Mrs Ada Ngozi")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        # Set up by the office: the first user is the administrator only, and the
        # headteacher's account is made with a one-time password given to them in person; the
        # reading files and the recovery key are made at the head's own first sign-in.
        self.not_head = QCheckBox("I am &not the headteacher: I am setting safedesk up for them")
        self.not_head.toggled.connect(self._show_head_fields)
        self.head_username = QLineEdit()
        self.head_username.setPlaceholderText("for example j.okafor")
        self.head_display = QLineEdit()
        self.head_display.setPlaceholderText("for example Mr Joseph Okafor")
        self.head_password = QLineEdit()
        self.head_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.head_note = _label(
            "Give the headteacher this one-time password in person. At their first sign-in "
            "they choose their own, and only then are the safeguarding and behaviour files "
            "and the recovery key made: you will not see them."
        )
        self.error = _label("", "Error")
        self.error.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        form = QFormLayout(self)
        form.addRow("&Username *", self.username)
        form.addRow("Full &name *", self.display)
        form.addRow("&Password *", self.password)
        form.addRow("&Confirm password *", self.confirm)
        form.addRow(self.not_head)
        form.addRow("Headteacher's u&sername *", self.head_username)
        form.addRow("Headteacher's &full name *", self.head_display)
        form.addRow("Headteacher's &one-time password *", self.head_password)
        form.addRow(self.head_note)
        self._head_rows = (self.head_username, self.head_display, self.head_password)
        self._form = form
        form.addRow(self.error)
        form.addRow(self.progress)
        self.created: NewSchool | None = None
        self._working = False
        self._show_head_fields(False)

    def _show_head_fields(self, shown: bool) -> None:
        for field in self._head_rows:
            field.setVisible(shown)
            label = self._form.labelForField(field)
            if label is not None:
                label.setVisible(shown)
        self.head_note.setVisible(shown)
        self.setSubTitle(
            "This person becomes administrator, and adds everyone else. Choose a password of "
            "at least 10 characters."
            if shown
            else "This person becomes headteacher and administrator, and can add everyone "
            "else. Choose a password of at least 10 characters."
        )

    def isComplete(self) -> bool:
        return not self._working and super().isComplete()

    def validatePage(self) -> bool:
        if self.created is not None:
            return True
        username = self.username.text().strip().lower()
        problems = vault.validate_new_user(username, self.display.text(), self.password.text())
        if self.password.text() != self.confirm.text():
            problems["confirm password"] = "does not match the password"
        headteacher = None
        if self.not_head.isChecked():
            head_name = self.head_username.text().strip().lower()
            for key, problem in vault.validate_new_user(
                head_name, self.head_display.text(), self.head_password.text()
            ).items():
                problems[f"headteacher's {key}"] = problem
            if head_name and head_name == username:
                problems["headteacher's username"] = "must differ from yours"
            if self.head_password.text() and self.head_password.text() == self.password.text():
                problems["headteacher's one-time password"] = "must differ from yours"
            headteacher = vault.Headteacher(
                head_name, self.head_display.text().strip(), self.head_password.text()
            )
        if problems:
            self.show_error("\n".join(f"{k.capitalize()} {v}." for k, v in problems.items()))
            return False
        self.error.hide()
        self._set_working(True)
        create = partial(
            vault.create_school,
            self._wizard.paths,
            school_name=self.field("school"),
            username=username,
            display_name=self.display.text().strip(),
            password=self.password.text(),
            kdf=self._wizard.kdf,
            headteacher=headteacher,
        )
        tasks.run(create).on_success(self._created).on_error(self._failed)
        return False

    def _created(self, created: NewSchool) -> None:
        self.created = created
        self._wizard.created = created
        self._wizard.first_username = self.username.text().strip().lower()
        self.password.clear()
        self.confirm.clear()
        self.head_password.clear()
        self._set_working(False)
        self._wizard.next()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _set_working(self, working: bool) -> None:
        self._working = working
        self.progress.setVisible(working)
        for field in (self.username, self.display, self.password, self.confirm, self.not_head):
            field.setEnabled(not working)
        for field in self._head_rows:
            field.setEnabled(not working)
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        self.show_error(user_message(exc))


class RecoveryKeyPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Your recovery key")
        self.setSubTitle(
            "This key can unlock safedesk and reset any password if every "
            "administrator forgets theirs. It is shown only now."
        )
        self.key = _label("", "RecoveryKey")
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        print_button = QPushButton("&Print…")
        print_button.clicked.connect(self._print)
        copy = QPushButton("&Copy to clipboard")
        copy.setToolTip("Kept out of Windows clipboard history; cleared when set-up ends")
        copy.clicked.connect(self._copy)
        self.saved = QCheckBox(
            "I have printed or saved the recovery key &somewhere safe, away from this computer"
        )
        self.registerField("recovery_saved*", self.saved)
        advice = _label(
            "Print it, or write it down, and keep it with the school's other important "
            "documents (for example in the safe). Anyone holding it can read every record."
        )
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(print_button)
        row.addWidget(copy)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key)
        layout.addLayout(row)
        layout.addWidget(advice)
        layout.addSpacing(12)
        layout.addWidget(self.saved)
        layout.addStretch(1)

    def initializePage(self) -> None:
        created = self._wizard.created
        self.key.setText((created.recovery_key or "") if created else "")

    def _print(self) -> None:
        school = str(self._wizard.field("school"))
        sheet = recovery_sheet(
            self.key.text(), school, datetime.now().astimezone(), "when safedesk was set up"
        )
        printing.print_html(self, "safedesk recovery key", sheet)

    def _copy(self) -> None:
        copy_secret(self.key.text())

    def forget(self) -> None:
        forget_secret(self.key.text())
        self.key.clear()


class BackupPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Backups")
        self.setSubTitle(
            "safedesk makes an encrypted backup every day and when it closes. "
            "Choose a folder on another drive or a network share if you can."
        )
        self.folder = QLineEdit(str(wizard.paths.backups))
        self.folder.setAccessibleName("Backup folder")
        browse = QPushButton("&Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Backup folder"))
        layout.addLayout(row)
        layout.addWidget(
            _label(
                "Backups are encrypted: they are safe on a USB stick, but keep "
                "the stick somewhere secure."
            )
        )
        layout.addStretch(1)

    def _browse(self) -> None:
        chosen = pickers.choose_folder(self, "Choose a backup folder", Path(self.folder.text()))
        if chosen:
            self.folder.setText(str(chosen))


class SetupWizard(QWizard):
    """Emits ``finished_setup(username, backup_folder)`` once the store exists."""

    finished_setup = Signal(str, str)

    def __init__(self, paths: DataPaths, kdf: KdfParams | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.kdf = kdf or KdfParams()
        self.created: NewSchool | None = None
        self.first_username = ""
        self.setWindowTitle("safedesk — set up")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setMinimumSize(640, 460)
        self.school_page = SchoolPage()
        self.user_page = FirstUserPage(self)
        self.recovery_page = RecoveryKeyPage(self)
        self.backup_page = BackupPage(self)
        for page in (self.school_page, self.user_page, self.recovery_page, self.backup_page):
            self.addPage(page)
        self.recovery_id = self.pageIds()[2]
        self.backup_id = self.pageIds()[3]
        # Once the store exists there is no going back to change it.
        self.user_page.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Create the store")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Finish and sign in")
        self.accepted.connect(self._done)
        self.finished.connect(lambda _result: self.recovery_page.forget())

    def nextId(self) -> int:
        following = super().nextId()
        made = self.created
        if following == self.recovery_id and made is not None and made.recovery_key is None:
            return self.backup_id  # made and shown at the headteacher's first sign-in
        return following

    def _done(self) -> None:
        self.finished_setup.emit(self.first_username, self.backup_page.folder.text().strip())
