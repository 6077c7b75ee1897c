"""Screenshots of safedesk taken by the app itself, for the user guide (docs/guide/).

    uv run python scripts/screenshots.py [--out docs/guide/images] [--only NAME ...]
    uv run python scripts/screenshots.py --out /tmp/at-125 --scale 1.25 --text largest

With ``--scale`` (Windows' display scaling, as QT_SCALE_FACTOR), ``--text`` (the app's own
Text size) or ``--system-points`` (the system's text size) the pictures show how the app
looks on a school laptop with those settings: windows are sized to what a 1366x768 screen
leaves at that scale, less the taskbar (1093x576 at 125 %), and the pictures go to the
folder given with ``--out``, never the guide's.

Builds the demo school (fictitious pupils and staff, cheap key settings) and fresh empty data
folders for the set-up wizard in a temporary folder, drives the real widgets at 1366×768 and
saves each screen with ``QWidget.grab()``. A dialog is drawn over its window, which is dimmed,
as it appears on a screen. Runs offscreen (``QT_QPA_PLATFORM=offscreen`` unless set).

The demo school is built around the present moment, so times and the queue's "time left"
differ from one run to the next; names, records and everything else come from a fixed seed.
A screen whose widget is not in the app yet is skipped with a message saying so.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from safedesk.demo.school import SCHOOL_NAME, build_demo_school
from safedesk.domain.casework import ActType
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import (
    backup,
    leader_reports,
    membership,
    records,
    retention,
    settings,
    upkeep,
    users,
    vault,
)
from safedesk.services.session import Session
from safedesk.store import crypto as _crypto
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import tasks, theme
from safedesk.ui.account_dialogs import AddAccountDialog
from safedesk.ui.item_roles import REF_ROLE
from safedesk.ui.main_window import MainWindow
from safedesk.ui.setup_wizard import SetupWizard
from safedesk.ui.signin import SignInWindow
from safedesk.ui.text_size import TextSize

# Throwaway stores made here use cheap key slots (never a real school's).
_crypto.allow_weak_kdf("scripts: throwaway stores for screenshots")

SCREEN = (1366, 768)  # at 100 %; main() makes it smaller at a larger scale
TASKBAR = 48
ROOT = Path(__file__).resolve().parent.parent
PUPILS_CSV = ROOT / "tests" / "fixtures" / "pupils_sims_utf8_bom.csv"
PUPILS_CTF = ROOT / "docs" / "samples" / "pupils.ctf.xml"
NEW_SCHOOL = "Hill Top Primary School"
NEW_STAFF = "a made-up password for a new member of staff"


class Shots:
    """Where the pictures go, and which of them to take."""

    def __init__(self, out: Path, only: set[str]) -> None:
        self.out = out
        self.only = only
        self.taken: list[str] = []
        self.skipped: list[str] = []
        self.too_tall: list[str] = []
        self.sizes: dict[str, tuple[int, int]] = {}  # each window's logical size as taken

    def wanted(self, name: str) -> bool:
        return not self.only or any(name.startswith(o) for o in self.only)

    def save(self, picture_of: Callable[[], object], name: str) -> None:
        if not self.wanted(name):
            return
        settle()
        picture = picture_of()
        target = self.out / f"{name}.png"
        picture.save(str(target))  # type: ignore[attr-defined]
        self.taken.append(name)
        print(target)

    def window(self, widget: QWidget, name: str) -> None:
        if isinstance(widget, MainWindow):
            widget.resize(*SCREEN)
        widget.show()
        self.save(widget.grab, name)
        self.sizes[name] = (widget.width(), widget.height())
        if widget.height() > SCREEN[1]:
            self.too_tall.append(f"{name}: the window needs {widget.height()} px of height")

    def dialog(self, window: QWidget, dialog: QWidget, name: str) -> None:
        """The window at screen size, dimmed, with ``dialog`` over it where it opens."""
        window.resize(*SCREEN)
        window.show()
        dialog.show()

        def compose() -> object:
            screen = window.grab()
            picture = dialog.grab()
            painter = QPainter(screen)
            painter.fillRect(screen.rect(), QColor(0, 0, 0, 70))
            left = max(0, (screen.width() - picture.width()) // 2)
            top = max(0, (screen.height() - picture.height()) // 3)
            painter.drawPixmap(left, top, picture)
            painter.end()
            return screen

        self.save(compose, name)

    def skip(self, name: str, why: str) -> None:
        self.skipped.append(f"{name}: {why}")
        print(f"SKIPPED {name}: {why}", file=sys.stderr)


def settle(rounds: int = 30) -> None:
    for _ in range(rounds):
        QApplication.processEvents()


def main_window(session: Session) -> MainWindow:
    window = MainWindow(session, SCHOOL_NAME, kdf=FAST_KDF)
    window.resize(*SCREEN)
    window.show()
    settle()
    return window


def close(window: QWidget, session: Session) -> None:
    stop = getattr(window, "stop", None)
    if callable(stop):
        stop()
    window.close()
    settle()
    session.lock()


# --- the set-up wizard (two fresh folders: the head sets up; the office sets up) -----------


def wizard(shots: Shots, work: Path) -> None:
    wiz = SetupWizard(DataPaths(work / "new-head"), FAST_KDF)
    wiz.resize(min(760, SCREEN[0]), min(600, SCREEN[1]))
    wiz.show()
    wiz.school_page.school.setText(NEW_SCHOOL)
    shots.window(wiz, "wizard-1-school")
    wiz.next()
    page = wiz.account_page
    page.username.setText("s.bennett")
    page.display.setText("Mrs Sue Bennett")
    page.password.setText("plum kettle harbour")
    page.confirm.setText("plum kettle harbour")
    shots.window(wiz, "wizard-2-your-account")
    wiz.next()
    shots.window(wiz, "wizard-3-headteacher-question")
    # Answered "No": the business manager sets up for the head (in this folder).
    wiz.head_page.no.setChecked(True)
    wiz.head_page.head_username.setText("j.okafor")
    wiz.head_page.head_display.setText("Mr Joseph Okafor")
    wiz.head_page.head_password.setText("one-time lantern pebble")
    wiz.head_page.head_confirm.setText("one-time lantern pebble")
    shots.window(wiz, "wizard-4-not-the-head")
    wiz.next()  # makes the records (inline), then shows what happens next
    settle()
    shots.window(wiz, "wizard-5-what-happens-next")
    wiz.next()
    wiz.backup_page.folder.setText("E:\\safedesk backups")  # as typed for a USB disk
    shots.window(wiz, "wizard-6-backups")
    wiz.close()

    # Answered "Yes": the head sets up, and sees the recovery key once.
    wiz = SetupWizard(DataPaths(work / "new-yes"), FAST_KDF)
    wiz.resize(min(760, SCREEN[0]), min(600, SCREEN[1]))
    wiz.show()
    wiz.school_page.school.setText(NEW_SCHOOL)
    wiz.next()
    page = wiz.account_page
    page.username.setText("j.okafor")
    page.display.setText("Mr Joseph Okafor")
    page.password.setText("lantern pebble orchard")
    page.confirm.setText("lantern pebble orchard")
    wiz.next()
    wiz.head_page.yes.setChecked(True)
    shots.window(wiz, "wizard-4-yes-the-head")
    wiz.next()
    settle()
    shots.window(wiz, "wizard-5-recovery-key")
    wiz.close()

    # The sign-in window of the school just set up (not the demo's, which lists accounts).
    signin = SignInWindow(DataPaths(work / "new-head"), kdf=FAST_KDF)
    signin.resize(480, 420)
    signin.username.setText("s.bennett")
    signin.password.setText("plum kettle harbour")
    shots.window(signin, "signin")
    signin.forgotten_password()
    dialog = signin.forgotten_dialog
    if dialog is not None:
        shots.dialog(signin, dialog, "signin-forgotten-password")
        dialog.reject()
    signin.close()


# --- a teacher ---------------------------------------------------------------------------


def teacher(shots: Shots, demo_paths: DataPaths, password: str) -> None:
    session = vault.sign_in(demo_paths, "teacher", password)
    window = main_window(session)
    window.show_page("Record")
    page = window.record_page
    assert page is not None
    shots.window(window, "staff-1-record-menu")

    form = page.open_form(Kind.CONCERN)
    form.picker.search.setText("ali")
    settle()
    shots.window(window, "staff-3-concern-pupil-search")
    form.picker._add_highlighted()
    form.picker.search.clear()
    earlier = (datetime.now() - timedelta(hours=2)).replace(minute=40, second=0, microsecond=0)
    form.inputs["occurred_at"].set_value(earlier.isoformat())
    form.inputs["category"].set_value("neglect")
    form.inputs["urgency"].set_value("urgent")
    form.inputs["description"].set_value(
        "At breakfast club Arthur ate three bowls of cereal and put two slices of toast in "
        "his pocket. Same jumper all week. When I asked if he was OK he looked at the floor."
    )
    form.inputs["child_words"].set_value("“Mum's asleep a lot. I get my sister ready.”")
    form.inputs["action_taken"].set_value("Gave him a spare jumper from lost property.")
    shots.window(window, "staff-4-concern-form")
    form.submit()
    settle()
    shots.window(window, "staff-5-recorded")

    form = page.open_form(Kind.BEHAVIOUR)
    form.submit()  # nothing typed yet: the form says what is missing
    settle()
    shots.window(window, "staff-6-behaviour-missing")
    form = page.open_form(Kind.INTERVENTION)
    shots.window(window, "staff-7-intervention-form")
    form.picker.search.setText("ali")
    settle()
    form.picker._add_highlighted()
    form.picker.search.clear()
    started = (datetime.now() - timedelta(hours=3)).replace(minute=5, second=0, microsecond=0)
    form.inputs["started_at"].set_value(started.isoformat())
    form.inputs["ended_at"].set_value((started + timedelta(minutes=9)).isoformat())
    form.inputs["intervention_kind"].set_value("restraint_contact")
    form.inputs["restraint_type"].set_value("single_elbow")
    form.inputs["more_holds"].set_value(
        [{"hold": "seated_hold", "minutes": 3}, {"hold": "friendly_escort", "minutes": 2}]
    )
    form.inputs["injuries_pupil"].set_value("Red mark on the left forearm.")
    form.inputs["body_map"].set_value(
        [
            {
                "side": "front",
                "x": 0.73,
                "y": 0.45,
                "kind": "mark",
                "size_mm": 30,
                "note": "Red mark where he pulled away",
            }
        ]
    )
    settle()
    scroll = form.findChild(QScrollArea)
    if scroll is not None and scroll.widget() is not None:
        # The holds at the top of the window, then the body map.
        holds = form.inputs["more_holds"].editor
        top = holds.mapTo(scroll.widget(), QPoint(0, 0)).y()  # type: ignore[arg-type]
        scroll.verticalScrollBar().setValue(top - 160)
        settle()
        shots.window(window, "staff-7b-intervention-holds")
        scroll.ensureWidgetVisible(form.inputs["body_map"].editor, 0, 40)
        settle()
        shots.window(window, "staff-7c-intervention-body-map")

    window.show_page("My records")
    settle()
    shots.window(window, "staff-8-my-records")
    my = window.my_records_page
    if my is not None and my.list.model.rowCount():
        window.open_record(my.list.model.entry(0), my)
        view = window.record_view
        view.field.setCurrentIndex(max(0, view.field.findText("The child's own words")))
        if view.value is not None:  # the field's own widget
            view.value.set_value("“Mum's asleep a lot. I get my little sister ready for school.”")
        view.reason.setText("I missed out the end of what he said")
        shots.window(window, "staff-9-record-and-amend")
    # F12 when someone walks in: every window blank, the password box over it.
    window.privacy.hide_now()
    if window.privacy.cover is not None:
        shots.window(window.privacy.cover, "staff-11-screen-hidden")
    window.privacy.show_again()
    close(window, session)


# --- the DSL -----------------------------------------------------------------------------


def dsl(shots: Shots, demo_paths: DataPaths, password: str) -> None:
    session = vault.sign_in(demo_paths, "dsl", password)
    upkeep.after_sign_in(session)  # takes in what staff recorded (the app does this too)
    window = main_window(session)
    page = window.queue_page
    assert page is not None
    settle(60)
    shots.window(window, "dsl-1-queue")

    # The teacher's concern just recorded: newest concern in the queue.
    items = [page.model.item(r) for r in range(page.model.rowCount())]
    concerns = [i for i in items if i.kind is ItemKind.CONCERN and i.case_ref]
    chosen = max(concerns, key=lambda i: i.started_at) if concerns else items[0]
    window.open_case(chosen.case_ref)
    shots.window(window, "dsl-2-case")
    window.case_view.start_act(ActType.ACKNOWLEDGE)  # a button, no form
    settle()
    window.case_view.start_act(ActType.TRIAGE)
    form = window.case_view.form
    assert form is not None
    form.save()  # nothing chosen yet: the form names what is missing
    settle()
    shots.window(window, "dsl-3-decision-missing")
    window.case_view.start_act(ActType.TRIAGE)  # afresh
    form = window.case_view.form
    assert form is not None
    form.fields.inputs["decision"].set_value("early_help")
    form.fields.inputs["rationale"].set_value(
        "Signs of neglect; Arthur may be a young carer. Early help assessment with Mum's "
        "agreement; phoning Mum today."
    )
    shots.window(window, "dsl-4-decision")
    form.save()
    settle()
    window.case_view.start_act(ActType.REFERRAL)
    shots.window(window, "dsl-5-referral-form")
    window.case_view._close_form()
    settle()
    shots.window(window, "dsl-5b-case-after")

    # A pupil with many records: their page and chronology.
    pupils = window.pupils_page
    assert pupils is not None
    every = [pupils.model.pupil(r) for r in range(pupils.model.rowCount())]
    busiest = max(every, key=lambda p: len(records.pupil_records(session, p.upn)))
    window.open_pupil(busiest)
    shots.window(window, "dsl-6-pupil")
    status = window.pupil_view.open_status_dialog()
    if status is not None:
        settle()
        shots.dialog(window, status, "dsl-6b-pupil-status")
        status.done(0)
        settle()
    window.open_chronology(busiest)
    window.chronology_page.table.selectRow(0)
    window.chronology_page.show_detail(0)
    shots.window(window, "dsl-7-chronology")

    window.show_page("Search")
    search = window.search_page
    assert search is not None
    search.box.edit.setText("bruise")
    search.box._search_now()
    settle()
    shots.window(window, "dsl-8-search")

    window.show_page("Reports")
    settle(60)
    reports = window.reports_page
    if reports is not None:
        concerns_tab = next(
            (i for i in range(reports.tabs.count()) if "Co" in reports.tabs.tabText(i)), 0
        )
        reports.tabs.setCurrentIndex(concerns_tab)
        settle(60)
    shots.window(window, "dsl-9-reports")
    governors_report_pages(shots, session)
    close(window, session)


def governors_report_pages(shots: Shots, session: Session) -> None:
    """The governors' report for this school year so far: its first two pages side by side,
    rendered by pdftoppm (poppler) as a reader would see them."""
    name = "dsl-9b-governors-report"
    if not shots.wanted(name):
        return
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        shots.skip(name, "pdftoppm (poppler-utils) is not installed")
        return
    today = date.today()
    first = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "governors.pdf"
        leader_reports.write_governors_report(session, first, today, pdf)
        subprocess.run(  # noqa: S603 — poppler's own program on our own file
            [pdftoppm, "-r", "60", "-png", "-f", "1", "-l", "2", str(pdf), str(Path(tmp) / "p")],
            check=True,
        )
        pages = [QImage(str(p)) for p in sorted(Path(tmp).glob("p-*.png"))]
        width = sum(p.width() for p in pages) + 12 * (len(pages) + 1)
        height = max(p.height() for p in pages) + 24
        sheet = QImage(width, height, QImage.Format.Format_RGB32)
        sheet.fill(QColor("#9e9e9e"))
        painter = QPainter(sheet)
        left = 12
        for page in pages:
            painter.drawImage(left, 12, page)
            left += page.width() + 12
        painter.end()
        shots.save(lambda: sheet, name)


def grant_in_person(shots: Shots, demo_paths: DataPaths, password: str) -> None:
    """The office asks for a DSL role; the DSL grants it with the person beside them."""
    office = vault.sign_in(demo_paths, "office", password)
    users.add_user(
        office,
        username="n.patel",
        display_name="Mrs Nadia Patel",
        roles={Role.DSL},
        password=NEW_STAFF,
        kdf=FAST_KDF,
    )
    office.lock()
    session = vault.sign_in(demo_paths, "dsl", password)
    upkeep.after_sign_in(session)
    window = main_window(session)
    page = window.queue_page
    assert page is not None
    settle(60)
    items = [page.model.item(r) for r in range(page.model.rowCount())]
    request = next((i for i in items if i.kind is ItemKind.REQUEST), None)
    if request is None:
        shots.skip("dsl-10-grant", "no role request in the queue")
    else:
        page.open_request(request)
        if page.dialog is not None:
            shots.dialog(window, page.dialog, "dsl-10-grant")
            page.dialog.reject()
    close(window, session)


# --- the behaviour lead ------------------------------------------------------------------


def behaviour_lead(shots: Shots, demo_paths: DataPaths, password: str) -> None:
    session = vault.sign_in(demo_paths, "behaviour", password)
    upkeep.after_sign_in(session)
    window = main_window(session)
    settle(60)
    shots.window(window, "behaviour-1-first-screen")
    inbox = window.behaviour_page
    if inbox is not None and inbox.proxy.rowCount():
        inbox.open_review(str(inbox.proxy.index(0, 0).data(REF_ROLE)), window)
        settle(60)
        review = inbox.dialog
        if review is not None:
            review.decision.setCurrentIndex(review.decision.findData("follow_up"))
            review.note.setPlainText(
                "Third lunchtime incident this half term: talk to the midday team."
            )
            review.follow_up.setText("Check the field rota with the midday supervisors")
            shots.dialog(window, review, "behaviour-1b-review")
            review.done(0)  # a picture only: nothing is signed off
            settle()
    pupils = window.pupils_page
    if pupils is not None:
        every = [pupils.model.pupil(r) for r in range(pupils.model.rowCount())]
        busiest = max(every, key=lambda p: len(records.pupil_records(session, p.upn)))
        window.open_pupil(busiest)
        shots.window(window, "behaviour-2-pupil")
        window.open_chronology(busiest)
        window.chronology_page.table.selectRow(0)
        window.chronology_page.show_detail(0)
        shots.window(window, "behaviour-3-chronology")
    if window.search_page is not None:
        window.show_page("Search")
        window.search_page.box.edit.setText("playground")
        window.search_page.box._search_now()
        settle()
        shots.window(window, "behaviour-4-search")
    if "Reports" in window.page_names and window.reports_page is not None:
        window.show_page("Reports")
        settle(60)
        shots.window(window, "behaviour-5-reports")
        reports = window.reports_page
        for name, starts in (
            ("behaviour-6-reports-interventions", "Physical"),
            ("behaviour-7-targets", "Ta"),
        ):
            index = next(
                (
                    i
                    for i in range(reports.tabs.count())
                    if reports.tabs.tabText(i).replace("&", "").startswith(starts)
                ),
                None,
            )
            if index is None:
                shots.skip(name, f"no {starts}… tab on the Reports page")
                continue
            reports.tabs.setCurrentIndex(index)
            settle(60)
            shots.window(window, name)
    close(window, session)


# --- policies: read and confirmed by staff; published and followed by the head -------------


def training_shots(shots: Shots, demo_paths: DataPaths, password: str) -> None:
    """The teacher's own training with one to confirm; the DSL's log, what is due, the form."""
    from safedesk.ui.training_dialog import ConfirmDialog, TrainingDialog

    session = vault.sign_in(demo_paths, "teacher", password)
    window = main_window(session)
    window.show_page("Training")
    settle()
    shots.window(window, "training-1-staff")
    waiting = window.training_page.selected()  # the entry waiting for her, chosen for her
    if waiting is not None:
        confirming = ConfirmDialog(session, waiting.entry, window)
        shots.dialog(window, confirming, "training-2-confirm")
        confirming.close()
    else:
        shots.skip("training-2-confirm", "the teacher has confirmed all her training")
    close(window, session)

    session = vault.sign_in(demo_paths, "dsl", password)
    window = main_window(session)
    window.show_page("Training")
    settle()
    shots.window(window, "training-3-log")
    window.training_page.show_due()
    settle()
    shots.window(window, "training-4-due")
    adding = TrainingDialog(session, window.training_page.people, window)
    shots.dialog(window, adding, "training-5-add")
    adding.close()
    close(window, session)


def policies_shots(shots: Shots, demo_paths: DataPaths, password: str) -> None:
    from safedesk.services import policies
    from safedesk.ui.policies_page import PolicyReader, PublishDialog
    from safedesk.ui.policy_prompt import PolicyPrompt, ask_after_sign_in

    session = vault.sign_in(demo_paths, "teacher", password)
    window = main_window(session)
    ask_after_sign_in(session, window)  # the header's "2 policies to read", in the page's shot
    waiting = [m for m in policies.mine(session) if m.confirmed_at is None]
    if waiting:
        shots.dialog(window, PolicyPrompt(session, waiting, window), "policies-1-prompt")
    else:
        shots.skip("policies-1-prompt", "the teacher has confirmed every policy")
    window.show_page("Policies")
    settle()
    shots.window(window, "policies-2-page-staff")
    page = window.policies_page
    found = [n for n, (m, _) in enumerate(page.model.rows()) if m.policy.has_pdf]
    if found:
        mine = page.model.rows()[found[0]][0]
        pdf = policies.document(session, mine.policy.id)
        reader = PolicyReader(session, mine.policy, pdf, confirmed_at=mine.confirmed_at)
        shots.dialog(window, reader, "policies-3-reader")
        reader.close()
    close(window, session)

    session = vault.sign_in(demo_paths, "head", password)
    window = main_window(session)
    window.show_page("Policies")
    settle()
    window.policies_page.table.selectRow(0)  # the behaviour policy's new version
    shots.window(window, "policies-4-page-head")
    dialog = PublishDialog(session, window)
    dialog.title_box.setEditText("Behaviour policy")
    dialog.version.setText("2026-27 (spring)")
    typed = policies.today(session).strftime("%d/%m/%Y")  # typed: the form fills in no date
    dialog.published_on.setText(typed)
    dialog.note.setPlainText("Section 6 rewritten after the autumn review.")
    shots.dialog(window, dialog, "policies-5-publish")
    dialog.close()
    close(window, session)


def risk_shots(shots: Shots, demo_paths: DataPaths, password: str) -> None:
    """The DSL's Risk assessments page, a pupil's assessments, a new version, every version."""
    from safedesk.services import risk_assessments

    session = vault.sign_in(demo_paths, "dsl", password)
    upkeep.after_sign_in(session)
    window = main_window(session)
    window.show_page("Risk assessments")
    settle(60)
    shots.window(window, "risk-1-page")
    pupils = window.pupils_page
    assert pupils is not None
    every = [pupils.model.pupil(r) for r in range(pupils.model.rowCount())]
    kept = next((p for p in every if risk_assessments.records_listing(session, p.upn)), None)
    if kept is None:
        shots.skip("risk-2-pupil", "no pupil in the demo has a risk assessment")
        close(window, session)
        return
    window.open_pupil(kept)
    settle()
    shots.window(window, "risk-2-pupil")
    panel = window.pupil_view.risks
    dialog = panel.open_version()
    if dialog is not None:
        settle()
        dialog.review.setText("17/07/2027")
        shots.dialog(window, dialog, "risk-3-new-version")
        dialog.add_row(focus=True)  # a risk added and left empty: said at its row
        dialog.submit()
        settle()
        shots.dialog(window, dialog, "risk-5-row-problem")
        dialog.done(0)
        settle()
    history = panel.open_history(panel.table.currentIndex())
    if history is not None:
        settle()
        shots.dialog(window, history, "risk-4-every-version")
        history.done(0)
    close(window, session)


def retention_shots(shots: Shots, demo_paths: DataPaths, password: str) -> None:
    """The head's Retention page: a former pupil's record past its date (from the paper book),
    the hold on the story pupil for a review, and the rules."""
    session = vault.sign_in(demo_paths, "head", password)
    upkeep.after_sign_in(session)
    window = main_window(session)
    window.show_page("Retention")
    settle(60)
    shots.window(window, "retention-1-past-date")
    page = window.retention_page
    if page is not None:
        page.tabs.setCurrentWidget(page.holds)
        settle()
        shots.window(window, "retention-2-holds")
        page.tabs.setCurrentWidget(page.rules_tab)
        settle()
        shots.window(window, "retention-3-rules")
        # The head, having reviewed it, disposes of the former pupil's record: its disposal
        # record stays (the last shot of the demo that needs that record).
        due = [d for d in retention.due(session) if not d.held]
        if due:
            retention.dispose(session, due[0].ref, "Reviewed: past its date, nothing ongoing")
            page.load()
            page.tabs.setCurrentWidget(page.disposals)
            settle()
            shots.window(window, "retention-4-disposals")
    close(window, session)


def attachments_shots(shots: Shots, demo_paths: DataPaths, password: str) -> None:
    """A record's attachments' window, a scanned note and a parent's letter viewed."""
    from safedesk.domain.compartments import Compartment
    from safedesk.services import attachments

    session = vault.sign_in(demo_paths, "dsl", password)
    upkeep.after_sign_in(session)
    window = main_window(session)
    view = window.record_view
    for compartment, name in (
        (Compartment.SAFEGUARDING, "attachments-2-scanned-note"),
        (Compartment.BEHAVIOUR, "attachments-3-letter"),
    ):
        refs = attachments.records_with_attachments(session, compartment)
        if not refs:
            shots.skip(name, "no record in the demo has an attachment there")
            continue
        window.open_record_ref(refs[0], window.pupil_view)
        view.show_attachments()
        settle()
        if compartment is Compartment.SAFEGUARDING:
            shots.dialog(window, view.attachments, "attachments-1-record")
        panel = view.attachments.panel
        panel.view_current()
        settle()
        if panel.viewers:
            shots.dialog(window, panel.viewers[-1], name)
        view.attachments.close()
        settle()
    close(window, session)


def allegations_shots(shots: Shots, demo_paths: DataPaths, password: str) -> None:
    """The head's queue with an allegation to tell the LADO about, the head's Allegations page,
    and the chair of governors' (allegations about the head)."""
    session = vault.sign_in(demo_paths, "head", password)
    upkeep.after_sign_in(session)
    window = main_window(session)
    settle(60)
    queue = window.queue_page
    if queue is not None:
        for row in range(queue.proxy.rowCount()):
            if str(queue.proxy.index(row, 0).data(REF_ROLE)).startswith("ALLEGATION-"):
                queue.table.selectRow(row)
                queue.table.scrollTo(queue.proxy.index(row, 0))
    shots.window(window, "allegations-1-head-queue")
    window.show_page("Allegations")
    settle(60)
    page = window.allegations_page
    choose = getattr(page, "choose", None)
    if callable(choose):
        choose(1)  # the one dealt with: the LADO told, an action, the outcome
        settle(60)
    shots.window(window, "allegations-2-page")
    tabs = getattr(page, "tabs", None)
    if tabs is not None:
        tabs.setCurrentIndex(1)  # the low-level concerns and their patterns
        settle(60)
        shots.window(window, "allegations-4-low-level")
    if page is not None:  # what is done on one allegation: each in its own dialog
        page.tabs.setCurrentIndex(0)
        waiting = page.found.due if page.found is not None else []
        page.choose(waiting[0].allegation_id if waiting else 1)
        for name, opens in (
            ("allegations-5-lado-contacted", page.open_lado),
            ("allegations-6-outcome", page.open_outcome),
            ("allegations-7-correct", page.open_correct),
        ):
            opens()
            if page.dialog is not None:
                shots.dialog(window, page.dialog, name)
                page.dialog.reject()
                settle()
    close(window, session)
    session = vault.sign_in(demo_paths, "chair", password)
    upkeep.after_sign_in(session)
    window = main_window(session)
    window.show_page("Allegations")
    settle(60)
    choose = getattr(window.allegations_page, "choose", None)
    if callable(choose):
        choose(1)
        settle(60)
    shots.window(window, "allegations-3-chair")
    close(window, session)


# --- the business manager (administrator) ------------------------------------------------


def admin(shots: Shots, demo_paths: DataPaths, password: str, work: Path) -> None:
    session = vault.sign_in(demo_paths, "office", password)
    usb = settings.backup_folder(session)
    window = main_window(session)
    shots.window(window, "admin-0-first-screen")
    window.show_page("Admin")
    page = window.admin_page
    assert page is not None  # the office's account is an administrator's
    from safedesk.ui.backup_panel import BackupPanel

    if not page.findChildren(BackupPanel):
        shots.skip(
            "admin-1-backups (Back up now, Test a restore, Restore)",
            "the Admin page has no BackupPanel yet: the tab as it is now is shown instead",
        )
    page.show_tab("Backups and checks")
    settle(60)
    shots.window(window, "admin-1-backups")
    panels = page.findChildren(BackupPanel)
    if panels:
        restore = panels[0].open_restore(trial=True)
        settle()
        shots.dialog(window, restore, "admin-1b-test-a-restore")
        restore.reject()
        settle()

    page.show_tab("Staff accounts")
    settle(60)
    shots.window(window, "admin-2-accounts")
    accounts = page.accounts_panel
    if accounts is not None:
        accounts.add_account()
        adding = accounts.dialog
        if isinstance(adding, AddAccountDialog):
            adding.username.setText("k.mensah")
            adding.display_name.setText("Mr Kofi Mensah")
            adding.role_boxes[Role.BEHAVIOUR_LEAD].setChecked(True)
            adding.password.setText(NEW_STAFF)
            adding.again.setText(NEW_STAFF)
            shots.dialog(window, adding, "admin-3-add-account")
            adding.reject()
            settle()

    page.show_tab("Pupils")
    shots.window(window, "admin-4-pupils")
    page.import_pupils()
    importing = page.import_dialog
    importing.load(PUPILS_CSV if PUPILS_CSV.exists() else PUPILS_CTF)
    settle(60)
    shots.dialog(window, importing, "admin-5-import-preview")
    importing.reject()
    settle()

    page.show_tab("Settings")
    shots.window(window, "admin-6-settings")
    page.show_tab("Lists")
    settle()
    shots.window(window, "admin-7-lists")
    close(window, session)

    # Three days later with no backup since: the banner, for the office and for a teacher.
    later = FixedClock(datetime.now().astimezone() + timedelta(days=3))
    for who, name in (("office", "admin-8-stale-backup-banner"), ("teacher", "staff-10-banner")):
        session = vault.sign_in(demo_paths, who, password)
        session.clock = later
        window = main_window(session)
        settle(60)
        if window.backup_watch.banner.isVisible():
            shots.window(window, name)
        else:
            shots.skip(name, "the banner did not show")
        close(window, session)

    # The backup disk taken away.
    shutil.rmtree(usb.parent)
    session = vault.sign_in(demo_paths, "office", password)
    window = main_window(session)
    settle(60)
    if window.backup_watch.banner.isVisible():
        shots.window(window, "admin-9-backup-disk-missing")
    else:
        shots.skip("admin-9-backup-disk-missing", "the banner did not show")
    close(window, session)


def main() -> None:
    global SCREEN
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=None, help="the folder (default: docs/guide/images)")
    parser.add_argument(
        "--only", nargs="*", default=[], help="take only the screenshots whose names start so"
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="display scaling, 1.25 for 125 %% (default 1)"
    )
    parser.add_argument(
        "--text",
        choices=[t.key for t in TextSize],
        default=TextSize.NORMAL.key,
        help="the app's own Text size setting",
    )
    parser.add_argument(
        "--system-points",
        type=float,
        default=None,
        help="the system's text size in points (Windows gives 9; larger text gives more)",
    )
    args = parser.parse_args()
    as_laptop = args.scale != 1.0 or args.text != "normal" or args.system_points is not None
    if as_laptop and args.out is None:
        parser.error("--scale, --text and --system-points need --out (not the guide's pictures)")
    out = Path(args.out or ROOT / "docs" / "guide" / "images")
    if as_laptop and out.resolve() == (ROOT / "docs" / "guide" / "images").resolve():
        parser.error(
            "the guide's pictures are taken at 100 %% and Normal text; choose another --out"
        )
    out.mkdir(parents=True, exist_ok=True)
    shots = Shots(out, set(args.only))
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)  # read when the application starts
        os.environ["QT_ENABLE_HIGHDPI_SCALING"] = "1"
        SCREEN = (round(1366 / args.scale), round((768 - TASKBAR) / args.scale))

    app = QApplication([])
    app.setApplicationName("safedesk")
    if args.system_points is not None:
        font = app.font()
        font.setPointSizeF(args.system_points)
        app.setFont(font)  # as the platform would give it
    theme.apply(app, TextSize.from_key(args.text).factor)  # never the user's own setting
    print(f"Windows at {SCREEN[0]}x{SCREEN[1]} (scale {args.scale}, text {args.text})")
    tasks.set_pool(tasks.InlinePool())  # every task at once: the pictures show finished work
    work = Path(tempfile.mkdtemp(prefix="safedesk-shots-"))
    try:
        if any(shots.wanted(n) for n in ("wizard", "signin")):
            wizard(shots, work)
        print("Building the demo school…", flush=True)
        demo = build_demo_school(DataPaths(work / "demo"), pupils=300)
        # As in a school: the head confirms the business manager's account in person, which
        # lets it add and change accounts.
        head = vault.sign_in(demo.paths, "head", demo.password)
        membership.confirm(head, "office", demo.password)
        usb = work / "usb" / "safedesk backups"
        usb.mkdir(parents=True)
        settings.choose_backup_folder(head, usb)
        backup.create_backup(head)  # a good backup today: no banner until it is old
        head.lock()
        steps: tuple[tuple[str, Callable[[], None]], ...] = (
            ("staff", lambda: teacher(shots, demo.paths, demo.password)),
            ("dsl", lambda: dsl(shots, demo.paths, demo.password)),
            ("dsl-10", lambda: grant_in_person(shots, demo.paths, demo.password)),
            ("behaviour", lambda: behaviour_lead(shots, demo.paths, demo.password)),
            ("admin", lambda: admin(shots, demo.paths, demo.password, work)),
            ("training", lambda: training_shots(shots, demo.paths, demo.password)),
            ("policies", lambda: policies_shots(shots, demo.paths, demo.password)),
            ("risk", lambda: risk_shots(shots, demo.paths, demo.password)),
            ("retention", lambda: retention_shots(shots, demo.paths, demo.password)),
            ("attachments", lambda: attachments_shots(shots, demo.paths, demo.password)),
            ("allegations", lambda: allegations_shots(shots, demo.paths, demo.password)),
        )
        for prefix, step in steps:
            if shots.wanted(prefix) or any(o.startswith(prefix) for o in shots.only):
                step()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(shots.taken)} screenshots in {out}")
    for line in shots.skipped:
        print(f"skipped: {line}")
    for line in shots.too_tall:
        print(f"taller than {SCREEN[0]}×{SCREEN[1]}: {line}")
    wide = [n for n in shots.sizes if shots.sizes[n][0] > SCREEN[0]]
    for name in wide:
        print(f"wider than {SCREEN[0]}: {name} ({shots.sizes[name][0]} px)")


if __name__ == "__main__":
    main()
