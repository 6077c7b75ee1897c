"""The Admin page's Staff accounts panel, driven as a school business manager would: add an
account, grant a role in person, confirm, remove a role, disable, reset a password."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import AuthenticationError, PermissionDenied
from safedesk.domain.roles import Permission, Role
from safedesk.paths import DataPaths
from safedesk.services import membership, users, vault
from safedesk.services.session import Session
from safedesk.services.setup import Headteacher, create_school
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import msgbox
from safedesk.ui.account_dialogs import (
    AddAccountDialog,
    ConfirmDialog,
    EnableAccountDialog,
    RemoveRoleDialog,
    ResetPasswordDialog,
)
from safedesk.ui.accounts_panel import ASKED, ROLES, STATUS, AccountsModel, AccountsPanel
from safedesk.ui.grant_dialog import GrantDialog
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account
from tests.ui.conftest import activate

ONE_TIME = "one time passphrase"


def make_panel(qtbot: QtBot, session: Session) -> AccountsPanel:
    panel = AccountsPanel(session, kdf=FAST_KDF)
    qtbot.addWidget(panel)
    panel.resize(1100, 600)
    panel.show()
    activate(qtbot, panel)
    return panel


def cell(panel: AccountsPanel, username: str, column: int) -> str:
    for row, account in enumerate(panel.model.accounts()):
        if account.user.username == username:
            return str(panel.model.index(row, column).data())
    raise AssertionError(f"{username} is not in the table")


def usernames(panel: AccountsPanel) -> list[str]:
    return [a.user.username for a in panel.model.accounts()]


def choose(qtbot: QtBot, panel: AccountsPanel, username: str) -> None:
    """Select the account's row with the keyboard: focus the table, arrow down to it."""
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    panel.table.selectRow(0)
    for _ in range(usernames(panel).index(username)):
        qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    selected = panel.selected()
    assert selected is not None and selected.user.username == username


def press(qtbot: QtBot, button: QPushButton) -> None:
    """Alt + the button's underlined letter, as the keyboard would."""
    letter = button.text()[button.text().index("&") + 1]
    qtbot.keyClick(button.window(), letter.lower(), Qt.KeyboardModifier.AltModifier)


def opened(qtbot: QtBot, panel: AccountsPanel, button: QPushButton) -> QWidget:
    assert button.isEnabled()
    press(qtbot, button)
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible())
    assert panel.dialog is not None
    activate(qtbot, panel.dialog)
    return panel.dialog


def texts(widget: QWidget) -> str:
    return " ".join(found.text() for found in widget.findChildren(QLabel))


def finish(qtbot: QtBot, panel: AccountsPanel) -> None:
    qtbot.waitUntil(lambda: panel.dialog is None)


def ask_for(head: Session, username: str, roles: set[Role], password: str = ONE_TIME) -> None:
    users.add_user(
        head,
        username=username,
        display_name="Mr Tom Hughes",
        roles=roles,
        password=password,
        kdf=FAST_KDF,
    )


# --- adding --------------------------------------------------------------------------------


def fill_add(qtbot: QtBot, dialog: AddAccountDialog, username: str, name: str) -> None:
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClick(dialog.username, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.display_name
    qtbot.keyClicks(dialog.display_name, name)


def test_an_account_is_added_and_signs_in_with_its_one_time_password(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    panel = make_panel(qtbot, head_session)
    assert usernames(panel) == ["head"]
    dialog = opened(qtbot, panel, panel.add_button)
    assert isinstance(dialog, AddAccountDialog)
    assert "only <b>asked for</b>" in texts(dialog)
    assert "at their first sign-in they choose their own" in texts(dialog)
    fill_add(qtbot, dialog, "j.smith", "Mrs Jo Smith")
    for _ in range(5):  # past the role boxes one can tick (Staff is always given)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.password
    qtbot.keyClicks(dialog.password, ONE_TIME)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.again
    qtbot.keyClicks(dialog.again, ONE_TIME)
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    finish(qtbot, panel)

    assert "j.smith" in usernames(panel)
    assert cell(panel, "j.smith", ROLES) == "Staff"
    assert cell(panel, "j.smith", ASKED) == "—"
    assert cell(panel, "j.smith", STATUS) == (
        "Active. One-time password: its holder chooses their own at their first sign-in"
    )
    assert "Added Mrs Jo Smith (j.smith)" in panel.status.text()
    signed_in = school.sign_in("j.smith", ONE_TIME)
    assert signed_in.user.roles == {Role.STAFF}
    assert signed_in.password_from_administrator
    users.change_own_password(signed_in, ONE_TIME, "my very own password", kdf=FAST_KDF)
    signed_in.close()
    panel.refresh()
    assert cell(panel, "j.smith", STATUS) == "Active"


def test_a_taken_username_is_shown_by_the_field_and_the_form_keeps_what_was_typed(
    qtbot: QtBot, head_session: Session
) -> None:
    panel = make_panel(qtbot, head_session)
    dialog = opened(qtbot, panel, panel.add_button)
    assert isinstance(dialog, AddAccountDialog)
    fill_add(qtbot, dialog, "head", "Another Head")
    qtbot.keyClicks(dialog.password, ONE_TIME)
    qtbot.keyClicks(dialog.again, "not the same password")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    assert dialog.errors["password"].text() == "The two passwords are not the same."
    assert dialog.isVisible()

    dialog.again.clear()
    qtbot.keyClicks(dialog.again, ONE_TIME)
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.errors["username"].isVisible())
    assert dialog.errors["username"].text() == (
        "'head' is already taken by another account: choose another username."
    )
    assert not dialog.errors["password"].isVisible()
    assert dialog.isVisible() and panel.dialog is dialog
    assert dialog.username.text() == "head"
    assert dialog.display_name.text() == "Another Head"
    assert dialog.password.text() == ONE_TIME and dialog.again.text() == ONE_TIME
    assert dialog.focusWidget() is dialog.username
    assert usernames(panel) == ["head"]


def test_a_short_password_and_a_blank_name_are_refused_in_words(
    qtbot: QtBot, head_session: Session
) -> None:
    panel = make_panel(qtbot, head_session)
    dialog = opened(qtbot, panel, panel.add_button)
    assert isinstance(dialog, AddAccountDialog)
    qtbot.keyClicks(dialog.username, "b.jones")
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.again, "short")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.errors["password"].isVisible())
    assert dialog.errors["display name"].text() == "The full name is required."
    assert dialog.errors["password"].text() == ("The password must be at least 10 characters long.")
    assert dialog.isVisible() and usernames(panel) == ["head"]


def test_a_reading_role_ticked_is_only_asked_for(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    panel = make_panel(qtbot, head_session)
    dialog = opened(qtbot, panel, panel.add_button)
    assert isinstance(dialog, AddAccountDialog)
    fill_add(qtbot, dialog, "t.hughes", "Mr Tom Hughes")
    assert not dialog.role_boxes[Role.STAFF].isEnabled()
    assert dialog.role_boxes[Role.STAFF].isChecked()
    qtbot.keyClick(dialog, "b", Qt.KeyboardModifier.AltModifier)  # &Behaviour lead
    qtbot.waitUntil(dialog.role_boxes[Role.BEHAVIOUR_LEAD].isChecked)  # a mnemonic animates
    qtbot.keyClicks(dialog.password, ONE_TIME)
    qtbot.keyClicks(dialog.again, ONE_TIME)
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    finish(qtbot, panel)

    assert cell(panel, "t.hughes", ROLES) == "Staff"
    assert cell(panel, "t.hughes", ASKED) == "Behaviour lead"
    assert "until the role asked for is granted" in cell(panel, "t.hughes", STATUS)
    signed_in = school.sign_in("t.hughes", ONE_TIME)
    assert Role.BEHAVIOUR_LEAD not in signed_in.user.roles
    assert not signed_in.member_of(Compartment.BEHAVIOUR)
    signed_in.close()


# --- granting and confirming in person ----------------------------------------------------


def test_a_role_asked_for_is_granted_in_person(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    ask_for(head_session, "t.hughes", {Role.DSL})
    panel = make_panel(qtbot, head_session)
    choose(qtbot, panel, "head")
    assert not panel.grant_button.isEnabled()
    choose(qtbot, panel, "t.hughes")
    assert cell(panel, "t.hughes", ASKED) == "Designated Safeguarding Lead (DSL)"
    dialog = opened(qtbot, panel, panel.grant_button)
    assert isinstance(dialog, GrantDialog)
    assert dialog.request.role is Role.DSL
    qtbot.keyClicks(dialog.password, ONE_TIME)
    qtbot.keyClicks(dialog.new_password, "tom's very own")
    qtbot.keyClicks(dialog.confirm, "tom's very own")
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    assert dialog.progress.isVisible()  # off the UI thread
    finish(qtbot, panel)

    assert cell(panel, "t.hughes", ROLES) == "Staff, Designated Safeguarding Lead (DSL)"
    assert cell(panel, "t.hughes", ASKED) == "—"
    assert "Access granted: Mr Tom Hughes now has the Designated Safeguarding Lead" in (
        panel.status.text()
    )
    assert not panel.grant_button.isEnabled()
    granted = school.sign_in("t.hughes", "tom's very own")
    assert granted.member_of(Compartment.SAFEGUARDING)
    assert granted.member_of(Compartment.BEHAVIOUR)
    granted.close()


def test_an_administrator_who_holds_no_records_cannot_grant_and_is_told_who_can(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, "office", {Role.ADMIN})
    ask_for(head_session, "t.hughes", {Role.BEHAVIOUR_LEAD})
    office = school.sign_in("office", OTHER_PASSWORD)
    try:
        panel = make_panel(qtbot, office)
        choose(qtbot, panel, "t.hughes")
        assert cell(panel, "t.hughes", ASKED) == "Behaviour lead"
        assert not panel.grant_button.isEnabled()
        assert not panel.confirm_button.isEnabled()
        assert panel.hint.isVisible()
        assert "Only a DSL or the headteacher can grant it" in panel.hint.text()
        # What the administrator may do stays open to them.
        assert panel.add_button.isEnabled() and panel.reset_button.isEnabled()
        assert panel.disable_button.isEnabled() and panel.revoke_button.isEnabled()
    finally:
        office.close()


def test_an_administrator_is_confirmed_in_person(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    users.add_user(
        head_session,
        username="office",
        display_name="Mrs Pat Office",
        roles={Role.ADMIN},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    before = school.sign_in("office", OTHER_PASSWORD)
    with pytest.raises(PermissionDenied, match="not been confirmed"):
        users.add_user(
            before, username="x.y", display_name="X", roles={Role.STAFF}, password=ONE_TIME
        )
    before.close()

    panel = make_panel(qtbot, head_session)
    choose(qtbot, panel, "office")
    dialog = opened(qtbot, panel, panel.confirm_button)
    assert isinstance(dialog, ConfirmDialog)
    qtbot.keyClicks(dialog.password, "not her password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert dialog.error.text().startswith("That is not Mrs Pat Office's password.")
    assert dialog.password.text() == "" and dialog.isVisible()
    qtbot.keyClicks(dialog.password, OTHER_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    finish(qtbot, panel)
    assert "Confirmed Mrs Pat Office's account" in panel.status.text()

    after = school.sign_in("office", OTHER_PASSWORD)
    users.add_user(
        after,
        username="x.y",
        display_name="X",
        roles={Role.STAFF},
        password=ONE_TIME,
        kdf=FAST_KDF,
    )
    after.close()


def test_an_unconfirmed_administrator_is_told_up_front_and_cannot_start_a_change(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    users.add_user(
        head_session,
        username="office",
        display_name="Mrs Pat Office",
        roles={Role.ADMIN},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    add_account(head_session, "stayer", {Role.STAFF})
    office = school.sign_in("office", OTHER_PASSWORD)
    try:
        panel = make_panel(qtbot, office)
        # Said before anything is filled in, in the panel's own words.
        assert panel.notice.isVisible() and panel.notice.wordWrap()
        assert panel.notice.text().startswith("Your account has not been confirmed yet")
        assert "Confirm in person" in panel.notice.text()
        assert "safedesk-admin" not in panel.notice.text()
        assert not panel.add_button.isEnabled()
        choose(qtbot, panel, "stayer")
        for button in (panel.disable_button, panel.reset_button, panel.revoke_button):
            assert not button.isEnabled()
        press(qtbot, panel.add_button)  # Alt+U: nothing opens
        assert panel.dialog is None
        assert cell(panel, "stayer", STATUS).startswith("Active. One-time password")
    finally:
        office.close()
    school.sign_in("stayer", OTHER_PASSWORD).close()

    # Once confirmed in person, the same administrator can add accounts.
    membership.confirm(head_session, "office", OTHER_PASSWORD)
    office = school.sign_in("office", OTHER_PASSWORD)
    try:
        panel = make_panel(qtbot, office)
        assert not panel.notice.isVisible()
        assert panel.add_button.isEnabled()
    finally:
        office.close()


def test_before_the_heads_first_sign_in_the_administrator_is_told_why_nothing_can_change(
    qtbot: QtBot, tmp_path: Path
) -> None:
    paths = DataPaths(tmp_path / "data")
    create_school(
        paths,
        school_name="Hill Top Primary",
        username="office",
        display_name="Mrs Pat Office",
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
        headteacher=Headteacher("head", "Ms Ada Ngozi", ONE_TIME),
    )
    office = vault.sign_in(paths, "office", OTHER_PASSWORD)
    try:
        panel = make_panel(qtbot, office)
        assert panel.notice.isVisible()
        assert panel.notice.text().startswith(
            "The headteacher has not signed in for the first time yet"
        )
        assert not panel.add_button.isEnabled()
        assert cell(panel, "head", STATUS).startswith("Active. One-time password")
    finally:
        office.close()


# --- taking access away ------------------------------------------------------------------


def test_a_role_is_removed_and_its_records_get_new_keys(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, "b.lead", {Role.BEHAVIOUR_LEAD})
    panel = make_panel(qtbot, head_session)
    choose(qtbot, panel, "b.lead")
    assert cell(panel, "b.lead", ROLES) == "Staff, Behaviour lead"
    dialog = opened(qtbot, panel, panel.revoke_button)
    assert isinstance(dialog, RemoveRoleDialog)
    assert "get new keys" in texts(dialog)
    qtbot.keyClick(dialog.action_button, Qt.Key.Key_Return)
    assert dialog.error.text() == "Choose the role to remove."  # nothing chosen for them
    dialog.buttons_by_role[Role.BEHAVIOUR_LEAD].setFocus()
    qtbot.keyClick(dialog.buttons_by_role[Role.BEHAVIOUR_LEAD], Qt.Key.Key_Space)
    assert dialog.chosen() is Role.BEHAVIOUR_LEAD
    qtbot.keyClick(dialog.buttons_by_role[Role.BEHAVIOUR_LEAD], Qt.Key.Key_Return)
    finish(qtbot, panel)

    assert cell(panel, "b.lead", ROLES) == "Staff"
    assert "Removed the role from Test b.lead." in panel.status.text()
    left = school.sign_in("b.lead", OTHER_PASSWORD)
    assert not left.member_of(Compartment.BEHAVIOUR)
    left.close()


def test_an_account_is_disabled_off_the_ui_thread_and_cannot_sign_in(
    qtbot: QtBot,
    school: SchoolStore,
    head_session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_account(head_session, "leaver", {Role.DSL})
    asked: list[str] = []

    def confirm(_parent: object, _title: str, text: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(msgbox, "confirm", confirm)
    panel = make_panel(qtbot, head_session)
    choose(qtbot, panel, "head")
    assert not panel.disable_button.isEnabled()  # never one's own
    choose(qtbot, panel, "leaver")
    panel.disable_button.setFocus()  # Space clicks at once (a mnemonic animates the click)
    qtbot.keyClick(panel.disable_button, Qt.Key.Key_Space)
    assert "Disable Test leaver (leaver)?" in asked[0]
    assert panel.progress.isVisible() and not panel.add_button.isEnabled()
    assert "Disabling Test leaver's account" in panel.status.text()
    qtbot.waitUntil(lambda: not panel.working)

    assert cell(panel, "leaver", STATUS).startswith("Disabled")
    assert "Disabled Test leaver's account" in panel.status.text()
    # Nothing but Enable again for a disabled account.
    assert not panel.disable_button.isVisible() and panel.enable_button.isVisible()
    assert not panel.reset_button.isEnabled() and not panel.revoke_button.isEnabled()
    assert not panel.confirm_button.isEnabled()
    assert "Enable again" in panel.hint.text()
    with pytest.raises(AuthenticationError):
        school.sign_in("leaver", OTHER_PASSWORD)

    # Enabled again with a one-time password; the DSL role is asked for again.
    dialog = opened(qtbot, panel, panel.enable_button)
    assert isinstance(dialog, EnableAccountDialog)
    assert "not given back at once" in texts(dialog)
    qtbot.keyClicks(dialog.password, ONE_TIME)
    qtbot.keyClicks(dialog.again, ONE_TIME)
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    finish(qtbot, panel)
    assert "account is enabled again" in panel.status.text()
    assert cell(panel, "leaver", STATUS).startswith("Active, as Staff until the role")
    assert "One-time password" in cell(panel, "leaver", STATUS)
    assert cell(panel, "leaver", ASKED) == "Designated Safeguarding Lead (DSL)"
    assert panel.disable_button.isVisible() and not panel.enable_button.isVisible()
    back = school.sign_in("leaver", ONE_TIME)
    assert not back.member_of(Compartment.SAFEGUARDING)
    back.close()


def test_saying_no_to_disabling_changes_nothing(
    qtbot: QtBot, school: SchoolStore, head_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_account(head_session, "stayer", {Role.STAFF})
    asked: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda _p, _t, text: asked.append(text) or False)
    panel = make_panel(qtbot, head_session)
    choose(qtbot, panel, "stayer")
    press(qtbot, panel.disable_button)
    qtbot.waitUntil(lambda: bool(asked))
    assert "To let them back later, choose the account and Enable again" in asked[0]
    assert not panel.working and cell(panel, "stayer", STATUS).startswith(
        "Active. One-time password"
    )
    school.sign_in("stayer", OTHER_PASSWORD).close()


def test_a_password_is_reset_and_reading_access_is_asked_for_again(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, "forgot", {Role.DSL})
    panel = make_panel(qtbot, head_session)
    choose(qtbot, panel, "forgot")
    dialog = opened(qtbot, panel, panel.reset_button)
    assert isinstance(dialog, ResetPasswordDialog)
    assert "access stops now" in texts(dialog) and "grants it again" in texts(dialog)
    qtbot.keyClicks(dialog.password, ONE_TIME)
    qtbot.keyClicks(dialog.again, ONE_TIME + "x")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    assert dialog.error.text() == "The two passwords are not the same."
    dialog.again.clear()
    qtbot.keyClicks(dialog.again, ONE_TIME)
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    assert dialog.progress.isVisible()
    finish(qtbot, panel)

    assert cell(panel, "forgot", ROLES) == "Staff"
    assert cell(panel, "forgot", ASKED) == "Designated Safeguarding Lead (DSL)"
    assert "password has been reset" in panel.status.text()
    with pytest.raises(AuthenticationError):
        school.sign_in("forgot", OTHER_PASSWORD)
    reset = school.sign_in("forgot", ONE_TIME)
    assert reset.password_from_administrator
    assert not reset.member_of(Compartment.SAFEGUARDING)
    reset.close()


# --- who gets the panel ------------------------------------------------------------------


def test_a_staff_member_gets_the_refusal_and_no_actions(
    qtbot: QtBot, session_as: Callable[[Role], Session]
) -> None:
    staff = session_as(Role.STAFF)
    panel = make_panel(qtbot, staff)
    assert panel.model.rowCount() == 0
    assert panel.status.isVisible()
    assert "not allowed to see the list of staff accounts" in panel.status.text()
    assert not any(b.isEnabled() for b in panel.action_buttons)


def test_the_head_without_the_admin_role_grants_and_confirms_but_manages_nothing(
    qtbot: QtBot, school: SchoolStore, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    users.add_user(
        head_session,
        username="office",
        display_name="Mrs Pat Office",
        roles={Role.ADMIN},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    ask_for(head_session, "t.hughes", {Role.BEHAVIOUR_LEAD})
    head = session_as(Role.HEAD)
    assert not head.user.can(Permission.USER_MANAGE)
    panel = make_panel(qtbot, head)
    assert {"office", "t.hughes"} <= set(usernames(panel))
    assert panel.notice.isVisible()
    assert panel.notice.text().startswith("An administrator adds accounts, resets passwords")
    assert not panel.add_button.isEnabled()

    choose(qtbot, panel, "t.hughes")
    assert panel.grant_button.isEnabled()
    for button in (panel.disable_button, panel.reset_button, panel.revoke_button):
        assert not button.isEnabled()
    dialog = opened(qtbot, panel, panel.grant_button)
    assert isinstance(dialog, GrantDialog)
    dialog.reject()
    finish(qtbot, panel)

    activate(qtbot, panel)
    choose(qtbot, panel, "office")
    dialog = opened(qtbot, panel, panel.confirm_button)
    assert isinstance(dialog, ConfirmDialog)
    qtbot.keyClicks(dialog.password, OTHER_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    finish(qtbot, panel)
    assert "Confirmed Mrs Pat Office's account" in panel.status.text()
    office = school.sign_in("office", OTHER_PASSWORD)
    try:
        assert make_panel(qtbot, office).add_button.isEnabled()
    finally:
        office.close()


def test_tab_leaves_the_table(qtbot: QtBot, head_session: Session) -> None:
    panel = make_panel(qtbot, head_session)
    choose(qtbot, panel, "head")
    qtbot.keyClick(panel.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.add_button


def test_the_accounts_model_passes_the_model_tester(
    qtmodeltester: ModelTester, head_session: Session
) -> None:
    add_account(head_session, "b.lead", {Role.BEHAVIOUR_LEAD})
    model = AccountsModel()
    model.set_rows(users.list_accounts(head_session))
    assert model.rowCount() == 2
    qtmodeltester.check(model)


def test_resetting_or_disabling_the_only_head_asks_first_and_no_changes_nothing(
    qtbot: QtBot, school: SchoolStore, head_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The head is the only account holding the allegations file: the office is told that
    nobody could open it again, and saying No changes nothing."""
    users.add_user(
        head_session,
        username="office",
        display_name="Mrs Pat Office",
        roles={Role.ADMIN},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    membership.confirm(head_session, "office", OTHER_PASSWORD)
    asked: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda _p, _t, text: asked.append(text) or False)
    office = school.sign_in("office", OTHER_PASSWORD)
    try:
        panel = make_panel(qtbot, office)
        choose(qtbot, panel, "head")
        press(qtbot, panel.reset_button)
        qtbot.waitUntil(lambda: bool(asked))
        assert "only headteacher who can open the file for allegations about staff" in asked[0]
        assert panel.dialog is None  # no reset dialog: nothing changed
        press(qtbot, panel.disable_button)
        qtbot.waitUntil(lambda: len(asked) == 2)
        assert "nobody can ever open the records in it again" in asked[1]
        assert not panel.working
    finally:
        office.close()
    head = school.sign_in()
    try:
        assert head.member_of(Compartment.ALLEGATIONS)
    finally:
        head.close()
