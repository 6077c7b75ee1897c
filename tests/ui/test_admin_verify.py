"""Admin → Verify the store, as the head would use it: by keyboard, reading the answer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.roles import Role
from safedesk.services.session import Session
from safedesk.ui.admin_page import AdminPage
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account


def verify_by_keyboard(qtbot: QtBot, page: AdminPage) -> str:
    page.verify_button.setFocus()
    qtbot.keyClick(page.verify_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not page.status.text().startswith("Checking"))
    return page.status.text()


def test_a_sound_store_names_its_newest_signed_heads(qtbot: QtBot, head_session: Session) -> None:
    page = AdminPage(head_session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    text = verify_by_keyboard(qtbot, page)
    assert text.startswith("All sound ("), text
    for file in ("school", "safeguarding", "behaviour"):
        assert f"{file} #" in text
    assert "signed by head at " in text
    assert "Not checked" not in text


def test_a_row_changed_behind_the_programs_back_is_named(
    qtbot: QtBot, head_session: Session
) -> None:
    with head_session.store.write() as conn:
        conn.execute("DROP TRIGGER user_fixed_identity")
        conn.execute("UPDATE user SET display_name = 'Someone Else' WHERE username = 'head'")
    page = AdminPage(head_session)
    qtbot.addWidget(page)
    page.show()
    text = verify_by_keyboard(qtbot, page)
    assert text.startswith("PROBLEM FOUND:"), text
    assert "user row [1] (head) was changed behind the program's back" in text


def test_an_administrator_is_told_which_files_wait_for_a_member(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, "office", {Role.ADMIN})
    office = school.sign_in("office", OTHER_PASSWORD)
    try:
        page = AdminPage(office)
        qtbot.addWidget(page)
        page.show()
        text = verify_by_keyboard(qtbot, page)
    finally:
        office.close()
    assert text.startswith("Sound, in the files your account opens ("), text
    assert "Not checked (your account cannot open them): " in text
    assert "safeguarding" in text.split("Not checked")[1].lower()
