"""Queue items that are not cases: an access request granted in person with the person's own
password, and an alarm marked as dealt with. Neither opens a case."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.compartments import Compartment
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.services import users
from safedesk.services.session import Session
from safedesk.store import audit, members
from safedesk.store.crypto import FAST_KDF
from safedesk.ui.alarm_dialog import AlarmDialog
from safedesk.ui.grant_dialog import GrantDialog
from safedesk.ui.item_roles import REF_ROLE
from safedesk.ui.main_window import MainWindow
from safedesk.ui.queue_model import REF, WHAT
from safedesk.ui.queue_page import QueuePage
from tests.conftest import OTHER_PASSWORD, SCHOOL_NAME, SchoolStore
from tests.ui.conftest import activate

ALARM_TEXT = "A gap in t.jones's numbering: <b>record 3</b> never arrived."


@pytest.fixture
def window(qtbot: QtBot, head_session: Session) -> MainWindow:
    made = MainWindow(head_session, SCHOOL_NAME)
    qtbot.addWidget(made)
    made.show()
    return made


def queue_of(window: MainWindow) -> QueuePage:
    assert window.queue_page is not None
    return window.queue_page


def open_item(qtbot: QtBot, page: QueuePage, ref: str) -> None:
    """Select the row by keyboard and press Enter, as a DSL would."""
    qtbot.waitUntil(lambda: ref in refs(page))
    row = refs(page).index(ref)
    page.table.setFocus()
    page.table.selectRow(row)
    page.table.setCurrentIndex(page.proxy.index(row, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)


def refs(page: QueuePage) -> list[str]:
    return [page.proxy.index(r, REF).data(REF_ROLE) for r in range(page.proxy.rowCount())]


def ask_for(head: Session, username: str, roles: set[Role]) -> None:
    users.add_user(
        head,
        username=username,
        display_name="Mr Tom Hughes",
        roles=roles,
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )


# --- access requests -------------------------------------------------------------------


def test_a_request_is_granted_in_person_with_the_persons_own_password(
    qtbot: QtBot, school: SchoolStore, head_session: Session, window: MainWindow
) -> None:
    ask_for(head_session, "t.hughes", {Role.DSL})
    page = queue_of(window)
    page.refresh()
    with qtbot.assertNotEmitted(page.case_opened):
        open_item(qtbot, page, "t.hughes")
    dialog = page.dialog
    assert isinstance(dialog, GrantDialog) and dialog.isVisible()
    summary = dialog.summary.text()
    assert "Mr Tom Hughes" in summary and "Designated Safeguarding Lead" in summary
    assert "safeguarding records and behaviour records" in summary

    # They type the password they were given, then choose one of their own: the keys are
    # made under a password nobody else has seen.
    assert dialog.own_form.isVisible()
    assert "new password of their own" in dialog.own_note.text()
    qtbot.keyClicks(dialog.password, OTHER_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.error.text() == "Mr Tom Hughes chooses a new password of their own."
    assert dialog.focusWidget() is dialog.new_password
    qtbot.keyClicks(dialog.new_password, "tom's very own")
    qtbot.keyClick(dialog.new_password, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.confirm, "tom's very own")

    # Someone else's password (here the head's own) is refused in plain words.
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "correct horse battery")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible() and "password" in dialog.error.text())
    assert dialog.error.text().startswith("That is not Mr Tom Hughes's password.")
    assert dialog.password.text() == "" and dialog.isVisible()

    qtbot.keyClicks(dialog.password, OTHER_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.progress.isVisible() and not dialog.password.isEnabled()  # off the UI thread
    qtbot.waitUntil(lambda: page.dialog is None)
    assert "Access granted: Mr Tom Hughes now has the Designated Safeguarding Lead role" in (
        page.notice.text()
    )
    qtbot.waitUntil(lambda: "t.hughes" not in refs(page))

    granted = school.sign_in("t.hughes", "tom's very own")
    assert Role.DSL in granted.user.roles
    assert granted.member_of(Compartment.SAFEGUARDING)
    granted.close()


def test_two_roles_asked_at_once_are_granted_one_by_one(
    qtbot: QtBot, head_session: Session, window: MainWindow
) -> None:
    ask_for(head_session, "t.hughes", {Role.DSL, Role.BEHAVIOUR_LEAD})
    page = queue_of(window)
    page.refresh()
    qtbot.waitUntil(lambda: refs(page).count("t.hughes") == 2)
    row = refs(page).index("t.hughes")
    what = page.model.item(page.proxy.mapToSource(page.proxy.index(row, 0)).row()).what
    open_item(qtbot, page, "t.hughes")
    dialog = page.dialog
    assert isinstance(dialog, GrantDialog)
    assert f"Grant {dialog.request.role.label} to " in what


def test_cancel_grants_nothing_and_forgets_what_was_typed(
    qtbot: QtBot, school: SchoolStore, head_session: Session, window: MainWindow
) -> None:
    ask_for(head_session, "t.hughes", {Role.BEHAVIOUR_LEAD})
    page = queue_of(window)
    page.refresh()
    open_item(qtbot, page, "t.hughes")
    dialog = page.dialog
    assert isinstance(dialog, GrantDialog)
    qtbot.keyClicks(dialog.password, OTHER_PASSWORD)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.password.text() == ""
    assert page.dialog is None
    assert "t.hughes" in refs(page)
    with head_session.store.read() as conn:
        assert audit.events_with_action(conn, "role.granted") == []


def test_an_empty_password_is_caught_before_anything_runs(
    qtbot: QtBot, head_session: Session, window: MainWindow
) -> None:
    ask_for(head_session, "t.hughes", {Role.DSL})
    page = queue_of(window)
    page.refresh()
    open_item(qtbot, page, "t.hughes")
    dialog = page.dialog
    assert isinstance(dialog, GrantDialog)
    qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Mr Tom Hughes needs to type their password first."
    assert not dialog.working


# --- alarms ------------------------------------------------------------------------------


def raise_alarm(session: Session, compartment: Compartment, text: str = ALARM_TEXT) -> None:
    """An alarm as the intake raises one when an author's numbering has a gap."""
    with session.compartment(compartment).write() as conn:
        members.raise_alarm(conn, "sequence_gap", text, datetime.now().astimezone())


def alarm_ref(page: QueuePage) -> str:
    for row in range(page.model.rowCount()):
        item = page.model.item(row)
        if item.kind is ItemKind.ALARM:
            return item.case_ref
    raise AssertionError("no alarm in the queue")


def test_an_alarm_shows_its_text_and_is_marked_as_dealt_with(
    qtbot: QtBot, head_session: Session, window: MainWindow
) -> None:
    raise_alarm(head_session, Compartment.BEHAVIOUR)
    page = queue_of(window)
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    ref = alarm_ref(page)
    assert ref.startswith("ALARM-B")
    with qtbot.assertNotEmitted(page.case_opened):
        open_item(qtbot, page, ref)
    dialog = page.dialog
    assert isinstance(dialog, AlarmDialog) and dialog.isVisible()
    assert dialog.detail.text() == ALARM_TEXT
    assert dialog.detail.textFormat() == Qt.TextFormat.PlainText  # its words, never markup
    activate(qtbot, dialog)
    assert dialog.focusWidget() is dialog.note

    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.error.text() == "Say what was done about it before marking it as dealt with."
    qtbot.keyClicks(dialog.note, "Asked Mr Jones: the missing record was a deleted draft.")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.dialog is None)
    assert page.notice.text() == f"{ref} marked as dealt with."
    qtbot.waitUntil(lambda: ref not in refs(page))

    with head_session.compartment(Compartment.BEHAVIOUR).read() as conn:
        assert members.open_alarms(conn) == []
        row = conn.execute("SELECT resolved_by, resolution FROM alarm").fetchone()
        assert audit.events_with_action(conn, "alarm.resolved")
    assert tuple(row) == ("head", "Asked Mr Jones: the missing record was a deleted draft.")


def test_an_alarm_dealt_with_elsewhere_says_so(
    qtbot: QtBot, school: SchoolStore, head_session: Session, window: MainWindow
) -> None:
    from safedesk.services import alarms

    raise_alarm(head_session, Compartment.SAFEGUARDING)
    page = queue_of(window)
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    ref = alarm_ref(page)
    open_item(qtbot, page, ref)
    dialog = page.dialog
    assert isinstance(dialog, AlarmDialog)
    compartment, alarm_id = alarms.alarm_from_ref(ref)
    alarms.resolve_alarm(head_session, compartment, alarm_id, "Dealt with on the other PC.")
    qtbot.keyClicks(dialog.note, "Checked.")
    qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "already marked it as dealt with" in dialog.error.text()
    assert dialog.isVisible() and dialog.note.isEnabled()


def test_a_request_names_people_by_their_full_names(
    qtbot: QtBot, head_session: Session, window: MainWindow
) -> None:
    ask_for(head_session, "t.hughes", {Role.DSL})
    page = queue_of(window)
    page.refresh()
    qtbot.waitUntil(lambda: "t.hughes" in refs(page))
    row = refs(page).index("t.hughes")
    what = page.proxy.index(row, WHAT).data()
    # The head (username "head") asked: the queue says her name, not her username.
    assert what.endswith("asked by Ms Ada Ngozi)") and "Mr Tom Hughes" in what
    assert page.proxy.index(row, REF).data() == "Access request"  # not "t.hughes"
    open_item(qtbot, page, "t.hughes")
    dialog = page.dialog
    assert isinstance(dialog, GrantDialog)
    summary = dialog.summary.text()
    assert "asked by Ms Ada Ngozi" in summary
    assert "asked by head" not in summary and "t.hughes" not in summary
