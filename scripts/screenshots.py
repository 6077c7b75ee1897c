"""Takes offscreen screenshots of the main screens (for reviewing how they look).

uv run python scripts/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from safedesk.demo.school import build_demo_school
from safedesk.domain.casework import ActType
from safedesk.domain.entries import Kind
from safedesk.paths import DataPaths
from safedesk.services import records, vault
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import tasks, theme
from safedesk.ui.main_window import MainWindow
from safedesk.ui.setup_wizard import SetupWizard
from safedesk.ui.signin import SignInWindow


def shot(widget: QWidget, out: Path, name: str) -> None:
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(out / f"{name}.png"))
    print(out / f"{name}.png")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    theme.apply(app)
    tasks.set_pool(tasks.InlinePool())
    work = Path(tempfile.mkdtemp())

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


def settle() -> None:
    for _ in range(20):
        QApplication.processEvents()


if __name__ == "__main__":
    main()
