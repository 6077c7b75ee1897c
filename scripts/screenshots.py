"""Takes offscreen screenshots of the main screens (for reviewing how they look).

uv run python scripts/screenshots.py [OUT_DIR] [--only keys]

``--only keys`` takes just the screens about access and keys (granting a role in person, an
alarm, changing one's password, the recovery code at a head's first sign-in), at 1366×768
with the dialog drawn over its window as on a screen.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from safedesk.demo.school import build_demo_school
from safedesk.domain.casework import ActType
from safedesk.domain.entries import Kind
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import records, upkeep, users, vault
from safedesk.services.setup import Headteacher
from safedesk.store import crypto as _crypto
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import tasks, theme
from safedesk.ui.alarm_dialog import AlarmDialog
from safedesk.ui.controller import AppController
from safedesk.ui.grant_dialog import GrantDialog
from safedesk.ui.main_window import MainWindow
from safedesk.ui.queue_page import QueuePage
from safedesk.ui.setup_wizard import SetupWizard
from safedesk.ui.signin import SignInWindow

# Throwaway stores made here use cheap key slots (never a real school's).
_crypto.allow_weak_kdf("benchmarks and scripts: throwaway stores")

SCREEN = (1366, 768)


def shot(widget: QWidget, out: Path, name: str) -> None:
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(out / f"{name}.png"))
    print(out / f"{name}.png")


def shot_over(window: QWidget, dialog: QWidget, out: Path, name: str) -> None:
    """The window at screen size, dimmed, with ``dialog`` over it where it opens."""
    window.resize(*SCREEN)
    window.show()
    dialog.show()
    settle()
    screen = window.grab()
    picture = dialog.grab()
    painter = QPainter(screen)
    painter.fillRect(screen.rect(), QColor(0, 0, 0, 70))
    left = (screen.width() - picture.width()) // 2
    top = max(0, (screen.height() - picture.height()) // 3)
    painter.drawPixmap(left, top, picture)
    painter.end()
    screen.save(str(out / f"{name}.png"))
    print(out / f"{name}.png")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default="screenshots")
    parser.add_argument("--only", choices=["all", "keys"], default="all")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    theme.apply(app)
    tasks.set_pool(tasks.InlinePool())
    work = Path(tempfile.mkdtemp())
    if args.only == "keys":
        access_and_keys(app, out, work)
        return

    wizard = SetupWizard(DataPaths(work / "new"), FAST_KDF)
    wizard.resize(700, 500)
    shot(wizard, out, "wizard-1-school")
    wizard.school_page.school.setText("St Brigid's C of E Primary")
    wizard.next()
    page = wizard.user_page
    page.username.setText("Ada Ngozi")
    page.display.setText("Mrs Ada Ngozi")
    page.password.setText("short")
    page.confirm.setText("shorter")
    wizard.next()
    shot(wizard, out, "wizard-2-user-errors")
    page.username.setText("a.ngozi")
    page.password.setText("a long enough password")
    page.confirm.setText("a long enough password")
    wizard.next()
    for _ in range(20):
        QApplication.processEvents()
    shot(wizard, out, "wizard-3-recovery-key")
    wizard.close()

    demo = build_demo_school(DataPaths(work / "demo"), pupils=300)
    accounts = [(a.username, a.roles_label) for a in demo.accounts]
    signin = SignInWindow(demo.paths, demo_accounts=accounts, demo_password=demo.password)
    signin.resize(480, 560)
    shot(signin, out, "signin-demo")
    signin.username.setText("teacher")
    signin.password.setText("wrong password")
    signin.submit()
    for _ in range(20):
        QApplication.processEvents()
    shot(signin, out, "signin-wrong-password")
    signin.close()

    session = vault.sign_in(demo.paths, "head", demo.password)
    window = MainWindow(session, "Riverside Primary School (demo)")
    window.resize(1100, 700)
    for _ in range(20):
        QApplication.processEvents()
    window.show_page("Pupils")
    shot(window, out, "main-pupils")
    assert window.pupils_page is not None
    window.pupils_page.search.setText("oconnor")
    shot(window, out, "main-pupils-search")
    window.show_page("Admin")
    shot(window, out, "main-admin")
    window.close()
    session.lock()

    teacher = vault.sign_in(demo.paths, "teacher", demo.password)
    window = MainWindow(teacher, "Riverside Primary School (demo)")
    window.resize(1100, 900)
    window.show_page("Record")
    shot(window, out, "record-menu")
    assert window.record_page is not None
    for kind in Kind:
        form = window.record_page.open_form(kind)
        shot(window, out, f"form-{kind.value}-empty")
        form.submit()
        shot(window, out, f"form-{kind.value}-errors")
    form = window.record_page.open_form(Kind.CONCERN)
    form.picker.search.setText("oconnor")
    shot(window, out, "form-concern-picker")
    form.picker._add_first()
    form.inputs["category"].set_value("neglect")
    form.inputs["urgency"].set_value("urgent")
    form.inputs["description"].set_value("Came in without a coat again; said there was no food.")
    form.inputs["child_words"].set_value("“There's nothing in the cupboards.”")
    form.submit()
    for _ in range(20):
        QApplication.processEvents()
    shot(window, out, "form-concern-submitted")
    window.show_page("My records")
    for _ in range(20):
        QApplication.processEvents()
    shot(window, out, "my-records")
    window.close()
    teacher.lock()

    dsl = vault.sign_in(demo.paths, "dsl", demo.password)
    window = MainWindow(dsl, "Riverside Primary School (demo)")
    window.resize(1100, 760)
    for _ in range(20):
        QApplication.processEvents()
    assert window.pupils_page is not None
    busiest = max(
        (window.pupils_page.model.pupil(r) for r in range(window.pupils_page.model.rowCount())),
        key=lambda p: len(records.pupil_records(dsl, p.upn)),
    )
    window.open_pupil(busiest)
    shot(window, out, "pupil-page")
    entries = window.pupil_view.entries.model
    window.open_record(entries.entry(0), window.pupil_view)
    shot(window, out, "record-view")
    window.open_chronology(busiest)
    shot(window, out, "chronology")
    window.chronology_page.show_detail(0)
    shot(window, out, "chronology-detail")

    window.show_page("Queue")
    queue_page = window.queue_page
    assert queue_page is not None
    settle()
    shot(window, out, "queue")
    first = queue_page.model.item(0)
    window.open_case(first.case_ref)
    shot(window, out, "case-view")
    window.case_view.start_act(ActType.TRIAGE)
    form = window.case_view.form
    assert form is not None
    form.save()
    shot(window, out, "case-decision-errors")
    form.fields.inputs["decision"].set_value("monitor")
    form.fields.inputs["rationale"].set_value("Low level; watch attendance and check in weekly.")
    form.fields.inputs["review_on"].set_value("2026-12-04")
    form.save()
    settle()
    window.case_view.start_act(ActType.REFERRAL)
    shot(window, out, "case-referral-form")
    window.show_page("Search")
    assert window.search_page is not None
    window.search_page.box.edit.setText("bruise")
    window.search_page.box._search_now()
    settle()
    shot(window, out, "search")
    window.show_page("Reports")
    settle()
    shot(window, out, "reports")
    window.close()
    dsl.lock()
    access_and_keys(app, out, work)


def access_and_keys(app: QApplication, out: Path, work: Path) -> None:
    """Granting a role in person, an alarm, changing one's password, the recovery code."""
    demo = build_demo_school(DataPaths(work / "keys"), pupils=120)
    # The business manager asks for a DSL role; a teacher records twice, and the first item
    # is removed from the inbox behind the program's back: a gap, which is an alarm.
    office = vault.sign_in(demo.paths, "office", demo.password)
    users.add_user(
        office,
        username="n.patel",
        display_name="Mrs Nadia Patel",
        roles={Role.DSL},
        password="nadia's own password",  # noqa: S106 - a made-up demo account
        kdf=FAST_KDF,
    )
    office.lock()
    teacher = vault.sign_in(demo.paths, "teacher", demo.password)
    pupil = records.my_records(teacher)[0].pupils[0].upn
    for words in ("Said she was scared to go home.", "Bruise on the left forearm."):
        payload = {
            "pupils": [pupil],
            "occurred_at": teacher.clock.now().replace(microsecond=0).isoformat(),
            "category": "physical_abuse",
            "urgency": "urgent",
            "description": words,
        }
        records.record(teacher, Kind.CONCERN, payload)
    with teacher.store.write() as conn:
        conn.execute("DELETE FROM inbox_item WHERE id = (SELECT min(id) FROM inbox_item)")
    teacher.lock()

    head = vault.sign_in(demo.paths, "head", demo.password)
    upkeep.after_sign_in(head)  # takes in the second record: the first is missing, an alarm
    window = MainWindow(head, "Riverside Primary School (demo)", kdf=FAST_KDF)
    window.resize(*SCREEN)
    window.show()
    settle()
    page = window.queue_page
    assert isinstance(page, QueuePage)
    page.filter.setText("")
    settle()
    shot(window, out, "keys-queue-request-and-alarm")
    items = [page.model.item(r) for r in range(page.model.rowCount())]
    request = next(i for i in items if i.kind is ItemKind.REQUEST)
    alarm = next(i for i in items if i.kind is ItemKind.ALARM)

    page.open_request(request)
    grant = page.dialog
    assert isinstance(grant, GrantDialog)
    shot_over(window, grant, out, "keys-grant-dialog")
    grant.password.setText("not her password")
    grant.submit()
    settle()
    shot_over(window, grant, out, "keys-grant-wrong-password")
    grant.reject()
    settle()

    page.open_alarm(alarm)
    dialog = page.dialog
    assert isinstance(dialog, AlarmDialog)
    dialog.note.setPlainText(
        "Asked Miss Shah: she recorded a concern at 9:10 that never arrived. She recorded it "
        "again; the office PC's files were checked."
    )
    shot_over(window, dialog, out, "keys-alarm-dialog")
    dialog.reject()
    settle()

    window.change_password()
    change = window.password_dialog
    assert change is not None
    shot_over(window, change, out, "keys-password-empty")
    change.current.setText(demo.password)
    change.new.setText("a brand new passphrase")
    change.confirm.setText("a brand new passphrase!")
    change.submit()
    shot_over(window, change, out, "keys-password-mismatch")
    change.error.hide()
    change._set_working(
        True, "Changing your password and your keys… Please wait: this takes a few seconds."
    )
    shot_over(window, change, out, "keys-password-working")
    change._set_working(False)
    change.reject()
    window.begin_work("Changing keys: re-encrypting the file…")
    shot(window, out, "keys-status-bar-progress")
    window.close()
    head.lock()

    # A school set up by its business manager: the head's first sign-in makes the keys.
    paths = DataPaths(work / "first")
    vault.create_school(
        paths,
        school_name="Hill Top Primary School",
        username="s.bennett",
        display_name="Mrs Sue Bennett",
        password="the office password",  # noqa: S106 - a made-up demo account
        kdf=FAST_KDF,
        headteacher=Headteacher("s.okafor", "Mr Sam Okafor", "a one-time password"),
    )
    controller = AppController(app, paths, kdf=FAST_KDF)
    controller.start()
    sign_in = controller.window
    assert isinstance(sign_in, SignInWindow)
    sign_in.username.setText("s.okafor")
    sign_in.password.setText("a one-time password")
    sign_in.submit()
    for _ in range(100):
        settle()
        if controller.recovery_dialog is not None and not controller.upkeep_running:
            break
    assert controller.main_window is not None
    assert controller.recovery_dialog is not None
    shot_over(
        controller.main_window, controller.recovery_dialog, out, "keys-recovery-first-sign-in"
    )
    controller.recovery_dialog.saved.setChecked(True)
    shot_over(controller.main_window, controller.recovery_dialog, out, "keys-recovery-ticked")
    controller.recovery_dialog.accept()
    controller.shutdown()


def settle() -> None:
    for _ in range(20):
        QApplication.processEvents()


if __name__ == "__main__":
    main()
