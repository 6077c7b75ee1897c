"""Admin: staff accounts — add, grant in person, confirm, remove a role, disable, enable again,
reset. An administrator manages accounts; the headteacher and DSLs see the same list to grant
roles and confirm accounts in person (the buttons follow what the services allow)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.compartments import READING, Compartment, is_reading_role
from safedesk.domain.errors import PermissionDenied, SafedeskError
from safedesk.domain.people import RoleRequest
from safedesk.domain.roles import Permission
from safedesk.services import membership, users
from safedesk.services.key_costs import KdfParams
from safedesk.services.session import Session
from safedesk.services.users import Account
from safedesk.ui import msgbox, tasks
from safedesk.ui.account_dialogs import (
    AddAccountDialog,
    ConfirmDialog,
    EnableAccountDialog,
    RemoveRoleDialog,
    ResetPasswordDialog,
    plain_message,
    role_name,
    role_names,
)
from safedesk.ui.grant_dialog import GrantDialog
from safedesk.ui.rows_model import Index, RowsModel

NAME, USERNAME, ROLES, ASKED, STATUS = range(5)

_FILES = {
    Compartment.SCHOOL.value: "the school's own file",
    Compartment.SAFEGUARDING.value: "safeguarding records",
    Compartment.BEHAVIOUR.value: "behaviour records",
}


def status_text(account: Account) -> str:
    """The account's state in plain words."""
    if not account.user.active:
        text = "Disabled: its password opens nothing"
    elif account.requested:
        text = "Active, as Staff until the role asked for is granted in person"
    else:
        text = "Active"
    if account.user.active and account.password_from_administrator:
        text += ". One-time password: its holder chooses their own at their first sign-in"
    if account.rotation_pending:
        files = " and ".join(_FILES.get(c, c) for c in account.rotation_pending)
        text += (
            f". New keys for the {files} are made at the next sign-in of the DSL or the headteacher"
        )
    return text


NOT_MANAGER = (
    "An administrator adds accounts, resets passwords, removes roles and disables accounts. "
    "Here you can grant a role someone has asked for, and confirm an administrator's account, "
    "with them beside you."
)
NOT_CONFIRMED = (
    "Your account has not been confirmed yet, so it cannot add or change accounts. Ask the "
    "headteacher or a Designated Safeguarding Lead to confirm it with you beside them "
    "(Admin, Staff accounts, Confirm in person)."
)


def blocked_reason(session: Session) -> str:
    """Why this administrator cannot add or change accounts yet, in plain words; "" when
    they can (the services' own check, made before anyone fills in a form)."""
    try:
        users.require_confirmed(session)
    except PermissionDenied:
        return NOT_CONFIRMED
    except SafedeskError as exc:
        return plain_message(exc)
    return ""


class AccountsModel(RowsModel):
    headers = ("Name", "Username", "Roles", "Asked for (waiting)", "Status")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        account: Account | None = self.row_of(index)
        if account is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if column == NAME:
                return account.user.display_name
            if column == USERNAME:
                return account.user.username
            if column == ROLES:
                return role_names(account.user.roles)
            if column == ASKED:
                return role_names(account.requested) or "—"
            if column == STATUS:
                return status_text(account)
        return None

    def accounts(self) -> list[Account]:
        return list(self._rows)


class AccountsPanel(QGroupBox):
    """Staff accounts for whoever may manage them; every check is the services' own."""

    def __init__(
        self, session: Session, parent: QWidget | None = None, *, kdf: KdfParams | None = None
    ) -> None:
        super().__init__("Staff accounts", parent)
        self.session = session
        self.kdf = kdf  # for the key slots of one-time passwords (tests: a fast one)
        self.dialog: QDialog | None = None
        self.working = False
        self._grantable: list[RoleRequest] = []
        self._listed = False
        self.manages = session.user.can(Permission.USER_MANAGE)
        self.blocked = ""  # why account changes cannot be made yet (see blocked_reason)

        intro = QLabel(
            "Everyone who uses safedesk has their own account. Roles that read pupils' records "
            "(DSL, Behaviour lead, Headteacher) are asked for here and granted by a DSL or the "
            "headteacher at this computer, with the person beside them."
        )
        intro.setWordWrap(True)
        intro.setObjectName("Subtitle")
        # What this person cannot do here, said before they try (not after a form is filled).
        self.notice = QLabel()
        self.notice.setObjectName("Note")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()

        self.model = AccountsModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Staff accounts")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)  # long role lists and states wrap within their row
        self.table.setMinimumHeight(300)
        header = self.table.horizontalHeader()
        for column in (NAME, USERNAME):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (ROLES, ASKED, STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_a: self.table.resizeRowsToContents())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.add_button = QPushButton("&Add an account…")
        self.add_button.clicked.connect(self.add_account)
        self.grant_button = QPushButton("&Grant a role…")
        self.grant_button.clicked.connect(self.grant)
        self.confirm_button = QPushButton("Con&firm in person…")
        self.confirm_button.clicked.connect(self.confirm)
        self.revoke_button = QPushButton("Remove a r&ole…")
        self.revoke_button.clicked.connect(self.remove_role)
        self.disable_button = QPushButton("&Disable…")
        self.disable_button.clicked.connect(self.disable)
        # In the Disable button's place while a disabled account is chosen.
        self.enable_button = QPushButton("&Enable again…")
        self.enable_button.clicked.connect(self.enable)
        self.enable_button.hide()
        self.reset_button = QPushButton("Reset &password…")
        self.reset_button.clicked.connect(self.reset_password)
        self.action_buttons = [
            self.add_button,
            self.grant_button,
            self.confirm_button,
            self.revoke_button,
            self.disable_button,
            self.enable_button,
            self.reset_button,
        ]
        # Two rows, so the panel fits a laptop at 125 % (in one row it asked 900 px): adding
        # and granting above, changes to an account below (Enable again in Disable's place).
        row = QGridLayout()
        places = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 1), (1, 2)]
        for button, (line, column) in zip(self.action_buttons, places, strict=True):
            row.addWidget(button, line, column)
        row.setColumnStretch(3, 1)

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("Subtitle")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: a change of keys cannot say how far it is
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.notice)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.refresh()

    # -- reading ---------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """Read the accounts again, keeping the selected one (or selecting ``select``)."""
        current = self.selected()
        keep = select or (current.user.username if current else None)
        try:
            found = users.list_accounts(self.session)
        except Exception as exc:
            self._listed = False
            self.model.set_rows([])
            self._tell(plain_message(exc), error=True)
            self._show_notice("")
            self._update_buttons()
            return
        self._listed = True
        self.blocked = blocked_reason(self.session) if self.manages else ""
        self._show_notice(self.blocked or ("" if self.manages else NOT_MANAGER))
        try:
            self._grantable = membership.requests(self.session)
        except Exception:
            self._grantable = []
        self.model.set_rows(found)
        self.table.resizeRowsToContents()
        usernames = [a.user.username for a in found]
        if keep in usernames:
            self.table.selectRow(usernames.index(keep))
        self._update_buttons()

    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_of(rows[0]) if rows else None

    def select(self, username: str) -> None:
        usernames = [a.user.username for a in self.model.accounts()]
        row = usernames.index(username)
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))

    def grantable(self, account: Account) -> list[RoleRequest]:
        """The requests of ``account`` this member may grant (as the service says)."""
        return [r for r in self._grantable if r.username == account.user.username]

    # -- buttons ---------------------------------------------------------------------------

    def _selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        account = self.selected()
        me = self.session.user.username
        usable = self._listed and not self.working
        other = account is not None and account.user.username != me
        active = account is not None and account.user.active
        disabled = account is not None and not account.user.active
        member_of_all = all(self.session.member_of(c) for c in READING)
        # Adding and changing accounts: an administrator's, once their account is confirmed.
        manage = usable and self.manages and not self.blocked
        self.add_button.setEnabled(manage)
        self.grant_button.setEnabled(
            usable and account is not None and bool(self.grantable(account))
        )
        self.confirm_button.setEnabled(usable and other and active and member_of_all)
        self.revoke_button.setEnabled(manage and active and bool(account and account.user.roles))
        self.disable_button.setEnabled(manage and other and active)
        self.disable_button.setVisible(not disabled)
        self.enable_button.setEnabled(manage and disabled)
        self.enable_button.setVisible(disabled)
        self.reset_button.setEnabled(manage and other and active)
        self.hint.setText(self._hint(account) if usable else "")
        self.hint.setVisible(bool(self.hint.text()))

    def _hint(self, account: Account | None) -> str:
        if account is None:
            return "Choose an account in the table to change it."
        who = account.user.display_name
        if account.user.username == self.session.user.username:
            return "This is your own account: change your password from the top of the window."
        if not account.user.active:
            if self.manages and not self.blocked:
                return (
                    f"{who}'s account is disabled. To let them sign in again, choose Enable "
                    "again and give them a one-time password in person."
                )
            return f"{who}'s account is disabled."
        waiting = sorted(account.requested - {r.role for r in self.grantable(account)})
        if waiting:
            names = role_names(set(waiting))
            return (
                f"{who} has asked for {names}. Only a DSL or the headteacher can grant it, at "
                f"this computer with {who} beside them (it is in their queue)."
            )
        return ""

    # -- actions ---------------------------------------------------------------------------

    def add_account(self) -> None:
        dialog = AddAccountDialog(self.session, self, self.kdf)
        dialog.succeeded.connect(
            lambda user: self._done(
                f"Added {user.display_name} ({user.username}). Give them the one-time password "
                "in person; they choose their own at their first sign-in.",
                user.username,
            )
        )
        self._show(dialog)

    def grant(self) -> None:
        account = self.selected()
        if account is None:
            return
        found = self.grantable(account)
        if not found:
            self._tell(
                f"There is no role waiting for {account.user.display_name} that you can grant.",
                error=True,
            )
            return
        request = found[0]  # one at a time; the next is offered once this one is done
        dialog = GrantDialog(self.session, request, self)
        who, role = request.display_name, role_name(request.role)
        dialog.succeeded.connect(
            lambda _user: self._done(
                f"Access granted: {who} now has the {role} role, from their next sign-in.",
                request.username,
            )
        )
        self._show(dialog)

    def confirm(self) -> None:
        account = self.selected()
        if account is None:
            return
        dialog = ConfirmDialog(self.session, account, self)
        who = account.user.display_name
        dialog.succeeded.connect(
            lambda _none: self._done(
                f"Confirmed {who}'s account: what it makes is now trusted.", account.user.username
            )
        )
        self._show(dialog)

    def remove_role(self) -> None:
        account = self.selected()
        if account is None:
            return
        dialog = RemoveRoleDialog(self.session, account, self)
        who = account.user.display_name

        def removed(waiting: list[Compartment]) -> None:
            text = f"Removed the role from {who}."
            if waiting:
                files = " and ".join(c.label for c in waiting)
                text += (
                    f" New keys for the {files} are made at the next sign-in of the DSL or the "
                    "headteacher."
                )
            self._done(text, account.user.username)

        dialog.succeeded.connect(removed)
        self._show(dialog)

    def reset_password(self) -> None:
        account = self.selected()
        if account is None:
            return
        if not self._last_holder_ok(account.user.username):
            return
        dialog = ResetPasswordDialog(self.session, account, self, self.kdf)
        who = account.user.display_name
        reading = any(is_reading_role(r) for r in account.user.roles)
        again = (
            " Their reading access is asked for again: a DSL or the headteacher grants it once "
            "they have chosen their own password."
            if reading
            else ""
        )
        dialog.succeeded.connect(
            lambda _none: self._done(
                f"{who}'s password has been reset. Give them the one-time password in person; "
                f"they choose their own at their next sign-in.{again}",
                account.user.username,
            )
        )
        self._show(dialog)

    def enable(self) -> None:
        account = self.selected()
        if account is None or account.user.active:
            return
        dialog = EnableAccountDialog(self.session, account, self, self.kdf)
        who = account.user.display_name
        dialog.succeeded.connect(
            lambda _none: self._done(
                f"{who}'s account is enabled again. Give them the one-time password in person; "
                "they choose their own at their next sign-in.",
                account.user.username,
            )
        )
        self._show(dialog)

    def disable(self) -> None:
        account = self.selected()
        if account is None:
            return
        who, username = account.user.display_name, account.user.username
        if not self._last_holder_ok(username):
            return
        if not msgbox.confirm(
            self,
            "Disable this account?",
            f"Disable {who} ({username})? They will no longer be able to sign in, and every "
            "file their account could open gets new keys, which takes a few seconds. What they "
            "recorded stays. To let them back later, choose the account and Enable again: "
            "they get a new one-time password from you, in person.",
        ):
            return
        self._work(
            f"Disabling {who}'s account and changing keys… This takes a few seconds.",
            users.disable_user,
            (self.session, username),
            f"Disabled {who}'s account: their password no longer opens anything.",
            username,
        )

    def _last_holder_ok(self, username: str) -> bool:
        """Asked first when this account is the last one able to open an allegations file."""
        warning = users.last_holder_warning(self.session, username)
        return warning is None or msgbox.confirm(
            self, "Nobody else can open this file", f"{warning}\n\nGo on anyway?"
        )

    # -- plumbing --------------------------------------------------------------------------

    def _work(
        self,
        busy: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        done: str,
        select: str,
    ) -> None:
        """Slow work on the panel itself, off the UI thread, with the bar showing."""
        self._set_working(True, busy)
        tasks.run(fn, *args).on_success(lambda _r: self._finish(done, select)).on_error(
            self._failed
        )

    def _finish(self, text: str, select: str) -> None:
        self._set_working(False)
        self._done(text, select)

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        self.refresh()
        self._tell(plain_message(exc), error=True)

    def _set_working(self, working: bool, text: str = "") -> None:
        self.working = working
        self.progress.setVisible(working)
        self.table.setEnabled(not working)
        if working:
            self._tell(text)
        self._update_buttons()

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.table.setFocus()

    def _done(self, text: str, select: str) -> None:
        self.refresh(select)
        self._tell(text)

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _tell(self, text: str, *, error: bool = False) -> None:
        self.status.setObjectName("Error" if error else "")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)
        self.status.setVisible(bool(text))
