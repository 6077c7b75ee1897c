"""The main window: navigation on the left, the signed-in user and Lock at the top."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.entries import StoredEntry
from safedesk.domain.people import Pupil
from safedesk.domain.roles import Permission
from safedesk.services import lists
from safedesk.services.records import readable_kinds
from safedesk.services.session import Session
from safedesk.ui import msgbox
from safedesk.ui.admin_page import AdminPage
from safedesk.ui.errors import user_message
from safedesk.ui.my_records_page import MyRecordsPage
from safedesk.ui.placeholder import PlaceholderPage
from safedesk.ui.pupil_view import PupilView
from safedesk.ui.pupils_page import PupilsPage
from safedesk.ui.record_page import RecordPage
from safedesk.ui.record_view import RecordView


class MainWindow(QMainWindow):
    lock_requested = Signal()

    def __init__(self, session: Session, school_name: str) -> None:
        super().__init__()
        self.session = session
        self.setWindowTitle(f"safedesk — {school_name}")
        self.resize(1100, 720)
        user = session.user

        header = QFrame()
        header.setObjectName("Header")
        school = QLabel(school_name)
        school.setObjectName("Title")
        who = QLabel(f"Signed in as <b>{user.display_name}</b> ({user.roles_label})")
        who.setObjectName("Subtitle")
        self.lock_button = QPushButton("&Lock")
        self.lock_button.setToolTip("Lock safedesk now (it also locks itself when left idle)")
        self.lock_button.clicked.connect(self.lock_requested)
        top = QHBoxLayout(header)
        top.setContentsMargins(20, 10, 20, 10)
        top.addWidget(school)
        top.addStretch(1)
        top.addWidget(who)
        top.addWidget(self.lock_button)

        self.navigation = QListWidget()
        self.navigation.setObjectName("Navigation")
        self.navigation.setFixedWidth(190)
        self.pages = QStackedWidget()
        self.pupils_page: PupilsPage | None = None
        self.record_page: RecordPage | None = None
        self.my_records_page: MyRecordsPage | None = None
        self.page_names: list[str] = []

        can = user.can
        if can(Permission.READ_CONCERNS):
            self._add(
                "Queue",
                PlaceholderPage(
                    "Queue", "Concerns waiting for the DSL, with their deadlines, will appear here."
                ),
            )
        if can(Permission.RECORD_CREATE):
            self.record_page = RecordPage(session)
            self._add("Record", self.record_page)
            self.my_records_page = MyRecordsPage(session)
            self._add("My records", self.my_records_page)
            self.record_page.recorded.connect(self.my_records_page.load_after_recording)
        if can(Permission.PUPIL_LIST):
            self.pupils_page = PupilsPage(session)
            self._add("Pupils", self.pupils_page)
        if can(Permission.READ_CONCERNS) or can(Permission.READ_BEHAVIOUR):
            self._add(
                "Reports",
                PlaceholderPage(
                    "Reports", "Chronologies, PDF exports and summary figures will appear here."
                ),
            )
        if can(Permission.USER_MANAGE) or can(Permission.BACKUP):
            self._add("Admin", AdminPage(session))
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)

        # Pages reached from other pages, not from the navigation.
        labels = {
            name: dict(values)
            for name, values in lists.choices(session, include_retired=True).items()
        }
        self.pupil_view = PupilView(session)
        self.record_view = RecordView(session, labels)
        self.pages.addWidget(self.pupil_view)
        self.pages.addWidget(self.record_view)
        self._record_return_to: QWidget = self.pupil_view
        self.pupil_view.back.connect(lambda: self.show_page("Pupils"))
        self.record_view.back.connect(lambda: self.pages.setCurrentWidget(self._record_return_to))
        self.pupil_view.entries.entry_opened.connect(lambda e: self.open_record(e, self.pupil_view))
        if self.my_records_page is not None:
            page = self.my_records_page
            page.list.entry_opened.connect(lambda e: self.open_record(e, page))
        if self.pupils_page is not None and readable_kinds(user):
            self.pupils_page.pupil_opened.connect(self.open_pupil)

        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.navigation)
        row.addWidget(self.pages, 1)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(header)
        column.addWidget(body, 1)
        self.setCentralWidget(central)
        self.navigation.setCurrentRow(0)
        if self.pupils_page is not None:
            self.pupils_page.load()
        if self.my_records_page is not None:
            self.my_records_page.load()
        if self.record_page is not None:
            self.record_page.refresh_drafts()
            if self.record_page.drafts_note.isVisible():
                self.show_page("Record")  # bring back what they were writing

    def _add(self, name: str, page: QWidget) -> None:
        self.navigation.addItem(name)
        self.pages.addWidget(page)
        self.page_names.append(name)

    def show_page(self, name: str) -> None:
        self.navigation.setCurrentRow(self.page_names.index(name))

    def open_pupil(self, pupil: Pupil) -> None:
        try:
            self.pupil_view.show_pupil(pupil)
        except Exception as exc:
            msgbox.warning(self, "Cannot open this pupil's records", user_message(exc))
            return
        self.pages.setCurrentWidget(self.pupil_view)

    def open_record(self, entry: StoredEntry, return_to: QWidget) -> None:
        try:
            self.record_view.show_entry(entry.ref)
        except Exception as exc:
            msgbox.warning(self, "Cannot open this record", user_message(exc))
            return
        self._record_return_to = return_to
        self.pages.setCurrentWidget(self.record_view)

    def stop(self) -> None:
        """Before a lock or exit: keep what is half-typed as a draft."""
        if self.record_page is not None:
            self.record_page.stop()
