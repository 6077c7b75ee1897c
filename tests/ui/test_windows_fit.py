"""Every window fits a school laptop: 1366x768 at 125 % is a logical 1093x614, less the
taskbar about 1093x576. Each window and page is built, resized to that, and checked: no
minimum larger, nothing cut off, no horizontal scroll bar.

The walk over every window (``screens``) is shared with test_accessibility.py.
"""

# pytest-qt's QtBot is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QFrame,
    QGroupBox,
    QLabel,
    QLayout,
    QScrollArea,
    QSizePolicy,
    QWidget,
)
from pytestqt.qtbot import QtBot

from safedesk.domain.casework import ActType
from safedesk.domain.entries import Kind
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Permission, Role
from safedesk.paths import DataPaths
from safedesk.services import pupils, records, users
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from safedesk.ui import theme
from safedesk.ui.account_dialogs import ConfirmDialog, RemoveRoleDialog, ResetPasswordDialog
from safedesk.ui.main_window import MainWindow
from safedesk.ui.recovery_dialog import RecoveryCodeDialog
from safedesk.ui.setup_wizard import SetupWizard
from safedesk.ui.signin import SignInWindow
from tests import factories
from tests.conftest import SCHOOL_NAME, SchoolStore
from tests.ui.test_allegations_page import allegation_screens

SCREEN = QSize(1093, 576)  # 1366x768 at 125 %, less the taskbar
PUPILS_CSV = Path(__file__).parents[1] / "fixtures" / "pupils_sims_utf8_bom.csv"
ROLES = {
    "staff": Role.STAFF,
    "DSL": Role.DSL,
    "behaviour lead": Role.BEHAVIOUR_LEAD,
    "administrator": Role.ADMIN,
    "chair": Role.CHAIR_OF_GOVERNORS,
}


@dataclass(frozen=True)
class Screen:
    """One window in one state: what a person would see at once."""

    name: str
    window: QWidget
    opened_size: QSize  # the size it opened at, before the test resized it


def settle(rounds: int = 5) -> None:
    for _ in range(rounds):
        QApplication.processEvents()


@pytest.fixture
def themed() -> Iterator[None]:
    """The app's own look (the style sheet at Normal text), put back afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    # Widgets earlier tests closed go now, not while every widget is being restyled.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    font, palette, sheet = QFont(app.font()), app.palette(), app.styleSheet()
    theme._system_points = None
    theme.apply(app)
    yield
    app.setStyleSheet(sheet)
    app.setPalette(palette)
    app.setFont(font)
    theme._system_points = None


def shown(qtbot: QtBot, name: str, window: QWidget) -> Screen:
    if not window.isVisible():
        window.show()
    settle()
    return Screen(name, window, window.size())


# --- the walk --------------------------------------------------------------------------------


def school_with_records(head: Session) -> None:
    factories.add_pupils(head)
    for kind, body in (
        (Kind.CONCERN, factories.concern()),
        (Kind.BEHAVIOUR, factories.behaviour()),
        (Kind.INTERVENTION, factories.intervention()),
    ):
        records.record(head, kind, body)
    factories.take_in_all(head)
    # A role asked for, waiting to be granted in person: the queue's request and its dialog.
    users.add_user(
        head,
        username="n.patel",
        display_name="Mrs Nadia Patel",
        roles={Role.DSL},
        password="a one-time password for Nadia",
        kdf=FAST_KDF,
    )


def main_window_screens(qtbot: QtBot, session: Session, who: str) -> Iterator[Screen]:
    """The main window as ``who``: every page, every admin tab, the pages reached from them,
    the record forms, the casework forms and the dialogs they open."""
    window = MainWindow(session, SCHOOL_NAME, kdf=FAST_KDF)
    qtbot.addWidget(window)
    window.show()
    settle()
    opened = window.size()
    for name in list(window.page_names):
        window.show_page(name)
        settle()
        yield Screen(f"{who}: {name}", window, opened)
        if name == "Admin" and window.admin_page is not None:
            tabs = window.admin_page.tabs
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                settle()
                title = tabs.tabText(index).replace("&", "")
                yield Screen(f"{who}: Admin, {title}", window, opened)
    if window.record_page is not None:
        window.show_page("Record")
        for kind in Kind:
            window.record_page.open_form(kind)
            settle()
            yield Screen(f"{who}: Record, {kind.label} form", window, opened)
    readable = records.session_readable_kinds(session)
    if readable:
        pupil = next(iter(pupils.list_pupils(session)))
        window.open_pupil(pupil)
        settle()
        yield Screen(f"{who}: a pupil", window, opened)
        window.open_chronology(pupil)
        settle()
        yield Screen(f"{who}: a pupil's chronology", window, opened)
        found = records.pupil_records(session, pupil.details.upn)
        if found:
            window.open_record(found[0], window.pupil_view)
            settle()
            yield Screen(f"{who}: a record", window, opened)
    if window.queue_page is not None:
        model = window.queue_page.model
        refs = [model.item(r).case_ref for r in range(model.rowCount())]
        case_ref = next((r for r in refs if r), None)
        if case_ref is not None:
            window.open_case(case_ref)
            settle()
            yield Screen(f"{who}: a case", window, opened)
            for act in ActType:
                if act in (ActType.ACKNOWLEDGE, ActType.ACTION_DONE, ActType.REFERRAL_DECISION):
                    continue
                window.case_view.start_act(act)
                settle()
                yield Screen(f"{who}: a case, {act.label} form", window, opened)
            window.case_view._close_form()
    if window.queue_page is not None:
        window.show_page("Queue")
        settle()
        queue = window.queue_page
        items = [queue.model.item(r) for r in range(queue.model.rowCount())]
        request = next((i for i in items if i.kind is ItemKind.REQUEST), None)
        if request is not None:
            queue.open_request(request)
            if queue.dialog is not None:
                yield shown(qtbot, f"{who}: Grant a role in person", queue.dialog)
                queue.dialog.reject()
    if window.notification_form is not None:
        window.pages.setCurrentWidget(window.notification_form)
        settle()
        yield Screen(f"{who}: Queue, a police notification", window, opened)
    for what, seen in allegation_screens(window):
        yield (
            Screen(f"{who}: {what}", window, opened)
            if seen is window
            else shown(qtbot, f"{who}: {what}", seen)
        )
    window.change_password()
    if window.password_dialog is not None:
        yield shown(qtbot, f"{who}: Change my password", window.password_dialog)
        window.password_dialog.reject()
    if window.admin_page is not None:
        admin = window.admin_page
        window.show_page("Admin")
        panel = admin.backup_panel
        for trial in (True, False):
            restore = panel.open_restore(trial=trial)
            yield shown(qtbot, f"{who}: {'Test a restore' if trial else 'Restore'}", restore)
            restore.reject()
        accounts = admin.accounts_panel
        if accounts is not None and accounts.add_button.isEnabled():
            accounts.add_account()
            if accounts.dialog is not None:
                yield shown(qtbot, f"{who}: Add an account", accounts.dialog)
                accounts.dialog.reject()
            every = accounts.model.accounts()
            account = next((a for a in every if a.user.username != "head"), every[0])
            makers: list[tuple[Callable[[], QDialog], str]] = [
                (lambda: ResetPasswordDialog(session, account, window, FAST_KDF), "Reset"),
                (lambda: ConfirmDialog(session, account, window), "Confirm in person"),
                (lambda: RemoveRoleDialog(session, account, window), "Remove a role"),
            ]
            for make, title in makers:
                made = make()
                yield shown(qtbot, f"{who}: {title}", made)
                made.reject()
        if session.user.can(Permission.PUPIL_IMPORT):
            admin.import_pupils()
            importing = admin.import_dialog
            importing.load(PUPILS_CSV)
            settle()
            yield shown(qtbot, f"{who}: Import pupils, the preview", importing)
            importing.reject()
    if Role.HEAD in session.user.roles:
        key = RecoveryCodeDialog(
            "ABCDE-12345-FGHIJ-67890-KLMNO", SCHOOL_NAME, session.clock.now(), window
        )
        yield shown(qtbot, f"{who}: the recovery key", key)
        key.saved.setChecked(True)
        key.accept()
    window.stop()
    window.close()


def sign_in_screens(qtbot: QtBot, paths: DataPaths) -> Iterator[Screen]:
    window = SignInWindow(paths, kdf=FAST_KDF)
    qtbot.addWidget(window)
    yield shown(qtbot, "Sign in", window)
    window.forgotten_password()
    dialog = window.forgotten_dialog
    assert dialog is not None
    yield shown(qtbot, "Forgotten your password?", dialog)
    dialog.reject()
    window.close()


def wizard_screens(qtbot: QtBot, folder: Path) -> Iterator[Screen]:
    for head in (False, True):
        wizard = SetupWizard(DataPaths(folder / f"new-{head}"), FAST_KDF)
        qtbot.addWidget(wizard)
        what = "the head sets up" if head else "the office sets up"
        yield shown(qtbot, f"Set-up wizard ({what}): the school", wizard)
        wizard.school_page.school.setText("Hill Top Primary School")
        wizard.next()
        yield shown(qtbot, f"Set-up wizard ({what}): your account", wizard)
        page = wizard.account_page
        page.username.setText("j.okafor")
        page.display.setText("Mr Joseph Okafor")
        page.password.setText("lantern pebble orchard")
        page.confirm.setText("lantern pebble orchard")
        wizard.next()
        yield shown(qtbot, f"Set-up wizard ({what}): the headteacher", wizard)
        if head:
            wizard.head_page.yes.setChecked(True)
        else:
            wizard.head_page.no.setChecked(True)
            wizard.head_page.head_username.setText("a.head")
            wizard.head_page.head_display.setText("Mrs Ada Head")
            wizard.head_page.head_password.setText("one-time lantern pebble")
            wizard.head_page.head_confirm.setText("one-time lantern pebble")
        yield shown(qtbot, f"Set-up wizard ({what}): the headteacher, answered", wizard)
        wizard.next()
        settle()
        yield shown(qtbot, f"Set-up wizard ({what}): after the records are made", wizard)
        if not head:
            wizard.next()
            yield shown(qtbot, f"Set-up wizard ({what}): backups", wizard)
        wizard.close()


@pytest.fixture
def screens(
    qtbot: QtBot,
    tmp_path: Path,
    themed: None,
    school: SchoolStore,
    head_session: Session,
    session_as: Callable[[Role], Session],
) -> Callable[[str], Iterator[Screen]]:
    """``screens(who)`` walks every window for ``who``: "sign-in" (the sign-in window and
    the set-up wizard), "head", or a key of ROLES."""
    school_with_records(head_session)

    def walk(who: str) -> Iterator[Screen]:
        if who == "sign-in":
            yield from sign_in_screens(qtbot, school.paths)
            yield from wizard_screens(qtbot, tmp_path / "new")
        elif who == "head":
            yield from main_window_screens(qtbot, head_session, "head")
        else:
            session = session_as(ROLES[who])
            yield from main_window_screens(qtbot, session, who)

    return walk


WHO = ["sign-in", "staff", "DSL", "behaviour lead", "head", "administrator", "chair"]


# --- the checks ------------------------------------------------------------------------------


def describe(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, (QAbstractButton, QLabel)):
        text = widget.text()
    elif isinstance(widget, QGroupBox):
        text = widget.title()
    text = " ".join(text.split())
    text = f' "{text[:40]}"' if text else ""
    name = f"#{widget.objectName()}" if widget.objectName() else ""
    return f"{type(widget).__name__}{name}{text}"


def scrolled(widget: QWidget, window: QWidget) -> bool:
    """Inside a scroll area's viewport: it may run past what is seen (it scrolls)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and parent is grand.viewport():
            return True
        parent = grand
    return False


def minimum(widget: QWidget) -> QSize:
    return widget.minimumSizeHint().expandedTo(widget.minimumSize())


def culprits(window: QWidget, needed: QSize, room: QSize = SCREEN) -> list[str]:
    """The innermost widgets that ask for most of the room the window lacks (shown visible or
    not: a stacked widget asks for the largest of its pages)."""
    wide = needed.width() - room.width()
    tall = needed.height() - room.height()
    found = []
    for widget in window.findChildren(QWidget):
        if widget.isWindow():
            continue
        size = minimum(widget)
        too_wide = wide > 0 and size.width() > needed.width() - 200 - wide
        too_tall = tall > 0 and size.height() > needed.height() - 150 - tall
        if not (too_wide or too_tall):
            continue
        inner = [
            c
            for c in widget.findChildren(QWidget)
            if not c.isWindow()
            and (
                (too_wide and minimum(c).width() >= size.width() - 40)
                or (too_tall and minimum(c).height() >= size.height() - 40)
            )
        ]
        if not inner:
            path: list[str] = []
            parent = widget.parentWidget()
            while parent is not None and parent is not window and len(path) < 4:
                path.append(describe(parent))
                parent = parent.parentWidget()
            where = " in ".join(path)
            found.append(f"{describe(widget)} asks {size.width()}x{size.height()} (in {where})")
    return found[:6]


def page_problems(window: MainWindow, name: str) -> list[str]:
    """The page in view against the room the main window leaves it on the laptop's screen
    (whatever the other pages ask)."""
    page = window.pages.currentWidget()
    assert page is not None
    header = window.findChild(QFrame, "Header")
    around = [header, window.backup_watch.banner, window.menuWidget(), window.statusBar()]
    height = sum(w.sizeHint().height() for w in around if w is not None and w.isVisible())
    room = QSize(SCREEN.width() - window.navigation.width(), SCREEN.height() - height)
    needed = minimum(page)
    if needed.width() > room.width() or needed.height() > room.height():
        return [
            f"{name}: the page {describe(page)} needs {needed.width()}x{needed.height()}; "
            f"the laptop leaves it {room.width()}x{room.height()}"
            + "".join(f"\n    {c}" for c in culprits(page, needed, room))
        ]
    return []


def fit_problems(screen: Screen) -> list[str]:
    window, name = screen.window, screen.name
    found: list[str] = []
    # A main window's problems as a whole are said once for all its pages.
    whole = f"{name.split(':')[0]}: the main window" if isinstance(window, MainWindow) else name
    opened = screen.opened_size
    if opened.width() > SCREEN.width() or opened.height() > SCREEN.height():
        found.append(f"{whole}: opens at {opened.width()}x{opened.height()}")
    needed = minimum(window)
    if needed.width() > SCREEN.width() or needed.height() > SCREEN.height():
        found.append(
            f"{whole}: needs at least {needed.width()}x{needed.height()}"
            + "".join(f"\n    {c}" for c in culprits(window, needed))
        )
    if not isinstance(window, MainWindow):
        return found + clipped(window, name)
    found += page_problems(window, name)
    # The page in view on its own: the pages not in view (a stacked widget asks for the
    # largest of them) are set aside while it is measured.
    kept = []
    for index in range(window.pages.count()):
        page = window.pages.widget(index)
        if page is not None and page is not window.pages.currentWidget():
            kept.append((page, page.sizePolicy()))
            page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
    relayout(window)
    try:
        found += clipped(window, name)
    finally:
        for page, policy in kept:
            page.setSizePolicy(policy)
        relayout(window)
    return found


def relayout(window: QWidget) -> None:
    """Every layout measured afresh (they keep what they measured before)."""
    for layout in window.findChildren(QLayout):
        layout.invalidate()
    top = window.layout()
    if top is not None:
        top.activate()
    settle()


def clipped(window: QWidget, name: str) -> list[str]:
    """Resized to the laptop's screen: what is cut off, and what needs a horizontal scroll."""
    found: list[str] = []
    window.resize(SCREEN)
    settle()
    if window.width() > SCREEN.width() or window.height() > SCREEN.height():
        found.append(f"{name}: stays {window.width()}x{window.height()} when made smaller")
    frame = window.rect()
    for child in window.findChildren(QWidget):
        if child.isWindow() or not child.isVisibleTo(window) or child.size().isEmpty():
            continue
        if scrolled(child, window):
            continue
        where = QRect(child.mapTo(window, QPoint(0, 0)), child.size())
        if not frame.contains(where):
            found.append(f"{name}: {describe(child)} is cut off by the window's edge")
            continue
        parent = child.parentWidget()
        if parent is not None and not parent.rect().contains(child.geometry()):
            found.append(f"{name}: {describe(child)} is cut off by {describe(parent)}")
    for label in window.findChildren(QLabel):
        wraps = label.wordWrap() and label.text() and label.isVisibleTo(window)
        if wraps and not scrolled(label, window) and not label.size().isEmpty():
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 2:
                found.append(
                    f"{name}: {describe(label)} is cut short: shown {label.height()} px "
                    f"of the {needed} px its lines need"
                )
    for scroller in window.findChildren(QScrollArea):
        content = scroller.widget()
        if content is not None and scroller.isVisibleTo(window) and not scrolled(scroller, window):
            sideways = scroller.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            if content.width() > scroller.viewport().width() and not sideways:
                found.append(
                    f"{name}: {describe(content)} in a {describe(scroller)} is cut off at the "
                    f"right ({content.width()} px in {scroller.viewport().width()})"
                )
    for area in window.findChildren(QAbstractScrollArea):
        shown = area.isVisibleTo(window) and not scrolled(area, window)
        if shown and area.horizontalScrollBar().isVisibleTo(window):
            inside = area.widget() if isinstance(area, QScrollArea) else None
            what = f" (it holds {describe(inside)}, {minimum(inside).width()} px)" if inside else ""
            found.append(f"{name}: {describe(area)} needs a horizontal scroll bar{what}")
    return found


@pytest.mark.parametrize("who", WHO)
def test_every_window_fits_a_laptop_at_125_percent(
    who: str, screens: Callable[[str], Iterator[Screen]]
) -> None:
    problems: list[str] = []
    for screen in screens(who):
        problems += fit_problems(screen)
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_sign_in_and_wizard_fit_with_larger_system_text(
    screens: Callable[[str], Iterator[Screen]],
) -> None:
    """Windows' larger text (12 pt where it gives 9): the wizard's explanations were in
    QWizard's header, which kept two lines' height and cut the third off."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = QFont(app.font())
    font.setPointSizeF(12)
    app.setFont(font)
    theme._system_points = None
    theme.apply(app)
    problems: list[str] = []
    for screen in screens("sign-in"):
        problems += fit_problems(screen)
    assert not problems, "\n".join(dict.fromkeys(problems))
