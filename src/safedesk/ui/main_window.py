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

from safedesk.domain.roles import Permission
from safedesk.services.session import Session
from safedesk.ui.admin_page import AdminPage
from safedesk.ui.placeholder import PlaceholderPage
from safedesk.ui.pupils_page import PupilsPage


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
            self._add(
                "Record",
                PlaceholderPage(
                    "Record",
                    "Record a safeguarding concern, a behaviour incident or a physical "
                    "intervention.",
                ),
            )
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

    def _add(self, name: str, page: QWidget) -> None:
        self.navigation.addItem(name)
        self.pages.addWidget(page)
        self.page_names.append(name)

    def show_page(self, name: str) -> None:
        self.navigation.setCurrentRow(self.page_names.index(name))
