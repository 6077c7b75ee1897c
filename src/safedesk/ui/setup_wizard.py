"""First run, for whoever sets safedesk up — often the school business manager, alone.

1. the school's name;
2. your own account: you become safedesk's administrator;
3. "Are you also the headteacher?" — asked, never assumed. Yes: your account
   is also the head's, and the safeguarding and behaviour files and the recovery key are
   made now with your password. No: the head's account is made with a one-time password,
   and those are made at the head's own first sign-in and shown only to them;
4. Yes: the recovery key (print, save to a USB stick, copy), shown once.
   No: what happens next, and that the one-time password is given in person;
5. where backups go: empty until chosen (until then they are kept in safedesk's own folder
   on this PC, which the page says is not safe if the PC fails or is stolen).

No field's Alt+letter is also a wizard button's (Next, Back, Cancel, Finish, Set up) on the
same page.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from safedesk.paths import DataPaths
from safedesk.services import vault
from safedesk.services.key_costs import KdfParams
from safedesk.services.vault import NewSchool
from safedesk.ui import pickers, printing, tasks
from safedesk.ui.clipboard import copy_secret, forget_secret
from safedesk.ui.errors import user_message
from safedesk.ui.page_parts import fit_to_screen
from safedesk.ui.recovery_dialog import (
    WHERE_IT_IS_USED,
    key_buttons,
    recovery_sheet,
    save_recovery_sheet,
    ticked_statement,
)
from safedesk.ui.signin import remember_school_name

SCHOOL, ACCOUNT, HEADTEACHER, RECOVERY, HEAD_LATER, BACKUP = range(6)
SET_UP_OCCASION = "when safedesk was set up"


def _label(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def _subtitle_in_body(page: _Page) -> None:
    """The page's explanation at the top of the page itself, where it wraps as far as the
    text needs: QWizard's header keeps the height of two lines, and with larger text cut the
    third off."""
    text = page.subTitle()
    layout = page.body.layout()
    if not text or layout is None:
        return
    page.setSubTitle("")
    explanation = _label(text, "Subtitle")
    if isinstance(layout, QFormLayout):
        layout.insertRow(0, explanation)
    elif isinstance(layout, QBoxLayout):
        layout.insertWidget(0, explanation)


def _secret() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _sentences(problems: dict[str, str]) -> str:
    return "\n".join(f"{k[0].upper()}{k[1:]} {v}." for k, v in problems.items())


class _DownOnly(QScrollArea):
    """Scrolls up and down only: as wide as its content needs, never cutting it at the
    right."""

    def minimumSizeHint(self) -> QSize:
        inner = self.widget()
        width = inner.minimumSizeHint().width() if inner is not None else 0
        width += self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return QSize(width, 120)


class _Page(QWizardPage):
    """A page whose content scrolls when larger text makes it taller than the window (on a
    laptop at 125 % with Windows' larger text, the head's page is)."""

    def __init__(self) -> None:
        super().__init__()
        self.body = QWidget()
        scroll = _DownOnly()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.body)
        scroll.viewport().setAutoFillBackground(False)
        self.body.setAutoFillBackground(False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)


class SchoolPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Welcome to safedesk")
        self.setSubTitle(
            "safedesk keeps your school's safeguarding, behaviour and restraint records, "
            "encrypted, in a data folder on this computer. Setting up takes a few minutes."
        )
        self.school = QLineEdit()
        self.school.setAccessibleName("School name")
        self.school.setPlaceholderText("for example St Mary's C of E Primary School")
        self.registerField("school*", self.school)
        form = QFormLayout(self.body)
        form.addRow("School na&me *", self.school)  # Alt+N is Next
        form.addRow(
            _label("This name is shown when people sign in, and printed on reports.", "Subtitle")
        )


class AccountPage(_Page):
    """Your own account: checked here, made with the headteacher's page."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your account")
        self.setSubTitle(
            "You will be safedesk's administrator: you add staff accounts, and look after "
            "settings and backups."
        )
        self.username = QLineEdit()
        self.username.setPlaceholderText("for example s.bennett")
        self.username.setAccessibleName("Your username")
        self.display = QLineEdit()
        self.display.setPlaceholderText("for example Mrs Sue Bennett")
        self.display.setAccessibleName("Your full name")
        self.password = _secret()
        self.password.setAccessibleName("Your password")
        self.confirm = _secret()
        self.confirm.setAccessibleName("Your password again")
        self.error = _label("", "Error")
        self.error.hide()
        form = QFormLayout(self.body)
        form.addRow("&Username *", self.username)
        form.addRow("Full na&me *", self.display)  # Alt+N is Next
        form.addRow("&Password *", self.password)
        form.addRow("Password &again *", self.confirm)
        form.addRow(
            _label(
                "Use at least 10 characters: a few unrelated words are easy to remember and "
                "hard to guess. Nobody, not even safedesk, can look your password up later.",
                "Subtitle",
            )
        )
        form.addRow(self.error)

    def username_text(self) -> str:
        return self.username.text().strip().lower()

    def validatePage(self) -> bool:
        problems = vault.validate_new_user(
            self.username_text(), self.display.text(), self.password.text()
        )
        problems = {("full name" if k == "display name" else k): v for k, v in problems.items()}
        if self.password.text() != self.confirm.text():
            problems["the two passwords"] = "do not match"
        if problems:
            self.error.setText(_sentences(problems))
            self.error.show()
            return False
        self.error.hide()
        return True


class HeadteacherPage(_Page):
    """Asks whether you are also the head, then makes the records when Next is pressed: the key
    derivation runs off the UI thread."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("The headteacher")
        self.setSubTitle(
            "Only the headteacher and the staff they choose can read safeguarding and "
            "behaviour records. An administrator who is not one of them never can."
        )
        question = _label("<b>Are you also the headteacher?</b>")
        self.yes = QRadioButton("&Yes: I am the headteacher")
        self.no = QRadioButton("N&o: I am setting it up for the headteacher")
        yes_does = _label(
            "Your account is also the headteacher's: it can read every safeguarding and "
            "behaviour record, and you keep the school's recovery key.",
            "Subtitle",
        )
        no_does = _label(
            "For example as business manager: you make the headteacher's account now, with a "
            "one-time password you give them in person. Your account cannot read safeguarding "
            "or behaviour records.",
            "Subtitle",
        )
        indent = self.yes.style().pixelMetric(self.yes.style().PixelMetric.PM_IndicatorWidth)
        for does in (yes_does, no_does):
            does.setContentsMargins(indent + 8, 0, 0, 0)
        self.answer = QButtonGroup(self)
        self.answer.addButton(self.yes)
        self.answer.addButton(self.no)
        # Neither is chosen until the person chooses: an answer nobody gave is never recorded.
        self.answer.buttonToggled.connect(self._answered)
        self.yes_note = _label(
            "Your account is also the headteacher's. safedesk now makes the safeguarding and "
            "behaviour files with your password, and a recovery key for you to keep safely.",
            "Note",
        )
        self.head_username = QLineEdit()
        self.head_username.setPlaceholderText("for example j.okafor")
        self.head_username.setAccessibleName("Headteacher's username")
        self.head_display = QLineEdit()
        self.head_display.setPlaceholderText("for example Mr Joseph Okafor")
        self.head_display.setAccessibleName("Headteacher's full name")
        self.head_password = _secret()
        self.head_password.setAccessibleName("Headteacher's one-time password")
        self.head_confirm = _secret()
        self.head_confirm.setAccessibleName("Headteacher's one-time password again")
        self.head_note = _label(
            "Make up a one-time password for the headteacher and give it to them in person. "
            "At their first sign-in they choose their own; only then are the safeguarding "
            "and behaviour files and the recovery key made, and shown to them alone.",
            "Note",
        )
        self.head_fields = QWidget()
        head_form = QFormLayout(self.head_fields)
        head_form.setContentsMargins(0, 0, 0, 0)
        head_form.addRow("Headteacher's &username *", self.head_username)
        head_form.addRow("Headteacher's &full name *", self.head_display)
        head_form.addRow("One-&time password *", self.head_password)
        head_form.addRow("One-time password a&gain *", self.head_confirm)
        head_form.addRow(self.head_note)
        self.error = _label("", "Error")
        self.error.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.busy = _label("Setting up safedesk… this takes a moment.", "Subtitle")
        self.busy.hide()
        layout = QVBoxLayout(self.body)
        layout.addWidget(question)
        layout.addWidget(self.yes)
        layout.addWidget(yes_does)
        layout.addWidget(self.no)
        layout.addWidget(no_does)
        layout.addSpacing(6)
        layout.addWidget(self.yes_note)
        layout.addWidget(self.head_fields)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        self.created: NewSchool | None = None
        self._working = False
        self._answered()

    def is_head(self) -> bool | None:
        """True, False, or None while unanswered."""
        return True if self.yes.isChecked() else False if self.no.isChecked() else None

    def _answered(self, *_args: object) -> None:
        answer = self.is_head()
        self.yes_note.setVisible(answer is True)
        self.head_fields.setVisible(answer is False)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self._working and self.is_head() is not None

    def validatePage(self) -> bool:
        if self.created is not None:
            return True
        answer = self.is_head()
        if answer is None:
            return False
        account = self._wizard.account_page
        username = account.username_text()
        headteacher = None
        problems: dict[str, str] = {}
        if answer is False:
            head_name = self.head_username.text().strip().lower()
            found = vault.validate_new_user(
                head_name, self.head_display.text(), self.head_password.text()
            )
            for key, problem in found.items():
                key = {"display name": "full name", "password": "one-time password"}.get(key, key)
                problems[f"the headteacher's {key}"] = problem
            if head_name and head_name == username:
                problems["the headteacher's username"] = "must differ from yours"
            if self.head_password.text() != self.head_confirm.text():
                problems["the two one-time passwords"] = "do not match"
            elif self.head_password.text() and self.head_password.text() == account.password.text():
                problems["the one-time password"] = "must differ from your own password"
            headteacher = vault.Headteacher(
                head_name, self.head_display.text().strip(), self.head_password.text()
            )
        if problems:
            self.show_error(_sentences(problems))
            return False
        self.error.hide()
        self._set_working(True)
        create = partial(
            vault.create_school,
            self._wizard.paths,
            school_name=str(self.field("school")).strip(),
            username=username,
            display_name=account.display.text().strip(),
            password=account.password.text(),
            kdf=self._wizard.kdf,
            headteacher=headteacher,
        )
        tasks.run(create).on_success(self._created).on_error(self._failed)
        return False

    def _created(self, created: NewSchool) -> None:
        self.created = created
        self._wizard.created = created
        self._wizard.first_username = self._wizard.account_page.username_text()
        self._wizard.head_username = self.head_username.text().strip().lower()
        self._wizard.head_display = self.head_display.text().strip()
        for secret in (
            self._wizard.account_page.password,
            self._wizard.account_page.confirm,
            self.head_password,
            self.head_confirm,
        ):
            secret.clear()
        self._set_working(False)
        self._wizard.next()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _set_working(self, working: bool) -> None:
        self._working = working
        self.progress.setVisible(working)
        self.busy.setVisible(working)
        for field in (self.yes, self.no, self.head_fields):
            field.setEnabled(not working)
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        self.show_error(user_message(exc))


class RecoveryKeyPage(_Page):
    """Only when the person setting up is the head: the key was made with their password."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Your school's recovery key")
        self.setSubTitle(
            "If you and every other DSL forget your passwords, this key still opens the "
            "records and resets any password. It is shown only now: safedesk does not keep it."
        )
        self.key = _label("", "RecoveryKey")
        self.key.setTextFormat(Qt.TextFormat.PlainText)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setAccessibleName("Recovery key")
        self.print_button, self.save_button, self.copy_button = key_buttons(
            self._print, self._save, self._copy, copied_until="cleared when set-up ends"
        )
        for button in (self.print_button, self.save_button, self.copy_button):
            button.setAutoDefault(False)  # Enter goes on (or is Done), never prints
        self.status = _label("", "Subtitle")
        advice = _label(
            "Print it, or save it to a USB stick, and keep it with the school's other "
            "important documents (for example in the safe), away from this computer. Anyone "
            "holding it can read every record: never e\u2011mail it.",
            "Note",
        )
        self.saved, statement = ticked_statement(
            "I have &stored the recovery key safely",
            "Printed or saved on a USB stick, and kept away from this computer.",
        )
        self.registerField("recovery_saved*", self.saved)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self.body)
        layout.addWidget(self.key)
        layout.addWidget(_label(WHERE_IT_IS_USED))
        layout.addLayout(row)
        layout.addWidget(advice)
        layout.addSpacing(8)
        layout.addWidget(statement)
        layout.addStretch(1)

    def initializePage(self) -> None:
        created = self._wizard.created
        self.key.setText((created.recovery_key or "") if created else "")

    def _sheet_args(self) -> tuple[str, str, datetime, str]:
        school = str(self._wizard.field("school")).strip()
        return self.key.text(), school, datetime.now().astimezone(), SET_UP_OCCASION

    def _print(self) -> None:
        if printing.print_html(self, "safedesk recovery key", recovery_sheet(*self._sheet_args())):
            self.status.setText("Sent to the printer. Check the page printed in full.")

    def _save(self) -> None:
        said = save_recovery_sheet(self, *self._sheet_args(), data_folder=self._wizard.paths.root)
        if said:
            self.status.setText(said)

    def _copy(self) -> None:
        copy_secret(self.key.text())
        self.status.setText("Copied. It is taken off the clipboard when set-up ends.")

    def forget(self) -> None:
        forget_secret(self.key.text())
        self.key.clear()


class HeadLaterPage(_Page):
    """When the person setting up is not the head: what happens next."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("What happens next")
        self.setSubTitle("The headteacher's account is ready for their first sign-in.")
        self.text = _label("")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self.body)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def initializePage(self) -> None:
        import html

        name = html.escape(self._wizard.head_display or "the headteacher")
        username = html.escape(self._wizard.head_username)
        self.text.setText(
            f"<p>Tell {name} their username, <b>{username}</b>, and give them the one-time "
            "password <b>in person</b>: never by e-mail, text message or a note left on a "
            "desk.</p>"
            "<p>At their first sign-in on this computer they choose a password of their own. "
            "safedesk then makes the safeguarding and behaviour files, and the school's "
            "<b>recovery key</b>, which is shown to them alone, to print or save and keep "
            "safely.</p>"
            "<p>You will not see safeguarding or behaviour records, nor the recovery key: "
            "that is how safedesk keeps them private.</p>"
            "<p>As administrator you can add staff accounts once the headteacher has signed "
            "in for the first time and confirmed your account in person (<b>Admin → Staff "
            "accounts → Confirm in person</b>). The headteacher decides who can read which "
            "records.</p>"
        )


class BackupPage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Backups")
        self.setSubTitle(
            "safedesk makes an encrypted backup every day and when it closes. "
            "Choose a folder on a USB disk or a network share."
        )
        self.folder = QLineEdit()
        self.folder.setAccessibleName("Backup folder")
        self.folder.setPlaceholderText(
            "for example E:\\safedesk backups on a USB disk, or a network share"
        )
        browse = QPushButton("C&hoose…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        caption = QLabel("Backup f&older")  # Alt+B is Back, Alt+F is Finish
        caption.setBuddy(self.folder)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self.body)
        layout.addWidget(caption)
        layout.addLayout(row)
        self.if_empty = _label(
            "If you leave this empty, backups are kept in safedesk's own folder on this PC "
            f"({wizard.paths.backups}) until you choose a folder on the Admin page. That is "
            "not safe: if the PC fails or is stolen, the backups go with it.",
            "Note",
        )
        layout.addWidget(self.if_empty)
        layout.addWidget(
            _label(
                "Backups are encrypted: they are safe on a USB stick or a network share, but "
                "keep the stick somewhere secure. You can change the folder later on the "
                "Admin page."
            )
        )
        layout.addStretch(1)

    def _browse(self) -> None:
        typed = self.folder.text().strip()
        start = Path(typed) if typed else Path.home()
        chosen = pickers.choose_folder(self, "Choose a backup folder", start)
        if chosen:
            self.folder.setText(str(chosen))


class SetupWizard(QWizard):
    """Emits ``finished_setup(username, backup_folder)`` once the records exist."""

    finished_setup = Signal(str, str)

    def __init__(self, paths: DataPaths, kdf: KdfParams | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.kdf = kdf or KdfParams()
        self.created: NewSchool | None = None
        self.first_username = ""
        self.head_username = ""
        self.head_display = ""
        self.setWindowTitle("safedesk — set up")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setMinimumSize(600, 480)
        fit_to_screen(self, 760, 560)  # within a laptop's 576 px at 125 %
        self.school_page = SchoolPage()
        self.account_page = AccountPage()
        self.head_page = HeadteacherPage(self)
        self.recovery_page = RecoveryKeyPage(self)
        self.head_later_page = HeadLaterPage(self)
        self.backup_page = BackupPage(self)
        self.setPage(SCHOOL, self.school_page)
        self.setPage(ACCOUNT, self.account_page)
        self.setPage(HEADTEACHER, self.head_page)
        self.setPage(RECOVERY, self.recovery_page)
        self.setPage(HEAD_LATER, self.head_later_page)
        self.setPage(BACKUP, self.backup_page)
        for page in (
            self.school_page,
            self.account_page,
            self.head_page,
            self.recovery_page,
            self.head_later_page,
            self.backup_page,
        ):
            _subtitle_in_body(page)
        self.recovery_id, self.head_later_id, self.backup_id = RECOVERY, HEAD_LATER, BACKUP
        # Once the records exist there is no going back to change them.
        self.head_page.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Set up safedesk")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Finish and sign in")
        self.accepted.connect(self._done)
        self.finished.connect(lambda _result: self.recovery_page.forget())

    def nextId(self) -> int:
        current = self.currentId()
        if current == HEADTEACHER:
            made = self.created
            if made is None:
                return RECOVERY  # not yet made: Next runs validatePage first
            return RECOVERY if made.recovery_key else HEAD_LATER
        if current in (RECOVERY, HEAD_LATER):
            return BACKUP
        if current == BACKUP:
            return -1
        return current + 1

    def _done(self) -> None:
        remember_school_name(self.paths, str(self.field("school")))
        self.finished_setup.emit(self.first_username, self.backup_page.folder.text().strip())
