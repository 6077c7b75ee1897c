"""The main window: navigation on the left, the signed-in user, Change my password and Lock at
the top, and background work (keys, taking in records) in the status bar."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.entries import StoredEntry
from safedesk.domain.people import Pupil
from safedesk.domain.roles import Permission, Role, is_staff
from safedesk.services import lists, risk_assessments
from safedesk.services.analysis import may_analyse
from safedesk.services.key_costs import KdfParams
from safedesk.services.pupils import list_pupils
from safedesk.services.records import readable_kinds
from safedesk.services.session import Session
from safedesk.ui import msgbox, text_size
from safedesk.ui.admin_page import AdminPage
from safedesk.ui.adult_concern_dialog import AdultConcernDialog
from safedesk.ui.allegations_page import AllegationsPage, may_keep_allegations
from safedesk.ui.backup_banner import BackupWatch
from safedesk.ui.backup_panel import BackupPanel
from safedesk.ui.behaviour_inbox_page import BehaviourInboxPage
from safedesk.ui.case_view import CaseView
from safedesk.ui.chronology_page import ChronologyPage
from safedesk.ui.errors import user_message
from safedesk.ui.my_records_page import MyRecordsPage
from safedesk.ui.notification_form import NotificationForm
from safedesk.ui.password_dialog import PasswordDialog
from safedesk.ui.policies_page import PoliciesPage
from safedesk.ui.privacy_screen import SHORTCUT_TEXT, PrivacyScreen
from safedesk.ui.pupil_view import PupilView
from safedesk.ui.pupils_page import PupilsPage
from safedesk.ui.queue_alerts import QueueNotifier, QueueTray
from safedesk.ui.queue_page import QueuePage
from safedesk.ui.record_page import RecordPage
from safedesk.ui.record_view import RecordView
from safedesk.ui.reports_page import ReportsPage
from safedesk.ui.retention_page import RetentionPage
from safedesk.ui.risk_page import RiskPage, page_name
from safedesk.ui.search_page import SearchPage
from safedesk.ui.training_page import TrainingPage, show_waiting_training


class MainWindow(QMainWindow):
    lock_requested = Signal()
    password_changed = Signal()  # after the person changed their own password
    restore_starting = Signal()  # a restore from the Admin page closes the session
    restored = Signal(str)  # a backup was restored: sign in again (the words to show)
    restore_failed = Signal(str)  # the session closed for a restore that did not finish

    def __init__(self, session: Session, school_name: str, *, kdf: KdfParams | None = None) -> None:
        super().__init__()
        self.session = session
        self.kdf = kdf  # for the new key slot when the password changes (tests: a fast one)
        self.title = f"safedesk — {school_name}"
        self.setWindowTitle(self.title)
        # Opens within a 1366x768 laptop at 125 % (1093x576 usable): maximising is theirs.
        self.resize(1080, 570)
        user = session.user

        header = QFrame()
        header.setObjectName("Header")
        # A long name is cut at a word (whole in the tooltip and the title bar) so the header
        # never widens the window past a laptop's.
        shown = school_name if len(school_name) <= 40 else school_name[:40].rsplit(" ", 1)[0] + "…"
        school = QLabel(shown)
        school.setToolTip(school_name)
        school.setObjectName("Title")
        who = QLabel(f"Signed in as <b>{user.display_name}</b>")
        who.setToolTip(user.roles_label)  # the roles in words, without widening the header
        who.setObjectName("Subtitle")
        # Alt+K: Alt+L is the case view's Close case, in the same window.
        self.lock_button = QPushButton("Loc&k")
        self.lock_button.setToolTip(
            "Lock safedesk now, Alt+K (it also locks itself when left idle)"
        )
        self.lock_button.clicked.connect(self.lock_requested)
        # The privacy key: blanks every window of the app at once (ui/privacy_screen.py).
        self.privacy = PrivacyScreen(self, session, self.lock_requested.emit)
        self.hide_button = QPushButton("Hide")
        self.hide_button.setAccessibleName("Hide the screen")
        self.hide_button.setToolTip(
            f"Hide the screen at once ({SHORTCUT_TEXT}, in any window); your password shows it"
        )
        self.hide_button.setStyleSheet("QPushButton { padding: 6px 10px; }")  # a narrow header
        self.hide_button.clicked.connect(self.privacy.hide_now)
        self.password_button = QPushButton("Change my pass&word…")
        self.password_button.clicked.connect(self.change_password)
        self.password_dialog: PasswordDialog | None = None
        # Every account may pass on a concern about an adult, sealed to the head (or chair).
        # No Alt+letter: each letter of its words is taken on some page; Ctrl+Shift+A instead.
        self.adult_button = QPushButton("Concern about an adult…")
        self.adult_button.setToolTip(
            "Pass on a worry about an adult working in the school (Ctrl+Shift+A): only the "
            "headteacher, or the chair of governors, can read it"
        )
        self.adult_button.clicked.connect(self.raise_adult_concern)
        QShortcut(QKeySequence("Ctrl+Shift+A"), self).activated.connect(self.raise_adult_concern)
        self.adult_dialog: AdultConcernDialog | None = None
        top = QHBoxLayout(header)
        top.setContentsMargins(20, 10, 20, 10)
        top.addWidget(school)
        top.addStretch(1)
        top.addWidget(who)
        top.addSpacing(8)
        # The person's own text size (also Ctrl++, Ctrl+- and Ctrl+0 anywhere).
        self.text_button = QPushButton("Te&xt size")
        self.text_button.setToolTip("Ctrl++ larger, Ctrl+- smaller, Ctrl+0 as the system's")
        text_menu = QMenu(self.text_button)
        for size in text_size.TextSize:
            text_menu.addAction(size.label, partial(text_size.choose, size))
        self.text_button.setMenu(text_menu)
        top.addWidget(self.text_button)
        top.addWidget(self.password_button)
        top.addWidget(self.hide_button)
        top.addWidget(self.lock_button)

        self.work_text = QLabel()
        self.work_text.setObjectName("Subtitle")
        self.work_bar = QProgressBar()
        self.work_bar.setRange(0, 0)  # busy: how long depends on what is waiting
        self.work_bar.setTextVisible(False)
        self.work_bar.setFixedWidth(160)
        self.work_bar.setMaximumHeight(8)
        self.work_bar.setAccessibleName("Background work")
        self.work_bar.hide()
        self.statusBar().setContentsMargins(16, 0, 16, 4)
        self.statusBar().addWidget(self.work_text, 1)
        self.statusBar().addPermanentWidget(self.work_bar)
        self.statusBar().setSizeGripEnabled(False)

        self.navigation = QListWidget()
        self.navigation.setObjectName("Navigation")
        self.navigation.setAccessibleName("Pages")
        self.navigation.setFixedWidth(190)
        self.pages = QStackedWidget()
        self.pupils_page: PupilsPage | None = None
        self.record_page: RecordPage | None = None
        self.my_records_page: MyRecordsPage | None = None
        self.queue_page: QueuePage | None = None
        self.behaviour_page: BehaviourInboxPage | None = None
        self.search_page: SearchPage | None = None
        self.tray: QueueTray | None = None
        self.page_names: list[str] = []

        can = user.can
        if can(Permission.CASEWORK):
            # The head also hears of items overdue by more than their target again.
            self.notifier = QueueNotifier(watch_escalation=Role.HEAD in user.roles)
            self.queue_page = QueuePage(session, self.notifier)
            self._add("Queue", self.queue_page)
            self.tray = QueueTray(self.notifier, self)
            self.tray.show_requested.connect(self.bring_back)
            self.tray.lock_requested.connect(self.lock_requested)
            if self.tray.icon is not None and (tray_menu := self.tray.icon.contextMenu()):
                tray_menu.addAction("Hide the screen", self.privacy.hide_now)
            self.notifier.counts_changed.connect(self._show_counts)
        if can(Permission.READ_BEHAVIOUR):
            # Records waiting for a leader's review: the behaviour lead's first page (a DSL
            # and the head see the queue first, where interventions also wait for the head).
            self.behaviour_page = BehaviourInboxPage(session)
            self._add("Behaviour", self.behaviour_page)
        if can(Permission.RECORD_CREATE):
            self.record_page = RecordPage(session)
            self._add("Record", self.record_page)
            self.my_records_page = MyRecordsPage(session)
            self._add("My records", self.my_records_page)
            self.record_page.recorded.connect(self.my_records_page.load_after_recording)
        if can(Permission.PUPIL_LIST):
            self.pupils_page = PupilsPage(session)
            self._add("Pupils", self.pupils_page)
        if readable_kinds(user):
            self.search_page = SearchPage(session)
            self._add("Search", self.search_page)
        # The pupils who need a risk assessment and have no current one.
        self.risk_page: RiskPage | None = None
        if risk_assessments.kinds_for(session):
            self.risk_page = RiskPage(session)
            self._add(page_name(session), self.risk_page)  # "Behaviour plans" for some
        # Allegations about staff: the headteacher's; about the headteacher: the chair's, whose
        # one piece of work it is (a governor reads no pupil's records): their first page.
        self.allegations_page: AllegationsPage | None = None
        if may_keep_allegations(session):
            self.allegations_page = AllegationsPage(session)
        governor = not is_staff(user.roles)
        if governor and self.allegations_page is not None:
            self._add("Allegations", self.allegations_page)
        # Every member of staff reads and confirms the school's policies here.
        self.policies_page = PoliciesPage(session)
        self._add("Policies", self.policies_page)
        self.training_page = TrainingPage(session)  # every account: its own training, to confirm
        self._add("Training", self.training_page)
        self.training_page.waiting_changed.connect(partial(show_waiting_training, self.navigation))
        if not governor and self.allegations_page is not None:
            self._add("Allegations", self.allegations_page)
        self.reports_page: ReportsPage | None = None
        if may_analyse(session):
            # Leaders: the behaviour lead sees behaviour, bullying and interventions; DSLs and
            # the head those, concerns and time to action.
            self.reports_page = ReportsPage(session)
            self._add("Reports", self.reports_page)
        self.retention_page: RetentionPage | None = None
        if can(Permission.RETENTION):
            # The headteacher's: records past their retention date, holds and disposal.
            self.retention_page = RetentionPage(session)
            self._add("Retention", self.retention_page)
            self.pages.currentChanged.connect(self._retention_shown)
        self.admin_page: AdminPage | None = None
        if any(can(p) for p in (Permission.USER_LIST, Permission.BACKUP, Permission.PUPIL_IMPORT)):
            self.admin_page = AdminPage(session, kdf=kdf)
            self._add("Admin", self.admin_page)
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.pages.currentChanged.connect(lambda _index: self.focus_page())
        # Backups: a banner when the last good one is old or the folder is out of reach, and
        # "Last backup: …" in the status bar.
        self.backup_watch = BackupWatch(session, self, has_admin_page="Admin" in self.page_names)
        self.backup_watch.banner.admin_requested.connect(lambda: self.show_page("Admin"))
        self.statusBar().addPermanentWidget(self.backup_watch.status_label)
        if self.admin_page is not None:
            # Wired by name: the pages are not the window's children until the layout is set.
            self.watch_backup_panel(self.admin_page.backup_panel)
            if self.pupils_page is not None:
                self.admin_page.pupils_imported.connect(self.pupils_page.load)

        # Pages reached from other pages, not from the navigation.
        labels = {
            name: dict(values)
            for name, values in lists.choices(session, include_retired=True).items()
        }
        self.pupil_view = PupilView(session)
        self.record_view = RecordView(session, labels)
        self.case_view = CaseView(session, labels)
        self.chronology_page = ChronologyPage(session)
        for sub_page in (self.pupil_view, self.record_view, self.case_view, self.chronology_page):
            self.pages.addWidget(sub_page)
        self._record_return_to: QWidget = self.pupil_view
        self.pupil_view.back.connect(lambda: self.show_page("Pupils"))
        # A status just set shows in the queue's rows at once, not at the next minute's refresh.
        self.pupil_view.status_changed.connect(lambda _period: self._refresh_queue())
        self.record_view.back.connect(lambda: self.pages.setCurrentWidget(self._record_return_to))
        self.pupil_view.chronology_requested.connect(self.open_chronology)
        self.chronology_page.back.connect(lambda: self.pages.setCurrentWidget(self.pupil_view))
        self.notification_form: NotificationForm | None = None
        if self.queue_page is not None:
            self.notification_form = NotificationForm(session)
            self.pages.addWidget(self.notification_form)
            self.queue_page.case_opened.connect(self.open_case)
            self.queue_page.notification_requested.connect(
                lambda: self.pages.setCurrentWidget(self.notification_form)
            )
            self.notification_form.cancelled.connect(lambda: self.show_page("Queue"))
            self.notification_form.recorded.connect(self._notification_recorded)
            self.case_view.back.connect(self._back_to_queue)
            self.case_view.changed.connect(self.queue_page.refresh)
            self.case_view.record_requested.connect(
                lambda ref: self.open_record_ref(ref, self.case_view)
            )
            self.queue_page.review_opened.connect(self.open_review)
            self.queue_page.training_opened.connect(lambda: self.show_page("Training"))
            self.queue_page.training_opened.connect(self.training_page.show_due)
            if self.behaviour_page is not None:
                self.behaviour_page.reviewed.connect(lambda _ref: self._refresh_queue())
        if self.search_page is not None:
            search = self.search_page
            search.box.record_opened.connect(lambda ref: self.open_found(ref, search))
        self.pupil_view.entries.entry_opened.connect(lambda e: self.open_record(e, self.pupil_view))
        if self.my_records_page is not None:
            page = self.my_records_page
            page.list.entry_opened.connect(lambda e: self.open_record(e, page))
        if self.pupils_page is not None and readable_kinds(user):
            self.pupils_page.pupil_opened.connect(self.open_pupil)
        if self.reports_page is not None and readable_kinds(user):
            self.reports_page.pupil_opened.connect(self.open_pupil)
        if self.risk_page is not None:
            self.risk_page.pupil_opened.connect(self.open_pupil_upn)
        if self.queue_page is not None:
            self.queue_page.pupil_opened.connect(self.open_pupil_upn)
        self.pupil_view.risk_saved.connect(lambda _saved: self._refresh_queue())

        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        # Under the pages' list, on every page (the header has no room left at 1366x768).
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(6)
        side.addWidget(self.navigation, 1)
        side.addWidget(self.adult_button)
        row.addLayout(side)
        row.addWidget(self.pages, 1)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(header)
        column.addWidget(self.backup_watch.banner)
        column.addWidget(body, 1)
        self.setCentralWidget(central)
        # A DSL sees the queue first; the behaviour lead, the records waiting for review.
        self.navigation.setCurrentRow(0)
        self.focus_page()
        if self.queue_page is not None:
            self.queue_page.start()
        if self.behaviour_page is not None:
            self.behaviour_page.start()
        if self.pupils_page is not None:
            self.pupils_page.load()
        if self.my_records_page is not None:
            self.my_records_page.load()
        self.policies_page.load()
        self.training_page.load()
        if self.allegations_page is not None:
            self.allegations_page.load()
        if self.record_page is not None:
            self.record_page.refresh_drafts()
            if self.record_page.drafts_note.isVisible():
                self.show_page("Record")  # bring back what they were writing

    def watch_backup_panel(self, panel: BackupPanel) -> None:
        """The Admin page's backups panel: its backups refresh the banner, a restore from it
        closes the window's work and ends the session."""
        panel.backed_up.connect(self.backup_watch.backed_up)
        panel.backup_failed.connect(self.backup_watch.backup_failed)
        panel.restore_starting.connect(self.stop)
        panel.restore_starting.connect(self.restore_starting)
        panel.restored.connect(self.restored)
        panel.restore_failed.connect(self.restore_failed)

    def begin_work(self, text: str) -> None:
        """Background work has started (or moved on a step): say so in the status bar."""
        self.work_text.setText(text)
        self.work_bar.show()

    def end_work(self, text: str = "") -> None:
        self.work_bar.hide()
        self.work_text.setText(text)

    def change_password(self, note: str = "") -> None:
        if self.password_dialog is not None:
            return  # already open (it is modal: only a second shortcut press gets here)
        dialog = PasswordDialog(self.session, self, self.kdf, note)
        dialog.succeeded.connect(lambda _none: self._password_changed())
        dialog.finished.connect(lambda _result: self._password_dialog_closed(dialog))
        self.password_dialog = dialog
        dialog.open()

    def raise_adult_concern(self) -> None:
        if self.adult_dialog is not None:
            return  # already open
        dialog = AdultConcernDialog(self.session, self)
        dialog.succeeded.connect(
            lambda raised: msgbox.information(self, "Concern passed on", raised.message)
        )
        dialog.finished.connect(lambda _result: self._adult_dialog_closed(dialog))
        self.adult_dialog = dialog
        dialog.open()

    def _adult_dialog_closed(self, dialog: AdultConcernDialog) -> None:
        if self.adult_dialog is dialog:
            self.adult_dialog = None
        dialog.deleteLater()

    def _password_dialog_closed(self, dialog: PasswordDialog) -> None:
        if self.password_dialog is dialog:
            self.password_dialog = None
        dialog.deleteLater()

    def _password_changed(self) -> None:
        msgbox.information(
            self,
            "Password changed",
            "Your password has been changed, and the keys of the files you open with it. "
            "Use the new password from now on.",
        )
        self.password_changed.emit()

    def _add(self, name: str, page: QWidget) -> None:
        self.navigation.addItem(name)
        self.pages.addWidget(page)
        self.page_names.append(name)

    def _retention_shown(self, index: int) -> None:
        page = self.retention_page
        if page is not None and self.pages.widget(index) is page:
            page.load()

    def focus_page(self) -> None:
        """Keyboard focus where the page's work starts (its list, or the box to type in), not
        on the header's first button: a newcomer pressed Tab eight times to reach the queue."""
        current = self.pages.currentWidget()
        if current is None:
            return
        page: QWidget = current
        focused = QApplication.focusWidget()
        if focused is not None and page.isAncestorOf(focused):
            return
        record = self.record_page
        if page is record and record is not None:
            target: QWidget | None = record.stack.currentWidget()
            if target is record.menu:
                target = next(iter(record.choice_buttons.values()), None)
        else:
            target = None
            for name in ("search", "box", "table", "list"):
                found = getattr(page, name, None)
                if isinstance(found, QWidget):
                    # A search box's line, an entry list's table, or the widget itself.
                    inner = [getattr(found, part, None) for part in ("edit", "table")]
                    target = next((w for w in inner if isinstance(w, QWidget)), found)
                    break
        if isinstance(target, QWidget):
            target.setFocus()
        else:
            page.setFocus()

    def show_page(self, name: str) -> None:
        index = self.page_names.index(name)
        self.navigation.setCurrentRow(index)
        # The row may already be current (coming back from a sub-page): no signal then.
        self.pages.setCurrentIndex(index)

    def open_pupil(self, pupil: Pupil) -> None:
        try:
            self.pupil_view.show_pupil(pupil)
        except Exception as exc:
            msgbox.warning(self, "Cannot open this pupil's records", user_message(exc))
            return
        self.pages.setCurrentWidget(self.pupil_view)

    def open_pupil_upn(self, upn: str) -> None:
        """A pupil named by UPN (a queue item, the risk assessments page)."""
        try:
            found = [p for p in list_pupils(self.session) if p.upn == upn]
        except Exception as exc:
            msgbox.warning(self, "Cannot open this pupil's records", user_message(exc))
            return
        if not found:
            msgbox.warning(self, "Cannot open this pupil's records", f"No pupil has UPN {upn}.")
            return
        self.open_pupil(found[0])

    def open_record(self, entry: StoredEntry, return_to: QWidget) -> None:
        self.open_record_ref(entry.ref, return_to)

    def open_record_ref(self, ref: str, return_to: QWidget) -> None:
        try:
            self.record_view.show_entry(ref)
        except Exception as exc:
            msgbox.warning(self, "Cannot open this record", user_message(exc))
            return
        self._record_return_to = return_to
        self.pages.setCurrentWidget(self.record_view)

    def open_found(self, ref: str, return_to: QWidget) -> None:
        """A search result: a police notification opens as its case, anything else as a record."""
        if ref.upper().startswith("E-"):
            self.open_case(ref)
        else:
            self.open_record_ref(ref, return_to)

    def open_case(self, ref: str) -> None:
        page = self.allegations_page
        if ref.startswith("ALLEGATION-") and page is not None:  # the queue's "tell the LADO"
            self.show_page("Allegations")
            page.tabs.setCurrentIndex(0)
            page.load(choose=int(ref.removeprefix("ALLEGATION-")))
            return
        try:
            self.case_view.show_case(ref)
        except Exception as exc:
            msgbox.warning(self, "Cannot open this case", user_message(exc))
            return
        self.pages.setCurrentWidget(self.case_view)

    def open_review(self, ref: str) -> None:
        """A behaviour record from the queue, opened with its review form over this window."""
        if self.behaviour_page is None:
            msgbox.warning(
                self,
                "Cannot open this record",
                "Your account does not read behaviour records, so it cannot review them.",
            )
            return
        self.behaviour_page.open_review(ref, self)

    def _refresh_queue(self) -> None:
        if self.queue_page is not None:
            self.queue_page.refresh()

    def open_chronology(self, pupil: Pupil) -> None:
        try:
            self.chronology_page.show_pupil(pupil)
        except Exception as exc:
            msgbox.warning(self, "Cannot open this chronology", user_message(exc))
            return
        self.pages.setCurrentWidget(self.chronology_page)

    def _back_to_queue(self) -> None:
        self.show_page("Queue")
        if self.queue_page is not None:
            self.queue_page.refresh()
            self.queue_page.table.setFocus()

    def _notification_recorded(self, ref: str) -> None:
        self._back_to_queue()
        self.open_case(ref)

    def _show_counts(self, _waiting: int, _due_soon: int, overdue: int) -> None:
        # Without a tray the window title carries the count (the taskbar shows it).
        if self.tray is None or not self.tray.available:
            late = f" ({overdue} overdue)" if overdue else ""
            self.setWindowTitle(f"{self.title}{late}")

    def bring_back(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def changeEvent(self, event: QEvent) -> None:
        # Minimised with a tray icon: live in the tray, where the queue keeps alerting.
        if (
            event.type() == QEvent.Type.WindowStateChange
            and self.windowState() & Qt.WindowState.WindowMinimized
            and self.tray is not None
            and self.tray.available
        ):
            QTimer.singleShot(0, self.hide)
        super().changeEvent(event)

    def stop(self) -> None:
        """Before a lock or exit: keep what is half-typed as a draft; stop the queue's clock."""
        if self.record_page is not None:
            self.record_page.stop()
        if self.queue_page is not None:
            self.queue_page.stop()
        if self.behaviour_page is not None:
            self.behaviour_page.stop()
        if self.tray is not None:
            self.tray.hide()
        self.backup_watch.stop()
