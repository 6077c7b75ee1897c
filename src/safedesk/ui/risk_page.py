"""The pupils who need a risk assessment and have no current one: a child protection plan, a
child in need or looked-after status (DSLs and the head), or repeated physical interventions
(the behaviour lead too, who sees only that part). Enter or a double-click opens the pupil."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import counted, date_text
from safedesk.domain.risk_assessment import AssessmentKind, Vulnerable
from safedesk.services import risk_assessments
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.rows_model import Index, RowsModel

PUPIL, WHY, SINCE, LAST_REVIEW = range(4)


class VulnerableModel(RowsModel):
    headers = ("Pupil", "Why", "Needed since", "Last review date")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        found = self.row_of(index)
        if not isinstance(found, Vulnerable):
            return None
        if role == OBJECT_ROLE:
            return found
        column = index.column()
        if role == SORT_ROLE:
            return {
                PUPIL: found.name.casefold(),
                WHY: found.reason_text,
                SINCE: found.since.toordinal(),
                LAST_REVIEW: found.last_review_on.toordinal() if found.last_review_on else 0,
            }.get(column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {
                PUPIL: found.name,
                WHY: found.reason_text,
                SINCE: date_text(found.since),
                LAST_REVIEW: date_text(found.last_review_on, "never assessed"),
            }.get(column)
        return None


def plans_only(session: Session) -> bool:
    """The person keeps behaviour plans and cannot see safeguarding risk assessments: the page
    speaks of behaviour plans only, never implying a pupil has no risk assessment."""
    return risk_assessments.kinds_for(session) == [AssessmentKind.BEHAVIOUR_PLAN]


def page_name(session: Session) -> str:
    """The page's name in the side bar."""
    return "Behaviour plans" if plans_only(session) else "Risk assessments"


def load(session: Session) -> list[Vulnerable]:
    return risk_assessments.vulnerable_pupils(session)


class RiskPage(QWidget):
    pupil_opened = Signal(str)  # the pupil's UPN

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.plans_only = plans_only(session)
        heading = (
            "Pupils who may need a behaviour plan"
            if self.plans_only
            else "Pupils who need a risk assessment"
        )
        title = QLabel(heading)
        title.setObjectName("Title")
        explain = QLabel(
            "Pupils with a child protection plan, a child in need or looked-after status, or "
            "repeated physical interventions, and no risk assessment or behaviour plan whose "
            "review date is today or later. Press Enter on a pupil to open their page."
            if not self.plans_only
            else "Pupils with repeated physical interventions and no behaviour plan whose "
            "review date is today or later. Press Enter on a pupil to open their page."
        )
        explain.setWordWrap(True)
        self.count = QLabel()
        self.count.setObjectName("Subtitle")
        self.model = VulnerableModel()
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap)
        self.table.setModel(self.model)
        self.table.setAccessibleName(heading)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in (PUPIL, SINCE, LAST_REVIEW):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHY, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._open)
        self.refresh_button = QPushButton("Refres&h")
        self.refresh_button.clicked.connect(self.load)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addLayout(top)
        layout.addWidget(explain)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        self.loading = False

    def load(self) -> None:
        """Reads the list off the UI thread (audited)."""
        if self.loading:
            return
        self.loading = True
        self.count.setText("Loading…")
        tasks.run(load, self.session).on_success(self._loaded).on_error(self._failed)

    def _loaded(self, found: list[Vulnerable]) -> None:
        self.loading = False
        self.model.set_rows(found)
        if self.plans_only:
            self.count.setText(
                f"{counted(len(found), 'pupil')} without a current behaviour plan."
                if found
                else "Every pupil who may need a behaviour plan has a current one."
            )
        else:
            self.count.setText(
                f"{counted(len(found), 'pupil')} without a current risk assessment."
                if found
                else "Every pupil who needs a risk assessment has a current one."
            )
        if found:
            self.table.selectRow(0)

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.count.setText("The list could not be loaded: " + user_message(exc))

    def _open(self, index: QModelIndex) -> None:
        found = self.model.row_of(index)
        if isinstance(found, Vulnerable):
            self.pupil_opened.emit(found.upn)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.load()
