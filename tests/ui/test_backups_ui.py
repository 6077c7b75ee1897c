"""Backups in the app: a backup at every sign-out, the banner and "Last backup" in the status
bar, the Admin page's panel (Back up now, Test a restore, Restore from a backup) driven as an
administrator would, and the app back at sign-in after a restore."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.services import backup, records, settings
from safedesk.services.backup_status import BackupStatus
from safedesk.services.session import Session
from safedesk.store import audit, backup_file
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import msgbox, pickers, tasks, theme
from safedesk.ui.backup_banner import BackupBanner
from safedesk.ui.backup_panel import BackupPanel
from safedesk.ui.controller import AppController
from safedesk.ui.main_window import MainWindow
from safedesk.ui.restore_dialog import RestoreDialog
from safedesk.ui.signin import SignInWindow
from tests import factories
from tests.conftest import HEAD_PASSWORD, SchoolStore


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


@pytest.fixture
def controller(school: SchoolStore, usb: Path) -> Iterator[AppController]:
    head = school.sign_in()
    try:
        factories.add_pupils(head)
        settings.choose_backup_folder(head, usb)
    finally:
        head.lock()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    made = AppController(app, school.paths, kdf=FAST_KDF, idle_ms=60_000)
    made.start()
    yield made
    made.shutdown()
    if made.window is not None:
        made.window.close()


def shot(widget: QWidget, name: str) -> None:
    """A screenshot to look at (the system's temporary folder, or SAFEDESK_SHOTS)."""
    folder = Path(os.environ.get("SAFEDESK_SHOTS", tempfile.gettempdir()))
    assert widget.grab().save(str(folder / name))


def sign_in(qtbot: QtBot, controller: AppController) -> MainWindow:
    window = controller.window
    assert isinstance(window, SignInWindow)
    window.username.clear()
    qtbot.keyClicks(window.username, "head")
    qtbot.keyClicks(window.password, HEAD_PASSWORD)
    qtbot.keyClick(window.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(controller.window, MainWindow))
    assert isinstance(controller.window, MainWindow)
    return controller.window


def backups_recorded(school: SchoolStore) -> list[audit.AuditEvent]:
    session = school.sign_in()
    try:
        with session.store.read() as conn:
            return audit.events_with_action(conn, "backup.created")
    finally:
        session.close()


def test_a_backup_is_made_at_sign_in_and_at_every_sign_out(
    qtbot: QtBot,
    school: SchoolStore,
    controller: AppController,
    usb: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The school's very first backup is made at this sign-in: while it is being written, the
    # banner never says there is no backup yet.
    banners: list[str] = []
    show_status = BackupBanner.show_status

    def recording(banner: BackupBanner, status: BackupStatus, failure: str = "") -> None:
        show_status(banner, status, failure)
        if not banner.isHidden():
            banners.append(banner.text.text())

    monkeypatch.setattr(BackupBanner, "show_status", recording)
    window = sign_in(qtbot, controller)
    label = window.backup_watch.status_label
    qtbot.waitUntil(lambda: label.text().startswith("Last backup: today"))
    assert window.backup_watch.banner.isHidden()  # the daily backup was made: nothing to say
    assert banners == []
    session = controller.session
    assert session is not None
    daily = backup.newest_backup(usb)
    assert daily is not None
    daily_head = backup_file.read_manifest(daily).heads["school"][0]

    qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.locked)

    made = backups_recorded(school)
    assert [e.detail["automatic"] for e in made] == [True, True]
    assert made[0].detail["file"] == daily.name
    at_sign_out = usb / made[1].detail["file"]
    assert at_sign_out.exists() and at_sign_out != daily
    # The one made at sign-out holds what happened since the daily one, which it replaces
    # (the newest backup of a day stands for the day).
    assert backup_file.read_manifest(at_sign_out).heads["school"][0] > daily_head
    assert not daily.exists()
    assert isinstance(controller.window, SignInWindow)


def test_the_idle_lock_also_leaves_a_backup(
    qtbot: QtBot, school: SchoolStore, controller: AppController
) -> None:
    sign_in(qtbot, controller)
    session = controller.session
    assert session is not None
    controller.lock()  # what the idle watcher calls
    qtbot.waitUntil(lambda: session.locked)
    assert len(backups_recorded(school)) == 2


def test_a_backup_that_fails_at_sign_out_is_said_on_the_sign_in_window(
    qtbot: QtBot, controller: AppController, usb: Path
) -> None:
    sign_in(qtbot, controller)
    session = controller.session
    assert session is not None
    qtbot.waitUntil(lambda: backup.newest_backup(usb) is not None)
    shutil.rmtree(usb.parent)  # the USB disk was taken away
    controller.lock(asked=True)
    qtbot.waitUntil(lambda: session.locked)
    window = controller.window
    assert isinstance(window, SignInWindow)
    assert "The backup at sign-out did not complete" in window.notice.text()
    assert "cannot be found" in window.notice.text()
    assert not usb.exists()  # not made again on the PC's own disk


def test_the_banner_shows_when_backups_are_old_or_out_of_reach_and_hides_after_one(
    qtbot: QtBot, head_session: Session, usb: Path
) -> None:
    disk = usb.parent
    settings.choose_backup_folder(head_session, usb)
    window = MainWindow(head_session, "St Brigid's")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    watch = window.backup_watch
    assert watch.timer.interval() == 60_000  # a USB disk taken away is said within a minute
    banner = watch.banner
    qtbot.waitUntil(lambda: banner.isVisible())
    assert "No backup of safedesk has been made yet." in banner.text.text()
    assert watch.status_label.text() == "Last backup: none yet"

    qtbot.mouseClick(banner.back_up_button, Qt.MouseButton.LeftButton)
    assert watch.backing_up and banner.text.text() == "Backing up…"
    watch.refresh()  # the minute's look, while the backup is written: still "Backing up…"
    qtbot.waitUntil(lambda: banner.isHidden())
    assert watch.status_label.text().startswith("Last backup: today at ")

    real = head_session.clock
    head_session.clock = FixedClock(real.now() + timedelta(days=3))
    watch.refresh()
    qtbot.waitUntil(lambda: banner.isVisible())
    assert "The last good backup was 3 days ago" in banner.text.text()
    assert "Back up now" in banner.text.text()
    head_session.clock = real

    watch.refresh()
    qtbot.waitUntil(lambda: banner.isHidden())
    shutil.rmtree(disk)  # the USB disk is taken away
    watch.refresh()
    qtbot.waitUntil(lambda: banner.isVisible())
    assert f"The backup folder {usb} cannot be found" in banner.text.text()
    assert "choose another folder on the Admin page" in banner.text.text()
    qtbot.mouseClick(banner.admin_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == window.page_names.index("Admin")
    shot(window, "backup-banner-main-window.png")

    # A backup to a folder out of reach would only fail: the banner offers none.
    assert banner.back_up_button.isHidden()
    window.backup_watch.back_up_now()  # as a button would: it fails and says so
    qtbot.waitUntil(lambda: "nothing was backed up" in banner.text.text())
    window.stop()


def test_a_teacher_is_told_to_tell_the_administrator(
    qtbot: QtBot, school: SchoolStore, head_session: Session
) -> None:
    from safedesk.domain.roles import Role
    from tests.conftest import OTHER_PASSWORD, add_account

    add_account(head_session, "teacher", {Role.STAFF})
    teacher = school.sign_in("teacher", OTHER_PASSWORD)
    try:
        window = MainWindow(teacher, "St Brigid's")
        qtbot.addWidget(window)
        window.show()
        banner = window.backup_watch.banner
        qtbot.waitUntil(lambda: banner.isVisible())
        assert banner.text.text().endswith("Please tell your administrator.")
        assert banner.back_up_button.isHidden() and banner.admin_button.isHidden()
        window.stop()
    finally:
        teacher.close()


def open_panel(qtbot: QtBot, session: Session) -> BackupPanel:
    panel = BackupPanel(session)
    qtbot.addWidget(panel)
    panel.resize(1000, 420)
    panel.show()
    return panel


def test_back_up_now_from_the_panel_says_where_and_when(
    qtbot: QtBot, head_session: Session, usb: Path
) -> None:
    settings.choose_backup_folder(head_session, usb)
    panel = open_panel(qtbot, head_session)
    qtbot.waitUntil(lambda: panel.last_label.text() != "")
    assert panel.last_label.text() == "No good backup has been made yet."
    assert panel.folder_label.text() == f"Backups go to: {usb}"
    assert [panel.daily.value(), panel.weekly.value(), panel.monthly.value()] == [7, 4, 12]
    with qtbot.waitSignal(panel.backed_up):
        qtbot.mouseClick(panel.back_up_button, Qt.MouseButton.LeftButton)
    made = backup.newest_backup(usb)
    assert made is not None
    assert panel.status.text() == f"Backed up and checked: {made}"
    qtbot.waitUntil(lambda: panel.last_label.text().startswith("Last good backup: today at "))
    assert panel.last_label.text().endswith(f", to {usb}.")
    assert panel.warning_label.isHidden()


def test_choosing_a_folder_and_the_numbers_kept(
    qtbot: QtBot, head_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = open_panel(qtbot, head_session)
    # Until one is chosen, backups stay in the data folder: the panel says what that means.
    assert "if the PC fails or is stolen, the backups go with it" in panel.folder_label.text()
    network = tmp_path / "share"
    network.mkdir()
    monkeypatch.setattr(pickers, "choose_folder", lambda *_a: network)
    qtbot.mouseClick(panel.choose_button, Qt.MouseButton.LeftButton)
    assert settings.backup_folder(head_session) == network
    assert panel.folder_label.text() == f"Backups go to: {network}"
    monkeypatch.setattr(pickers, "choose_folder", lambda *_a: tmp_path / "unplugged" / "x")
    qtbot.mouseClick(panel.choose_button, Qt.MouseButton.LeftButton)
    assert "cannot be found" in panel.status.text()
    assert settings.backup_folder(head_session) == network  # unchanged
    panel.daily.setValue(10)
    panel.monthly.setValue(24)
    qtbot.mouseClick(panel.save_policy_button, Qt.MouseButton.LeftButton)
    policy = settings.backup_policy(head_session)
    assert (policy.daily, policy.weekly, policy.monthly) == (10, 4, 24)


def test_test_a_restore_reports_what_the_backup_holds_and_replaces_nothing(
    qtbot: QtBot, school: SchoolStore, head_session: Session, usb: Path
) -> None:
    settings.choose_backup_folder(head_session, usb)
    factories.add_pupils(head_session)
    records.record(head_session, Kind.CONCERN, factories.concern())
    made = backup.create_backup(head_session)
    records.record(head_session, Kind.BEHAVIOUR, factories.behaviour())
    live = {
        p.name: backup_file.sha256_file(p)
        for p in (school.paths.database("safeguarding"), school.paths.database("behaviour"))
    }
    panel = open_panel(qtbot, head_session)
    qtbot.mouseClick(panel.trial_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert isinstance(dialog, RestoreDialog) and dialog.trial
    assert dialog.file_label.text() == str(made)  # the newest, chosen for them
    qtbot.waitUntil(lambda: dialog.backup_text.text().startswith("This backup was made on "))
    assert not dialog.go_button.isEnabled()  # a password first
    qtbot.keyClicks(dialog.password, HEAD_PASSWORD)
    dialog.resize(700, 420)
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Nothing was replaced" in dialog.result_text.text())
    text = dialog.result_text.text()
    assert "It holds 3 pupils, 1 account, 1 in the safeguarding records and 0 in the " in text
    assert dialog.password.text() == ""
    shot(dialog, "backup-trial-dialog.png")
    assert {
        p.name: backup_file.sha256_file(p)
        for p in (school.paths.database("safeguarding"), school.paths.database("behaviour"))
    } == live
    assert not list(school.paths.root.glob(".restore-*"))


def test_a_wrong_password_in_a_trial_is_said_and_nothing_happens(
    qtbot: QtBot, head_session: Session, usb: Path
) -> None:
    settings.choose_backup_folder(head_session, usb)
    backup.create_backup(head_session)
    panel = open_panel(qtbot, head_session)
    dialog = panel.open_restore(trial=True)
    qtbot.waitUntil(lambda: dialog.backup_text.text().startswith("This backup was made"))
    qtbot.keyClicks(dialog.password, "not the password")
    assert dialog.go_button.isEnabled()
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_text.text() != "" and dialog.progress.isHidden())
    assert "password" in dialog.result_text.text().lower()
    assert dialog.go_button.isEnabled()  # they may type it again


def test_restore_from_the_app_puts_an_older_backup_back_and_returns_to_sign_in(
    qtbot: QtBot,
    school: SchoolStore,
    controller: AppController,
    usb: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = sign_in(qtbot, controller)
    session = controller.session
    assert session is not None
    qtbot.waitUntil(lambda: backup.newest_backup(usb) is not None)  # the daily backup
    kept = records.record(session, Kind.CONCERN, factories.concern())
    older = backup.create_backup(session, tmp_path / "older")
    lost = records.record(session, Kind.CONCERN, factories.concern())
    # The Admin page's own panel, as the window wired it.
    assert window.admin_page is not None
    window.show_page("Admin")
    panel = window.admin_page.backup_panel
    panel.setStyleSheet(theme.style_sheet(10.5))  # the app's own look: the note has padding

    monkeypatch.setattr(pickers, "choose_file", lambda *_a: older)
    asked: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda _p, _title, text: asked.append(text) or True)
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert isinstance(dialog, RestoreDialog) and not dialog.trial
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.file_label.text() == str(older)
    qtbot.waitUntil(lambda: dialog.replaces_text.isVisible())
    replaces = dialog.replaces_text.text()
    assert replaces.startswith(
        "A restore replaces the records as they are now (last changed today at "
    )
    assert "(records, accounts, pupils and settings) will be gone" in replaces
    assert "\u201creplaced\u201d folder" in replaces
    qtbot.waitUntil(lambda: labels_fit(dialog))  # at the size it opened at, not one we chose
    shot(dialog, "restore-dialog.png")
    qtbot.keyClicks(dialog.password, HEAD_PASSWORD)
    with qtbot.waitSignal(window.restored) as done:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter is Restore…
    assert len(asked) == 1
    assert "Anything recorded or changed since the backup was made" in asked[0]
    assert "kept aside" in asked[0] and "replaced" in asked[0]

    assert session.locked
    notice = done.args[0]
    assert notice.startswith("The backup made on ")
    assert "was restored" in notice and notice.endswith("Sign in again to carry on.")
    sign_in_window = controller.window
    assert isinstance(sign_in_window, SignInWindow)
    assert controller.session is None
    assert sign_in_window.notice.text() == notice
    after = school.sign_in()
    try:
        refs = [e.ref for e in records.pupil_records(after, factories.PUPIL_A)]
    finally:
        after.close()
    assert kept in refs and lost not in refs
    assert list(school.paths.replaced.iterdir())  # the store it replaced is kept aside
    window2 = sign_in(qtbot, controller)  # the app carries on after signing in again
    assert window2 is not window


def labels_fit(dialog: QWidget) -> bool:
    """Every label shown has the height its wrapped words need, and none overlaps another."""
    shown = [w for w in dialog.findChildren(QLabel) if w.isVisible() and w.text()]
    for label in shown:
        if label.wordWrap() and label.height() < label.heightForWidth(label.width()):
            return False
    boxes = [QRect(w.mapTo(dialog, w.rect().topLeft()), w.size()) for w in shown]
    return not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_enter_in_the_password_tests_the_restore_and_never_opens_the_picker(
    qtbot: QtBot, head_session: Session, usb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.choose_backup_folder(head_session, usb)
    backup.create_backup(head_session)
    picked: list[object] = []
    monkeypatch.setattr(pickers, "choose_file", lambda *a: picked.append(a))
    panel = open_panel(qtbot, head_session)
    dialog = panel.open_restore(trial=True)
    qtbot.waitUntil(lambda: dialog.backup_text.text().startswith("This backup was made"))
    assert dialog.password.hasFocus()
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # no password yet: nothing happens
    assert picked == [] and dialog.result_text.text() == ""
    qtbot.keyClicks(dialog.password, HEAD_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Nothing was replaced" in dialog.result_text.text())
    assert picked == []
    assert dialog.go_button.isDefault() and not dialog.choose_button.autoDefault()
    qtbot.waitUntil(lambda: labels_fit(dialog))
    shot(dialog, "restore-trial-after-enter.png")


def test_a_backup_folder_out_of_reach_is_said_as_such(
    qtbot: QtBot, head_session: Session, usb: Path
) -> None:
    settings.choose_backup_folder(head_session, usb)
    backup.create_backup(head_session)
    shutil.rmtree(usb)  # the USB disk was taken away
    dialog = open_panel(qtbot, head_session).open_restore(trial=False)
    said = dialog.backup_text.text()
    assert f"The school's backup folder, {usb}, cannot be found" in said
    assert "may be unplugged" in said and "choose a backup file from somewhere else" in said
    assert not dialog.go_button.isEnabled()


def test_closing_the_dialog_while_a_check_runs_ignores_its_result(
    qtbot: QtBot,
    head_session: Session,
    usb: Path,
    caplog: pytest.LogCaptureFixture,
    no_modal_dialogs: list[tuple[str, str]],
) -> None:
    """Esc while the backup is being checked: the check ends after the dialog is gone (the
    panel deletes it), and nothing goes wrong. Work starts on the next pass of the event loop
    (ui/tasks.py), so Esc straight after Enter always comes first."""
    settings.choose_backup_folder(head_session, usb)
    backup.create_backup(head_session)
    panel = open_panel(qtbot, head_session)
    for trial in (True, False):
        dialog = panel.open_restore(trial=trial)
        qtbot.waitUntil(lambda d=dialog: d.backup_text.text().startswith("This backup was"))
        qtbot.keyClicks(dialog.password, HEAD_PASSWORD)
        with caplog.at_level(logging.WARNING):
            qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
            qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)
            assert dialog.closed and panel.dialog is None
            qtbot.waitUntil(lambda: not tasks.busy())
        assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert no_modal_dialogs == []
    assert not head_session.locked


def test_closing_while_a_check_runs_on_a_worker_thread(
    qtbot: QtBot,
    head_session: Session,
    usb: Path,
    caplog: pytest.LogCaptureFixture,
    real_threads: None,
) -> None:
    settings.choose_backup_folder(head_session, usb)
    backup.create_backup(head_session)
    panel = open_panel(qtbot, head_session)
    dialog = panel.open_restore(trial=True)
    qtbot.waitUntil(lambda: dialog.backup_text.text().startswith("This backup was made"))
    qtbot.keyClicks(dialog.password, HEAD_PASSWORD)
    with caplog.at_level(logging.WARNING):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert dialog.progress.isVisible()
        qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not tasks.busy(), timeout=30_000)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_screenshot_of_the_panel(qtbot: QtBot, head_session: Session, usb: Path) -> None:
    settings.choose_backup_folder(head_session, usb)
    backup.create_backup(head_session)
    panel = open_panel(qtbot, head_session)
    panel.setStyleSheet(theme.style_sheet(10.5))  # the app's own look
    panel.resize(1366 - 190 - 48, 420)
    qtbot.waitUntil(lambda: panel.last_label.text().startswith("Last good"))
    shot(panel, "backup-panel.png")
    for label in (panel.folder_label, panel.last_label, panel.status):
        assert label.width() <= panel.width()
