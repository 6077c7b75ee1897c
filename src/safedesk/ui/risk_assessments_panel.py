"""The pupil page's risk assessments: the current version of each (a safeguarding one for DSLs
and the head, a behaviour plan for the behaviour lead too), its review date said plainly when
it has passed, "New risk assessment…", "New version…", and every version to read."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.formatting import date_text, moment_text, rich
from safedesk.domain.local_time import to_local
from safedesk.domain.people import Pupil
from safedesk.domain.risk_assessment import LABELS, AssessmentKind, StoredAssessment
from safedesk.services import risk_assessments
from safedesk.services.risk_assessments import History
from safedesk.services.session import Session
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.risk_assessment_dialog import RiskAssessmentDialog
from safedesk.ui.rows_model import Index, RowsModel

KIND, REF, VERSION, REVIEW, SAVED = range(5)


class AssessmentsModel(RowsModel):
    """One row a pupil's assessment: its current version. Rows are History objects."""

    headers = ("Kind", "Reference", "Version", "Review", "Saved")

    def __init__(self) -> None:
        super().__init__()
        self.today = date.today()

    def set_histories(self, histories: list[History], today: date) -> None:
        self.today = today
        self.set_rows(histories)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        history = self.row_of(index)
        if history is None:
            return None
        if role == OBJECT_ROLE:
            return history
        current: StoredAssessment = history.current
        column = index.column()
        if role == SORT_ROLE:
            return {
                KIND: current.kind.label,
                REF: current.ref,
                VERSION: current.version,
                REVIEW: current.content.review_on.toordinal(),
                SAVED: current.made_at.timestamp(),
            }.get(column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {
                KIND: current.kind.label,
                REF: current.ref,
                VERSION: f"{current.version} of {len(history.versions)}"
                if role == Qt.ItemDataRole.ToolTipRole
                else str(current.version),
                REVIEW: current.review_text(self.today),
                SAVED: f"{moment_text(current.made_at)} by {current.author_name}",
            }.get(column)
        return None


def history_html(history: History, today: date) -> str:
    """Every version, newest first, as rich text (record text escaped)."""
    parts = []
    newer: StoredAssessment | None = None
    for version in history.versions:
        review = (
            version.review_text(today)
            if newer is None
            else f"Review date {date_text(version.content.review_on)}; replaced by version "
            f"{newer.version} on {date_text(to_local(newer.made_at).date())}"
        )
        newer = version
        rows = "".join(
            f"<tr><td width='4%'>{number}.</td><td>{rich(r.risk)}</td><td>{rich(r.measures)}</td>"
            f"<td>{rich(r.owner)}</td></tr>"
            for number, r in enumerate(version.content.risks, start=1)
        )
        parts.append(
            f"<h3>{rich(version.reference)}</h3>"
            f"<p>Saved {moment_text(version.made_at)} by {rich(version.author_name)}. "
            f"{rich(review)}.</p>"
            "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
            f"<tr><th></th><th>{LABELS['risk']}</th><th>{LABELS['measures']}</th>"
            f"<th>{LABELS['owner']}</th></tr>{rows}</table>"
            f"<p><b>{LABELS['consulted']}:</b> {rich(version.content.consulted)}</p>"
        )
    return "<hr>".join(parts)


class HistoryDialog(QDialog):
    """Every version of one assessment, to read (opened with ``open()``)."""

    def __init__(self, history: History, today: date, parent: QWidget | None) -> None:
        super().__init__(parent)
        current = history.current
        self.setWindowTitle(f"safedesk — {current.kind.label} {current.ref}")
        self.resize(820, 520)
        heading = QLabel(f"{current.kind.label} {current.ref}: {current.pupil_name}")
        heading.setObjectName("Title")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QTextBrowser()
        self.text.setAccessibleName("Every version, newest first")
        self.text.setHtml(history_html(history, today))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)


class RiskAssessmentsPanel(QWidget):
    """Shown only to those who read (and write) at least one kind."""

    saved = Signal(object)  # the StoredAssessment saved

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        # Someone who keeps behaviour plans only reads of behaviour plans: "Risk assessments
        # (none yet)" would tell them there is no safeguarding one, which they cannot see.
        self.plans_only = risk_assessments.kinds_for(session) == [AssessmentKind.BEHAVIOUR_PLAN]
        self.noun = "Behaviour plans" if self.plans_only else "Risk assessments"
        self.pupil: Pupil | None = None
        self.histories: list[History] = []
        self.dialog: QDialog | None = None
        self.heading = QLabel(self.noun)
        self.heading.setObjectName("Subtitle")
        self.model = AssessmentsModel()
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.noun)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in (KIND, REF, VERSION, REVIEW):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SAVED, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(110)
        self.table.activated.connect(self.open_history)
        self.new_button = QPushButton(
            "New behaviour pl&an…" if self.plans_only else "New risk &assessment…"
        )
        self.new_button.clicked.connect(self.open_new)
        self.version_button = QPushButton("New &version…")
        self.version_button.setToolTip("Starts from the chosen one's last version, kept as it is")
        self.version_button.clicked.connect(self.open_version)
        self.view_button = QPushButton("View &every version…")
        self.view_button.clicked.connect(lambda: self.open_history(self.table.currentIndex()))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.version_button)
        top.addWidget(self.view_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.setVisible(bool(risk_assessments.kinds_for(session)))

    def _today(self) -> date:
        return to_local(self.session.clock.now()).date()

    def show_pupil(self, pupil: Pupil) -> None:
        """The pupil's assessments of the kinds this session reads (audited)."""
        self.pupil = pupil
        kinds = risk_assessments.kinds_for(self.session)
        self.setVisible(bool(kinds))
        if not kinds:
            self.histories = []
            return
        self.histories = risk_assessments.pupil_assessments(self.session, pupil.upn)
        today = self._today()
        self.model.set_histories(self.histories, today)
        overdue = [h for h in self.histories if h.current.content.review_on < today]
        words = "none yet" if not self.histories else f"{len(self.histories)}"
        if overdue:
            words += f"; review overdue: {', '.join(h.current.ref for h in overdue)}"
        self.heading.setText(f"{self.noun} ({words})")
        if self.histories:
            self.table.selectRow(0)
        self._enable()

    def _missing_kinds(self) -> list[Any]:
        held = {h.kind for h in self.histories}
        return [k for k in risk_assessments.kinds_for(self.session) if k not in held]

    def _enable(self) -> None:
        missing = self._missing_kinds()
        self.new_button.setEnabled(bool(missing))
        self.new_button.setToolTip(
            "A first assessment for this pupil"
            if missing
            else "This pupil has one of each kind you keep: choose one and add a new version"
        )
        chosen = self.chosen()
        self.version_button.setEnabled(chosen is not None)
        self.view_button.setEnabled(chosen is not None)

    def chosen(self) -> History | None:
        found = self.model.row_of(self.table.currentIndex())
        return found if isinstance(found, History) else None

    def open_new(self) -> RiskAssessmentDialog | None:
        missing = self._missing_kinds()
        if self.pupil is None or not missing:
            return None
        dialog = RiskAssessmentDialog(self.session, self.pupil, self, kinds=missing)
        return self._open(dialog)

    def open_version(self) -> RiskAssessmentDialog | None:
        chosen = self.chosen()
        if self.pupil is None or chosen is None:
            return None
        dialog = RiskAssessmentDialog(self.session, self.pupil, self, previous=chosen.current)
        return self._open(dialog)

    def _open(self, dialog: RiskAssessmentDialog) -> RiskAssessmentDialog:
        dialog.succeeded.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, stored: StoredAssessment) -> None:
        if self.pupil is not None:
            self.show_pupil(self.pupil)
            for row, history in enumerate(self.histories):
                if history.current.ref == stored.ref:
                    self.table.selectRow(row)
        self.saved.emit(stored)

    def open_history(self, index: QModelIndex) -> HistoryDialog | None:
        history = self.model.row_of(index)
        if not isinstance(history, History):
            return None
        dialog = HistoryDialog(history, self._today(), self)
        self.dialog = dialog
        dialog.open()
        return dialog
