"""The Admin page as an office or a DSL meets it: tabs by what the account may do, reached by
keyboard, and the pupil import and accounts one keystroke away."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safedesk.domain.roles import Role
from safedesk.services import settings, users
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from safedesk.ui.admin_page import AdminPage
from safedesk.ui.main_window import MainWindow
from safedesk.ui.pupil_import_dialog import PupilImportDialog
from tests.ui.conftest import activate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def tab_titles(page: AdminPage) -> list[str]:
    return [page.tabs.tabText(i) for i in range(page.tabs.count())]


def shown_page(qtbot: QtBot, session: Session) -> AdminPage:
    page = AdminPage(session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_the_head_and_administrator_gets_every_tab(qtbot: QtBot, head_session: Session) -> None:
    page = shown_page(qtbot, head_session)
    assert tab_titles(page) == [
        "Backups and checks",
        "Staff accounts",
        "Pupils",
        "Settings",
        "Lists",
    ]
    assert page.accounts_panel is not None
    assert page.accounts_panel.isVisibleTo(page.tabs.widget(1))


def test_a_dsl_sees_the_accounts_to_grant_and_confirm_but_imports_nothing(
    qtbot: QtBot, session_as
) -> None:
    page = shown_page(qtbot, session_as(Role.DSL))
    titles = tab_titles(page)
    assert titles[:2] == ["Backups and checks", "Staff accounts"]
    assert "Pupils" not in titles and "Settings" not in titles
    assert page.accounts_panel is not None


def test_in_the_main_window_the_backups_panel_updates_the_status_bar(
    qtbot: QtBot, head_session: Session, tmp_path: Path
) -> None:
    settings.update_settings(head_session, backup_dir=str(tmp_path / "usb"))
    window = MainWindow(head_session, "Test School")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    label = window.backup_watch.status_label
    qtbot.waitUntil(lambda: label.text() == "Last backup: none yet")
    assert window.admin_page is not None
    window.show_page("Admin")
    panel = window.admin_page.backup_panel
    qtbot.mouseClick(panel.back_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: label.text().startswith("Last backup: today at"))
    window.stop()


def test_pupils_imported_on_the_admin_page_show_on_the_pupils_page(
    qtbot: QtBot, head_session: Session
) -> None:
    window = MainWindow(head_session, "Test School")
    qtbot.addWidget(window)
    window.show()
    assert window.admin_page is not None and window.pupils_page is not None
    before = window.pupils_page.model.rowCount()
    window.admin_page.import_pupils()
    dialog = window.admin_page.import_dialog
    with qtbot.waitSignal(dialog.settled, timeout=20_000):
        dialog.load(FIXTURES / "pupils_sims_utf8_bom.csv")
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: window.pupils_page.model.rowCount() > before)
    dialog.close()
    window.stop()


def test_ctrl_tab_moves_through_the_tabs(qtbot: QtBot, head_session: Session) -> None:
    page = shown_page(qtbot, head_session)
    activate(qtbot, page)
    page.verify_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.verify_button)
    for expected in (1, 2, 3):
        qtbot.keyClick(
            QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier
        )
        assert page.tabs.currentIndex() == expected


def test_import_pupils_opens_the_preview_and_imports_a_csv(
    qtbot: QtBot, head_session: Session
) -> None:
    page = shown_page(qtbot, head_session)
    page.show_tab("Pupils")
    page.import_button.setFocus()
    qtbot.keyClick(page.import_button, Qt.Key.Key_Space)
    dialog = page.import_dialog
    assert isinstance(dialog, PupilImportDialog)
    with qtbot.waitSignal(dialog.settled, timeout=20_000):
        dialog.load(FIXTURES / "pupils_sims_utf8_bom.csv")
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as blocker:
        dialog.import_button.click()
    assert blocker.args[0].added > 0
    dialog.close()


def test_the_log_folder_is_named_in_the_data_folder(qtbot: QtBot, head_session: Session) -> None:
    page = shown_page(qtbot, head_session)
    assert page.log_folder == head_session.paths.root / "logs"
    assert str(page.log_folder) in "".join(
        label.text() for label in page.findChildren(type(page.status))
    )


def test_the_accounts_are_read_again_when_their_tab_comes_into_view(
    qtbot: QtBot, head_session: Session
) -> None:
    page = shown_page(qtbot, head_session)  # opens on Backups and checks
    assert page.accounts_panel is not None
    users.add_user(
        head_session,
        username="j.smith",
        display_name="Mrs Jo Smith",
        roles={Role.STAFF},
        password="a long one-time password",
        kdf=FAST_KDF,
    )
    assert "j.smith" not in [a.user.username for a in page.accounts_panel.model.accounts()]
    page.show_tab("Staff accounts")
    assert "j.smith" in [a.user.username for a in page.accounts_panel.model.accounts()]
