"""The Accounts panel's dialogs: add an account, reset a password, enable a disabled account
again, confirm in person, remove a role. Each runs its service call off the UI thread
(TaskDialog) and keeps what was typed when it is refused."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.compartments import is_reading_role
from safedesk.domain.errors import AuthenticationError, PermissionDenied, ValidationError
from safedesk.domain.people import MIN_PASSWORD_LENGTH
from safedesk.domain.roles import Role
from safedesk.services import membership, users
from safedesk.services.key_costs import KdfParams
from safedesk.services.session import Session
from safedesk.services.users import Account
from safedesk.ui.errors import user_message
from safedesk.ui.task_dialog import TaskDialog, label

ROLE_ORDER = (Role.STAFF, Role.DSL, Role.BEHAVIOUR_LEAD, Role.HEAD, Role.ADMIN)


def role_name(role: Role) -> str:
    """A role as people in school say it."""
    return "Designated Safeguarding Lead (DSL)" if role is Role.DSL else role.label


def role_names(roles: frozenset[Role] | set[Role]) -> str:
    return ", ".join(role_name(r) for r in ROLE_ORDER if r in roles)


def plain_message(exc: BaseException) -> str:
    """A service's refusal in this panel's words (some name the command-line tool)."""
    text = user_message(exc)
    if isinstance(exc, PermissionDenied) and "has not been confirmed yet" in text:
        return (
            "Your account has not been confirmed yet, so it cannot add or change accounts. "
            "Ask the headteacher or a Designated Safeguarding Lead to confirm it with you "
            "beside them (Admin, Staff accounts, Confirm in person), then try again. Nothing "
            "has been changed."
        )
    return text


def password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


def field_error() -> QLabel:
    made = label("", "FieldError", plain=True)
    made.hide()
    return made


def captioned(text: str, buddy: QWidget) -> QLabel:
    caption = QLabel(text)
    caption.setBuddy(buddy)
    return caption


class AddAccountDialog(TaskDialog):
    """Emits ``succeeded`` (the new User) once the account is made."""

    def __init__(
        self, session: Session, parent: QWidget | None, kdf: KdfParams | None = None
    ) -> None:
        super().__init__(parent, "Add an account", "&Add the account")
        self.session = session
        self.kdf = kdf
        self.setMinimumWidth(600)
        self.body.addWidget(
            label(
                "Make an account for a member of staff. Everyone is <b>Staff</b>: they can "
                "record concerns and incidents. <b>Administrator</b> is given now.",
                "Subtitle",
            )
        )
        self.body.addWidget(
            label(
                "The DSL, Behaviour lead and Headteacher roles read pupils' records, so here "
                "they are only <b>asked for</b>: the account works as Staff until a DSL or the "
                "headteacher grants the role at this computer, with the person beside them. "
                "Give the person the one-time password yourself; at their first sign-in they "
                "choose their own.",
                "Note",
            )
        )
        self.username = QLineEdit()
        self.username.setAccessibleName("Username")
        self.username.setPlaceholderText("for example j.smith")
        self.display_name = QLineEdit()
        self.display_name.setAccessibleName("Full name")
        self.display_name.setPlaceholderText("as colleagues know them, e.g. Mrs Jo Smith")
        self.role_boxes: dict[Role, QCheckBox] = {}
        roles_box = QWidget()
        roles_layout = QVBoxLayout(roles_box)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        roles_layout.setSpacing(4)
        texts = {
            Role.STAFF: "Staff (always)",
            Role.DSL: "&Designated Safeguarding Lead (DSL) — asked for",
            Role.BEHAVIOUR_LEAD: "&Behaviour lead — asked for",
            Role.HEAD: "&Headteacher — asked for",
            Role.ADMIN: "Ad&ministrator",
        }
        for role in ROLE_ORDER:
            box = QCheckBox(texts[role])
            self.role_boxes[role] = box
            roles_layout.addWidget(box)
        self.role_boxes[Role.STAFF].setChecked(True)
        self.role_boxes[Role.STAFF].setEnabled(False)
        self.password = password_field("One-time password")
        self.again = password_field("One-time password again")
        self.errors = {
            "username": field_error(),
            "display name": field_error(),
            "role": field_error(),
            "password": field_error(),
        }
        form = QFormLayout()
        form.addRow(captioned("&Username", self.username), self.username)
        form.addRow("", self.errors["username"])
        form.addRow(captioned("&Full name", self.display_name), self.display_name)
        form.addRow("", self.errors["display name"])
        form.addRow("Roles", roles_box)
        form.addRow("", self.errors["role"])
        form.addRow(captioned("One-time &password", self.password), self.password)
        form.addRow(captioned("Password a&gain", self.again), self.again)
        form.addRow("", self.errors["password"])
        self.body.addLayout(form)
        self.password.setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        self.fields = {
            "username": self.username,
            "display name": self.display_name,
            "role": self.role_boxes[Role.DSL],
            "password": self.password,
        }
        chain = [self.username, self.display_name, *self.role_boxes.values(), self.password]
        for before, after in zip(chain, [*chain[1:], self.again], strict=True):
            QWidget.setTabOrder(before, after)
        self.finished.connect(lambda _result: self._forget())
        self.username.setFocus()

    def inputs(self) -> list[QWidget]:
        return [
            self.username,
            self.display_name,
            self.password,
            self.again,
            *self.role_boxes.values(),
        ]

    def roles(self) -> set[Role]:
        return {role for role, box in self.role_boxes.items() if box.isChecked()}

    def submit(self) -> None:
        if self.working:
            return
        self._clear_problems()
        if self.password.text() != self.again.text():
            self.show_problems({"password": "The two passwords are not the same."})
            return
        self.run(
            "Making the account…",
            functools.partial(
                users.add_user,
                username=self.username.text().strip(),
                display_name=self.display_name.text(),
                roles=self.roles(),
                password=self.password.text(),
                kdf=self.kdf,
            ),
            self.session,
        )

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.show_problems({k: _plain_problem(k, v) for k, v in exc.problems.items()})
        else:
            self.say(plain_message(exc))

    def show_problems(self, problems: dict[str, str]) -> None:
        first: QWidget | None = None
        for key, text in problems.items():
            where = self.errors.get(key)
            if where is None:
                self.say(text)
                continue
            where.setText(text)
            where.show()
            if first is None:
                first = self.fields[key]
        if first is not None:
            self.say("The account was not added. Please correct what is marked above.")
            first.setFocus()

    def _clear_problems(self) -> None:
        self.error.hide()
        for where in self.errors.values():
            where.hide()
            where.clear()

    def _forget(self) -> None:
        self.password.clear()
        self.again.clear()


def _plain_problem(key: str, reason: str) -> str:
    """A service's field problem as a sentence for this form."""
    if key == "username" and reason.endswith("already taken"):
        return f"{reason[:1].upper()}{reason[1:]} by another account: choose another username."
    if key == "role":
        return "Choose at least one role."
    names = {
        "username": "The username",
        "display name": "The full name",
        "password": "The password",
    }
    return f"{names.get(key, key.capitalize())} {reason}."


class ResetPasswordDialog(TaskDialog):
    """Emits ``succeeded`` once the one-time password is set."""

    title, action = "Reset a password", "&Reset password"

    def __init__(
        self,
        session: Session,
        account: Account,
        parent: QWidget | None,
        kdf: KdfParams | None = None,
    ) -> None:
        super().__init__(parent, self.title, self.action)
        self.session = session
        self.account = account
        self.kdf = kdf
        who = html.escape(account.user.display_name)
        self.body.addWidget(label(self.intro(who, html.escape(account.user.username)), "Subtitle"))
        reading = {r for r in account.user.roles if is_reading_role(r)}
        if reading:
            self.body.addWidget(
                label(self.reading_note(who, html.escape(role_names(reading))), "Note")
            )
        self.password = password_field("One-time password")
        self.again = password_field("One-time password again")
        form = QFormLayout()
        form.addRow(captioned("One-time &password", self.password), self.password)
        form.addRow(captioned("Password a&gain", self.again), self.again)
        self.body.addLayout(form)
        self.body.addWidget(label(f"At least {MIN_PASSWORD_LENGTH} characters.", "Subtitle"))
        self.finished.connect(lambda _result: self._forget())
        self.password.setFocus()

    def intro(self, who: str, username: str) -> str:
        return (
            f"Set a one-time password for <b>{who}</b> ({username}) if they have forgotten "
            "theirs. Give it to them in person: at their next sign-in they choose their own."
        )

    def reading_note(self, who: str, names: str) -> str:
        return (
            f"Their <b>{names}</b> access stops now: the records it opens get new keys. "
            f"{who} can still record as Staff. Once they have chosen their own password, a DSL "
            "or the headteacher grants it again at this computer, with them beside them."
        )

    def service(self) -> Callable[..., None]:
        """What sets the password: (session, username, password, kdf), on a worker thread."""
        return users.reset_password

    def inputs(self) -> list[QWidget]:
        return [self.password, self.again]

    def submit(self) -> None:
        if self.working:
            return
        if not self.password.text():
            self.say("Type the one-time password.")
            self.password.setFocus()
            return
        if self.password.text() != self.again.text():
            self.say("The two passwords are not the same.")
            self.again.setFocus()
            return
        self.run(
            f"Setting {self.account.user.display_name}'s password and changing keys… "
            "This takes a few seconds.",
            self.service(),
            self.session,
            self.account.user.username,
            self.password.text(),
            self.kdf,
        )

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and "password" in exc.problems:
            self.say(f"The password {exc.problems['password']}.")
            self.password.setFocus()
        else:
            self.say(plain_message(exc))

    def _forget(self) -> None:
        self.password.clear()
        self.again.clear()


class EnableAccountDialog(ResetPasswordDialog):
    """A disabled account, enabled again with a one-time password. Emits ``succeeded``."""

    title, action = "Enable an account again", "&Enable again"

    def intro(self, who: str, username: str) -> str:
        return (
            f"Let <b>{who}</b> ({username}) sign in again. Their old password opens nothing: "
            "set a one-time password and give it to them in person. At their next sign-in "
            "they choose their own."
        )

    def reading_note(self, who: str, names: str) -> str:
        return (
            f"Their <b>{names}</b> role is not given back at once: {who} can record as Staff, "
            "and once they have chosen their own password, a DSL or the headteacher grants it "
            "again at this computer, with them beside them."
        )

    def service(self) -> Callable[..., None]:
        return users.enable_user


class ConfirmDialog(TaskDialog):
    """Confirming an account in person: its holder types their own password."""

    def __init__(self, session: Session, account: Account, parent: QWidget | None) -> None:
        super().__init__(parent, "Confirm an account in person", "&Confirm")
        self.session = session
        self.account = account
        who = html.escape(account.user.display_name)
        self.body.addWidget(
            label(
                f"Confirming <b>{who}</b>'s account tells it which keys are genuine, so the "
                "accounts and records it makes can be trusted. An administrator's account needs "
                "this before it can add or change accounts. Nothing secret is given to them.",
                "Subtitle",
            )
        )
        self.body.addWidget(
            label(
                f"Ask {who} to come to this computer and type <b>their own password</b> below. "
                "Do not type it for them.",
                "Note",
            )
        )
        self.password = password_field(f"{account.user.display_name}'s password")
        form = QFormLayout()
        caption = label(f"{account.user.display_name.replace('&', '&&')}'s &password", plain=True)
        caption.setWordWrap(False)
        caption.setBuddy(self.password)
        form.addRow(caption, self.password)
        self.body.addLayout(form)
        self.finished.connect(lambda _result: self.password.clear())
        self.password.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.password]

    def submit(self) -> None:
        if self.working:
            return
        if not self.password.text():
            self.say(f"{self.account.user.display_name} needs to type their password first.")
            self.password.setFocus()
            return
        self.run(
            f"Confirming {self.account.user.display_name}'s account…",
            membership.confirm,
            self.session,
            self.account.user.username,
            self.password.text(),
        )

    def failed(self, exc: BaseException) -> None:
        self.say(plain_message(exc))
        if isinstance(exc, AuthenticationError):
            self.password.clear()
        self.password.setFocus()


class RemoveRoleDialog(TaskDialog):
    """Emits ``succeeded`` (the files whose new keys wait for a member) once removed."""

    def __init__(self, session: Session, account: Account, parent: QWidget | None) -> None:
        super().__init__(parent, "Remove a role", "&Remove the role")
        self.session = session
        self.account = account
        who = html.escape(account.user.display_name)
        self.body.addWidget(label(f"Which role should <b>{who}</b> no longer have?", "Subtitle"))
        self.choices = QButtonGroup(self)
        self.buttons_by_role: dict[Role, QRadioButton] = {}
        for role in ROLE_ORDER:
            if role in account.user.roles:
                button = QRadioButton(role_name(role))
                self.choices.addButton(button)
                self.buttons_by_role[role] = button
                self.body.addWidget(button)
        self.body.addWidget(
            label(
                "If the role opened pupils' records they no longer need, those records get new "
                "keys, so neither their password nor an old copy of the keys opens them. This "
                "takes a few seconds. The role can be asked for and granted again later.",
                "Note",
            )
        )
        first = next(iter(self.buttons_by_role.values()), None)
        if first is not None:
            first.setFocus()

    def inputs(self) -> list[QWidget]:
        return list(self.buttons_by_role.values())

    def chosen(self) -> Role | None:
        for role, button in self.buttons_by_role.items():
            if button.isChecked():
                return role
        return None

    def submit(self) -> None:
        if self.working:
            return
        role = self.chosen()
        if role is None:
            self.say("Choose the role to remove.")
            return
        self.run(
            f"Removing the {role_name(role)} role and changing keys… This takes a few seconds.",
            membership.revoke,
            self.session,
            self.account.user.username,
            role,
        )

    def failed(self, exc: BaseException) -> None:
        self.say(plain_message(exc))
